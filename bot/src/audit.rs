//! `warroom audit`: the audit log as a table, for reviews and post-mortems.

use chrono::{DateTime, Utc};
use warroom_commands::actions::AuditEntry;
use warroom_commands::grammar::{DurationError, parse_duration, too_far_back};
use warroom_commands::ports::AuditFilter;
use warroom_commands::reply::render_table;
use warroom_commands::timefmt;

/// `--since 24h` (a duration back from now) or `--since 2026-11-20T00:00:00Z`.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let too_far = || too_far_back("since", text);
    match parse_duration(text) {
        Ok(ago) => now.checked_sub_signed(ago).ok_or_else(too_far),
        Err(DurationError::TooLong(_)) => Err(too_far()),
        Err(DurationError::NotADuration(_)) => Err(format!(
            "`{text}` is neither a duration (24h, 30m, 7d) nor a time like 2026-11-20T00:00:00Z."
        )),
    }
}

pub fn filter(since: Option<DateTime<Utc>>, service: Option<String>) -> AuditFilter {
    AuditFilter { since, service }
}

/// The entries as a table, one row each, oldest first.
pub fn render(entries: &[AuditEntry]) -> String {
    if entries.is_empty() {
        return "No audit entries match.\n".to_string();
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                timefmt::at_seconds(e.at),
                e.event.as_str().to_string(),
                e.actor.clone(),
                e.channel.to_string(),
                e.text.clone(),
                match (&e.service, &e.environment) {
                    (Some(s), Some(env)) => format!("{s} ({env})"),
                    _ => "-".into(),
                },
                opt(&e.approved_by),
                e.outcome.clone(),
            ]
        })
        .collect();
    let headers: Vec<String> = [
        "Time (UTC)",
        "Event",
        "Who",
        "Where",
        "Command",
        "Service",
        "Approved by",
        "Outcome",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    render_table(&headers, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_a_duration_back_from_now_or_a_time() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_since("24h", now),
            Ok(now - chrono::TimeDelta::hours(24))
        );
        assert!(
            parse_since("soon", now)
                .unwrap_err()
                .contains("neither a duration")
        );
        assert_eq!(
            parse_since("99999999999d", now).unwrap_err(),
            "--since 99999999999d is further back than warroom can look; give at most 36500d (100 years), or a time like 2026-11-22T03:00:00Z."
        );
    }
}

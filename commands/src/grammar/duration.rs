//! Durations as people type them: `500ms`, `30s`, `15m`, `2h`, `1d`, `1h30m`.
//!
//! Every duration warroom reads (a command's `--since`, a snooze, a configured escalation
//! delay or timeout) comes through [`parse_duration`], so its bound, [`MAX_DURATION`], is what
//! keeps `now ± duration` a date: chrono's dates end around the year 262000, and a duration
//! typed as `99999999999d` would otherwise take the arithmetic past them.

use chrono::{DateTime, TimeDelta, Utc};

/// The longest duration accepted anywhere: a hundred years, far inside what a date can hold
/// on either side of today.
pub const MAX_DURATION: TimeDelta = TimeDelta::days(MAX_DAYS);
const MAX_DAYS: i64 = 36_500;

/// [`MAX_DURATION`] as a user would type it, for messages.
pub const MAX_DURATION_TEXT: &str = "36500d (100 years)";

/// Why typed text is not a duration warroom can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("`{0}` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or 1h30m.")]
    NotADuration(String),
    #[error("`{0}` is longer than warroom can count; give at most {MAX_DURATION_TEXT}.")]
    TooLong(String),
}

/// Parses a duration of at most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<TimeDelta, DurationError> {
    let bad = || DurationError::NotADuration(text.to_string());
    let too_long = || DurationError::TooLong(text.to_string());
    let mut total = TimeDelta::zero();
    let mut digits = String::new();
    let mut seen_unit = false;
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.is_empty() {
            return Err(bad());
        }
        // Only digits were collected, so the one way parsing fails is a number too big.
        let n: i64 = digits.parse().map_err(|_| too_long())?;
        digits.clear();
        let millis = c.eq_ignore_ascii_case(&'m')
            && chars.next_if(|n| n.eq_ignore_ascii_case(&'s')).is_some();
        let part = match c.to_ascii_lowercase() {
            'm' if millis => TimeDelta::try_milliseconds(n),
            's' => TimeDelta::try_seconds(n),
            'm' => TimeDelta::try_minutes(n),
            'h' => TimeDelta::try_hours(n),
            'd' => TimeDelta::try_days(n),
            'w' => TimeDelta::try_weeks(n),
            _ => return Err(bad()),
        };
        total = part
            .and_then(|part| total.checked_add(&part))
            .ok_or_else(too_long)?;
        seen_unit = true;
    }
    if !digits.is_empty() || !seen_unit {
        return Err(bad());
    }
    if total > MAX_DURATION {
        return Err(too_long());
    }
    Ok(total)
}

/// `at + by`, or the last date there is when the sum would pass it: for durations from
/// configuration, which [`parse_duration`] already bounds, so this never saturates with a
/// clock that reads anything near today.
pub fn later(at: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
    at.checked_add_signed(by)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse_duration("30s"), Ok(TimeDelta::seconds(30)));
        assert_eq!(parse_duration("15m"), Ok(TimeDelta::minutes(15)));
        assert_eq!(parse_duration("48h"), Ok(TimeDelta::hours(48)));
        assert_eq!(parse_duration("1h30m"), Ok(TimeDelta::minutes(90)));
        assert_eq!(parse_duration("1d"), Ok(TimeDelta::days(1)));
        assert_eq!(parse_duration("500ms"), Ok(TimeDelta::milliseconds(500)));
        assert_eq!(parse_duration("1m30s"), Ok(TimeDelta::seconds(90)));
        assert_eq!(parse_duration("36500d"), Ok(MAX_DURATION));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for text in ["", "15", "m", "15x", "1.5h", "h15", "-5m", "1h-5m"] {
            let err = parse_duration(text).unwrap_err();
            assert_eq!(err, DurationError::NotADuration(text.into()), "{text}");
            assert!(err.to_string().contains("not a duration"), "{text}: {err}");
        }
    }

    #[test]
    fn refuses_what_no_date_could_be_that_far_from() {
        for text in [
            "36501d",
            "99999999999d",
            "99999999999999999999d",
            "9223372036854775807ms",
            "5215w",
            "36500d1s",
        ] {
            let err = parse_duration(text).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "`{text}` is longer than warroom can count; give at most 36500d (100 years)."
                )
            );
        }
    }

    #[test]
    fn later_saturates_at_the_last_date() {
        let now = DateTime::<Utc>::MAX_UTC - TimeDelta::days(1);
        assert_eq!(later(now, MAX_DURATION), DateTime::<Utc>::MAX_UTC);
        let t = DateTime::parse_from_rfc3339("2026-11-22T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(later(t, TimeDelta::hours(1)), t + TimeDelta::hours(1));
    }
}

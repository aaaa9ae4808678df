//! One incident's page: its facts, its timeline as it happened, and the post-mortem draft.
//!
//! A review asks two things of a timeline: when the moments that are measured happened
//! (declared, acknowledged, severity changed, resolved), and where the record goes quiet. So
//! key entries are marked, and a silence of more than half an hour — the P1 update interval —
//! is written into the timeline as a gap: either nothing happened, which is worth asking about,
//! or something happened that nobody recorded, which is worth fixing.

use std::fmt::Write;

use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::incident::{EntryKind, Incident, SeverityPolicy, TimelineEntry};
use warroom_commands::{postmortem, timefmt};

use super::html::escape;
use super::markdown;

/// Two consecutive entries further apart than this have a gap marked between them.
const GAP: TimeDelta = TimeDelta::minutes(30);

/// Everything the page shows, and how the reader got here.
pub struct View<'a> {
    pub incident: &'a Incident,
    pub timeline: &'a [TimelineEntry],
    pub policy: &'a SeverityPolicy,
    pub now: DateTime<Utc>,
    /// The signed link's token, carried into the download links.
    pub token: Option<&'a str>,
    pub show_list_link: bool,
}

impl View<'_> {
    pub fn body(&self) -> String {
        let incident = self.incident;
        let mut html = String::new();
        let h = &mut html;
        if self.show_list_link {
            let _ = writeln!(
                h,
                "<nav><a href=\"/incidents\">\u{2190} All incidents</a></nav>"
            );
        }
        let _ = writeln!(
            h,
            "<h1><span class=\"id\">{}</span> {}</h1>",
            incident.id,
            escape(&incident.title)
        );
        h.push_str(&self.facts());
        let _ = writeln!(
            h,
            "<p class=\"downloads\">Download the draft: <a href=\"{}\" download>Markdown</a> · \
             <a href=\"{}\" download>JSON</a></p>",
            escape(&self.download("md")),
            escape(&self.download("json"))
        );
        let _ = writeln!(h, "<h2>Timeline</h2>");
        h.push_str(&timeline(self.timeline));
        let _ = writeln!(h, "<section class=\"postmortem\">");
        h.push_str(&markdown::to_html(&postmortem::render(
            incident,
            self.timeline,
            self.policy,
        )));
        let _ = writeln!(h, "</section>");
        html
    }

    /// `/incidents/7.md`, with the signed link's token when there is one.
    fn download(&self, suffix: &str) -> String {
        let path = format!("/incidents/{}.{suffix}", self.incident.id.0);
        match self.token {
            Some(token) => format!("{path}?sig={token}"),
            None => path,
        }
    }

    fn facts(&self) -> String {
        let incident = self.incident;
        let targets = self.policy.targets(incident.severity);
        let since_declared = |at: DateTime<Utc>| timefmt::duration(at - incident.declared_at);
        let acknowledged = match (incident.acknowledged_at, &incident.acknowledged_by) {
            (Some(at), by) => format!(
                "{}{} ({} after declaration)",
                timefmt::at(at),
                by.as_deref()
                    .map(|by| format!(" by {}", escape(by)))
                    .unwrap_or_default(),
                since_declared(at)
            ),
            (None, _) => "not acknowledged".to_string(),
        };
        let resolved = match incident.resolved_at {
            Some(at) if !incident.status.is_open() => {
                format!("{} (after {})", timefmt::at(at), since_declared(at))
            }
            _ => format!("open for {}", since_declared(self.now)),
        };
        let facts = [
            (
                "Severity",
                format!(
                    "<span class=\"sev sev-{}\">{} {}</span> — {}",
                    incident.severity.as_str(),
                    incident.severity.marker(),
                    incident.severity,
                    escape(&targets.description)
                ),
            ),
            (
                "Status",
                format!("<span class=\"status\">{}</span>", incident.status),
            ),
            (
                "Lead",
                escape(incident.lead.as_deref().unwrap_or("none named")),
            ),
            (
                "Declared",
                format!(
                    "{} by {}",
                    timefmt::at(incident.declared_at),
                    escape(&incident.declared_by)
                ),
            ),
            ("Acknowledged", acknowledged),
            ("Resolved", resolved),
            ("Channel", escape(&incident.channel.to_string())),
        ];
        let mut html = String::from("<dl class=\"facts\">\n");
        for (name, value) in facts {
            let _ = writeln!(html, "<dt>{name}</dt><dd>{value}</dd>");
        }
        html.push_str("</dl>\n");
        html
    }
}

/// The timeline as an ordered list, key entries marked and silences written in.
pub fn timeline(entries: &[TimelineEntry]) -> String {
    if entries.is_empty() {
        return "<p>Nothing has been recorded yet.</p>\n".to_string();
    }
    let mut html = String::from("<ol class=\"timeline\">\n");
    let mut previous: Option<DateTime<Utc>> = None;
    for entry in entries {
        if let Some(before) = previous
            && entry.at - before > GAP
        {
            let _ = writeln!(
                html,
                "<li class=\"gap\" role=\"separator\">— {} with nothing recorded —</li>",
                timefmt::duration(entry.at - before)
            );
        }
        previous = Some(entry.at);
        let key = key_label(entry.kind);
        let _ = writeln!(
            html,
            "<li class=\"entry kind-{kind}{key}\"><time datetime=\"{datetime}\">{at}</time> \
             <span class=\"kind\">{label}</span> <span class=\"actor\">{actor}</span>\
             <p class=\"text\">{text}</p></li>",
            kind = entry.kind.as_str(),
            key = if key.is_some() { " key" } else { "" },
            label = key.unwrap_or(entry.kind.as_str()),
            datetime = entry.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            at = timefmt::at_seconds(entry.at),
            actor = escape(&entry.actor),
            text = escape(&entry.text),
        );
    }
    html.push_str("</ol>\n");
    html
}

/// The entries a review measures from, named; every other entry is shown by its kind.
fn key_label(kind: EntryKind) -> Option<&'static str> {
    match kind {
        EntryKind::Declared => Some("Declared"),
        EntryKind::Acknowledged => Some("Acknowledged"),
        EntryKind::SeverityChanged => Some("Severity changed"),
        EntryKind::Resolved => Some("Resolved"),
        EntryKind::Reopened => Some("Reopened"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use warroom_commands::incident::IncidentId;

    use super::*;

    fn entry(minute: i64, kind: EntryKind, text: &str) -> TimelineEntry {
        TimelineEntry {
            seq: minute,
            incident: IncidentId(1),
            at: DateTime::parse_from_rfc3339("2026-11-22T03:00:00Z")
                .unwrap()
                .with_timezone(&Utc)
                + TimeDelta::minutes(minute),
            actor: "U1".into(),
            kind,
            text: text.into(),
            from: None,
            to: None,
        }
    }

    #[test]
    fn silences_longer_than_half_an_hour_are_marked() {
        let html = timeline(&[
            entry(0, EntryKind::Declared, "declared P1: api down"),
            entry(30, EntryKind::Note, "exactly thirty minutes later"),
            entry(75, EntryKind::Note, "then a long silence"),
            entry(200, EntryKind::Resolved, "resolved"),
        ]);
        let gaps: Vec<&str> = html
            .lines()
            .filter(|l| l.contains("class=\"gap\""))
            .collect();
        assert_eq!(gaps.len(), 2, "{html}");
        assert!(gaps[0].contains("— 45m with nothing recorded —"));
        assert!(gaps[1].contains("— 2h 05m with nothing recorded —"));
        let first_gap = html.find("45m with nothing").unwrap();
        assert!(html.find("exactly thirty").unwrap() < first_gap);
        assert!(first_gap < html.find("then a long silence").unwrap());
    }

    #[test]
    fn key_times_are_marked_and_notes_are_not() {
        let html = timeline(&[
            entry(0, EntryKind::Declared, "declared"),
            entry(1, EntryKind::Acknowledged, "acknowledged"),
            entry(2, EntryKind::SeverityChanged, "severity P1 → P2"),
            entry(3, EntryKind::Note, "a note"),
            entry(4, EntryKind::Resolved, "resolved"),
        ]);
        let keyed = |text: &str| {
            html.lines()
                .find(|l| l.contains(text))
                .is_some_and(|l| l.contains(" key\""))
        };
        assert!(keyed(">declared<") && keyed(">acknowledged<") && keyed("P1 → P2"));
        assert!(keyed(">resolved<"));
        assert!(!keyed("a note"));
        assert!(html.contains("<span class=\"kind\">Severity changed</span>"));
        assert!(html.contains("<span class=\"kind\">note</span>"));
    }

    #[test]
    fn what_people_wrote_is_escaped() {
        let mut evil = entry(0, EntryKind::Note, "<script>alert(1)</script>");
        evil.actor = "<b>mallory</b>".into();
        let html = timeline(&[evil]);
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;mallory&lt;/b&gt;"));
    }
}

//! The post-mortem draft, in Markdown.
//!
//! Everything in it is derived from the incident and its timeline, never from memory, so the
//! draft matches what was recorded; sections only the team can write (impact, root cause, what
//! went well or badly) are left as clearly marked placeholders. The output is deterministic:
//! the same record renders the same bytes, which the golden test pins.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};

use crate::incident::{EntryKind, Incident, Severity, SeverityPolicy, Status, TimelineEntry};
use crate::timefmt;

/// The moments a post-mortem measures from.
struct KeyTimes {
    declared: DateTime<Utc>,
    acknowledged: Option<DateTime<Utc>>,
    /// The first time the incident went to `monitoring`.
    mitigated: Option<DateTime<Utc>>,
    /// The last resolution, if the incident is resolved now.
    resolved: Option<DateTime<Utc>>,
}

impl KeyTimes {
    fn from(incident: &Incident, timeline: &[TimelineEntry]) -> KeyTimes {
        let first =
            |pred: &dyn Fn(&TimelineEntry) -> bool| timeline.iter().find(|e| pred(e)).map(|e| e.at);
        KeyTimes {
            declared: incident.declared_at,
            acknowledged: first(&|e| e.kind == EntryKind::Acknowledged),
            mitigated: first(&|e| {
                e.kind == EntryKind::StatusChanged
                    && e.to.as_deref() == Some(Status::Monitoring.as_str())
            }),
            resolved: if incident.status == Status::Resolved {
                timeline
                    .iter()
                    .rev()
                    .find(|e| e.kind == EntryKind::Resolved)
                    .map(|e| e.at)
            } else {
                None
            },
        }
    }
}

/// Escapes text for one Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', "<br>")
}

pub fn render(incident: &Incident, timeline: &[TimelineEntry], policy: &SeverityPolicy) -> String {
    let times = KeyTimes::from(incident, timeline);
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Post-mortem: {} — {}\n", incident.id, incident.title);

    let _ = writeln!(w, "| | |\n|---|---|");
    let _ = writeln!(
        w,
        "| Severity | {} ({}) |",
        incident.severity,
        policy.targets(incident.severity).description
    );
    let _ = writeln!(w, "| Status | {} |", incident.status);
    let _ = writeln!(w, "| Channel | {} |", cell(&incident.channel.to_string()));
    let _ = writeln!(
        w,
        "| Lead | {} |",
        cell(incident.lead.as_deref().unwrap_or("none named"))
    );
    let duration = match times.resolved {
        Some(end) => timefmt::duration(end - times.declared),
        None => "still open".to_string(),
    };
    let _ = writeln!(w, "| Duration | {duration} |");
    if let (Some(resolved), Some(due)) = (
        times.resolved,
        policy.targets(incident.severity).postmortem_due,
    ) {
        let _ = writeln!(w, "| Post-mortem due | {} |", timefmt::at(resolved + due));
    }

    let _ = writeln!(w, "\n## Severity history\n");
    for e in timeline
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::Declared | EntryKind::SeverityChanged))
    {
        let what = match (&e.from, &e.to) {
            (Some(from), Some(to)) => {
                format!("{} → {}", from.to_uppercase(), to.to_uppercase())
            }
            (None, Some(to)) => format!("declared {}", to.to_uppercase()),
            _ => e.text.clone(),
        };
        let _ = writeln!(w, "- {} — {what} by {}", timefmt::at(e.at), e.actor);
    }

    let _ = writeln!(w, "\n## Key times\n");
    let _ = writeln!(w, "| Event | Time | After declaration |\n|---|---|---|");
    let _ = writeln!(
        w,
        "| Declared | {} | — |",
        timefmt::at_seconds(times.declared)
    );
    for (name, at) in [
        ("Acknowledged", times.acknowledged),
        ("Mitigated (first monitoring)", times.mitigated),
        ("Resolved", times.resolved),
    ] {
        let (when, after) = match at {
            Some(t) => (
                timefmt::at_seconds(t),
                timefmt::duration(t - times.declared),
            ),
            None => ("—".to_string(), "—".to_string()),
        };
        let _ = writeln!(w, "| {name} | {when} | {after} |");
    }
    let measure = |at: Option<DateTime<Utc>>| {
        at.map_or("not reached".to_string(), |t| {
            timefmt::duration(t - times.declared)
        })
    };
    // The acknowledge target is the one in force when the incident was declared.
    let declared_as = timeline
        .iter()
        .find(|e| e.kind == EntryKind::Declared)
        .and_then(|e| e.to.as_deref())
        .and_then(Severity::parse)
        .unwrap_or(incident.severity);
    let _ = writeln!(
        w,
        "\nTime to acknowledge: {} (target for {declared_as}: {}). Time to mitigate: {}. Time to resolve: {}.",
        measure(times.acknowledged),
        policy.targets(declared_as).acknowledge.describe(),
        measure(times.mitigated),
        measure(times.resolved)
    );

    let _ = writeln!(w, "\n## Summary\n");
    let _ = writeln!(
        w,
        "{}",
        incident
            .summary
            .as_deref()
            .unwrap_or("_No summary was given at resolution; write one here._")
    );
    let _ = writeln!(w, "\n## Impact\n");
    let _ = writeln!(
        w,
        "_To be filled in by the team: who was affected, how, and for how long._"
    );

    let _ = writeln!(w, "\n## Timeline\n");
    let _ = writeln!(w, "| Time (UTC) | Who | What |\n|---|---|---|");
    for e in timeline {
        let _ = writeln!(
            w,
            "| {} | {} | {} |",
            timefmt::at_seconds(e.at),
            cell(&e.actor),
            cell(&e.describe())
        );
    }

    let _ = writeln!(w, "\n## Actions taken\n");
    let actions: Vec<&TimelineEntry> = timeline
        .iter()
        .filter(|e| e.kind == EntryKind::Action)
        .collect();
    if actions.is_empty() {
        let _ = writeln!(
            w,
            "No operations were run through warroom during this incident."
        );
    }
    for e in actions {
        let _ = writeln!(w, "- {} — {}: {}", timefmt::at(e.at), e.actor, e.text);
    }

    let _ = writeln!(w, "\n## Follow-up items\n");
    let follow_ups: Vec<&TimelineEntry> = timeline
        .iter()
        .filter(|e| e.kind == EntryKind::FollowUp)
        .collect();
    if follow_ups.is_empty() {
        let _ = writeln!(w, "_None recorded; add them with `/incident action TEXT`._");
    }
    for e in follow_ups {
        let _ = writeln!(w, "- [ ] {} ({}, {})", e.text, e.actor, timefmt::at(e.at));
    }

    let _ = writeln!(w, "\n## Participants\n");
    let mut participants: BTreeMap<&str, usize> = BTreeMap::new();
    for e in timeline {
        *participants.entry(e.actor.as_str()).or_default() += 1;
    }
    for (who, count) in participants {
        let plural = if count == 1 { "entry" } else { "entries" };
        let _ = writeln!(w, "- {who} ({count} timeline {plural})");
    }

    for section in ["Root cause", "What went well", "What went badly"] {
        let _ = writeln!(w, "\n## {section}\n\n_To be written by the team._");
    }
    md
}

//! The post-mortem draft as files: Markdown to paste into the team's wiki, JSON for tools.
//!
//! Both are the record as stored, in the same words the page shows: the Markdown is exactly
//! what `warroom postmortem` prints, and the JSON carries the incident's fields, every
//! timeline entry and that same Markdown, so a tool never has to scrape the page. Both are
//! sent as attachments named after the incident, so a browser saves them instead of showing
//! text it might be tempted to interpret.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use warroom_commands::incident::{Incident, SeverityPolicy, TimelineEntry};
use warroom_commands::postmortem;

/// `INC-7.md`: the draft, as `text/markdown`.
pub fn markdown(
    incident: &Incident,
    timeline: &[TimelineEntry],
    policy: &SeverityPolicy,
) -> Response {
    attachment(
        "text/markdown; charset=utf-8",
        &format!("{}.md", incident.id),
        postmortem::render(incident, timeline, policy),
    )
}

/// `INC-7.json`: the incident, its timeline and the draft.
pub fn json(incident: &Incident, timeline: &[TimelineEntry], policy: &SeverityPolicy) -> Response {
    let body = document(incident, timeline, policy);
    attachment(
        "application/json",
        &format!("{}.json", incident.id),
        serde_json::to_string_pretty(&body).expect("a JSON value always serializes"),
    )
}

/// The JSON document; times are RFC 3339 in UTC.
pub fn document(
    incident: &Incident,
    timeline: &[TimelineEntry],
    policy: &SeverityPolicy,
) -> serde_json::Value {
    let time = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    let entries: Vec<serde_json::Value> = timeline
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq,
                "at": time(e.at),
                "actor": e.actor,
                "kind": e.kind.as_str(),
                "text": e.text,
                "from": e.from,
                "to": e.to,
            })
        })
        .collect();
    json!({
        "id": incident.id.to_string(),
        "number": incident.id.0,
        "title": incident.title,
        "severity": incident.severity.as_str(),
        "status": incident.status.as_str(),
        "channel": incident.channel.to_string(),
        "lead": incident.lead,
        "declared_by": incident.declared_by,
        "declared_at": time(incident.declared_at),
        "acknowledged_by": incident.acknowledged_by,
        "acknowledged_at": incident.acknowledged_at.map(time),
        "resolved_at": incident.resolved_at.map(time),
        "summary": incident.summary,
        "timeline": entries,
        "postmortem_markdown": postmortem::render(incident, timeline, policy),
    })
}

fn attachment(content_type: &'static str, filename: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

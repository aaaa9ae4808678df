//! The list of incidents, newest first, for people with credentials.
//!
//! It is where a review meeting starts ("every P1 this quarter", "the checkout ones"), so the
//! filters are the three questions asked there — open or resolved, which severity, what it was
//! about — and they live in the query string, so a filtered list is a link that can be shared
//! with someone who has the same credentials. Signed links never open the list: one links to
//! one incident.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use warroom_commands::incident::{Incident, Severity};
use warroom_commands::ports::ListFilter;
use warroom_commands::timefmt;

use super::auth::Resource;
use super::html::{self, escape};
use super::{Pages, internal_error};

/// How many incidents are read for one list; filters apply within them.
const LIMIT: u32 = 500;

/// The query string as typed; empty values mean "no filter", as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    status: Option<String>,
    severity: Option<String>,
    q: Option<String>,
    #[serde(rename = "sig")]
    token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusFilter {
    All,
    Open,
    Resolved,
}

/// The filters in force.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Filters {
    status: StatusFilter,
    severity: Option<Severity>,
    text: String,
}

impl Filters {
    /// The filters, or the sentence saying which value is not understood.
    fn parse(query: &ListQuery) -> Result<Filters, String> {
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let status = match given(&query.status)
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("all") => StatusFilter::All,
            Some("open") => StatusFilter::Open,
            Some("resolved") => StatusFilter::Resolved,
            Some(other) => {
                return Err(format!(
                    "“{other}” is not a status filter; use open, resolved or all."
                ));
            }
        };
        let severity = match given(&query.severity) {
            None => None,
            Some(text) => Some(
                Severity::parse(&text)
                    .ok_or_else(|| format!("“{text}” is not a severity; use p1, p2, p3 or p4."))?,
            ),
        };
        Ok(Filters {
            status,
            severity,
            text: given(&query.q).unwrap_or_default(),
        })
    }

    fn is_active(&self) -> bool {
        self.status != StatusFilter::All || self.severity.is_some() || !self.text.is_empty()
    }

    fn keeps(&self, incident: &Incident) -> bool {
        let status = match self.status {
            StatusFilter::All => true,
            StatusFilter::Open => incident.status.is_open(),
            StatusFilter::Resolved => !incident.status.is_open(),
        };
        status
            && self.severity.is_none_or(|s| s == incident.severity)
            && (self.text.is_empty()
                || incident
                    .title
                    .to_lowercase()
                    .contains(&self.text.to_lowercase()))
    }

    /// The filter form, showing the filters in force.
    fn form(&self) -> String {
        let option = |value: &str, label: &str, selected: bool| {
            format!(
                "<option value=\"{value}\"{}>{label}</option>",
                if selected { " selected" } else { "" }
            )
        };
        let statuses: String = [
            ("all", "all", StatusFilter::All),
            ("open", "open", StatusFilter::Open),
            ("resolved", "resolved", StatusFilter::Resolved),
        ]
        .into_iter()
        .map(|(value, label, status)| option(value, label, self.status == status))
        .collect();
        let severities: String = std::iter::once(option("", "any", self.severity.is_none()))
            .chain(Severity::ALL.into_iter().map(|s| {
                option(
                    s.as_str(),
                    &format!("{} {s}", s.marker()),
                    self.severity == Some(s),
                )
            }))
            .collect();
        let clear = if self.is_active() {
            " <a href=\"/incidents\">clear</a>"
        } else {
            ""
        };
        format!(
            "<form class=\"filters\" method=\"get\" action=\"/incidents\">\n\
             <label>Status <select name=\"status\">{statuses}</select></label>\n\
             <label>Severity <select name=\"severity\">{severities}</select></label>\n\
             <label>Title contains <input type=\"search\" name=\"q\" value=\"{}\"></label>\n\
             <button type=\"submit\">Filter</button>{clear}\n</form>\n",
            escape(&self.text)
        )
    }
}

pub(super) async fn show(
    State(pages): State<Arc<Pages>>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = pages.admit(&headers, query.token.as_deref(), Resource::List) {
        return pages.refused(refusal);
    }
    let filters = match Filters::parse(&query) {
        Ok(filters) => filters,
        Err(sentence) => {
            return html::sentence(StatusCode::BAD_REQUEST, "Unknown filter", &sentence);
        }
    };
    let from_store = match filters.status {
        StatusFilter::Open => ListFilter::Open,
        StatusFilter::All | StatusFilter::Resolved => ListFilter::All,
    };
    let incidents = match pages.store.list(from_store, LIMIT).await {
        Ok(incidents) => incidents,
        Err(error) => return internal_error(error),
    };
    let read = incidents.len();
    let shown: Vec<&Incident> = incidents.iter().filter(|i| filters.keeps(i)).collect();
    let mut body = String::from("<h1>Incidents</h1>\n");
    body.push_str(&filters.form());
    if shown.is_empty() {
        body.push_str(if filters.is_active() {
            "<p class=\"empty\">No incidents match these filters.</p>\n"
        } else {
            "<p class=\"empty\">No incidents have been declared yet.</p>\n"
        });
    } else {
        body.push_str(&rows(&shown, pages.clock.now()));
    }
    if read == LIMIT as usize {
        let _ = writeln!(
            body,
            "<p class=\"muted\">Only the newest {LIMIT} incidents were searched.</p>"
        );
    }
    html::page(StatusCode::OK, "Incidents", &body)
}

fn rows(incidents: &[&Incident], now: DateTime<Utc>) -> String {
    let mut html = String::from("<ol class=\"incidents\">\n");
    for incident in incidents {
        let duration = match incident.resolved_at {
            Some(end) if !incident.status.is_open() => {
                format!("lasted {}", timefmt::duration(end - incident.declared_at))
            }
            _ => format!("open for {}", timefmt::duration(now - incident.declared_at)),
        };
        let _ = writeln!(
            html,
            "<li class=\"incident sev-{sev} {state}\"><a href=\"/incidents/{number}\">\
             <span class=\"id\">{id}</span> <span class=\"sev\">{marker} {severity}</span> \
             <span class=\"title\">{title}</span></a>\
             <p class=\"meta\"><span class=\"status\">{status}</span> · declared {declared} · \
             <span class=\"duration\">{duration}</span></p></li>",
            sev = incident.severity.as_str(),
            state = if incident.status.is_open() {
                "open"
            } else {
                "resolved"
            },
            number = incident.id.0,
            id = incident.id,
            marker = incident.severity.marker(),
            severity = incident.severity,
            title = escape(&incident.title),
            status = incident.status,
            declared = timefmt::at(incident.declared_at),
        );
    }
    html.push_str("</ol>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(status: &str, severity: &str, q: &str) -> ListQuery {
        let some = |v: &str| Some(v.to_string());
        ListQuery {
            status: some(status),
            severity: some(severity),
            q: some(q),
            token: None,
        }
    }

    #[test]
    fn empty_values_mean_no_filter() {
        let filters = Filters::parse(&query("", "", "  ")).unwrap();
        assert!(!filters.is_active());
        assert_eq!(
            Filters::parse(&ListQuery::default()).unwrap(),
            filters,
            "absent and empty read the same"
        );
    }

    #[test]
    fn filters_parse_and_unknown_values_are_named() {
        let filters = Filters::parse(&query("Open", "P1", "checkout")).unwrap();
        assert_eq!(filters.status, StatusFilter::Open);
        assert_eq!(filters.severity, Some(Severity::P1));
        assert_eq!(filters.text, "checkout");
        assert_eq!(
            Filters::parse(&query("", "p9", "")).unwrap_err(),
            "“p9” is not a severity; use p1, p2, p3 or p4."
        );
        assert!(Filters::parse(&query("closed", "", "")).is_err());
    }

    #[test]
    fn the_form_shows_the_filters_in_force_escaped() {
        let filters = Filters::parse(&query("resolved", "p2", "\"><script>")).unwrap();
        let form = filters.form();
        assert!(form.contains("<option value=\"resolved\" selected>"));
        assert!(form.contains("<option value=\"p2\" selected>"));
        assert!(
            form.contains("value=\"&quot;&gt;&lt;script&gt;\""),
            "{form}"
        );
        assert!(form.contains(">clear</a>"));
    }
}

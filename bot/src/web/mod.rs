//! Incident pages: the post-mortem review, served by `warroom serve` under `/incidents`.
//!
//! A chat channel is a poor place to read an incident back: the timeline is scattered between
//! conversation, and the post-mortem draft is too long for a message. These pages show the
//! record as the store holds it — the incident's facts, its timeline with the silences marked,
//! and the same draft `warroom postmortem` writes — so the review starts from what was
//! recorded, on whatever the reviewer has at hand, a phone included.
//!
//! The pages only read. Nothing here changes an incident, so there are no forms that post, no
//! sessions and nothing to protect against cross-site requests; the one thing to protect is
//! the record itself, which [`auth`] does: nothing opens without credentials or a signed link.
//!
//! `/incidents/{file}` serves `7`, `INC-7`, `7.md` and `7.json`: axum cannot route `{id}` and
//! `{id}.md` as two patterns, so the suffix is split off here.

pub mod auth;
mod download;
mod html;
mod incident;
mod links;
mod list;
mod markdown;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use warroom_commands::error::INTERNAL_ERROR_SENTENCE;
use warroom_commands::incident::{Incident, IncidentId, SeverityPolicy, TimelineEntry};
use warroom_commands::ports::{Clock, IncidentStore, StoreError};

use auth::{Grant, Refusal, Resource};
pub use auth::{PageAuth, sign_token, signed_link};
pub use links::SignedLinks;

/// What the incident pages read from, and who they open for.
pub struct Pages {
    pub store: Arc<dyn IncidentStore>,
    pub policy: SeverityPolicy,
    pub clock: Arc<dyn Clock>,
    pub auth: PageAuth,
}

/// `GET /incidents` and `GET /incidents/{id}[.md|.json]`, with their state.
pub fn routes(pages: Arc<Pages>) -> Router {
    Router::new()
        .route("/incidents", get(list::show))
        .route("/incidents/{file}", get(incident_file))
        .layer(axum::middleware::map_response(html::privacy_headers))
        .with_state(pages)
}

impl Pages {
    /// Lets a request in, or says why not (answered with [`Pages::refused`]).
    fn admit(
        &self,
        headers: &HeaderMap,
        token: Option<&str>,
        resource: Resource,
    ) -> Result<Grant, Refusal> {
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        self.auth
            .check(authorization, token, resource, self.clock.now())
            .inspect_err(|refusal| tracing::info!(?resource, %refusal, "incident page refused"))
    }

    fn refused(&self, refusal: Refusal) -> Response {
        html::refused(&self.auth, refusal)
    }

    /// The incident and its timeline, `None` when there is no such incident.
    async fn record(
        &self,
        id: IncidentId,
    ) -> Result<Option<(Incident, Vec<TimelineEntry>)>, StoreError> {
        let Some(incident) = self.store.get(id).await? else {
            return Ok(None);
        };
        let timeline = self.store.timeline(id).await?;
        Ok(Some((incident, timeline)))
    }
}

/// Logs the store's failure and answers with the sentence every transport uses.
fn internal_error(error: StoreError) -> Response {
    tracing::error!(error = %error, "incident page could not read the store");
    html::sentence(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        INTERNAL_ERROR_SENTENCE,
    )
}

/// The signed link's token, when the request came with one. The parameter is `sig`, not
/// `token`: warroom masks `token=…` in everything it posts, as it would a leaked credential,
/// and a link is meant to be posted.
#[derive(Debug, Default, Deserialize)]
struct LinkQuery {
    #[serde(rename = "sig")]
    token: Option<String>,
}

/// What `/incidents/{file}` asks for, by the file's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Page,
    Markdown,
    Json,
}

impl Format {
    /// `7.md` → (`7`, Markdown); `INC-7` → (`INC-7`, Page).
    fn split(file: &str) -> (&str, Format) {
        match file.rsplit_once('.') {
            Some((stem, "md")) => (stem, Format::Markdown),
            Some((stem, "json")) => (stem, Format::Json),
            _ => (file, Format::Page),
        }
    }
}

async fn incident_file(
    State(pages): State<Arc<Pages>>,
    Path(file): Path<String>,
    Query(query): Query<LinkQuery>,
    headers: HeaderMap,
) -> Response {
    let (stem, format) = Format::split(&file);
    let id = IncidentId::parse(stem);
    // Refuse before saying whether an incident exists, so nobody can count them unsigned.
    let resource = id.map_or(Resource::List, Resource::Incident);
    let token = query.token.as_deref();
    let grant = match pages.admit(&headers, token, resource) {
        Ok(grant) => grant,
        Err(refusal) => return pages.refused(refusal),
    };
    let Some(id) = id else {
        return html::not_found("There is no incident page at this address.");
    };
    let (incident, timeline) = match pages.record(id).await {
        Ok(Some(record)) => record,
        Ok(None) => return html::not_found(&format!("There is no incident {id}.")),
        Err(error) => return internal_error(error),
    };
    match format {
        Format::Page => {
            let now = pages.clock.now();
            let view = incident::View {
                incident: &incident,
                timeline: &timeline,
                policy: &pages.policy,
                now,
                // A reader who came by a signed link keeps it on the download links; one with
                // credentials also sees the way back to the list.
                token: token.filter(|_| grant == Grant::SignedLink),
                show_list_link: grant == Grant::Credentials,
            };
            html::page(StatusCode::OK, &incident.label(), &view.body())
        }
        Format::Markdown => download::markdown(&incident, &timeline, &pages.policy),
        Format::Json => download::json(&incident, &timeline, &pages.policy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_split_into_incident_and_format() {
        assert_eq!(Format::split("7"), ("7", Format::Page));
        assert_eq!(Format::split("INC-7"), ("INC-7", Format::Page));
        assert_eq!(Format::split("7.md"), ("7", Format::Markdown));
        assert_eq!(Format::split("INC-7.json"), ("INC-7", Format::Json));
        assert_eq!(Format::split("7.html"), ("7.html", Format::Page));
    }
}

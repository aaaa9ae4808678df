//! Opsgenie's Alert API: `POST {api_url}/v2/alerts` creates an alert under an `alias` (a second
//! create with an open alert's alias only adds to it), and `POST /v2/alerts/{alias}/acknowledge`
//! or `/close` with `identifierType=alias` changes it. Every call carries
//! `Authorization: GenieKey KEY`; Opsgenie answers 202 with a request id, since it processes
//! requests asynchronously.

use serde_json::json;
use warroom_commands::paging::{PageAction, PageRequest, Provider, opsgenie_priority};
use warroom_commands::ports::PagingError;

/// The Alert API with one API integration's key.
pub struct OpsgenieAlerts {
    client: reqwest::Client,
    base: String,
    api_key: String,
}

impl OpsgenieAlerts {
    /// `api_url` is the API's base (`https://api.opsgenie.com`, or `https://api.eu.opsgenie.com`).
    pub fn new(api_url: &str, api_key: &str) -> OpsgenieAlerts {
        OpsgenieAlerts {
            client: super::client(),
            base: api_url.trim_end_matches('/').to_string(),
            api_key: api_key.to_string(),
        }
    }

    /// The path and body of `action` about `request`.
    pub fn call(&self, action: PageAction, request: &PageRequest) -> (String, serde_json::Value) {
        match action {
            PageAction::Trigger => {
                // Opsgenie takes at most 130 characters of message; the description has all.
                let message: String = request.summary.chars().take(130).collect();
                let mut description = request.summary.clone();
                let mut details = json!({"incident": request.incident.to_string()});
                if let Some(link) = &request.link {
                    description.push_str(&format!("\n{link}"));
                    details["link"] = json!(link);
                }
                let body = json!({
                    "message": message,
                    "alias": request.key,
                    "description": description,
                    "priority": opsgenie_priority(request.severity),
                    "source": request.source,
                    "details": details,
                });
                (format!("{}/v2/alerts", self.base), body)
            }
            PageAction::Acknowledge | PageAction::Resolve => {
                let verb = if action == PageAction::Acknowledge {
                    "acknowledge"
                } else {
                    "close"
                };
                let body = json!({
                    "source": request.source,
                    "user": "warroom",
                    "note": format!("{verb}d in warroom ({})", request.incident),
                });
                (
                    format!(
                        "{}/v2/alerts/{}/{verb}?identifierType=alias",
                        self.base, request.key
                    ),
                    body,
                )
            }
        }
    }

    pub async fn send(&self, action: PageAction, request: &PageRequest) -> Result<(), PagingError> {
        let (url, body) = self.call(action, request);
        let post = self
            .client
            .post(url)
            .header("authorization", format!("GenieKey {}", self.api_key));
        super::post_json(post, Provider::Opsgenie, &body).await
    }
}

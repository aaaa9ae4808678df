//! PagerDuty's Events API v2 (`POST {events_url}/v2/enqueue`): a trigger opens or joins the
//! PagerDuty incident of a `dedup_key` and pages its service's on-call; an acknowledge or a
//! resolve with the same key changes it. PagerDuty answers 202 when it took the event, 400 for
//! a malformed one or an unknown routing key, 429 when warroom sends too fast.

use serde_json::json;
use warroom_commands::paging::{PageAction, PageRequest, Provider, pagerduty_severity};
use warroom_commands::ports::PagingError;

/// The Events API with one integration's routing key.
pub struct PagerDutyEvents {
    client: reqwest::Client,
    url: String,
    routing_key: String,
}

impl PagerDutyEvents {
    /// `events_url` is the API's base (`https://events.pagerduty.com`).
    pub fn new(events_url: &str, routing_key: &str) -> PagerDutyEvents {
        PagerDutyEvents {
            client: super::client(),
            url: format!("{}/v2/enqueue", events_url.trim_end_matches('/')),
            routing_key: routing_key.to_string(),
        }
    }

    /// The event for `action` about `request`.
    pub fn event(&self, action: PageAction, request: &PageRequest) -> serde_json::Value {
        let mut event = json!({
            "routing_key": self.routing_key,
            "event_action": action.as_str(),
            "dedup_key": request.key,
        });
        if action == PageAction::Trigger {
            // PagerDuty takes at most 1024 characters of summary.
            let summary: String = request.summary.chars().take(1024).collect();
            event["payload"] = json!({
                "summary": summary,
                "severity": pagerduty_severity(request.severity),
                "source": request.source,
                "custom_details": {"incident": request.incident.to_string()},
            });
            event["client"] = json!("warroom");
            if let Some(link) = &request.link {
                event["client_url"] = json!(link);
                event["links"] =
                    json!([{"href": link, "text": format!("{} in warroom", request.incident)}]);
            }
        }
        event
    }

    pub async fn send(&self, action: PageAction, request: &PageRequest) -> Result<(), PagingError> {
        let event = self.event(action, request);
        super::post_json(self.client.post(&self.url), Provider::PagerDuty, &event).await
    }
}

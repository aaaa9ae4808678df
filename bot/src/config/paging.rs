//! `[paging.pagerduty]` and `[paging.opsgenie]`: the paging providers warroom hands incidents to
//! and hears back from. A provider is sent to when its key is set (`routing_key`, `api_key`)
//! and listened to when its webhook credential is set (`webhook_secret`, `webhook_token`); the
//! two are independent, so a deployment may only send, or only listen.

use serde::Deserialize;

use warroom_commands::escalation::EscalationPolicy;
use warroom_commands::incident::Severity;
use warroom_commands::paging::Provider;

use super::problems::Problems;
use super::text::read_endpoint;

/// `[paging]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PagingConfig {
    pub pagerduty: PagerDutyConfig,
    pub opsgenie: OpsgenieConfig,
}

/// `[paging.pagerduty]`: the Events API v2 and v3 webhook subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PagerDutyConfig {
    /// The Events API base; a test points it at a fake on loopback.
    #[serde(deserialize_with = "read_endpoint")]
    pub events_url: String,
    /// The integration key of the PagerDuty service warroom triggers incidents on.
    pub routing_key: Option<String>,
    /// The secret of the v3 webhook subscription that calls `POST /paging/pagerduty`.
    pub webhook_secret: Option<String>,
}

impl Default for PagerDutyConfig {
    fn default() -> Self {
        PagerDutyConfig {
            events_url: "https://events.pagerduty.com".into(),
            routing_key: None,
            webhook_secret: None,
        }
    }
}

/// `[paging.opsgenie]`: the Alert API and the outgoing webhook integration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpsgenieConfig {
    /// The Alert API base (`https://api.eu.opsgenie.com` for the EU instance).
    #[serde(deserialize_with = "read_endpoint")]
    pub api_url: String,
    /// The key of an Opsgenie API integration, sent as `GenieKey`.
    pub api_key: Option<String>,
    /// What Opsgenie's webhook integration must send (as a bearer token in a custom
    /// `Authorization` header, or as the password of basic auth) to `POST /paging/opsgenie`:
    /// its webhooks are not signed.
    pub webhook_token: Option<String>,
}

impl Default for OpsgenieConfig {
    fn default() -> Self {
        OpsgenieConfig {
            api_url: "https://api.opsgenie.com".into(),
            api_key: None,
            webhook_token: None,
        }
    }
}

/// A value that is set and not empty.
fn set(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

impl PagerDutyConfig {
    pub fn routing_key(&self) -> Option<&str> {
        set(&self.routing_key)
    }

    pub fn webhook_secret(&self) -> Option<&str> {
        set(&self.webhook_secret)
    }
}

impl OpsgenieConfig {
    pub fn api_key(&self) -> Option<&str> {
        set(&self.api_key)
    }

    pub fn webhook_token(&self) -> Option<&str> {
        set(&self.webhook_token)
    }
}

/// A level naming a provider warroom has no key for would hand the incident to nobody: each
/// is a problem under the level's `notify`.
pub(super) fn check_levels(
    policy: &EscalationPolicy,
    paging: &PagingConfig,
    problems: &mut Problems,
) {
    for severity in Severity::ALL {
        for (i, level) in policy.of(severity).levels.iter().enumerate() {
            for provider in level.notify.iter().filter_map(|p| p.provider()) {
                let configured = match provider {
                    Provider::PagerDuty => paging.pagerduty.routing_key().is_some(),
                    Provider::Opsgenie => paging.opsgenie.api_key().is_some(),
                };
                if !configured {
                    let key = match provider {
                        Provider::PagerDuty => "routing_key",
                        Provider::Opsgenie => "api_key",
                    };
                    problems.push(
                        format!("escalation.{}.levels[{i}].notify", severity.as_str()),
                        format!(
                            "`{}` hands incidents to {provider}, which is not configured; set [paging.{}] {key}, or remove it.",
                            provider.as_str(),
                            provider.as_str()
                        ),
                    );
                }
            }
        }
    }
}

impl PagingConfig {
    /// A webhook credential too short to resist guessing is refused before warroom starts.
    pub(super) fn check(&self, problems: &mut Problems) {
        for (key, value) in [
            (
                "paging.pagerduty.webhook_secret",
                self.pagerduty.webhook_secret(),
            ),
            (
                "paging.opsgenie.webhook_token",
                self.opsgenie.webhook_token(),
            ),
        ] {
            if value.is_some_and(|v| v.len() < 16) {
                problems.push(
                    key,
                    "is shorter than 16 characters; use a long random value, written as \"${ENV_VAR}\".",
                );
            }
        }
    }
}

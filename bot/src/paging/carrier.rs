//! Hand-offs as outbox letters: why, and how they are sent.
//!
//! The core's [`PagingPort`] is, in a running warroom, [`PagingLetters`]: a call to a provider
//! is written as a letter (carrier `paging`) instead of being made at once. So a hand-off
//! accepted before a crash is still made, and it is made by one sender across every replica.
//! The lane is the incident (`paging:INC-7`), so its trigger, acknowledge and resolve reach the
//! providers in the order warroom decided them.
//!
//! [`PagingCarrier`] sends a letter with the provider clients, trying again while the
//! provider's trouble is passing (429 with its `Retry-After`, 5xx, no answer) up to [`TRIES`]
//! times; after the last try, or at once for a refusal, the incident's channel is told which
//! hand-off failed and why. A provider never sees a letter twice unless the sender dies
//! between the provider's answer and recording it, and the providers deduplicate by key.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use warroom_commands::paging::{PageAction, PageRequest, Provider};
use warroom_commands::ports::{PagingError, PagingPort};
use warroom_commands::reply::Line;
use warroom_commands::{Core, Platform, Reply, Tone};
use warroom_integrations::Store;
use warroom_integrations::paging::Providers;

use crate::alerts::Announce;
use crate::outbox::{Carrier, Delivered, Letter, Sending};

/// The carrier's name in the outbox.
pub const CARRIER: &str = "paging";
/// How many times one call is tried before warroom gives up and says so.
pub const TRIES: u32 = 5;
/// The longest warroom waits between two tries, whatever `Retry-After` asks.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// One call to a provider, as a letter's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLetter {
    pub provider: Provider,
    pub action: PageAction,
    pub request: PageRequest,
}

/// The core's paging port in a running warroom: every call a letter.
pub struct PagingLetters {
    pub store: Store,
    pub pagerduty: bool,
    pub opsgenie: bool,
}

#[async_trait::async_trait]
impl PagingPort for PagingLetters {
    async fn send(
        &self,
        provider: Provider,
        action: PageAction,
        request: &PageRequest,
    ) -> Result<(), PagingError> {
        let letter = PageLetter {
            provider,
            action,
            request: request.clone(),
        };
        let payload = serde_json::to_string(&letter)
            .map_err(|e| PagingError::permanent(format!("could not write the hand-off: {e}")))?;
        let letter = Letter {
            carrier: CARRIER,
            lane: format!("{CARRIER}:{}", request.incident),
            payload,
            coalesce: None,
            not_before: None,
        };
        self.store
            .outbox_post(&[letter], Utc::now())
            .await
            .map_err(|e| PagingError::retryable(format!("could not queue the hand-off: {e}")))
    }

    fn configured(&self, provider: Provider) -> bool {
        match provider {
            Provider::PagerDuty => self.pagerduty,
            Provider::Opsgenie => self.opsgenie,
        }
    }
}

/// Sends `paging` letters and tells the incident's channel when one could not be sent.
pub struct PagingCarrier {
    pub providers: Providers,
    pub core: Core,
    /// Who posts in an incident's channel, by platform.
    pub posters: Vec<(Platform, Arc<dyn Announce>)>,
    /// The wait after a failed try when the provider did not say (doubled each time).
    pub backoff: Duration,
}

#[async_trait::async_trait]
impl Carrier for PagingCarrier {
    async fn carry(&self, letter: &Sending) -> Delivered {
        let page: PageLetter = match crate::outbox::read(letter) {
            Ok(page) => page,
            Err(failed) => return failed,
        };
        let mut wait = self.backoff;
        let mut tries = 0;
        let failed = loop {
            tries += 1;
            match self
                .providers
                .send(page.provider, page.action, &page.request)
                .await
            {
                Ok(()) => {
                    tracing::info!(provider = page.provider.as_str(), action = page.action.as_str(), incident = %page.request.incident, "handed off");
                    return Delivered::Sent;
                }
                Err(e) if e.retryable && tries < TRIES => {
                    let pause = e.retry_after.unwrap_or(wait).min(LONGEST_WAIT);
                    tracing::warn!(provider = page.provider.as_str(), incident = %page.request.incident, error = %e.why, try_ = tries, "a hand-off failed; trying again");
                    tokio::time::sleep(pause).await;
                    wait = (wait * 2).min(LONGEST_WAIT);
                }
                Err(e) => break e,
            }
        };
        self.tell(&page, &failed, tries).await;
        Delivered::Failed(failed.why)
    }
}

impl PagingCarrier {
    /// Posts in the incident's channel that `page` failed, and why.
    async fn tell(&self, page: &PageLetter, failed: &PagingError, tries: u32) {
        let incident = match self.core.store.get(page.request.incident).await {
            Ok(Some(incident)) => incident,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(incident = %page.request.incident, error = %e, "could not find the channel of a failed hand-off");
                return;
            }
        };
        let Some((_, poster)) = self
            .posters
            .iter()
            .find(|(p, _)| *p == incident.channel.platform)
        else {
            return;
        };
        let attempts = if tries == 1 {
            String::new()
        } else {
            format!(" after {tries} tries")
        };
        let reply = Reply::channel()
            .tone(Tone::Danger)
            .text(Line::new().words(format!(
                "⚠️ {}: could not {} {} on {}{attempts}: {}",
                incident.id,
                page.action.as_str(),
                page.request.key,
                page.provider,
                failed.why
            )));
        let reply = self.core.redactor.reply(reply);
        poster.post(&incident.channel.channel, &reply).await;
    }
}

//! Handing an incident to a provider, and keeping the providers it was handed to in step with
//! warroom: acknowledged or resolved here, acknowledged or resolved there.
//!
//! Which providers an incident was handed to is a timeline entry (kind `escalated`, `to` =
//! `paging:pagerduty`), not a table of its own: the hand-off belongs on the timeline anyway
//! (the post-mortem shows when the phone was paged), the entry is written by the same store
//! call on SQLite and Postgres, and no migration is needed.

use crate::incident::{EntryKind, Incident, IncidentId, NewEntry};
use crate::{CommandError, Core};

use super::{PageAction, PageRequest, Provider};

/// What the `to` of a hand-off entry starts with.
const HANDED: &str = "paging:";

/// The request for `incident`, with a link to its page when warroom serves pages.
fn request(core: &Core, incident: &Incident) -> PageRequest {
    let link = core
        .pages
        .incident(incident.id, core.clock.now())
        .map(|(link, _)| link);
    PageRequest::of(incident, link)
}

/// Hands `incident` to `provider`: the trigger is queued (sent once, retried, and its failure
/// told in the channel, by whoever implements [`crate::ports::PagingPort`]) and the hand-off
/// written on the timeline, so a later acknowledge or resolve follows it there.
///
/// This is what an escalation level whose notify names `pagerduty` or `opsgenie` calls.
pub async fn hand_off(
    core: &Core,
    provider: Provider,
    incident: &Incident,
) -> Result<(), CommandError> {
    if !core.paging.configured(provider) {
        return Err(CommandError::user(format!(
            "{provider} is not configured; set [paging.{}] in warroom's configuration.",
            provider.as_str()
        )));
    }
    let request = request(core, incident);
    core.paging
        .send(provider, PageAction::Trigger, &request)
        .await?;
    let entry = NewEntry::new(
        core.clock.now(),
        "warroom",
        EntryKind::Escalated,
        format!("paged {provider} ({})", request.key),
    )
    .change(None, format!("{HANDED}{}", provider.as_str()));
    core.store.append(incident.id, &[entry]).await?;
    Ok(())
}

/// The providers `incident` was handed to, each once, in the order it was.
pub async fn handed_to(core: &Core, incident: IncidentId) -> Result<Vec<Provider>, CommandError> {
    let mut found = Vec::new();
    for entry in core.store.timeline(incident).await? {
        let provider = entry
            .to
            .as_deref()
            .and_then(|to| to.strip_prefix(HANDED))
            .and_then(Provider::parse);
        if entry.kind == EntryKind::Escalated
            && let Some(provider) = provider
            && !found.contains(&provider)
        {
            found.push(provider);
        }
    }
    Ok(found)
}

/// Tells every provider `incident` was handed to that it was acknowledged or resolved in
/// warroom, except `from`, the provider where it happened (which knows already).
pub async fn follow(
    core: &Core,
    incident: &Incident,
    action: PageAction,
    from: Option<Provider>,
) -> Result<(), CommandError> {
    let providers = handed_to(core, incident.id).await?;
    if providers.is_empty() {
        return Ok(());
    }
    let request = request(core, incident);
    for provider in providers.into_iter().filter(|p| Some(*p) != from) {
        core.paging.send(provider, action, &request).await?;
    }
    Ok(())
}

/// The provider an actor names, when a person acted there (`pagerduty:Alice`).
pub(crate) fn provider_of(actor: &str) -> Option<Provider> {
    actor.split_once(':').and_then(|(p, _)| Provider::parse(p))
}

/// `line` followed by who acted: a person by their platform id (a mention), or someone on a
/// provider in words (`pagerduty:Alice Smith`), which no platform could resolve as a mention.
pub(crate) fn by(line: crate::reply::Line, actor: &str) -> crate::reply::Line {
    match provider_of(actor) {
        Some(_) => line.words(actor),
        None => line.person(actor),
    }
}

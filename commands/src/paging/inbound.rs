//! What a provider's webhook means for the warroom incident: someone acknowledged the page on
//! their phone (warroom's incident is acknowledged, its own escalation stops) or resolved it
//! there (the incident is resolved). Both act exactly as `/incident ack` and
//! `/incident resolve` do, with the actor written `pagerduty:Alice Smith`, so the timeline and
//! the channel say who and on which system.
//!
//! A webhook arrives after the fact and may repeat what warroom already knows (the page was
//! acknowledged because someone typed `/incident ack`, and warroom told the provider), so an
//! incident already acknowledged or resolved is left as it is: not an error, nothing said.

use crate::handlers::incident::{ack, resolve};
use crate::incident::{IncidentId, Status};
use crate::reply::Line;
use crate::{CommandError, Core, Reply};

use super::Provider;

/// What a webhook did.
#[derive(Debug)]
pub enum Answered {
    /// The incident changed; `reply` is what its channel is told.
    Changed { incident: IncidentId, reply: Reply },
    /// Nothing to do: already so, or an incident warroom does not have.
    Unchanged(&'static str),
}

/// Someone (`who`, as the provider names them) acknowledged `incident`'s page on `provider`.
pub async fn acknowledged_elsewhere(
    core: &Core,
    provider: Provider,
    incident: IncidentId,
    who: &str,
) -> Result<Answered, CommandError> {
    let Some(found) = core.store.get(incident).await? else {
        return Ok(Answered::Unchanged("no such incident"));
    };
    if found.status == Status::Resolved {
        return Ok(Answered::Unchanged("already resolved"));
    }
    if found.acknowledged_at.is_some() {
        return Ok(Answered::Unchanged("already acknowledged"));
    }
    let reply = ack::acknowledge(core, found, &provider.actor(who)).await?;
    Ok(Answered::Changed { incident, reply })
}

/// Someone (`who`) resolved `incident`'s page on `provider`.
pub async fn resolved_elsewhere(
    core: &Core,
    provider: Provider,
    incident: IncidentId,
    who: &str,
) -> Result<Answered, CommandError> {
    let Some(found) = core.store.get(incident).await? else {
        return Ok(Answered::Unchanged("no such incident"));
    };
    if found.status == Status::Resolved {
        return Ok(Answered::Unchanged("already resolved"));
    }
    let actor = provider.actor(who);
    let now = core.clock.now();
    let closed = resolve::close(core, found, &actor, None, now).await?;
    let reply = resolve::told(
        core,
        &closed,
        super::by(Line::new().words("resolved by "), &actor),
        now,
    );
    Ok(Answered::Changed { incident, reply })
}

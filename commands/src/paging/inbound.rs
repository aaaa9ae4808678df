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

/// How many times a change is tried when the incident changed between reading and writing it
/// (an escalation level's timeline entry, a command in the channel): the store refuses a stale
/// write, and the person who pressed acknowledge on their phone should not wait for the
/// webhook's retry half a minute later, so it is read and applied again at once.
const TRIES: usize = 3;

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
    let actor = provider.actor(who);
    for tried in 1..=TRIES {
        let Some(found) = core.store.get(incident).await? else {
            return Ok(Answered::Unchanged("no such incident"));
        };
        if found.status == Status::Resolved {
            return Ok(Answered::Unchanged("already resolved"));
        }
        if found.acknowledged_at.is_some() {
            return Ok(Answered::Unchanged("already acknowledged"));
        }
        match ack::acknowledge(core, found, &actor).await {
            Ok(reply) => return Ok(Answered::Changed { incident, reply }),
            Err(CommandError::User(_)) if tried < TRIES => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(Answered::Unchanged("the incident kept changing"))
}

/// Someone (`who`) resolved `incident`'s page on `provider`.
pub async fn resolved_elsewhere(
    core: &Core,
    provider: Provider,
    incident: IncidentId,
    who: &str,
) -> Result<Answered, CommandError> {
    let actor = provider.actor(who);
    for tried in 1..=TRIES {
        let Some(found) = core.store.get(incident).await? else {
            return Ok(Answered::Unchanged("no such incident"));
        };
        if found.status == Status::Resolved {
            return Ok(Answered::Unchanged("already resolved"));
        }
        let now = core.clock.now();
        match resolve::close(core, found, &actor, None, now).await {
            Ok(closed) => {
                let by = super::by(Line::new().words("resolved by "), &actor);
                let reply = resolve::told(core, &closed, by, now);
                return Ok(Answered::Changed { incident, reply });
            }
            Err(CommandError::User(_)) if tried < TRIES => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(Answered::Unchanged("the incident kept changing"))
}

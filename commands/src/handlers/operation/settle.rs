//! Settling a pending operation: `/confirm TOKEN` runs it (at most once), `/cancel TOKEN`
//! withdraws it. Every refusal is one sentence and an audit entry; nothing runs.

use super::{Record, execute, request::outcome_reply};
use crate::access::{Approval, Asked};
use crate::actions::{AuditEntry, AuditEvent, Claim, PendingAction, PendingState};
use crate::grammar;
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply, timefmt};

/// A pending action that is still pending, unexpired, and belongs to this channel.
async fn live_pending(record: &Record<'_>, token: &str) -> Result<PendingAction, CommandError> {
    let core = record.core;
    let refuse = |sentence: String| record.entry(AuditEvent::Refused, sentence);
    let Some((pending, state)) = core.actions.pending(token).await? else {
        let mut entry = refuse(
            "There is no pending operation with that token; check it, or run the command again for a new one.".into(),
        );
        entry.token = Some(token.to_string());
        return Err(record.refuse(entry).await);
    };
    let with_pending = |entry: AuditEntry| {
        entry
            .about(&pending.target, pending.risk, &pending.plan)
            .requested(&pending.token, &pending.requested_by, pending.requested_at)
    };
    if pending.channel != record.inv.channel {
        let entry = refuse(format!(
            "That token belongs to an operation requested in {}; confirm or cancel it there.",
            pending.channel
        ));
        return Err(record.refuse(with_pending(entry)).await);
    }
    let now = core.clock.now();
    let settled = match &state {
        PendingState::Pending if now >= pending.expires_at => {
            let expired = PendingState::Expired {
                at: pending.expires_at,
            };
            if core.actions.claim(token, &expired).await? == Claim::Won {
                let entry = record.entry(AuditEvent::Expired, "expired before anyone confirmed it");
                record.audit(with_pending(entry)).await?;
            }
            Some(expired)
        }
        PendingState::Pending => None,
        other => Some(other.clone()),
    };
    match settled {
        None => Ok(pending),
        Some(state) => {
            let entry = refuse(already(&state));
            Err(record.refuse(with_pending(entry)).await)
        }
    }
}

/// Why a settled action cannot be settled again.
fn already(state: &PendingState) -> String {
    match state {
        PendingState::Confirmed { by, at } => format!(
            "Already confirmed by {by} at {}; it ran once and will not run again.",
            timefmt::at_seconds(*at)
        ),
        PendingState::Cancelled { by, at } => format!(
            "Already cancelled by {by} at {}; run the command again to request it anew.",
            timefmt::at_seconds(*at)
        ),
        PendingState::Expired { at } => format!(
            "This confirmation expired at {}; run the command again.",
            timefmt::at_seconds(*at)
        ),
        PendingState::Pending => "It is still pending.".to_string(),
    }
}

/// Whether the person settling it may run the command themselves.
fn allowed(core: &Core, inv: &Invocation, pending: &PendingAction) -> Result<(), String> {
    let asked = Asked {
        command: &pending.command,
        risk: pending.risk,
        target: Some(&pending.target),
        doing: format!(
            "approve {} commands on {} ({})",
            pending.risk, pending.target.service, pending.target.environment
        ),
    };
    core.access
        .authorize(inv, &asked)
        .map(drop)
        .map_err(|d| d.0)
}

pub async fn confirm(core: &Core, inv: &Invocation, token: &str) -> Result<Reply, CommandError> {
    let record = Record {
        core,
        inv,
        command: "confirm",
    };
    let pending = live_pending(&record, token).await?;
    let with_pending = |entry: AuditEntry| {
        entry
            .about(&pending.target, pending.risk, &pending.plan)
            .requested(&pending.token, &pending.requested_by, pending.requested_at)
    };
    if let Err(sentence) = allowed(core, inv, &pending) {
        let entry = record.entry(AuditEvent::Refused, sentence);
        return Err(record.refuse(with_pending(entry)).await);
    }
    if pending.approval == Approval::SecondPerson && pending.requested_by == inv.actor {
        let entry = record.entry(
            AuditEvent::Refused,
            format!(
                "This operation on {} ({}) needs a second person: someone else who may run it must confirm.",
                pending.target.service, pending.target.environment
            ),
        );
        return Err(record.refuse(with_pending(entry)).await);
    }

    // Re-validate: rebuild the plan from today's configuration and state; run only if it is
    // the plan that was shown. A platform that cannot be asked is an outage, not a changed
    // plan: nothing runs, and the confirmation stays open to be confirmed once it answers.
    let rebuilt = match grammar::parse(&pending.command_text) {
        Ok(command) => match super::resolve(core, &command).await {
            Some(Err(down @ CommandError::Unavailable(_))) => return Err(down),
            other => other.and_then(Result::ok),
        },
        Err(_) => None,
    };
    let Some(op) = rebuilt.filter(|op| op.plan.fingerprint == pending.plan.fingerprint) else {
        let cancelled = PendingState::Cancelled {
            by: inv.actor.clone(),
            at: core.clock.now(),
        };
        core.actions.claim(token, &cancelled).await?;
        let entry = record.entry(
            AuditEvent::Refused,
            "The plan changed since it was proposed (configuration or platform state differs), so nothing ran; run the command again to see the new plan.",
        );
        return Err(record.refuse(with_pending(entry)).await);
    };

    let approved_at = core.clock.now();
    let confirmed = PendingState::Confirmed {
        by: inv.actor.clone(),
        at: approved_at,
    };
    if let Claim::Lost(state) = core.actions.claim(token, &confirmed).await? {
        let entry = record.entry(AuditEvent::Refused, already(&state));
        return Err(record.refuse(with_pending(entry)).await);
    }
    let waited = (approved_at - pending.requested_at)
        .to_std()
        .unwrap_or_default();
    core.metrics.confirmation(waited);

    let outcome = execute::run(core, &op).await;
    let mut entry = with_pending(record.entry(
        if outcome.ok {
            AuditEvent::Succeeded
        } else {
            AuditEvent::Failed
        },
        outcome.summary.clone(),
    ));
    entry.approved_by = Some(inv.actor.clone());
    entry.approved_at = Some(approved_at);
    entry.started_at = Some(outcome.started);
    entry.finished_at = Some(outcome.finished);
    entry.output_sha256 = Some(outcome.digest());
    record.audit(entry).await?;
    record
        .timeline(format!(
            "confirmed `{}` (requested by {}); {}: {}",
            pending.command_text,
            pending.requested_by,
            if outcome.ok { "succeeded" } else { "failed" },
            outcome.summary
        ))
        .await?;
    Ok(outcome_reply(&pending.plan.summary, &outcome).context(
        Line::new()
            .words("Requested by ")
            .person(&pending.requested_by)
            .words(" at ")
            .time_seconds(pending.requested_at)
            .words("; confirmed by ")
            .person(&inv.actor)
            .words(" at ")
            .time_seconds(approved_at)
            .words("."),
    ))
}

pub async fn cancel(core: &Core, inv: &Invocation, token: &str) -> Result<Reply, CommandError> {
    let record = Record {
        core,
        inv,
        command: "cancel",
    };
    let pending = live_pending(&record, token).await?;
    let with_pending = |entry: AuditEntry| {
        entry
            .about(&pending.target, pending.risk, &pending.plan)
            .requested(&pending.token, &pending.requested_by, pending.requested_at)
    };
    if pending.requested_by != inv.actor
        && let Err(sentence) = allowed(core, inv, &pending)
    {
        let entry = record.entry(AuditEvent::Refused, sentence);
        return Err(record.refuse(with_pending(entry)).await);
    }
    let cancelled = PendingState::Cancelled {
        by: inv.actor.clone(),
        at: core.clock.now(),
    };
    if let Claim::Lost(state) = core.actions.claim(token, &cancelled).await? {
        let entry = record.entry(AuditEvent::Refused, already(&state));
        return Err(record.refuse(with_pending(entry)).await);
    }
    record
        .audit(with_pending(
            record.entry(AuditEvent::Cancelled, "cancelled; nothing ran"),
        ))
        .await?;
    record
        .timeline(format!("cancelled `{}`", pending.command_text))
        .await?;
    Ok(Reply::channel().text(
        Line::new()
            .words(format!(
                "Cancelled: {} (requested by ",
                pending.plan.summary
            ))
            .person(&pending.requested_by)
            .words("). Nothing ran."),
    ))
}

//! `/alerts`: what fires for this channel's incident, why an alert went where it did, and
//! silences.
//!
//! `why` is the point: an alert tool that opens an incident, joins one or stays quiet without
//! saying why cannot be trusted at 3 a.m. Every alert keeps the route that matched and the
//! sentence of its decision, and `why` shows them with the route's matchers.

use crate::actions::{AuditEntry, AuditEvent};
use crate::alerts::AlertState;
use crate::grammar::AlertsCommand;
use crate::incident::{EntryKind, NewEntry};
use crate::ports::{Silence, StoredAlert};
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Reply};

/// The most alerts `why` explains at once (one name can have many fingerprints).
const MOST_EXPLAINED: usize = 5;

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    asked: AlertsCommand,
) -> Result<Reply, CommandError> {
    match asked {
        AlertsCommand::List => list(core, inv).await,
        AlertsCommand::Why { what } => why(core, &what).await,
        AlertsCommand::Silence {
            target,
            duration,
            reason,
        } => silence(core, inv, &target, duration, &reason).await,
        AlertsCommand::Unsilence { target } => unsilence(core, inv, &target).await,
    }
}

async fn list(core: &Core, inv: &Invocation) -> Result<Reply, CommandError> {
    let incident = super::incident::named_or_latest(core, inv, None).await?;
    let alerts = core.alerts.store.of_incident(incident.id).await?;
    if alerts.is_empty() {
        return Ok(Reply::ephemeral().text(format!(
            "No alert is attached to {}; it was declared by a person.",
            incident.id
        )));
    }
    let firing = alerts
        .iter()
        .filter(|a| a.alert.state != AlertState::Resolved)
        .count();
    let rows = alerts
        .iter()
        .map(|a| {
            vec![
                a.alert.state.as_str().to_string(),
                a.alert.name.clone(),
                a.alert.summary.clone(),
                a.alert.key.clone(),
                a.times_seen.to_string(),
                a.last_seen.format("%Y-%m-%d %H:%M UTC").to_string(),
            ]
        })
        .collect();
    Ok(Reply::ephemeral()
        .header(format!(
            "Alerts of {}: {firing} firing of {}",
            incident.id,
            alerts.len()
        ))
        .table(
            &["State", "Alert", "Summary", "Key", "Seen", "Last seen"],
            rows,
        )
        .context("`/alerts why NAME` says which route took an alert and why it went where it did."))
}

async fn why(core: &Core, what: &str) -> Result<Reply, CommandError> {
    let found = core.alerts.store.find(what).await?;
    if found.is_empty() {
        return Err(CommandError::user(format!(
            "No alert is named or fingerprinted `{what}`; `/alerts` lists this incident's alerts with their keys."
        )));
    }
    let mut reply = Reply::ephemeral().header(format!("Why: {what}"));
    for stored in found.iter().take(MOST_EXPLAINED) {
        reply = reply.text(explain(core, stored));
    }
    if found.len() > MOST_EXPLAINED {
        reply = reply.context(format!(
            "{} more alerts have this name; ask by fingerprint for one of them.",
            found.len() - MOST_EXPLAINED
        ));
    }
    Ok(reply)
}

/// One alert's story: what it is, the route and its matchers, and the decision.
fn explain(core: &Core, stored: &StoredAlert) -> String {
    let alert = &stored.alert;
    let mut text = format!(
        "*{}* from {} (key `{}`): {}, seen {} time{} from {} to {}.",
        alert.name,
        alert.source.as_str(),
        alert.key,
        alert.state.as_str(),
        stored.times_seen,
        if stored.times_seen == 1 { "" } else { "s" },
        stored.first_seen.format("%Y-%m-%d %H:%M UTC"),
        stored.last_seen.format("%H:%M UTC"),
    );
    match core.alerts.routes.named(&stored.route) {
        Some(route) => {
            let matchers: Vec<&str> = route.matchers.iter().map(|m| m.text.as_str()).collect();
            text.push_str(&format!(
                "\nRoute `{}` took it: {}; channel {}, severity from its `severity` label ({}), else {}.",
                route.name,
                if matchers.is_empty() {
                    "it takes every alert".to_string()
                } else {
                    format!("{} all hold", matchers.join(", "))
                },
                route.channel.channel,
                alert.label("severity").unwrap_or("none"),
                route.severity,
            ));
        }
        None if !stored.route.is_empty() => text.push_str(&format!(
            "\nRoute `{}` took it; that route is no longer configured.",
            stored.route
        )),
        None => {}
    }
    if stored.decision.is_empty() {
        text.push_str("\nIt has not been decided yet: its request is still waiting to run.");
    } else {
        text.push('\n');
        text.push_str(&stored.decision);
    }
    text
}

/// Only a route or a service a route names can be silenced, so a typo silences nothing.
fn known_target(core: &Core, target: &str) -> Result<(), CommandError> {
    let routes = &core.alerts.routes.routes;
    if routes
        .iter()
        .any(|r| r.name == target || r.service.as_deref() == Some(target))
    {
        return Ok(());
    }
    let names: Vec<&str> = routes.iter().map(|r| r.name.as_str()).collect();
    Err(CommandError::user(if names.is_empty() {
        "No alert route is configured, so there is nothing to silence; routes are [[alerts.routes]] in warroom.toml.".to_string()
    } else {
        format!(
            "`{target}` is neither an alert route nor a service a route names; routes: {}.",
            names.join(", ")
        )
    }))
}

async fn silence(
    core: &Core,
    inv: &Invocation,
    target: &str,
    duration: chrono::TimeDelta,
    reason: &str,
) -> Result<Reply, CommandError> {
    super::operates(
        core,
        inv,
        "alerts",
        format!("silence the alerts of {target}"),
    )?;
    known_target(core, target)?;
    let now = core.clock.now();
    let until = now + duration;
    core.alerts
        .store
        .silence(&Silence {
            target: target.to_string(),
            until,
            reason: reason.to_string(),
            by: inv.actor.clone(),
            at: now,
        })
        .await?;
    let said = format!(
        "alerts of {target} silenced until {} by {}: {reason}",
        until.format("%Y-%m-%d %H:%M UTC"),
        inv.actor
    );
    record(core, inv, &said).await?;
    Ok(Reply::channel().text(
        Line::new()
            .words(format!("Alerts of {target} are silenced until "))
            .time(until)
            .words(" by ")
            .person(&inv.actor)
            .words(format!(
                ": {reason}. They are still stored and shown by `/alerts`, but declare and page nothing; `/alerts unsilence {target}` ends it."
            )),
    ))
}

async fn unsilence(core: &Core, inv: &Invocation, target: &str) -> Result<Reply, CommandError> {
    super::operates(core, inv, "alerts", format!("end the silence of {target}"))?;
    let ended = core
        .alerts
        .store
        .unsilence(target, core.clock.now())
        .await?;
    if ended == 0 {
        return Err(CommandError::user(format!(
            "Nothing silences `{target}` now; `/alerts silence {target} 2h REASON` starts a silence."
        )));
    }
    record(
        core,
        inv,
        &format!("silence of {target} ended by {}", inv.actor),
    )
    .await?;
    Ok(Reply::channel().text(
        Line::new()
            .words(format!(
                "Alerts of {target} declare and page again; silence ended by "
            ))
            .person(&inv.actor)
            .words("."),
    ))
}

/// A silence starting or ending goes in the audit log, and on the timeline of the channel's
/// open incident if there is one.
async fn record(core: &Core, inv: &Invocation, said: &str) -> Result<(), CommandError> {
    let now = core.clock.now();
    let entry = AuditEntry::new(
        now,
        AuditEvent::Succeeded,
        &inv.channel,
        &inv.actor,
        &inv.text,
        "alerts",
        said,
    );
    core.actions.audit(&entry).await?;
    if let Some(open) = core.store.open_in_channel(&inv.channel).await? {
        let entry = NewEntry::new(now, &inv.actor, EntryKind::Alert, said);
        core.store.append(open.id, &[entry]).await?;
    }
    Ok(())
}

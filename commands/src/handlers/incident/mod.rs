//! `/incident ...` handlers, one file per verb, and what they share: finding the incident a
//! command is about, writing a change with its timeline entries, and the incident card.

pub mod ack;
pub mod action;
pub mod declare;
pub mod lead;
pub mod list;
pub mod note;
pub mod pin;
pub mod postmortem;
pub mod reopen;
pub mod resolve;
pub mod severity;
pub mod show;
pub mod snooze;
pub mod status;
pub mod timeline;

use crate::error::no_such_incident as not_found;
use crate::incident::{Incident, IncidentId, NewEntry};
use crate::reply::{Glance, IncidentEvent, Line};
use crate::{CommandError, Core, Invocation, Reply};

/// The channel's open incident, or a sentence saying why there is none and what to do.
async fn open_incident(core: &Core, inv: &Invocation) -> Result<Incident, CommandError> {
    if let Some(open) = core.store.open_in_channel(&inv.channel).await? {
        return Ok(open);
    }
    Err(match core.store.latest_in_channel(&inv.channel).await? {
        Some(last) => CommandError::user(format!(
            "{} in this channel is resolved; `/incident reopen` it first, or declare a new incident with `/incident p2 TITLE`.",
            last.id
        )),
        None => no_incident_here(),
    })
}

fn no_incident_here() -> CommandError {
    CommandError::user(
        "There is no incident in this channel; declare one with `/incident p2 checkout is slow`, or name one with its id (INC-7).",
    )
}

/// The incident a read command is about: the one named, or this channel's latest.
pub(crate) async fn named_or_latest(
    core: &Core,
    inv: &Invocation,
    id: Option<IncidentId>,
) -> Result<Incident, CommandError> {
    match id {
        Some(id) => core.store.get(id).await?.ok_or_else(|| not_found(id)),
        None => core
            .store
            .latest_in_channel(&inv.channel)
            .await?
            .ok_or_else(no_incident_here),
    }
}

/// Writes a changed incident together with the entries that record the change.
async fn commit(
    core: &Core,
    changed: &Incident,
    entries: &[NewEntry],
) -> Result<Incident, CommandError> {
    Ok(core.store.update(changed, entries).await?)
}

/// A one-line confirmation of a change, posted to the channel.
fn changed(incident: &Incident, what: impl Into<Line>) -> Reply {
    let head = format!("{} {}: ", incident.severity.marker(), incident.id);
    Reply::channel()
        .text(Line::from(head).then(what.into()))
        .context(incident.title.clone())
        .about(IncidentEvent::Changed(incident.id))
}

/// The incident card of `id`: what a transport shows in place of the old one after a change.
pub async fn card_of(core: &Core, id: IncidentId) -> Result<Reply, CommandError> {
    let incident = core.store.get(id).await?.ok_or_else(|| not_found(id))?;
    let card = card(core, &incident);
    // How many of the incident's alerts still fire, so the card says whether monitoring agrees.
    let alerts = core.alerts.store.of_incident(id).await?;
    if alerts.is_empty() {
        return Ok(card);
    }
    let firing = alerts
        .iter()
        .filter(|a| a.alert.state != crate::alerts::AlertState::Resolved)
        .count();
    Ok(card.fields(vec![(
        "Alerts",
        format!("{firing} firing of {} (`/alerts` lists them)", alerts.len()),
    )]))
}

/// The incident card: its present state at a glance.
pub(crate) fn card(core: &Core, incident: &Incident) -> Reply {
    let targets = core.policy.targets(incident.severity);
    let mut fields: Vec<(&str, Line)> = vec![
        ("Status", incident.status.to_string().into()),
        (
            "Severity",
            format!("{} ({})", incident.severity, targets.description).into(),
        ),
        (
            "Lead",
            incident.lead.as_deref().unwrap_or("none yet").into(),
        ),
        (
            "Declared",
            Line::new()
                .time(incident.declared_at)
                .words(" by ")
                .person(&incident.declared_by),
        ),
    ];
    fields.push((
        "Acknowledged",
        match (&incident.acknowledged_by, incident.acknowledged_at) {
            (Some(who), Some(at)) => Line::new().time(at).words(" by ").person(who),
            _ => "not yet".into(),
        },
    ));
    if let Some(resolved) = incident.resolved_at {
        fields.push(("Resolved", Line::new().time(resolved)));
    }
    if let Some(summary) = &incident.summary {
        fields.push(("Summary", summary.into()));
    }
    let headline = format!(
        "{} {} {} · {}",
        incident.severity.marker(),
        incident.id,
        incident.severity,
        incident.title
    );
    Reply::channel()
        .tone(incident.severity.tone())
        .header(headline.clone())
        .glance(Glance {
            headline,
            status: incident.status.to_string(),
            lead: incident.lead.clone(),
        })
        .fields(fields)
        .context(format!("{}: {}", incident.severity, targets.summary()))
}

/// Appends a said-not-done entry (a note, a follow-up item) to the open incident.
async fn append_text(
    core: &Core,
    inv: &Invocation,
    kind: crate::incident::EntryKind,
    text: String,
    what: &str,
) -> Result<Reply, CommandError> {
    let incident = open_incident(core, inv).await?;
    let entry = NewEntry::new(core.clock.now(), &inv.actor, kind, text.clone());
    core.store.append(incident.id, &[entry]).await?;
    Ok(changed(
        &incident,
        Line::new()
            .words(format!("{what} by "))
            .person(&inv.actor)
            .words(format!(": {text}")),
    ))
}

/// A field of the incident that a command sets, with how it is read, written and stored.
struct Field<T> {
    kind: crate::incident::EntryKind,
    /// The word used in messages: `severity`, `status`.
    name: &'static str,
    get: fn(&Incident) -> T,
    set: fn(&mut Incident, T),
    stored: fn(T) -> &'static str,
}

/// Sets a field of the open incident to `to`, recording from → to on the timeline. Refuses a
/// change to the value it already has, so the timeline never holds a change that was not one.
async fn set_field<T: Copy + PartialEq + std::fmt::Display>(
    core: &Core,
    inv: &Invocation,
    field: Field<T>,
    to: T,
) -> Result<Reply, CommandError> {
    let mut incident = open_incident(core, inv).await?;
    let from = (field.get)(&incident);
    if from == to {
        return Err(CommandError::user(format!(
            "{} is already {to}.",
            incident.id
        )));
    }
    let entry = NewEntry::new(
        core.clock.now(),
        &inv.actor,
        field.kind,
        format!("{} {from} → {to}", field.name),
    )
    .change(Some((field.stored)(from).into()), (field.stored)(to));
    (field.set)(&mut incident, to);
    let incident = commit(core, &incident, &[entry]).await?;
    Ok(changed(
        &incident,
        Line::new()
            .words(format!("{} {from} → {to} by ", field.name))
            .person(&inv.actor),
    ))
}

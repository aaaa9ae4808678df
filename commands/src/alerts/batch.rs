//! One batch of alerts worked through: what each alert decided, gathered in memory and written
//! at the end in one transaction with the timeline entries it causes.
//!
//! Why gathered and not written alert by alert: a storm is a thousand alerts a minute, and an
//! alert written on its own costs a dozen statements and three commits, which on Postgres means
//! waiting for the disk three times per alert. Gathered, a batch of a hundred is a handful of
//! statements and two commits (the alerts as sent, then what warroom did), and a crash between
//! them leaves alerts stored but undecided, which the batch running again decides.
//!
//! What the store learns only at the end, the batch remembers meanwhile: which alerts it already
//! decided (a key sent twice is a repeat), and which open incident each group and each route's
//! channel went to (the next alert of the group joins it without asking the database).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::ingest::{Announcement, Ingested, firing_text, posted};
use super::route::{AlertRoute, RouteAction};
use super::{Alert, AlertState, Source};
use crate::escalation::{JobKind, plan};
use crate::incident::{EntryKind, IncidentId, NewEntry, Status};
use crate::ports::{Before, Decision, Seen, Silence};
use crate::reply::Line;
use crate::{Button, ButtonAction, CommandError, Core, Reply};

/// What a batch learned and will write.
pub(super) struct Batch<'a> {
    pub(super) core: &'a Core,
    pub(super) now: DateTime<Utc>,
    silences: Vec<Silence>,
    decisions: Vec<Decision>,
    /// The incident each alert decided in this batch went to, by alert row.
    decided: HashMap<i64, Option<IncidentId>>,
    /// The open incident a group's alerts went to in this batch.
    pub(super) groups: HashMap<(Source, String), IncidentId>,
    /// The open incident a route's channel holds, found or declared in this batch.
    pub(super) channels: HashMap<String, IncidentId>,
    timeline: BTreeMap<IncidentId, Vec<NewEntry>>,
    /// Incidents an alert fired in: they are no longer quiet.
    fired: BTreeSet<IncidentId>,
    /// Incidents an alert cleared in, with the row of the last alert that cleared.
    cleared: BTreeMap<IncidentId, i64>,
    /// Incidents whose alerts changed: their cards are drawn again.
    touched: BTreeSet<IncidentId>,
    pub(super) done: Ingested,
}

impl<'a> Batch<'a> {
    pub(super) async fn new(core: &'a Core, now: DateTime<Utc>) -> Result<Batch<'a>, CommandError> {
        Ok(Batch {
            core,
            now,
            silences: core.alerts.store.silences(now).await?,
            decisions: Vec::new(),
            decided: HashMap::new(),
            groups: HashMap::new(),
            channels: HashMap::new(),
            timeline: BTreeMap::new(),
            fired: BTreeSet::new(),
            cleared: BTreeMap::new(),
            touched: BTreeSet::new(),
            done: Ingested::default(),
        })
    }

    /// Acts on one recorded alert.
    pub(super) async fn act(&mut self, alert: &Alert, seen: &Seen) -> Result<(), CommandError> {
        let before = self.before(seen);
        match alert.state {
            AlertState::Firing => self.fire(alert, seen.id, before).await,
            AlertState::Resolved => {
                self.clear(alert, seen.id, before);
                Ok(())
            }
            AlertState::Acknowledged => {
                if let Some(Before {
                    incident: Some(id), ..
                }) = before
                {
                    let text = format!("alert acknowledged by its source: {}", alert.name);
                    self.tell(id, alert, text);
                }
                Ok(())
            }
        }
    }

    /// What was known of the alert: as the store said, with what this batch decided about it.
    fn before(&self, seen: &Seen) -> Option<Before> {
        let mut before = seen.before.clone()?;
        if let Some(incident) = self.decided.get(&seen.id) {
            // What the batch will write replaces what the row holds.
            before.decided = true;
            before.incident = *incident;
        }
        Some(before)
    }

    async fn fire(
        &mut self,
        alert: &Alert,
        id: i64,
        before: Option<Before>,
    ) -> Result<(), CommandError> {
        // Firing again while still firing is a repeat: nothing new to say.
        if let Some(Before {
            state: AlertState::Firing | AlertState::Acknowledged,
            incident,
            decided: true,
        }) = before
        {
            self.touched.extend(incident);
            return Ok(());
        }
        let routes = self.core.alerts.routes.clone();
        let Some(route) = routes.route(alert) else {
            let why = "No route matched it, so it is stored and shown by `/alerts why` only.";
            self.decide(id, "", None, why.into());
            return Ok(());
        };
        if let Some(why) = self.silenced(route) {
            self.decide(id, &route.name, None, why);
            return Ok(());
        }
        if route.action == RouteAction::Post {
            self.done.announcements.push(Announcement::Post {
                channel: route.channel.clone(),
                reply: posted(alert),
            });
            let why = format!(
                "Route `{}` matched; it posts alerts to the channel and declares nothing.",
                route.name
            );
            self.decide(id, &route.name, None, why);
            return Ok(());
        }
        let (incident, why) = self.incident_for(alert, route).await?;
        self.groups
            .insert((alert.source, alert.group.clone()), incident);
        self.decide(id, &route.name, Some(incident), why);
        self.tell(incident, alert, firing_text(alert));
        self.fired.insert(incident);
        Ok(())
    }

    /// Why a route's alert declares and pages nothing, when the route or its service is
    /// silenced.
    fn silenced(&self, route: &AlertRoute) -> Option<String> {
        let silence = self.silences.iter().find(|s| {
            s.target == route.name || route.service.as_deref() == Some(s.target.as_str())
        })?;
        Some(format!(
            "Route `{}` matched, but `{}` is silenced until {} by {} ({}), so it declared and paged nothing.",
            route.name,
            silence.target,
            silence.until.format("%Y-%m-%d %H:%M UTC"),
            silence.by,
            silence.reason
        ))
    }

    fn clear(&mut self, alert: &Alert, id: i64, before: Option<Before>) {
        // Resolved before it joined anything, or resolved again: stored, nothing to say.
        let Some(Before {
            state: AlertState::Firing | AlertState::Acknowledged,
            incident: Some(incident),
            ..
        }) = before
        else {
            return;
        };
        self.tell(incident, alert, format!("alert resolved: {}", alert.name));
        self.cleared.insert(incident, id);
    }

    fn decide(&mut self, id: i64, route: &str, incident: Option<IncidentId>, why: String) {
        self.decided.insert(id, incident);
        let decision = Decision {
            id,
            route: route.to_string(),
            incident,
            why,
        };
        // A key resolved and firing again within one batch is decided afresh.
        match self.decisions.iter_mut().find(|d| d.id == id) {
            Some(earlier) => *earlier = decision,
            None => self.decisions.push(decision),
        }
    }

    /// Puts what an alert did on incident `id`'s timeline, said by its source.
    fn tell(&mut self, id: IncidentId, alert: &Alert, text: String) {
        let entry = NewEntry::new(self.now, alert.source.as_str(), EntryKind::Alert, text);
        self.timeline.entry(id).or_default().push(entry);
        self.touched.insert(id);
    }

    /// Writes the batch, then says what changed: the question whether to resolve an incident
    /// all of whose alerts cleared, and each touched incident's card drawn again.
    pub(super) async fn finish(mut self) -> Result<Ingested, CommandError> {
        let core = self.core;
        let timeline: Vec<(IncidentId, Vec<NewEntry>)> =
            std::mem::take(&mut self.timeline).into_iter().collect();
        core.alerts.store.decide(&self.decisions, &timeline).await?;
        // A cleared incident that fires again is no longer quiet: it waits to clear once more.
        for incident in &self.fired {
            core.schedule
                .cancel(*incident, &[JobKind::AutoResolve])
                .await?;
        }
        for (incident, alert) in std::mem::take(&mut self.cleared) {
            self.all_cleared(incident, alert).await?;
        }
        for incident in std::mem::take(&mut self.touched) {
            if let Some(found) = core.store.get(incident).await? {
                self.done.announcements.push(Announcement::Redraw {
                    channel: found.channel,
                    incident,
                });
            }
        }
        Ok(self.done)
    }

    /// When no alert of `id` fires any more, asks the channel whether to resolve it, and plans
    /// the resolution when the route of `alert` (the last to clear) resolves on its own.
    async fn all_cleared(&mut self, id: IncidentId, alert: i64) -> Result<(), CommandError> {
        let core = self.core;
        let Some(incident) = core.store.get(id).await? else {
            return Ok(());
        };
        let alerts = core.alerts.store.of_incident(id).await?;
        let firing = alerts.iter().any(|a| a.alert.state != AlertState::Resolved);
        if firing || incident.status == Status::Resolved {
            return Ok(());
        }
        let mut reply = Reply::channel()
            .text(format!("All alerts of {id} cleared. Resolve it?"))
            .buttons(vec![Button::new(ButtonAction::Resolve, id.button_token())]);
        let route = alerts
            .iter()
            .find(|a| a.id == alert)
            .and_then(|a| core.alerts.routes.named(&a.route));
        if let Some((route, quiet)) = route.and_then(|r| Some((r, r.auto_resolve?))) {
            let at = self.now + quiet;
            let job = plan::reminder(JobKind::AutoResolve, &incident, at);
            core.schedule.schedule(&job).await?;
            reply = reply.context(
                Line::new()
                    .words(format!("Route `{}` resolves it on its own at ", route.name))
                    .time(at)
                    .words(" unless an alert fires again."),
            );
        }
        self.done.announcements.push(Announcement::Post {
            channel: incident.channel.clone(),
            reply: reply.about(crate::IncidentEvent::Changed(id)),
        });
        Ok(())
    }
}

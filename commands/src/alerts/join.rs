//! Which incident a firing alert of a declaring route goes to, and the sentence saying why:
//! the open incident its group already joined within the group window, else the open incident
//! of the route's channel (one incident per channel), else one it declares.

use super::Alert;
use super::batch::Batch;
use super::ingest::Announcement;
use super::route::AlertRoute;
use crate::incident::{IncidentId, Status};
use crate::ports::StoreError;
use crate::{CommandError, IncidentEvent, Invocation};

impl Batch<'_> {
    /// The incident `alert` belongs to, and why.
    pub(super) async fn incident_for(
        &mut self,
        alert: &Alert,
        route: &AlertRoute,
    ) -> Result<(IncidentId, String), CommandError> {
        if let Some(id) = self.group_incident(alert).await? {
            return Ok((
                id,
                format!(
                    "Route `{}` matched; it joined {id} because alerts of its group were already in it.",
                    route.name
                ),
            ));
        }
        if let Some(id) = self.channel_incident(route).await? {
            return Ok((
                id,
                format!(
                    "Route `{}` matched; it joined {id} because that incident is open in the route's channel, which holds one incident at a time.",
                    route.name
                ),
            ));
        }
        self.declare(alert, route).await
    }

    /// The open incident alerts of the group joined: in this batch, or within the group window.
    async fn group_incident(&mut self, alert: &Alert) -> Result<Option<IncidentId>, CommandError> {
        let group = (alert.source, alert.group.clone());
        if let Some(id) = self.groups.get(&group) {
            return Ok(Some(*id));
        }
        let core = self.core;
        let since = self.now - core.alerts.routes.group_window;
        let Some(id) = core
            .alerts
            .store
            .group_incident(alert.source, &alert.group, since)
            .await?
        else {
            return Ok(None);
        };
        let open = core
            .store
            .get(id)
            .await?
            .is_some_and(|i| i.status != Status::Resolved);
        if open {
            self.groups.insert(group, id);
        }
        Ok(open.then_some(id))
    }

    /// The incident open in the route's channel.
    async fn channel_incident(
        &mut self,
        route: &AlertRoute,
    ) -> Result<Option<IncidentId>, CommandError> {
        if let Some(id) = self.channels.get(&route.name) {
            return Ok(Some(*id));
        }
        let open = self.core.store.open_in_channel(&route.channel).await?;
        if let Some(open) = &open {
            self.channels.insert(route.name.clone(), open.id);
        }
        Ok(open.map(|o| o.id))
    }

    /// Declares an incident for the alert at the severity its labels map to, posts its card and
    /// how the route's service is (context at once); or joins the one another batch declared
    /// in the channel a moment before.
    async fn declare(
        &mut self,
        alert: &Alert,
        route: &AlertRoute,
    ) -> Result<(IncidentId, String), CommandError> {
        let core = self.core;
        let severity = route.severity_of(alert);
        let inv = Invocation {
            channel: route.channel.clone(),
            actor: alert.source.as_str().to_string(),
            groups: Vec::new(),
            text: String::new(),
        };
        let title: String = alert.summary.chars().take(120).collect();
        let joined =
            match crate::handlers::incident::declare::handle(core, &inv, severity, title).await {
                Ok(_) => false,
                // Another batch declared in this channel a moment ago: join it.
                Err(CommandError::User(_)) => true,
                Err(e) => return Err(e),
            };
        let open = core
            .store
            .open_in_channel(&route.channel)
            .await?
            .ok_or_else(|| StoreError::Internal("a declared incident is not open".into()))?;
        self.channels.insert(route.name.clone(), open.id);
        if joined {
            return Ok((
                open.id,
                format!(
                    "Route `{}` matched; it joined {}, declared in the route's channel a moment before.",
                    route.name, open.id
                ),
            ));
        }
        let card = core
            .incident_card(open.id)
            .await?
            .about(IncidentEvent::Declared(open.id));
        self.done.announcements.push(Announcement::Post {
            channel: route.channel.clone(),
            reply: card,
        });
        if let Some(service) = route
            .service
            .as_deref()
            .and_then(|s| core.services.services.get(s))
            && service.has_health()
        {
            let health = crate::handlers::health::report(core, &[service]).await;
            self.done.announcements.push(Announcement::Post {
                channel: route.channel.clone(),
                reply: health.about(IncidentEvent::Changed(open.id)),
            });
        }
        Ok((
            open.id,
            format!(
                "Route `{}` matched; it opened {} at {severity} because no open incident had its group and the channel had none.",
                route.name, open.id
            ),
        ))
    }
}

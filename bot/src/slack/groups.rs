//! Which Slack user groups a person is in, for access rules that name a group (`slack:S…`).
//!
//! Slack does not say in a command which groups the sender belongs to, so warroom reads every
//! group with its members (usergroups.list) and keeps the answer for a minute: a command costs
//! no extra call, and someone removed from the on-call group loses its rights within a minute.
//! When Slack cannot be asked, nobody is in any group: access falls back to what is granted to
//! people by id, never to more.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::api::SlackApi;

const FRESH_FOR: Duration = Duration::from_secs(60);

/// Group id → the ids of its members.
type Members = HashMap<String, Vec<String>>;

#[derive(Default)]
pub struct Groups {
    /// When the membership was read, and what it was.
    cached: Mutex<Option<(Instant, Members)>>,
}

impl Groups {
    /// The groups `user` is in.
    pub async fn of(&self, api: &SlackApi, user: &str) -> Vec<String> {
        let members = self.read(api).await;
        let mut groups: Vec<String> = members
            .iter()
            .filter(|(_, users)| users.iter().any(|u| u == user))
            .map(|(group, _)| group.clone())
            .collect();
        groups.sort();
        groups
    }

    /// The members of `group` (for inviting the on-call group to an incident channel).
    pub async fn members(&self, api: &SlackApi, group: &str) -> Vec<String> {
        self.read(api).await.remove(group).unwrap_or_default()
    }

    /// Every group's members, read at most once a minute; empty when Slack cannot be asked.
    async fn read(&self, api: &SlackApi) -> Members {
        if let Some((read, members)) = &*self.cached.lock().expect("never poisoned")
            && read.elapsed() < FRESH_FOR
        {
            return members.clone();
        }
        match api.user_groups().await {
            Ok(groups) => {
                let members: Members = groups.into_iter().collect();
                *self.cached.lock().expect("never poisoned") =
                    Some((Instant::now(), members.clone()));
                members
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read Slack user groups; group rules do not apply until it can");
                Members::new()
            }
        }
    }
}

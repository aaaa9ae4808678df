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

/// User id → the ids of the groups the user is in.
type Members = HashMap<String, Vec<String>>;

#[derive(Default)]
pub struct Groups {
    /// When the membership was read, and what it was.
    cached: Mutex<Option<(Instant, Members)>>,
}

impl Groups {
    /// The groups `user` is in.
    pub async fn of(&self, api: &SlackApi, user: &str) -> Vec<String> {
        if let Some((read, members)) = &*self.cached.lock().expect("never poisoned")
            && read.elapsed() < FRESH_FOR
        {
            return members.get(user).cloned().unwrap_or_default();
        }
        let members = match api.user_groups().await {
            Ok(groups) => {
                let mut members = Members::new();
                for (group, users) in groups {
                    for user in users {
                        members.entry(user).or_default().push(group.clone());
                    }
                }
                members
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read Slack user groups; group rules do not apply until it can");
                return Vec::new();
            }
        };
        let found = members.get(user).cloned().unwrap_or_default();
        *self.cached.lock().expect("never poisoned") = Some((Instant::now(), members));
        found
    }
}

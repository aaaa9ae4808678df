//! The [`PageLinks`] port: links the bot posts, signed with `[web] link_secret` so that they
//! open one incident's page, and only until they expire.

use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::incident::IncidentId;
use warroom_commands::ports::PageLinks;

use super::signed_link;

pub struct SignedLinks {
    pub base_url: String,
    pub secret: String,
    pub ttl: TimeDelta,
}

impl PageLinks for SignedLinks {
    fn incident(&self, id: IncidentId, now: DateTime<Utc>) -> Option<(String, DateTime<Utc>)> {
        let until = warroom_commands::grammar::later(now, self.ttl);
        Some((signed_link(&self.base_url, &self.secret, id, until), until))
    }
}

//! Links to the incident pages, as a port: the bot signs them with its secret; the core only
//! decides where a link belongs in a reply.

use chrono::{DateTime, Utc};

use crate::incident::IncidentId;

pub trait PageLinks: Send + Sync {
    /// A link that opens the incident's page from `now` until the time returned; `None` when
    /// warroom has no pages to link to (no `[web] link_secret`).
    fn incident(&self, id: IncidentId, now: DateTime<Utc>) -> Option<(String, DateTime<Utc>)>;
}

/// No pages: replies carry no links.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoPages;

impl PageLinks for NoPages {
    fn incident(&self, _: IncidentId, _: DateTime<Utc>) -> Option<(String, DateTime<Utc>)> {
        None
    }
}

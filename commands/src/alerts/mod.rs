//! Alerts that open incidents: what each source sends, read into one [`Alert`] shape, routed
//! by configuration, and stored, grouped and turned into incidents by [`ingest`].

mod batch;
mod ingest;
mod join;
mod model;
pub mod route;
pub mod sources;

use std::sync::Arc;

pub use ingest::{Announcement, Ingested, ingest};
pub use model::{Alert, AlertLink, AlertState, Source, Unreadable};

use crate::ports::{AlertStore, NoAlerts};
use route::AlertRoutes;

/// Where alerts are kept and where they go: the core's part of alerting.
#[derive(Clone)]
pub struct Desk {
    pub store: Arc<dyn AlertStore>,
    pub routes: Arc<AlertRoutes>,
}

impl Desk {
    /// No alert store and no routes: a core that never receives alerts.
    pub fn none() -> Desk {
        Desk {
            store: Arc::new(NoAlerts),
            routes: Arc::new(AlertRoutes::default()),
        }
    }
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("routes", &self.routes.routes.len())
            .finish()
    }
}

//! Whom a level pages at one instant: its fixed contacts, and the people its schedules have on
//! call then.
//!
//! The same answer serves the page (at the instant it fires), the planner (which passes over an
//! overdue level whose people were all paged already) and `/incident show` (at the instant the
//! level is due), so the three never disagree about who "on-call" is. Only contacts of the
//! incident's platform can be mentioned in its channel: a schedule's person on another platform
//! is left out here as a fixed contact there is. A schedule with nobody on call (a gap between
//! restricted hours) pages nobody, and the answer says so, so the channel learns that nobody was
//! reached through it.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Contact, Level, Pagee, SCHEDULE};
use crate::oncall::{Override, Schedules};
use crate::{CommandError, Core, Platform};

/// The rota as recorded at one moment: the configured schedules and the overrides not yet
/// ended then. Loaded once per page or plan, and asked about any instant from then on.
#[derive(Debug, Clone, Default)]
pub struct Rota {
    pub schedules: Arc<Schedules>,
    pub overrides: Vec<Override>,
}

/// Someone a level pages, and the schedule that put them on call (`None` for a fixed contact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged {
    pub contact: Contact,
    pub through: Option<String>,
}

/// A schedule that a level names and that reaches nobody at the instant asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vacancy {
    pub schedule: String,
    /// False when no schedule has that name (configuration checks names, so only a core built
    /// some other way gets here).
    pub configured: bool,
}

/// Whom a level pages at one instant, on one platform.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Whom {
    /// Each person or group once, in the order the level names them; someone both named and on
    /// call is paged as whichever the level names first.
    pub paged: Vec<Paged>,
    /// The schedules with nobody on call then.
    pub vacant: Vec<Vacancy>,
    /// The paging providers the incident is handed to, each once.
    pub providers: Vec<crate::paging::Provider>,
}

impl Rota {
    /// The rota at `now`, for a policy with these levels. The overrides are read only when a
    /// level names a schedule, so a policy of fixed contacts asks the store nothing.
    pub async fn load(
        core: &Core,
        levels: &[Level],
        now: DateTime<Utc>,
    ) -> Result<Rota, CommandError> {
        let names_a_schedule = levels
            .iter()
            .flat_map(|level| &level.notify)
            .any(|pagee| pagee.schedule().is_some());
        let overrides = if names_a_schedule {
            core.oncall.overrides.overrides(now).await?
        } else {
            Vec::new()
        };
        Ok(Rota {
            schedules: core.oncall.schedules.clone(),
            overrides,
        })
    }

    /// Whom `level` pages at `at` in a channel on `platform`.
    pub fn whom(&self, platform: Platform, level: &Level, at: DateTime<Utc>) -> Whom {
        let mut whom = Whom::default();
        for pagee in &level.notify {
            let (contact, through) = match pagee {
                Pagee::Contact(contact) => (contact.clone(), None),
                Pagee::Provider(provider) => {
                    if !whom.providers.contains(provider) {
                        whom.providers.push(*provider);
                    }
                    continue;
                }
                Pagee::Schedule(name) => {
                    let schedule = self.schedules.get(name);
                    match schedule.and_then(|s| s.on_call(at, &self.overrides)) {
                        Some(shift) => (shift.who, Some(name.clone())),
                        None => {
                            let vacancy = Vacancy {
                                schedule: name.clone(),
                                configured: schedule.is_some(),
                            };
                            if !whom.vacant.contains(&vacancy) {
                                whom.vacant.push(vacancy);
                            }
                            continue;
                        }
                    }
                }
            };
            if contact.platform == platform && !whom.paged.iter().any(|p| p.contact == contact) {
                whom.paged.push(Paged { contact, through });
            }
        }
        whom
    }
}

impl Whom {
    /// Whether the level names nobody here at all: no one to page, no vacancy to report.
    pub fn is_empty(&self) -> bool {
        self.paged.is_empty() && self.vacant.is_empty() && self.providers.is_empty()
    }
}

impl std::fmt::Display for Paged {
    /// `slack:U0BOB (schedule:primary)`, or the contact alone when it is a fixed one: how the
    /// timeline and the job's note record a page.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.through {
            Some(name) => write!(f, "{} ({SCHEDULE}{name})", self.contact),
            None => self.contact.fmt(f),
        }
    }
}

impl Vacancy {
    /// `schedule:secondary has nobody on call now`, with `when` for "now".
    pub fn said(&self, when: &str) -> String {
        if self.configured {
            format!("{SCHEDULE}{} has nobody on call {when}", self.schedule)
        } else {
            format!(
                "{SCHEDULE}{} names no configured schedule, so it pages nobody",
                self.schedule
            )
        }
    }
}

//! Escalation and reminders: who is paged when nobody acknowledges, and what the incident
//! channel is reminded of.
//!
//! Due work is rows in the database ([`crate::ports::ScheduleStore`]), not timers in memory, so
//! a restart loses nothing and two warroom processes on one Postgres do each item once. The
//! handlers plan the next item when an incident changes ([`plan`]); the scheduler in the bot
//! claims due items and hands each to [`fire`], which looks at the incident *as it is now*
//! before it pages anyone. That second look is what makes an acknowledgement stop escalation
//! reliably: a level planned before the ack finds the incident acknowledged and stands down.
//!
//! A claim is a lease that each post renews and checks first ([`claim`]), so only the worker
//! holding a job posts for it, and a stopped worker's job is someone else's a [`LEASE`] later.
//! A level plans the next one as it fires, before its page goes out, so a stopped worker delays
//! only its own page. The one way a page goes out twice is spelled out in [`fire`].
//!
//! A level names people, groups or on-call schedules ([`pagee`]); a schedule is read at the
//! instant the level fires, with the overrides recorded by then ([`whom`]).

pub mod calendar;
pub mod claim;
pub mod fire;
pub mod handoff;
pub mod job;
pub mod pagee;
pub mod plan;
pub mod policy;
pub mod whom;

pub use calendar::{Calendar, QuietHours, Zone};
pub use claim::{LEASE, RETRY};
pub use fire::{AT_ONCE, Outbox, fire, run_due};
pub use job::{Job, JobKind, NewJob};
pub use pagee::{Pagee, SCHEDULE};
pub use policy::{Contact, EscalationPolicy, Level, SeverityEscalation, Weekly};
pub use whom::{Paged, Rota, Vacancy, Whom};

/// The actor warroom's own timeline entries are written by.
pub const WARROOM: &str = "warroom";
#[cfg(test)]
mod tests;

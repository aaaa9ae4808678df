//! The core of warroom.
//!
//! Everything that decides what a command means and what it does lives here, free of any I/O
//! crate, so the same rules hold on Slack, Discord and the console and can be tested with
//! in-memory fakes. The outside world (the incident store, the clock, and later the platform
//! operations) is reached only through the traits in [`ports`]; `warroom-integrations`
//! implements them and `warroom` (the bot) wires them together.
//!
//! A command flows: [`Invocation`] text → [`grammar::parse`] → typed [`Command`] →
//! [`handlers::dispatch`] (one handler per verb) → platform-neutral [`Reply`], all of it driven by
//! [`pipeline`] (parse once, authorize, dispatch, mask, count).

pub mod access;
pub mod actions;
pub mod alerts;
pub mod carriers;
pub mod core;
pub mod error;
pub mod escalation;
pub mod grammar;
pub mod handlers;
pub mod health;
pub mod incident;
pub mod invocation;
pub mod metrics;
pub mod oncall;
pub mod paging;
pub mod pipeline;
pub mod ports;
pub mod postmortem;
pub mod redact;
pub mod reply;
pub mod services;
pub mod timefmt;

#[cfg(any(test, feature = "fakes"))]
pub mod fakes;

pub use crate::core::Core;
pub use error::{CommandError, InternalError, UserError};
pub use grammar::{Command, IncidentCommand};
pub use invocation::{ChannelRef, Invocation, Platform};
pub use reply::{Block, Button, ButtonAction, IncidentEvent, Reply, Tone, Visibility};

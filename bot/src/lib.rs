//! warroom, the bot: configuration, startup wiring and transports.
//!
//! Everything lives in this library so tests can drive it in-process; `main.rs` only parses the
//! command line and calls [`cli::run`]. The core (`warroom-commands`) decides what commands
//! mean; the integrations (`warroom-integrations`) reach databases and platforms; this crate
//! connects them to people through the console, Slack and Discord.

pub mod alerts;
pub mod answer;
pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod console;
pub mod discord;
pub mod inbox;
pub mod lease;
pub mod logging;
pub mod outbox;
pub mod paging;
pub mod process_metrics;
pub mod readiness;
pub mod scheduler;
pub mod server;
pub mod signed;
pub mod slack;
pub mod sns;
pub mod web;
pub mod work;

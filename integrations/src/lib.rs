//! warroom's adapters: implementations of the ports that `warroom-commands` defines.
//!
//! Today that is the incident store on SQLite (the embedded default) and Postgres; the platform
//! integrations (HTTP health probes, AWS SSM, ECS, CloudWatch Logs, argv runners) join here as
//! they are built. Nothing in this crate decides policy; it carries out what the core asks.

pub mod store;

pub use store::{OpenError, Store};

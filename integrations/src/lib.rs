//! warroom's adapters: implementations of the ports that `warroom-commands` defines.
//!
//! The incident store, pending confirmations and the audit log on SQLite (the embedded default)
//! and Postgres; the argv runner; confirmation tokens. The platform integrations (HTTP health
//! probes, AWS SSM, ECS, CloudWatch Logs) join here as they are built. Nothing in this crate
//! decides policy; it carries out what the core asks.

pub mod argv;
pub mod aws;
pub mod http_health;
pub mod paging;
pub mod pause;
pub mod store;
pub mod tokens;

pub use argv::ArgvRunner;
pub use http_health::HttpHealth;
pub use pause::RealTime;
pub use store::{OpenError, Store};
pub use tokens::OsTokens;

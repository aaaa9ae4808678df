//! Shared harness for warroom's end-to-end tests: real databases and the real binary.
//!
//! Tests never skip: a database that cannot be reached is a failure with a sentence saying how
//! to start it, in CI and on a developer's machine alike.

pub mod binary;
pub mod db;
pub mod discord;
pub mod golden;
pub mod http;
pub mod moto;
pub mod slack;
pub mod stand_in;
pub mod tls;

/// The access policy most end-to-end tests run under: everyone reads and works incidents,
/// `console:alice` and `console:bob` are on call, may operate (confirming their own) and run
/// destructive commands with a second person's confirmation.
pub const ONCALL_POLICY: &str = r#"
[access.roles]
everyone = ["*"]
oncall = ["console:alice", "console:bob"]

[[access.rules]]
role = "everyone"
allow = ["read", "incident"]

[[access.rules]]
role = "oncall"
allow = ["operate"]
approval = "self"

[[access.rules]]
role = "oncall"
allow = ["destructive"]
approval = "other"
"#;

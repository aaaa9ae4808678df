//! Shared harness for warroom's end-to-end tests: real databases and the real binary.
//!
//! Tests never skip: a database that cannot be reached is a failure with a sentence saying how
//! to start it, in CI and on a developer's machine alike.

pub mod bench;
pub mod binary;
pub mod browser;
pub mod db;
pub mod discord;
pub mod escalation;
pub mod golden;
pub mod http;
pub mod moto;
pub mod pages;
pub mod replica;
pub mod slack;
pub mod slack_app;
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

/// The rest of a warroom.toml for the whole-story tests, after the transport's own section:
/// `alice` and `bob` (ids with their platform prefix, `slack:U…`) on call with the two-person
/// rule, and the service `api` on ECS in `moto`, its logs in CloudWatch, its health at `health`.
pub fn story_config(alice: &str, bob: &str, moto: &str, health: std::net::SocketAddr) -> String {
    format!(
        r#"
[aws]
region = "us-east-1"
endpoint_url = "{moto}"

[access.roles]
everyone = ["*"]
oncall = ["{alice}", "{bob}"]

[[access.rules]]
role = "everyone"
allow = ["read", "incident"]

[[access.rules]]
role = "oncall"
allow = ["operate", "destructive"]
approval = "other"

[services.api]
environment = "production"
[services.api.ecs]
cluster = "prod"
service = "api"
settle_timeout = "2s"
[services.api.cloudwatch]
log_group = "/ecs/api"
[services.api.health]
urls = ["http://{health}/api/health"]
"#
    )
}

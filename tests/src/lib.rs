//! Shared harness for warroom's end-to-end tests: real databases and the real binary.
//!
//! Tests never skip: a database that cannot be reached is a failure with a sentence saying how
//! to start it, in CI and on a developer's machine alike.

pub mod alert_desk;
pub mod alertmanager;
pub mod bench;
pub mod binary;
pub mod browser;
pub mod db;
pub mod discord;
pub mod discord_app;
pub mod escalation;
pub mod golden;
pub mod http;
pub mod moto;
pub mod pagers;
pub mod pages;
pub mod paging_desk;
pub mod replica;
pub mod slack;
pub mod slack_app;
pub mod slack_client;
pub mod sns;
pub mod stand_in;
pub mod tls;

/// A loopback port free at this moment, for a server a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a loopback port")
        .local_addr()
        .expect("its address")
        .port()
}

/// warroom started in-process from the configuration `text` and serving on a free loopback
/// port: the app, and where it listens.
pub async fn serve_in_process(
    text: &str,
) -> (std::sync::Arc<warroom::app::App>, std::net::SocketAddr) {
    warroom::server::install_crypto_provider();
    let config = warroom::config::load_str(text, "test").expect("test configuration");
    let app = std::sync::Arc::new(warroom::app::App::start(config).await.unwrap());
    let running = warroom::server::start(app.clone(), Some("127.0.0.1:0".parse().unwrap()))
        .await
        .unwrap();
    (app, running.addr)
}

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
    let policy = two_person_policy(&[alice, bob]);
    format!(
        r#"
[aws]
region = "us-east-1"
endpoint_url = "{moto}"
{policy}
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

/// An access policy: everyone reads and works incidents; `oncall` (ids with their platform
/// prefix, `slack:U…`, `discord:…`) operate and run destructive commands, a second person
/// confirming.
pub fn two_person_policy(oncall: &[&str]) -> String {
    let oncall: Vec<String> = oncall.iter().map(|id| format!("\"{id}\"")).collect();
    format!(
        r#"
[access.roles]
everyone = ["*"]
oncall = [{oncall}]

[[access.rules]]
role = "everyone"
allow = ["read", "incident"]

[[access.rules]]
role = "oncall"
allow = ["operate", "destructive"]
approval = "other"
"#,
        oncall = oncall.join(", ")
    )
}

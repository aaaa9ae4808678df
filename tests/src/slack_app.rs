//! warroom's Slack transport served in-process for the Slack end-to-end tests: the
//! configuration most of them share, the fake Slack it posts to, and signed commands.

use std::sync::Arc;

use serde_json::Value;
use warroom::app::App;

use crate::slack::{FakeSlack, SlackClient};

pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub const CHANNEL: &str = "C0INCIDENTS";
pub const ALICE: &str = "U0ALICE";
pub const BOB: &str = "U0BOB";
pub const MALLORY: &str = "U0MALLORY";
/// On call through the user group S0ONCALL only.
pub const CAROL: &str = "U0CAROL";
pub const FORM: &str = "application/x-www-form-urlencoded";

/// warroom serving on loopback, the fake Slack it posts to, and a client that signs as Slack.
pub struct Harness {
    pub fake: FakeSlack,
    pub slack: SlackClient,
    pub app: Arc<App>,
    pub _dir: tempfile::TempDir,
}

/// The policy most tests run under: everyone reads and works incidents in the incident
/// channel; Alice, Bob and the S0ONCALL group operate there, with a second person confirming.
pub const CHANNEL_POLICY: &str = r#"
[access.roles]
everyone = ["*"]
oncall = ["slack:U0ALICE", "slack:U0BOB", "slack:S0ONCALL"]

[[access.rules]]
role = "everyone"
allow = ["read", "incident"]
channels = ["slack:C0INCIDENTS"]

[[access.rules]]
role = "oncall"
allow = ["operate", "destructive"]
channels = ["slack:C0INCIDENTS"]
approval = "other"
"#;

/// A policy where everyone reads and works incidents in every channel, and nobody operates.
pub const OPEN_POLICY: &str = r#"
[access.roles]
everyone = ["*"]

[[access.rules]]
role = "everyone"
allow = ["read", "incident"]
"#;

/// warroom serving on loopback with Slack pointed at the fake, under [`CHANNEL_POLICY`], with
/// `services` appended to the configuration (`{dir}` in it is the test's directory).
pub async fn start(services: &str) -> Harness {
    launch("", CHANNEL_POLICY, services).await
}

/// [`start`] with more `[slack]` keys and another policy.
pub async fn launch(slack_keys: &str, policy: &str, services: &str) -> Harness {
    warroom::server::install_crypto_provider();
    let fake = FakeSlack::start().await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"
[database]
url = "sqlite://{dir}/warroom.db"

[slack]
signing_secret = "{SECRET}"
bot_token = "xoxb-1234-test"
api_url = "{api}"
{slack_keys}
{policy}
{services}
"#,
        dir = dir.path().display(),
        api = fake.api_url(),
        services = services.replace("{dir}", &dir.path().display().to_string()),
    );
    let (app, addr) = crate::serve_in_process(&text).await;
    Harness {
        slack: SlackClient::new(addr, SECRET),
        fake,
        app,
        _dir: dir,
    }
}

impl Harness {
    /// A slash command by `user` in [`CHANNEL`], which must be acknowledged.
    pub async fn command(&self, user: &str, command: &str, text: &str) {
        let status = self
            .slack
            .command(user, CHANNEL, command, text, &self.fake.response_url(1))
            .await;
        assert_eq!(status, 200, "{command} {text}");
    }
}

/// warroom with the production service `api` rolled back by a stand-in kubectl in `dir`, and
/// the confirmation card of Alice's `/rollback api`.
pub async fn rollback_requested(dir: &std::path::Path) -> (Harness, Value) {
    let kubectl = crate::stand_in::script(dir, 3);
    let h = start(&format!(
        r#"
[services.api]
environment = "production"
[services.api.rollback]
argv = ["{kubectl}", "-n", "prod", "rollout", "undo", "deployment/api"]
"#
    ))
    .await;
    h.command(ALICE, "/rollback", "api").await;
    let card = h.fake.wait_for("chat.postMessage", 1).await.remove(0).body;
    (h, card)
}

/// The text of every block of a recorded message, joined.
pub fn shown(body: &Value) -> String {
    body.to_string()
}

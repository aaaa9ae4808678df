//! warroom's Discord transport served in-process over the HTTP interactions endpoint for the
//! Discord end-to-end tests: the configuration they share, the fake Discord REST API it posts
//! to, and a client that signs interactions with a key made for the test.

use std::sync::Arc;

use serde_json::{Value, json};
use warroom::app::App;

use crate::discord::{DiscordClient, FakeDiscord, command};

pub const CHANNEL: &str = "1111111111111111111";
pub const ALICE: &str = "2000000000000000001";
pub const BOB: &str = "2000000000000000002";
/// On call through the Discord role only.
pub const CAROL: &str = "2000000000000000003";
pub const ONCALL_ROLE: &str = "3000000000000000001";
pub const APP: &str = "1300000000000000001";

/// warroom serving on loopback, the fake Discord it posts to, and a client that signs as
/// Discord.
pub struct Harness {
    pub fake: FakeDiscord,
    pub discord: DiscordClient,
    pub app: Arc<App>,
    pub dir: tempfile::TempDir,
}

/// warroom with Discord over HTTP pointed at the fake: everyone reads and works incidents;
/// Alice, Bob and the on-call role operate, with a second person confirming; `services`
/// appended to the configuration (`{dir}` in it is the test's directory).
pub async fn start(services: &str) -> Harness {
    start_with("", services).await
}

/// [`start`] with more `[discord]` keys.
pub async fn start_with(discord_keys: &str, services: &str) -> Harness {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    // The key is made before warroom starts, so its public half goes into the configuration.
    let mut discord = DiscordClient::new("127.0.0.1:1".parse().unwrap());
    let text = format!(
        r#"
[database]
url = "sqlite://{dir}/warroom.db"
[discord]
mode = "http"
bot_token = "discord-bot-token"
application_id = "{APP}"
public_key = "{key}"
api_url = "{api}"
{discord_keys}
{policy}
{services}
"#,
        policy = crate::two_person_policy(&[
            &format!("discord:{ALICE}"),
            &format!("discord:{BOB}"),
            &format!("discord:{ONCALL_ROLE}"),
        ]),
        dir = dir.path().display(),
        key = discord.public_key(),
        api = fake.api_url(),
        services = services.replace("{dir}", &dir.path().display().to_string()),
    );
    let (app, addr) = crate::serve_in_process(&text).await;
    discord.base = format!("http://{}", addr);
    Harness {
        fake,
        discord,
        app,
        dir,
    }
}

/// warroom with the production service `api` rolled back by a stand-in kubectl in `dir`, and
/// the confirmation card of Alice's `/rollback api`.
pub async fn rollback_requested(dir: &std::path::Path) -> (Harness, Value) {
    let kubectl = crate::stand_in::script(dir, 0);
    let h = start(&format!(
        r#"
[services.api]
environment = "production"
[services.api.rollback]
argv = ["{kubectl}", "rollout", "undo", "deployment/api"]
"#
    ))
    .await;
    let rollback = json!({ "name": "rollback", "type": 1, "options": [{ "name": "service", "type": 3, "value": "api" }] });
    let (status, _) = h
        .discord
        .post(&command(ALICE, &[], CHANNEL, rollback))
        .await;
    assert_eq!(status, 200, "/rollback api");
    let card = h
        .fake
        .wait_for("PATCH", "/messages/@original", 1)
        .await
        .remove(0)
        .body;
    (h, card)
}

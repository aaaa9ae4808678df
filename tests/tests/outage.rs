//! An outage of a platform warroom depends on, as the user and the operator see it: AWS answers
//! that the service's ECS cluster does not exist, the person who asked for a rollback is told in
//! one sentence what is wrong and what to do, and `/metrics` counts the command `failed` (an
//! outage for the operators to look at), not `refused` (a user's mistake).

use warroom_tests::binary::{Serving, metrics};
use warroom_tests::moto::Moto;
use warroom_tests::replica::{SECRET, free_port};
use warroom_tests::slack::{FakeSlack, SlackClient};
use warroom_tests::story_config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_ecs_cluster_is_told_to_the_user_and_counted_failed() {
    warroom::server::install_crypto_provider();
    // moto runs, but the cluster `prod` was never created.
    let moto = Moto::start();
    let fake = FakeSlack::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    // The health endpoint is never asked: the rollback stops at planning.
    let health = "127.0.0.1:9".parse().unwrap();
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:{port}\"\n[slack]\nsigning_secret = \"{SECRET}\"\nbot_token = \"xoxb-outage\"\napi_url = \"{api}\"\n{rest}",
        api = fake.api_url(),
        rest = story_config("slack:U0ALICE", "slack:U0BOB", &moto.url, health),
    );
    std::fs::write(dir.path().join("warroom.toml"), config).unwrap();
    let _serving = Serving::start(dir.path(), port).await;
    let base = format!("http://127.0.0.1:{port}");
    let slack = SlackClient::new(format!("127.0.0.1:{port}").parse().unwrap(), SECRET);
    let respond = fake.response_url(1);

    let asked = slack.command("U0ALICE", "C0OPS", "/rollback", "api", &respond);
    assert_eq!(asked.await, 200);
    let told = fake
        .wait_for_text(
            "response_url",
            "ECS service api in cluster prod does not exist",
        )
        .await
        .body
        .to_string();
    assert!(
        told.contains("check [services.NAME.ecs] in the configuration"),
        "{told}"
    );

    // The command was counted before its answer was written, so it is counted by now.
    let metrics = metrics(&base).await;
    assert!(
        metrics.contains("warroom_commands_total{command=\"rollback\",outcome=\"failed\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("warroom_commands_total{command=\"rollback\",outcome=\"refused\"} 0"),
        "an outage is not the user's refusal:\n{metrics}"
    );
    assert!(
        !fake
            .calls_to("chat.postMessage")
            .iter()
            .any(|c| c.body.to_string().contains("does not exist")),
        "the sentence is for the caller only, not the channel"
    );
}

//! Discord end to end over the HTTP interactions endpoint: interactions signed with a key made
//! for the test into the real server, replies recorded by a fake Discord REST API on loopback.

use std::sync::Arc;

use serde_json::{Value, json};
use warroom::app::App;
use warroom_tests::discord::{DiscordClient, FakeDiscord, click, command};
use warroom_tests::discord_app::{
    ALICE, APP, BOB, CAROL, CHANNEL, ONCALL_ROLE, rollback_requested, start, start_with,
};
use warroom_tests::golden;
use warroom_tests::stand_in;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_registered_once_and_answered_in_place_or_only_to_the_caller() {
    let h = start(
        r#"
[services.api]
environment = "production"
[services.api-staging]
environment = "staging"
"#,
    )
    .await;
    let put = h
        .fake
        .wait_for("PUT", &format!("/applications/{APP}/commands"), 1)
        .await;
    let names: Vec<&str> = put[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"incident") && names.contains(&"rollback"),
        "{names:?}"
    );

    let (status, pong) = h
        .discord
        .post(&json!({ "type": 1, "id": "1", "application_id": APP, "token": "t", "version": 1 }))
        .await;
    assert_eq!((status, pong), (200, json!({ "type": 1 })));

    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p1" }, { "name": "title", "type": 3, "value": "checkout returns 502" } ] }] });
    let (status, deferred) = h.discord.post(&command(ALICE, &[], CHANNEL, declare)).await;
    assert_eq!((status, deferred), (200, json!({ "type": 5 })));
    let edited = h.fake.wait_for("PATCH", "/messages/@original", 1).await;
    let card = &edited[0].body;
    assert_eq!(
        card["embeds"][0]["title"],
        "🔴 INC-1 P1 · checkout returns 502"
    );
    assert_eq!(card["embeds"][0]["color"], 0xD3_2F2F);
    golden::check("discord/incident_declared.json", &golden::masked_json(card));

    // A change redraws the card in place and answers the command that made it.
    let ack = json!({ "name": "incident", "type": 1, "options": [{ "name": "ack", "type": 1, "options": [] }] });
    h.discord.post(&command(BOB, &[], CHANNEL, ack)).await;
    let redrawn = h
        .fake
        .wait_for(
            "PATCH",
            &format!("/channels/{CHANNEL}/messages/1100000000000000001"),
            1,
        )
        .await;
    assert!(
        redrawn[0].body.to_string().contains(&format!("by {BOB}")),
        "{:?}",
        redrawn[0].body
    );
    let answered = h.fake.wait_for("PATCH", "/messages/@original", 2).await;
    assert!(
        answered[1].body.to_string().contains("acknowledged"),
        "{:?}",
        answered[1].body
    );

    // A mistake goes to the caller only: the public "thinking…" is removed.
    let typo = json!({ "name": "health", "type": 1, "options": [{ "name": "service", "type": 3, "value": "apj" }] });
    h.discord.post(&command(BOB, &[], CHANNEL, typo)).await;
    let followups = h
        .fake
        .wait_for("POST", &format!("/webhooks/{APP}/"), 1)
        .await;
    assert_eq!(followups[0].body["flags"], 64);
    golden::check(
        "discord/error.json",
        &golden::masked_json(&followups[0].body),
    );
    assert!(
        followups[0]
            .body
            .to_string()
            .contains("Did you mean `api`?"),
        "{:?}",
        followups[0].body
    );
    assert_eq!(h.fake.calls_to("DELETE", "/messages/@original").len(), 1);

    // Service names are offered as they are typed.
    let typing = json!({ "name": "health", "type": 1, "options": [{ "name": "service", "type": 3, "value": "api-", "focused": true }] });
    let mut auto = command(BOB, &[], CHANNEL, typing);
    auto["type"] = json!(4);
    let (_, choices) = h.discord.post(&auto).await;
    assert_eq!(
        choices,
        json!({ "type": 8, "data": { "choices": [{ "name": "api-staging", "value": "api-staging" }] } })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_card_is_confirmed_by_a_member_of_the_oncall_role_and_runs_once() {
    let scripts = tempfile::tempdir().unwrap();
    let (h, card) = rollback_requested(scripts.path()).await;
    golden::check("discord/confirmation.json", &golden::masked_json(&card));
    let custom_id = card["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(custom_id.starts_with("warroom:confirm:"), "{custom_id}");

    // Alice may not approve her own; Carol, on call through her role, may.
    let (_, answer) = h
        .discord
        .post(&click(ALICE, &[], CHANNEL, &card, &custom_id))
        .await;
    assert_eq!(answer, json!({ "type": 6 }));
    let refused = h
        .fake
        .wait_for("POST", &format!("/webhooks/{APP}/"), 1)
        .await;
    assert!(
        refused[0]
            .body
            .to_string()
            .contains("needs a second person"),
        "{:?}",
        refused[0].body
    );
    assert_eq!(stand_in::calls(scripts.path()).len(), 0);

    h.discord
        .post(&click(CAROL, &[ONCALL_ROLE], CHANNEL, &card, &custom_id))
        .await;
    // The card, Carol's "approved this", the outcome: Alice's refused click edited nothing.
    let edits = h.fake.wait_for("PATCH", "/messages/@original", 3).await;
    let texts: Vec<String> = edits.iter().map(|e| e.body.to_string()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts.iter().all(|t| !t.contains(&format!("<@{ALICE}>"))),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains(&format!("<@{CAROL}> approved this at"))),
        "{texts:?}"
    );
    let outcome = &edits.last().unwrap().body;
    assert!(outcome.to_string().contains("✅ api/rollback"), "{outcome}");
    assert_eq!(outcome["components"], json!([]));
    golden::check("discord/outcome.json", &golden::masked_json(outcome));
    assert_eq!(stand_in::calls(scripts.path()).len(), 1);

    h.discord
        .post(&click(BOB, &[], CHANNEL, &card, &custom_id))
        .await;
    let refused = h
        .fake
        .wait_for("POST", &format!("/webhooks/{APP}/"), 2)
        .await;
    assert!(
        refused[1].body.to_string().contains("Already confirmed"),
        "{:?}",
        refused[1].body
    );
    assert_eq!(stand_in::calls(scripts.path()).len(), 1);
    let _ = &h.dir;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactions_discord_did_not_sign_now_are_refused_and_run_nothing() {
    let h = start("").await;
    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p1" }, { "name": "title", "type": 3, "value": "forged" } ] }] });
    let body = command(ALICE, &[], CHANNEL, declare).to_string();
    let now = chrono::Utc::now().timestamp().to_string();
    let other = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let wrong_key = DiscordClient::sign_with(&other, &now, &body);
    assert_eq!(
        h.discord
            .post_raw(&body, Some(&now), Some(&wrong_key))
            .await
            .0,
        401,
        "wrong key"
    );
    assert_eq!(
        h.discord.post_raw(&body, Some(&now), Some("00")).await.0,
        401,
        "bad signature"
    );
    assert_eq!(
        h.discord.post_raw(&body, None, Some("00")).await.0,
        401,
        "missing timestamp"
    );
    assert_eq!(
        h.discord.post_raw(&body, Some(&now), None).await.0,
        401,
        "missing signature"
    );
    let stale = (chrono::Utc::now().timestamp() - 600).to_string();
    // Signed with the right key but ten minutes ago.
    let (status, _) = {
        let mut body_value: Value = serde_json::from_str(&body).unwrap();
        body_value["token"] = json!("stale");
        let client = &h.discord;
        let text = body_value.to_string();
        let sig = client.sign_for_test(&stale, &text);
        client.post_raw(&text, Some(&stale), Some(&sig)).await
    };
    assert_eq!(status, 401, "stale");
    let altered = body.replace("forged", "altered");
    let sig = h.discord.sign_for_test(&now, &body);
    assert_eq!(
        h.discord.post_raw(&altered, Some(&now), Some(&sig)).await.0,
        401,
        "altered body"
    );
    let (status, _) = h.discord.post(&json!({ "type": 99, "token": "x" })).await;
    assert_eq!(status, 400, "unknown interaction type");
    let card = json!({ "embeds": [], "components": [] });
    let (status, _) = h
        .discord
        .post(&click(
            BOB,
            &[],
            CHANNEL,
            &card,
            "warroom:rollback:abcd1234",
        ))
        .await;
    assert_eq!(status, 400, "tampered custom id");
    let (status, _) = h
        .discord
        .post(&click(BOB, &[], CHANNEL, &card, "warroom:confirm:'; DROP"))
        .await;
    assert_eq!(status, 400, "tampered token");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let replies: Vec<_> = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.path.contains("/webhooks/"))
        .collect();
    assert!(replies.is_empty(), "nothing ran: {replies:?}");

    // A genuine interaction sent three times (a replay of a captured request) runs once.
    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p2" }, { "name": "title", "type": 3, "value": "replayed" } ] }] });
    let genuine = command(ALICE, &[], CHANNEL, declare).to_string();
    let sig = h.discord.sign_for_test(&now, &genuine);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(h.discord.post_raw(&genuine, Some(&now), Some(&sig)).await.0);
    }
    // The copies were refused at the door, before anything was recorded or run.
    assert_eq!(statuses, [200, 401, 401]);
    let shown = h.fake.wait_for("PATCH", "/messages/@original", 1).await;
    assert!(shown[0].body.to_string().contains("replayed"), "{shown:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_ping_people_and_roles_in_channels_replies_and_direct_messages() {
    use warroom_commands::ports::{Mention, Notifier, Recipient};
    use warroom_commands::{ChannelRef, Platform, Reply};
    let h = start("").await;
    let text = format!(
        "[discord]\nmode = \"http\"\nbot_token = \"t\"\napplication_id = \"{APP}\"\npublic_key = \"{}\"\napi_url = \"{}\"\n",
        h.discord.public_key(),
        h.fake.api_url()
    );
    let config = warroom::config::load_str(&text, "test").unwrap();
    let app = App::start(
        warroom::config::load_str(
            &format!(
                "[database]\nurl = \"sqlite://{}/n.db\"\n",
                h.dir.path().display()
            ),
            "test",
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let letters = warroom::outbox::Outbox::new(app.store.clone(), "test".into());
    let discord = warroom::discord::Discord::new(
        app.core.clone(),
        Arc::new(app.store.clone()),
        warroom::inbox::Inbox::new(app.store.clone(), letters.clone()),
        letters,
        &config.discord,
    );
    let channel = ChannelRef {
        platform: Platform::Discord,
        workspace: "1400000000000000001".into(),
        channel: CHANNEL.into(),
    };
    let page = Reply::channel().text("INC-1 is not acknowledged after 5m.");
    discord
        .notify(
            &Recipient::Channel(channel.clone()),
            &[
                Mention::Group(ONCALL_ROLE.into()),
                Mention::User(BOB.into()),
                Mention::User("everyone".into()),
            ],
            &page,
        )
        .await
        .unwrap();
    discord
        .notify(
            &Recipient::Thread {
                channel,
                message: "1600000000000000001".into(),
            },
            &[],
            &page,
        )
        .await
        .unwrap();
    discord
        .notify(
            &Recipient::Direct {
                platform: Platform::Discord,
                user: BOB.into(),
            },
            &[],
            &page,
        )
        .await
        .unwrap();
    let posted = h.fake.wait_for("POST", "/messages", 3).await;
    assert_eq!(posted[0].path, format!("/channels/{CHANNEL}/messages"));
    assert_eq!(
        posted[0].body["content"],
        format!("<@&{ONCALL_ROLE}> <@{BOB}>")
    );
    assert_eq!(
        posted[0].body["allowed_mentions"],
        json!({ "parse": [], "users": [BOB], "roles": [ONCALL_ROLE] })
    );
    assert_eq!(
        posted[1].body["message_reference"]["message_id"],
        "1600000000000000001"
    );
    assert_eq!(posted[2].path, format!("/channels/5{}/messages", &BOB[1..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_output_is_cut_in_the_embed_and_attached_whole() {
    let scripts = tempfile::tempdir().unwrap();
    let pods = scripts.path().join("pods");
    std::fs::write(&pods, "#!/bin/sh\nseq 1 500\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pods, std::fs::Permissions::from_mode(0o755)).unwrap();
    let h = start(&format!(
        "[services.api]\nenvironment = \"production\"\n[services.api.actions.pods]\nargv = [\"{}\"]\nrisk = \"read\"\n",
        pods.display()
    ))
    .await;
    let run = json!({ "name": "run", "type": 1, "options": [
        { "name": "service", "type": 3, "value": "api" }, { "name": "action", "type": 3, "value": "pods" } ] });
    h.discord.post(&command(ALICE, &[], CHANNEL, run)).await;
    let shown = h.fake.wait_for("PATCH", "/messages/@original", 1).await;
    let description = shown[0].body["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(description.contains("more lines"), "{description}");
    let file = h
        .fake
        .wait_for("POST", &format!("/webhooks/{APP}/"), 1)
        .await;
    let upload = file[0].body.as_str().unwrap_or_default();
    assert!(upload.contains("filename=\"api-pods.txt\""), "{upload}");
    assert!(
        upload.contains("\n250\n") && upload.contains("\n500\n"),
        "the whole output is in the file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaring_opens_a_thread_where_the_incident_is_worked() {
    let h = start_with("incident_thread = \"thread\"", "").await;
    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p2" }, { "name": "title", "type": 3, "value": "search is slow" } ] }] });
    h.discord.post(&command(ALICE, &[], CHANNEL, declare)).await;
    let opened = h
        .fake
        .wait_for("POST", &format!("/channels/{CHANNEL}/threads"), 1)
        .await;
    assert_eq!(opened[0].body["name"], "incident: search is slow");
    let thread = "1100000000000000001";
    let card = h
        .fake
        .wait_for("POST", &format!("/channels/{thread}/messages"), 1)
        .await;
    assert!(
        card[0]
            .body
            .to_string()
            .contains("INC-1 P2 · search is slow"),
        "{:?}",
        card[0].body
    );
    let pointer = h.fake.wait_for("PATCH", "/messages/@original", 1).await;
    assert!(
        pointer[0]
            .body
            .to_string()
            .contains(&format!("worked in <#{thread}>")),
        "{:?}",
        pointer[0].body
    );

    // Commands typed in the thread work the incident, and its card follows.
    let note = json!({ "name": "incident", "type": 1, "options": [{ "name": "note", "type": 1, "options": [
        { "name": "text", "type": 3, "value": "replica lag 40s" } ] }] });
    h.discord.post(&command(BOB, &[], thread, note)).await;
    let answered = h.fake.wait_for("PATCH", "/messages/@original", 2).await;
    assert!(
        answered[1].body.to_string().contains("replica lag 40s"),
        "{:?}",
        answered[1].body
    );
    h.fake
        .wait_for(
            "PATCH",
            &format!("/channels/{thread}/messages/1100000000000000001"),
            1,
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_mode_runs_the_same_commands_without_a_public_url() {
    warroom::server::install_crypto_provider();
    let fake = FakeDiscord::start().await;
    let gateway = warroom_tests::discord::FakeGateway::start().await;
    fake.set_gateway_url(&gateway.url);
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[database]\nurl = \"sqlite://{}/warroom.db\"\n[discord]\nmode = \"gateway\"\nbot_token = \"gateway-bot-token\"\napplication_id = \"{APP}\"\napi_url = \"{}\"\n[access.roles]\neveryone = [\"*\"]\n[[access.rules]]\nrole = \"everyone\"\nallow = [\"read\", \"incident\"]\n",
        dir.path().display(),
        fake.api_url()
    );
    let app = Arc::new(
        App::start(warroom::config::load_str(&text, "test").unwrap())
            .await
            .unwrap(),
    );
    let _running = warroom::server::start(app, Some("127.0.0.1:0".parse().unwrap()))
        .await
        .unwrap();
    for _ in 0..200 {
        if !gateway.identified().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let identified = gateway.identified();
    assert_eq!(identified.len(), 1, "warroom identifies once");
    assert!(
        identified[0]["token"]
            .as_str()
            .unwrap_or_default()
            .contains("gateway-bot-token")
    );

    let declare = json!({ "id": "1210000000000000001", "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p3" }, { "name": "title", "type": 3, "value": "slow exports" } ] }] });
    let interaction = command(ALICE, &[], CHANNEL, declare);
    gateway.dispatch(interaction.clone());
    let callback = fake.wait_for("POST", "/callback", 1).await;
    assert_eq!(
        callback[0].path,
        format!(
            "/interactions/{}/{}/callback",
            interaction["id"].as_str().unwrap(),
            interaction["token"].as_str().unwrap()
        )
    );
    assert_eq!(callback[0].body, json!({ "type": 5 }));
    let shown = fake.wait_for("PATCH", "/messages/@original", 1).await;
    assert!(
        shown[0]
            .body
            .to_string()
            .contains("INC-1 P3 · slow exports"),
        "{:?}",
        shown[0].body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_pings_the_oncall_role_and_its_acknowledge_button_stops_it() {
    let h = start(&format!(
        r#"
[escalation]
oncall = ["discord:role:{ONCALL_ROLE}"]
[escalation.p1]
levels = [{{ after = "0m", notify = ["oncall"] }}, {{ after = "1h", notify = ["discord:user:{BOB}"] }}]
"#
    ))
    .await;
    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p1" },
        { "name": "title", "type": 3, "value": "checkout returns 502" }
    ] }] });
    h.discord.post(&command(ALICE, &[], CHANNEL, declare)).await;
    // The scheduler pings the role in the channel within its one-second tick.
    let page = h
        .fake
        .wait_for("POST", &format!("/channels/{CHANNEL}/messages"), 1)
        .await
        .into_iter()
        .map(|c| c.body)
        .find(|b| b.to_string().contains("not acknowledged"))
        .expect("a page in the channel");
    assert_eq!(page["content"], format!("<@&{ONCALL_ROLE}>"));
    assert_eq!(
        page["allowed_mentions"],
        json!({ "parse": [], "users": [], "roles": [ONCALL_ROLE] }),
        "only the role may be pinged"
    );
    let custom_id = page["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(custom_id, "warroom:ack:inc1");

    let (_, answer) = h
        .discord
        .post(&click(CAROL, &[ONCALL_ROLE], CHANNEL, &page, &custom_id))
        .await;
    assert_eq!(answer, json!({ "type": 6 }));
    // The card's original message, then the outcome in its place.
    let edits = h.fake.wait_for("PATCH", "/messages/@original", 2).await;
    assert!(
        edits[1]
            .body
            .to_string()
            .contains(&format!("acknowledged by {CAROL}")),
        "the page shows the acknowledgement in place: {edits:?}"
    );
    let _ = &h.dir;
}

/// Discord can be asked to edit the original response before it has taken warroom's deferred
/// response, and answers 404 then: the answer is tried again until it lands, and the card it
/// shows is remembered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_reaches_discord_before_its_deferred_response_is_tried_again() {
    let h = start("").await;
    h.fake.original_late(2);
    let declare = json!({ "name": "incident", "type": 1, "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "type": 3, "value": "p2" }, { "name": "title", "type": 3, "value": "search is slow" } ] }] });
    let (status, _) = h.discord.post(&command(ALICE, &[], CHANNEL, declare)).await;
    assert_eq!(status, 200);
    let edits = h.fake.wait_for("PATCH", "/messages/@original", 3).await;
    assert_eq!(edits.len(), 3, "two refused, then the one that landed");
    assert!(edits.iter().all(|e| e.body == edits[2].body));
    assert_eq!(
        edits[2].body["embeds"][0]["title"],
        "🟠 INC-1 P2 · search is slow"
    );
}

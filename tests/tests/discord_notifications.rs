//! Where warroom pings people on Discord: notifications to channels, replies and direct
//! messages, and escalation pages with their Acknowledge button.

use std::sync::Arc;

use serde_json::json;
use warroom::app::App;
use warroom_tests::discord::{click, command, first_button};
use warroom_tests::discord_app::{ALICE, APP, BOB, CAROL, CHANNEL, ONCALL_ROLE, start};

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
    let custom_id = first_button(&page);
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
            .contains(&format!("acknowledged by <@{CAROL}>")),
        "the page shows the acknowledgement in place: {edits:?}"
    );
    let _ = &h.dir;
}

/// An alert route to a Discord channel: the card is posted there, and the incident it opened
/// is the one people's commands in that channel find, because warroom read the channel's
/// server from Discord before declaring.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_route_declares_in_a_discord_channel_that_its_people_can_work() {
    let h = start(&format!(
        r#"
[alerts]
routing_keys = ["R0DISCORDROUTE"]
[[alerts.routes]]
name = "db"
match = ['component="mysql"']
channel = "discord:{CHANNEL}"
"#
    ))
    .await;
    let trigger = serde_json::json!({
        "routing_key": "R0DISCORDROUTE", "event_action": "trigger", "dedup_key": "db/disk",
        "payload": { "summary": "DISK at 99% on db-1", "source": "db-1", "severity": "critical", "component": "mysql" }
    });
    let answer = reqwest::Client::new()
        .post(format!("{}/alerts/events", h.discord.base))
        .json(&trigger)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let posted = h
        .fake
        .wait_for("POST", &format!("/channels/{CHANNEL}/messages"), 1)
        .await;
    let card = posted[0].body.to_string();
    assert!(card.contains("DISK at 99% on db-1"), "{card}");
    assert!(card.contains("P1"), "{card}");

    // Alice, in that channel of that server, acknowledges the incident the alert opened.
    let ack = serde_json::json!({ "name": "incident", "type": 1, "options": [{ "name": "ack", "type": 1, "options": [] }] });
    let (status, _) = h.discord.post(&command(ALICE, &[], CHANNEL, ack)).await;
    assert_eq!(status, 200);
    let answered = h.fake.wait_for("PATCH", "/messages/@original", 1).await;
    let said = answered[0].body.to_string();
    assert!(said.contains("acknowledged by"), "{said}");
    assert!(said.contains("INC-1"), "{said}");
}

//! Where warroom posts on Slack besides answers: the incident's own channel with its card and
//! topic, notifications to channels, threads and direct messages, and escalation pages with
//! their Acknowledge button.

use std::sync::Arc;

use serde_json::json;
use warroom_tests::golden;
use warroom_tests::slack::Card;
use warroom_tests::slack_app::{ALICE, BOB, CAROL, CHANNEL, OPEN_POLICY, launch, shown, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaring_creates_the_incident_channel_whose_card_and_topic_follow_the_incident() {
    let open_policy = OPEN_POLICY;
    let h = launch(
        "incident_channel = \"create\"\noncall_group = \"S0ONCALL\"",
        open_policy,
        "",
    )
    .await;
    h.fake.set_user_groups(&[("S0ONCALL", &[CAROL, BOB])]);
    h.command(ALICE, "/incident", "p1 Checkout returns 502!")
        .await;

    let created = h.fake.wait_for("conversations.create", 1).await;
    let today = chrono::Utc::now().format("%Y%m%d");
    assert_eq!(
        created[0].body["name"],
        format!("inc-{today}-checkout-returns-502")
    );
    let invited = h.fake.wait_for("conversations.invite", 1).await;
    assert_eq!(invited[0].body["channel"], "C0NEW1");
    assert_eq!(invited[0].body["users"], json!([ALICE, BOB, CAROL]));
    // The card and the pointer go to different channels, so either may be posted first.
    let posted = h.fake.wait_for("chat.postMessage", 2).await;
    let to = |channel: &str| {
        posted
            .iter()
            .find(|c| c.body["channel"] == channel)
            .unwrap_or_else(|| panic!("nothing posted to {channel}: {posted:?}"))
    };
    let card = to("C0NEW1");
    assert!(shown(&card.body).contains("INC-1 P1"), "{:?}", card.body);
    let pointer = to(CHANNEL);
    assert!(
        shown(&pointer.body).contains(&format!(
            "declared by <@{ALICE}>; it is worked in <#C0NEW1>"
        )),
        "{:?}",
        pointer.body
    );
    let topic = h.fake.wait_for("conversations.setTopic", 1).await;
    assert!(
        shown(&topic[0].body).contains("INC-1 P1 · Checkout returns 502! | status: investigating"),
        "{:?}",
        topic[0].body
    );

    // Working the incident in its channel redraws the card and the topic.
    let status = h
        .slack
        .command(
            BOB,
            "C0NEW1",
            "/incident",
            "status identified",
            &h.fake.response_url(1),
        )
        .await;
    assert_eq!(status, 200);
    let redrawn = h.fake.wait_for_text("chat.update", "identified").await;
    assert_eq!(redrawn.body["channel"], "C0NEW1");
    assert_eq!(redrawn.body["ts"], card.body["ts"]);
    let topic = h.fake.wait_for("conversations.setTopic", 2).await;
    assert!(
        shown(&topic[1].body).contains("status: identified"),
        "{topic:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_mention_people_and_groups_in_channels_threads_and_direct_messages() {
    use warroom_commands::ports::{Mention, Notifier, Recipient};
    use warroom_commands::{ChannelRef, Platform, Reply};
    let h = start("").await;
    let letters = warroom::outbox::Outbox::new(h.app.store.clone(), "test".into());
    let slack = warroom::slack::Slack::new(
        h.app.core.clone(),
        Arc::new(h.app.store.clone()),
        warroom::inbox::Inbox::new(h.app.store.clone(), letters.clone()),
        letters,
        &h.app.config.slack,
    )
    .unwrap();
    let channel = ChannelRef {
        platform: Platform::Slack,
        workspace: "T0WARROOM".into(),
        channel: CHANNEL.into(),
    };
    let page = Reply::channel().text("INC-1 is not acknowledged after 5m.");
    let ts = slack
        .notify(
            &Recipient::Channel(channel.clone()),
            &[
                Mention::Group("S0ONCALL".into()),
                Mention::User("U0LEAD".into()),
            ],
            &page,
        )
        .await
        .unwrap();
    slack
        .notify(
            &Recipient::Thread {
                channel,
                message: ts.clone(),
            },
            &[Mention::User("<!channel>".into())],
            &Reply::channel().text("Still nobody."),
        )
        .await
        .unwrap();
    slack
        .notify(
            &Recipient::Direct {
                platform: Platform::Slack,
                user: "U0LEAD".into(),
            },
            &[],
            &page,
        )
        .await
        .unwrap();
    let posted = h.fake.wait_for("chat.postMessage", 3).await;
    assert_eq!(posted[0].body["channel"], CHANNEL);
    assert_eq!(
        posted[0].body["blocks"][0]["text"]["text"],
        "<!subteam^S0ONCALL> <@U0LEAD>"
    );
    assert!(
        posted[0].body["text"]
            .as_str()
            .unwrap()
            .starts_with("<!subteam^S0ONCALL> <@U0LEAD> INC-1")
    );
    assert_eq!(posted[1].body["thread_ts"], ts.as_str());
    assert!(
        !shown(&posted[1].body).contains("<!channel>"),
        "a mention that is not an id is dropped: {:?}",
        posted[1].body
    );
    assert_eq!(posted[2].body["channel"], "DU0LEAD");
    assert_eq!(h.fake.calls_to("conversations.open").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalation_page_is_acknowledged_with_its_button_and_the_post_mortem_links_its_page() {
    use warroom_commands::escalation::JobKind;
    use warroom_commands::incident::IncidentId;
    let h = start(
        r#"
[escalation]
oncall = ["slack:S0ONCALL"]
[escalation.p1]
levels = [{ after = "0m", notify = ["oncall"] }, { after = "1h", notify = ["slack:U0LEAD"] }]

[web]
base_url = "https://warroom.example.com"
link_secret = "a-long-random-secret-for-links"
"#,
    )
    .await;
    h.command(ALICE, "/incident", "p1 checkout returns 502")
        .await;
    // The scheduler pages on-call in the channel within its one-second tick.
    let page = h
        .fake
        .wait_for_text("chat.postMessage", "not acknowledged")
        .await
        .body;
    assert_eq!(page["channel"], CHANNEL);
    assert!(shown(&page).contains("<!subteam^S0ONCALL>"), "{page}");
    golden::check("slack/escalation.json", &golden::masked_json(&page));
    let button = page["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .expect("an Acknowledge button")["elements"][0]
        .clone();
    assert_eq!(button["action_id"], "warroom:ack");
    assert_eq!(button["value"], "inc1");

    let respond = h.fake.response_url(3);
    let on_page = Card {
        channel: CHANNEL,
        message: &page,
        ts: "1700000000.000009",
        response_url: &respond,
    };
    assert_eq!(
        h.slack.click(BOB, &on_page, "warroom:ack", "inc1").await,
        200
    );
    let outcome = h
        .fake
        .wait_for_text("chat.update", &format!("acknowledged by <@{BOB}>"))
        .await;
    assert_eq!(outcome.body["ts"], "1700000000.000009");
    let incident = h.app.core.store.get(IncidentId(1)).await.unwrap().unwrap();
    assert_eq!(incident.acknowledged_by.as_deref(), Some(BOB));
    let pending = h
        .app
        .core
        .schedule
        .pending(Some(IncidentId(1)))
        .await
        .unwrap();
    assert!(
        pending.iter().all(|j| j.kind != JobKind::Escalate),
        "the lead's level is withdrawn: {pending:?}"
    );

    h.command(ALICE, "/incident", "postmortem").await;
    let draft = h
        .fake
        .wait_for_text("chat.postMessage", "Post-mortem draft")
        .await;
    // The link is posted whole: nothing in it looks like a secret to the redactor.
    let link = shown(&draft.body)
        .split("https://warroom.example.com/incidents/1?sig=")
        .nth(1)
        .map(|rest| rest.split([' ', '>']).next().unwrap().to_string())
        .unwrap_or_else(|| panic!("no link in {}", draft.body));
    let (expiry, signature) = link.split_once('.').expect("EXPIRY.SIG");
    assert!(expiry.parse::<i64>().is_ok(), "{link}");
    assert_eq!(signature.len(), 64, "{link}");
    let uploads = h.fake.wait_for("files.getUploadURLExternal", 1).await;
    assert!(
        shown(&uploads[0].body).contains("INC-1-postmortem.md"),
        "{uploads:?}"
    );
}

/// A title typed with a secret in it names no channel with that secret, and text as Slack's
/// clients send it (`&amp;`, `&lt;`) is kept as typed and shown escaped once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_in_the_title_names_no_channel_and_slack_escapes_are_shown_once() {
    let h = launch("incident_channel = \"create\"", OPEN_POLICY, "").await;
    h.command(
        ALICE,
        "/incident",
        "p1 db down DB_PASSWORD=Zq8hunter2hunter &amp; &lt;!here&gt;",
    )
    .await;
    let created = h.fake.wait_for("conversations.create", 1).await;
    let name = created[0].body["name"].as_str().unwrap().to_string();
    assert!(name.contains("db-down"), "{name}");
    assert!(
        !name.contains("zq8hunter2hunter"),
        "the secret named a channel: {name}"
    );
    let card = h.fake.wait_for_text("chat.postMessage", "db down").await;
    let text = card.body["text"].as_str().unwrap();
    assert!(text.contains("[redacted]"), "{text}");
    assert!(text.contains("&amp; &lt;!here&gt;"), "{text}");
    assert!(
        !text.contains("&amp;amp;") && !text.contains("&amp;lt;"),
        "{text}"
    );
}

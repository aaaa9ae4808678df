//! `/oncall` end to end: asked and changed through Slack and Discord against the real server,
//! and in the console, with what people see pinned in golden files.
//!
//! The rota is one person (Alice) with no hand-off, so what is shown does not depend on the
//! day the test runs; a cover puts Bob on call for two hours on top of it, through the
//! database, where the next command (another request, maybe another replica) finds it.

use serde_json::json;
use warroom_tests::binary::{Run, answered};
use warroom_tests::db::{Backend, TestDb};
use warroom_tests::discord::command;
use warroom_tests::golden;
use warroom_tests::slack_app::{ALICE, BOB, MALLORY};

/// One schedule whose only member is Alice, on the platform `member` names.
fn rota(alice: &str) -> String {
    format!(
        r#"
[schedules.primary]
time_zone = "Europe/Berlin"
[[schedules.primary.layers]]
name = "weekly"
members = ["{alice}"]
rotation = "weekly"
handoff = "monday 09:00"
start = "2026-01-05"
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oncall_through_slack_answers_the_asker_and_covers_in_the_channel() {
    let h = warroom_tests::slack_app::start(&rota("slack:U0ALICE")).await;
    let answers = |n| h.fake.wait_for("response_url", n);

    h.command(BOB, "/oncall", "").await;
    let now = &answers(1).await[0].body;
    golden::check("slack/oncall_now.json", &golden::masked_json(now));

    // Mallory may read the rota but not change it; nothing is recorded.
    h.command(MALLORY, "/oncall", "cover <@U0MALLORY|mallory> 2h")
        .await;
    let refused = answers(2).await[1].body.to_string();
    assert!(
        refused.contains("change who is on call in primary"),
        "{refused}"
    );

    h.command(ALICE, "/oncall", "cover <@U0BOB|bob> 2h").await;
    let covered = &h.fake.wait_for("chat.postMessage", 1).await[0].body;
    golden::check("slack/oncall_cover.json", &golden::masked_json(covered));

    h.command(BOB, "/oncall", "primary").await;
    let schedule = &answers(3).await[2].body;
    assert!(
        schedule.to_string().contains("override by <@U0ALICE>"),
        "{schedule}"
    );
    golden::check("slack/oncall_schedule.json", &golden::masked_json(schedule));

    h.command(ALICE, "/oncall", "me").await;
    let mine = &answers(4).await[3].body;
    golden::check("slack/oncall_me.json", &golden::masked_json(mine));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oncall_through_discord_answers_and_covers() {
    use warroom_tests::discord_app::{ALICE, APP, BOB, CHANNEL, start};
    // Answers only the asker sees come as follow-ups; a channel answer edits the original.
    let followups = format!("/webhooks/{APP}/");
    let h = start(&rota(&format!("discord:user:{ALICE}"))).await;
    let oncall = |verb: Option<&str>, what: Option<String>| {
        let mut options = Vec::new();
        if let Some(verb) = verb {
            options.push(json!({ "name": "verb", "type": 3, "value": verb }));
        }
        if let Some(what) = what {
            options.push(json!({ "name": "what", "type": 3, "value": what }));
        }
        json!({ "name": "oncall", "type": 1, "options": options })
    };

    let (status, _) = h
        .discord
        .post(&command(BOB, &[], CHANNEL, oncall(None, None)))
        .await;
    assert_eq!(status, 200);
    let now = &h.fake.wait_for("POST", &followups, 1).await[0].body;
    assert_eq!(now["flags"], 64, "{now}");
    golden::check("discord/oncall_now.json", &golden::masked_json(now));

    let cover = oncall(Some("cover"), Some(format!("<@{BOB}> 2h")));
    let (status, _) = h.discord.post(&command(ALICE, &[], CHANNEL, cover)).await;
    assert_eq!(status, 200);
    let covered = &h.fake.wait_for("PATCH", "/messages/@original", 1).await[0].body;
    assert!(
        covered.to_string().contains(&format!("<@{BOB}>")),
        "{covered}"
    );
    golden::check("discord/oncall_cover.json", &golden::masked_json(covered));

    let (status, _) = h
        .discord
        .post(&command(BOB, &[], CHANNEL, oncall(Some("primary"), None)))
        .await;
    assert_eq!(status, 200);
    let schedule = &h.fake.wait_for("POST", &followups, 2).await[1].body;
    golden::check(
        "discord/oncall_schedule.json",
        &golden::masked_json(schedule),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oncall_in_the_console_reads_the_rota_and_covers_with_contacts() {
    let db = TestDb::new(Backend::Sqlite).await;
    std::fs::write(
        db.dir.path().join("warroom.toml"),
        format!(
            "{}\n[access.roles]\nops = [\"console:alice\"]\n[[access.rules]]\nrole = \"ops\"\nallow = [\"read\", \"oncall\"]\n",
            rota("slack:U0ALICE")
        ),
    )
    .unwrap();
    let console = |input: &str| {
        let output = Run::new(db.dir.path(), &["console", "--as", "alice"])
            .env("DATABASE_URL", &db.url)
            .stdin(input)
            .output();
        answered(&output)
    };
    let out = console("/oncall\n/oncall cover slack:U0BOB 2h\n/oncall\n/oncall me\n");
    assert!(out.contains("primary: slack:U0ALICE"), "{out}");
    assert!(
        out.contains("slack:U0BOB is on call in primary until"),
        "{out}"
    );
    assert!(out.contains("primary: slack:U0BOB until"), "{out}");
    assert!(out.contains("next slack:U0ALICE from"), "{out}");
    assert!(
        out.contains("The console has no Slack or Discord account to look up"),
        "{out}"
    );
    // A second session, a second process: the cover is still there.
    let again = console("/oncall primary\n");
    assert!(again.contains("slack:U0BOB now until"), "{again}");
}

//! Levels that name on-call schedules: the person paged is whoever is on call when the level
//! fires, overrides included; a schedule with nobody on call pages nobody and says so.
//!
//! The rota: `primary` hands from Alice to Bob on Monday 23 November 2026 at 09:00 in Berlin
//! (08:00 UTC); `secondary` has Carol on weekdays from 10:00 only. Every incident is declared
//! that Monday at 08:50 Berlin time, so its 30-minute level fires at 09:20, after the hand-off.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::escalation::{Level, Pagee, Rota};
use crate::incident::Target;
use crate::oncall::{Handoff, Layer, Restriction, Rotation, Schedule, Schedules, parse};
use crate::ports::NewOverride;

/// Monday 08:50 in Berlin.
const DECLARED: &str = "2026-11-23T07:50:00Z";

fn layer(members: &[&str], rotation: &str, handoff: &str, restrict: Option<&str>) -> Layer {
    let every = Rotation::parse(rotation).unwrap();
    Layer {
        name: "layer 1".into(),
        members: members.iter().map(|m| parse::person(m).unwrap()).collect(),
        every,
        handoff: Handoff::parse(handoff, every).unwrap(),
        start: parse::start("2026-11-16").unwrap(),
        restriction: restrict.map(|r| Restriction::parse(r).unwrap()),
    }
}

fn schedules() -> Schedules {
    let berlin = super::super::Zone::named("Europe/Berlin").unwrap();
    Schedules {
        list: vec![
            Schedule {
                name: "primary".into(),
                zone: berlin,
                layers: vec![layer(
                    &["slack:U0ALICE", "slack:U0BOB"],
                    "weekly",
                    "monday 09:00",
                    None,
                )],
                announce: None,
            },
            Schedule {
                name: "secondary".into(),
                zone: berlin,
                layers: vec![layer(
                    &["slack:U0CAROL"],
                    "daily",
                    "09:00",
                    Some("mon-fri 10:00-17:00"),
                )],
                announce: None,
            },
        ],
    }
}

fn level(minutes: i64, notify: &[&str]) -> Level {
    Level {
        after: Target::Within(TimeDelta::minutes(minutes)),
        notify: notify.iter().map(|n| Pagee::parse(n).unwrap()).collect(),
        direct: false,
    }
}

/// A pager on the rota above whose P1 pages `primary` at once and `second` after 30 minutes,
/// with its incident declared.
async fn declared(second: &[&str]) -> Pager {
    let mut pager = Pager::new(DECLARED);
    pager.core.oncall.schedules = Arc::new(schedules());
    pager.core.escalation.p1.levels = vec![level(0, &["schedule:primary"]), level(30, second)];
    pager.say("U1", "/incident p1 checkout returns 502").await;
    pager
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// The text of each page, in order (status-update reminders left out).
fn page_texts(pager: &Pager) -> Vec<String> {
    let texts = pager.chat.texts().into_iter();
    texts.filter(|t| t.contains("not acknowledged")).collect()
}

/// The notes of the jobs that fired noting someone: the levels that paged (a status-update
/// reminder notes nobody).
fn notes(outcomes: &[JobOutcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            JobOutcome::Fired { note } if !note.is_empty() => Some(note.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_level_pages_whoever_is_on_call_when_it_fires_not_at_the_declaration() {
    let pager = declared(&["schedule:primary"]).await;
    let fired = pager.at_minute(0).await;
    assert_eq!(notes(&fired), vec!["slack:U0ALICE (schedule:primary)"]);
    assert_eq!(pager.pages(), vec![vec![user("U0ALICE")]]);
    // Before the hand-off, /incident show already names who the schedule has at 09:20.
    pager.at_minute(5).await;
    let shown = pager.say("U1", "/incident show").await;
    assert!(
        shown.contains(
            "escalation level 2 pages schedule:primary (then slack:U0BOB) at 2026-11-23 08:20 UTC."
        ),
        "{shown}"
    );
    let fired = pager.at_minute(30).await;
    assert_eq!(notes(&fired), vec!["slack:U0BOB (schedule:primary)"]);
    assert_eq!(
        pager.pages(),
        vec![vec![user("U0ALICE")], vec![user("U0BOB")]],
        "Bob, on call since 09:00, not Alice, on call at the declaration"
    );
    assert!(
        page_texts(&pager)[1].contains("On call in schedule:primary: U0BOB."),
        "{:?}",
        pager.chat.texts()
    );
    let escalated = pager.entries(EntryKind::Escalated).await;
    assert!(
        escalated[1].starts_with(
            "escalation level 2: paged slack:U0BOB (schedule:primary) — not acknowledged after 30m"
        ),
        "{escalated:?}"
    );
}

#[tokio::test]
async fn an_override_recorded_after_the_declaration_is_honoured() {
    let pager = declared(&["schedule:primary"]).await;
    pager.at_minute(0).await;
    pager.at_minute(15).await;
    // At 09:05 Carol takes primary until 10:00 (Bob is stuck on a train).
    let overrides = pager.core.oncall.overrides.clone();
    overrides
        .add_override(&NewOverride {
            schedule: "primary".into(),
            who: parse::person("slack:U0CAROL").unwrap(),
            from: utc("2026-11-23T08:05:00Z"),
            until: utc("2026-11-23T09:00:00Z"),
            by: "U0BOB".into(),
            reason: "cover".into(),
            at: pager.clock.now(),
        })
        .await
        .unwrap();
    let shown = pager.say("U1", "/incident show").await;
    assert!(
        shown.contains("pages schedule:primary (then slack:U0CAROL)"),
        "{shown}"
    );
    let fired = pager.at_minute(30).await;
    assert_eq!(notes(&fired), vec!["slack:U0CAROL (schedule:primary)"]);
    assert_eq!(pager.pages()[1], vec![user("U0CAROL")]);
}

#[tokio::test]
async fn a_schedule_with_nobody_on_call_pages_nobody_and_says_so() {
    let pager = declared(&["schedule:secondary", "slack:U0LEAD"]).await;
    pager.at_minute(0).await;
    let shown = pager.say("U1", "/incident show").await;
    assert!(
        shown.contains(
            "escalation level 2 pages slack:U0LEAD, schedule:secondary (nobody on call then)"
        ),
        "{shown}"
    );
    let fired = pager.at_minute(30).await;
    assert_eq!(notes(&fired), vec!["slack:U0LEAD"]);
    assert_eq!(pager.pages()[1], vec![user("U0LEAD")]);
    assert!(
        page_texts(&pager)[1].contains("schedule:secondary has nobody on call now."),
        "{:?}",
        pager.chat.texts()
    );
    let escalated = pager.entries(EntryKind::Escalated).await;
    assert_eq!(
        escalated[1],
        "escalation level 2: paged slack:U0LEAD — not acknowledged after 30m; \
         schedule:secondary has nobody on call now"
    );
}

#[tokio::test]
async fn a_level_of_a_vacant_schedule_alone_reminds_the_channel_that_nobody_was_reached() {
    let pager = declared(&["schedule:secondary"]).await;
    pager.at_minute(0).await;
    pager.at_minute(30).await;
    assert_eq!(pager.pages()[1], Vec::<Mention>::new());
    let escalated = pager.entries(EntryKind::Escalated).await;
    assert_eq!(
        escalated[1],
        "escalation level 2: reminded the channel that nobody has acknowledged after 30m; \
         schedule:secondary has nobody on call now"
    );
}

#[tokio::test]
async fn someone_both_named_and_on_call_is_paged_once() {
    let pager = declared(&["schedule:primary", "slack:U0BOB", "slack:U0LEAD"]).await;
    pager.at_minute(0).await;
    let fired = pager.at_minute(30).await;
    assert_eq!(
        notes(&fired),
        vec!["slack:U0BOB (schedule:primary) slack:U0LEAD"]
    );
    assert_eq!(pager.pages()[1], vec![user("U0BOB"), user("U0LEAD")]);
    let escalated = pager.entries(EntryKind::Escalated).await;
    assert!(
        escalated[1].starts_with(
            "escalation level 2: paged slack:U0BOB (schedule:primary), slack:U0LEAD —"
        ),
        "{escalated:?}"
    );
    // Named first, Bob is paged as himself.
    let level = level(30, &["slack:U0BOB", "schedule:primary"]);
    let rota = Rota {
        schedules: Arc::new(schedules()),
        overrides: Vec::new(),
    };
    let whom = rota.whom(Platform::Slack, &level, utc("2026-11-23T08:20:00Z"));
    let named: Vec<String> = whom.paged.iter().map(ToString::to_string).collect();
    assert_eq!(named, vec!["slack:U0BOB"]);
}

#[tokio::test]
async fn a_raised_severity_passes_over_a_level_whose_on_call_person_was_paged() {
    let mut pager = declared(&["schedule:primary"]).await;
    pager.core.escalation.p2.levels = vec![level(0, &["schedule:primary"])];
    pager.at_minute(0).await;
    pager.at_minute(30).await;
    assert_eq!(
        pager.pages(),
        vec![vec![user("U0ALICE")], vec![user("U0BOB")]]
    );
    // As P2 its one level is overdue, and Bob, on call now, was paged already.
    pager.say("U1", "/incident sev p2").await;
    pager.at_minute(31).await;
    assert_eq!(pager.pages().len(), 2, "{:?}", pager.chat.texts());
}

#[test]
fn only_people_on_the_incidents_platform_are_paged_in_its_channel() {
    let rota = Rota {
        schedules: Arc::new(schedules()),
        overrides: Vec::new(),
    };
    let level = level(0, &["schedule:primary", "discord:role:4177"]);
    let at = utc("2026-11-23T08:20:00Z");
    let here: Vec<String> = (rota.whom(Platform::Discord, &level, at).paged.iter())
        .map(ToString::to_string)
        .collect();
    assert_eq!(here, vec!["discord:role:4177"]);
    let here: Vec<String> = (rota.whom(Platform::Slack, &level, at).paged.iter())
        .map(ToString::to_string)
        .collect();
    assert_eq!(here, vec!["slack:U0BOB (schedule:primary)"]);
}

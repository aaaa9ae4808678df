//! `/oncall` on a manual clock: a weekly rota of Alice, Bob and Carol handing off Mondays at
//! 09:00 in Berlin, asked and changed through the parser as people type it in Slack.

use std::sync::Arc;

use chrono::TimeDelta;

use crate::access::Grant;
use crate::fakes::{FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use crate::oncall::{Handoff, Layer, Rotation, Schedule, Schedules, Zone, parse};
use crate::ports::Clock;
use crate::{ChannelRef, CommandError, Core, Invocation, Platform};

struct Rota {
    core: Core,
    clock: Arc<ManualClock>,
    actions: Arc<InMemoryActions>,
}

fn weekly(name: &str, members: &[&str]) -> Schedule {
    let every = Rotation::Weekly;
    Schedule {
        name: name.into(),
        zone: Zone::named("Europe/Berlin").unwrap(),
        layers: vec![Layer {
            name: "weekly".into(),
            members: members
                .iter()
                .map(|m| parse::person(&format!("slack:{m}")).unwrap())
                .collect(),
            every,
            handoff: Handoff::parse("monday 09:00", every).unwrap(),
            start: parse::start("2026-11-30").unwrap(),
            restriction: None,
        }],
        announce: None,
    }
}

impl Rota {
    /// Wednesday 2 December 2026, 10:00 UTC: Alice's week (from Monday 30 November).
    fn new(may_change: bool) -> Rota {
        let clock = Arc::new(ManualClock::at("2026-12-02T10:00:00Z"));
        let actions = Arc::new(InMemoryActions::default());
        let mut core = crate::fakes::core(
            Arc::new(InMemoryStore::default()),
            actions.clone(),
            Arc::new(FakeRunner::default()),
            clock.clone(),
        );
        core.oncall.schedules = Arc::new(Schedules {
            list: vec![
                weekly("primary", &["U0ALICE", "U0BOB", "U0CAROL"]),
                weekly("secondary", &["U0DAVE"]),
            ],
        });
        if may_change {
            core.access.rules[0]
                .allow
                .push(Grant::Command("oncall".into()));
        }
        Rota {
            core,
            clock,
            actions,
        }
    }

    async fn run(&self, actor: &str, text: &str) -> Result<String, CommandError> {
        let inv = Invocation {
            channel: ChannelRef::new(Platform::Slack, "T1", "C0OPS"),
            actor: actor.into(),
            groups: Vec::new(),
            text: text.into(),
        };
        self.core.execute(&inv).await.map(|r| r.to_plain_text())
    }

    async fn ok(&self, actor: &str, text: &str) -> String {
        self.run(actor, text)
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    async fn refused(&self, actor: &str, text: &str) -> String {
        match self.run(actor, text).await {
            Err(CommandError::User(e)) => e.message,
            other => panic!("{text}: expected a user error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn oncall_says_who_is_on_call_now_and_next_in_each_schedule() {
    let rota = Rota::new(false);
    let now = rota.ok("U0ZED", "/oncall").await;
    assert!(now.contains("primary: U0ALICE until"), "{now}");
    assert!(now.contains("next U0BOB from"), "{now}");
    assert!(now.contains("secondary: U0DAVE"), "{now}");

    let primary = rota.ok("U0ZED", "/oncall primary").await;
    assert!(
        primary.contains("On call in primary (Europe/Berlin)"),
        "{primary}"
    );
    let lines: Vec<&str> = primary.lines().filter(|l| l.contains("(weekly)")).collect();
    assert_eq!(lines.len(), 5, "{primary}");
    assert!(lines[0].starts_with("U0ALICE now until"), "{primary}");
    assert!(lines[1].starts_with("U0BOB from"), "{primary}");
    assert!(lines[3].starts_with("U0ALICE from"), "{primary}");

    let mine = rota.ok("U0BOB", "/oncall me").await;
    assert!(mine.contains("Your next shifts"), "{mine}");
    assert!(mine.contains("primary: from"), "{mine}");
    let nobody = rota.ok("U0ZED", "/oncall me").await;
    assert!(
        nobody.contains("You have no shift within a year in primary, secondary."),
        "{nobody}"
    );

    let unknown = rota.refused("U0ZED", "/oncall tertiary").await;
    assert_eq!(
        unknown,
        "`tertiary` is not a schedule; the schedules are primary, secondary."
    );
}

#[tokio::test]
async fn a_cover_is_an_operation_recorded_and_audited_and_takes_over_at_once() {
    let denied = Rota::new(false);
    let refused = denied.refused("U0ALICE", "/oncall cover @U0BOB 2h").await;
    assert!(
        refused.contains("change who is on call in primary"),
        "{refused}"
    );
    assert!(
        denied
            .core
            .oncall
            .overrides
            .overrides(denied.clock.now())
            .await
            .unwrap()
            .is_empty()
    );

    let rota = Rota::new(true);
    // Alice is on call in primary only, so her cover is about primary without naming it.
    let said = rota.ok("U0ALICE", "/oncall cover <@U0BOB|bob> 2h").await;
    assert!(said.contains("U0BOB is on call in primary until"), "{said}");
    assert!(
        rota.ok("U0ZED", "/oncall")
            .await
            .contains("primary: U0BOB until")
    );
    let audit = rota.actions.audit_entries();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(audit[0].outcome.contains("cover: slack:U0BOB on call in primary from 2026-12-02 10:00 UTC until 2026-12-02 12:00 UTC"), "{audit:?}");

    // Two hours later the rota is Alice's again.
    rota.clock.advance(TimeDelta::hours(2));
    assert!(
        rota.ok("U0ZED", "/oncall")
            .await
            .contains("primary: U0ALICE until")
    );

    // Until a local time: 18:00 in Berlin is 17:00 UTC in December.
    let until = rota
        .ok("U0ALICE", "/oncall cover @U0CAROL until 18:00 primary")
        .await;
    assert!(
        until.contains("U0CAROL is on call in primary until"),
        "{until}"
    );
    let stored = rota
        .core
        .oncall
        .overrides
        .overrides(rota.clock.now())
        .await
        .unwrap();
    assert_eq!(
        stored.last().unwrap().until.to_rfc3339(),
        "2026-12-02T17:00:00+00:00"
    );

    for (text, says) in [
        ("/oncall cover @U0BOB 15d", "at most 14d"),
        ("/oncall cover bob 2h", "is not a person"),
        ("/oncall cover @S0GROUP 2h", "is not a person"),
        ("/oncall cover slack:S0GROUP 2h", "is a group"),
        ("/oncall cover @U0BOB until 25:00", "is not a time"),
        ("/oncall cover @U0BOB", "Say for how long"),
    ] {
        let refused = rota.refused("U0ALICE", text).await;
        assert!(refused.contains(says), "{text}: {refused}");
    }
    // Dave, on call in secondary only, covers without naming it; Zed is on call nowhere.
    assert!(
        rota.ok("U0DAVE", "/oncall cover @U0ERIN 1h")
            .await
            .contains("in secondary")
    );
    let zed = rota.refused("U0ZED", "/oncall cover @U0ERIN 1h").await;
    assert!(zed.starts_with("Name the schedule"), "{zed}");
}

#[tokio::test]
async fn a_swap_trades_the_next_shifts_of_two_people() {
    let rota = Rota::new(true);
    // Bob's next week (7 December) goes to Carol, and Carol's (14 December) to Bob.
    let said = rota.ok("U0BOB", "/oncall swap @U0CAROL").await;
    assert!(
        said.contains("U0CAROL takes your shift in primary from"),
        "{said}"
    );
    assert!(said.contains("you take theirs from"), "{said}");
    let next = rota.ok("U0ZED", "/oncall primary").await;
    let lines: Vec<&str> = next
        .lines()
        .filter(|l| l.contains("(override by"))
        .collect();
    assert!(lines[0].starts_with("U0CAROL from"), "{next}");
    assert!(lines[1].starts_with("U0BOB from"), "{next}");
    assert_eq!(rota.actions.audit_entries().len(), 2);

    let alone = rota.refused("U0ZED", "/oncall swap @U0BOB").await;
    assert!(alone.starts_with("You have no shift coming"), "{alone}");
    let myself = rota.refused("U0BOB", "/oncall swap <@U0BOB>").await;
    assert!(myself.starts_with("Name someone else"), "{myself}");
}

//! On-call hand-offs on a manual clock: announced when they happen, in the schedule's own time
//! across a daylight-saving change, with the incoming person told what they inherit, and
//! moved by an override.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Pager;
use crate::ChannelRef;
use crate::Platform;
use crate::escalation::handoff;
use crate::oncall::{Handoff, Layer, Rotation, Schedule, Schedules, Zone, parse};
use crate::ports::{Clock, NewOverride, Recipient};

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// Alice, then Bob, a week each, handing off Mondays at 09:00 in Berlin; announced in C0ONCALL.
fn rota(pager: &mut Pager) {
    let every = Rotation::Weekly;
    pager.core.oncall.schedules = Arc::new(Schedules {
        list: vec![Schedule {
            name: "primary".into(),
            zone: Zone::named("Europe/Berlin").unwrap(),
            layers: vec![Layer {
                name: "weekly".into(),
                members: ["slack:U0ALICE", "slack:U0BOB"]
                    .map(|m| parse::person(m).unwrap())
                    .to_vec(),
                every,
                handoff: Handoff::parse("monday 09:00", every).unwrap(),
                start: parse::start("2027-03-15").unwrap(),
                restriction: None,
            }],
            announce: Some(ChannelRef::new(Platform::Slack, "T1", "C0ONCALL")),
        }],
    });
}

/// What went to the rota's channel or to someone directly (not the incident's pages).
fn rota_said(pager: &Pager) -> Vec<(Recipient, Vec<crate::ports::Mention>, String)> {
    let sent = pager.chat.sent.lock().unwrap();
    sent.iter()
        .filter(|(to, _, _)| match to {
            Recipient::Channel(c) => c.channel == "C0ONCALL",
            Recipient::Direct { .. } => true,
            Recipient::Thread { .. } => false,
        })
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_handoff_is_announced_at_nine_local_across_the_clock_change_and_the_incoming_person_inherits()
 {
    // Friday 26 March 2027: Bob's week (from Monday 22 March). Summer time starts on Sunday 28.
    let mut pager = Pager::new("2027-03-26T12:00:00Z");
    rota(&mut pager);
    pager
        .say("U0DECLARER", "/incident p2 checkout is slow")
        .await;
    let due = handoff::plan(&pager.core).await.unwrap();
    // Monday 29 March 09:00 CEST is 07:00 UTC; the week before it was 08:00 UTC.
    assert_eq!(due, Some(utc("2027-03-29T07:00:00Z")));

    pager
        .clock
        .advance(utc("2027-03-29T06:59:00Z") - pager.clock.now());
    pager.tick().await;
    assert!(rota_said(&pager).is_empty(), "nothing before the hand-off");

    pager
        .clock
        .advance(utc("2027-03-29T07:00:00Z") - pager.clock.now());
    pager.tick().await;
    let said = rota_said(&pager);
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(matches!(&said[0].0, Recipient::Channel(c) if c.channel == "C0ONCALL"));
    assert!(
        said[0].2.contains("On call in primary: U0ALICE until")
            && said[0].2.contains("taking over from U0BOB."),
        "{}",
        said[0].2
    );
    assert_eq!(
        said[1].0,
        Recipient::Direct {
            platform: Platform::Slack,
            user: "U0ALICE".into()
        }
    );
    assert!(
        said[1].2.contains("You are on call in primary until"),
        "{}",
        said[1].2
    );
    assert!(
        said[1].2.contains("You inherit 1 open incident(s):"),
        "{}",
        said[1].2
    );
    assert!(
        said[1]
            .2
            .contains("INC-1 · investigating · checkout is slow"),
        "{}",
        said[1].2
    );

    // The next hand-off is planned a week later, still at 09:00 local.
    let next = pager.core.schedule.pending(None).await.unwrap();
    assert_eq!(next.len(), 1, "{next:?}");
    assert_eq!(next[0].due, utc("2027-04-05T07:00:00Z"));
}

#[tokio::test]
async fn an_override_moves_the_next_handoff_and_is_announced_when_it_starts_and_ends() {
    let mut pager = Pager::new("2027-03-30T10:00:00Z");
    rota(&mut pager);
    let carol = parse::person("slack:U0CAROL").unwrap();
    pager
        .core
        .oncall
        .overrides
        .add_override(&NewOverride {
            schedule: "primary".into(),
            who: carol,
            from: utc("2027-03-31T12:00:00Z"),
            until: utc("2027-03-31T14:00:00Z"),
            by: "U0ALICE".into(),
            reason: "cover".into(),
            at: pager.clock.now(),
        })
        .await
        .unwrap();
    assert_eq!(
        handoff::plan(&pager.core).await.unwrap(),
        Some(utc("2027-03-31T12:00:00Z"))
    );
    pager
        .clock
        .advance(utc("2027-03-31T12:00:00Z") - pager.clock.now());
    pager.tick().await;
    pager
        .clock
        .advance(utc("2027-03-31T14:00:00Z") - pager.clock.now());
    pager.tick().await;
    let channel: Vec<String> = pager
        .chat
        .sent
        .lock()
        .unwrap()
        .iter()
        .filter(|(to, _, _)| matches!(to, Recipient::Channel(c) if c.channel == "C0ONCALL"))
        .map(|(_, _, text)| text.clone())
        .collect();
    assert_eq!(channel.len(), 2, "{channel:?}");
    assert!(
        channel[0].contains("U0CAROL until") && channel[0].contains("from U0ALICE"),
        "{channel:?}"
    );
    assert!(
        channel[1].contains("U0ALICE until") && channel[1].contains("from U0CAROL"),
        "{channel:?}"
    );
}

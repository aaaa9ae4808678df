//! [`super::parse`] on what people type: every command and verb, every severity spelling,
//! and the message (with the bad word's span) for input that does not fit.
//!
//! Apart from the parser so that the grammar reads on its own; these tests go through the
//! public entry point, so they cover the incident verbs (`grammar/incident.rs`) too.

use chrono::TimeDelta;

use super::*;
use crate::grammar::IncidentCommand;
use crate::incident::{IncidentId, Severity, Status};

fn ok(text: &str) -> Command {
    parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message))
}

fn incident(text: &str) -> IncidentCommand {
    match ok(text) {
        Command::Incident(c) => c,
        other => panic!("{text}: {other:?}"),
    }
}

fn err(text: &str) -> UserError {
    parse(text).expect_err(text)
}

#[test]
fn declares_with_every_severity_spelling() {
    for (text, severity) in [
        ("/incident p1 API returns 502 on checkout", Severity::P1),
        ("/incident sev2 API returns 502 on checkout", Severity::P2),
        ("/incident minor API returns 502 on checkout", Severity::P3),
        ("incident LOW API returns 502 on checkout", Severity::P4),
        (
            "/warroom incident critical API returns 502 on checkout",
            Severity::P1,
        ),
    ] {
        assert_eq!(
            incident(text),
            IncidentCommand::Declare {
                severity,
                title: "API returns 502 on checkout".into()
            },
            "{text}"
        );
    }
}

#[test]
fn parses_every_verb() {
    assert_eq!(incident("/incident ack"), IncidentCommand::Ack { id: None });
    assert_eq!(
        incident("/incident acknowledge INC-7"),
        IncidentCommand::Ack {
            id: Some(IncidentId(7))
        }
    );
    assert_eq!(
        incident("/incident snooze 30m"),
        IncidentCommand::Snooze {
            duration: TimeDelta::minutes(30)
        }
    );
    for bad in [
        "/incident snooze",
        "/incident snooze 0m",
        "/incident snooze 2d",
        "/incident snooze soon",
        "/incident snooze 99999999999d",
        "/incident snooze 99999999999999999999999d",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
    assert!(
        err("/incident snooze 99999999999d")
            .message
            .starts_with("Snooze for longer than zero and at most 24h"),
    );
    assert_eq!(
        incident("/incident commander @alice"),
        IncidentCommand::Lead {
            who: "alice".into()
        }
    );
    assert_eq!(
        incident("/incident sev p2"),
        IncidentCommand::Severity { to: Severity::P2 }
    );
    assert_eq!(
        incident("/incident status Monitoring"),
        IncidentCommand::Status {
            to: Status::Monitoring
        }
    );
    assert_eq!(
        incident("/incident note it's the \"cache\""),
        IncidentCommand::Note {
            text: "it's the \"cache\"".into()
        }
    );
    assert_eq!(
        incident("/incident action add alert"),
        IncidentCommand::Action {
            text: "add alert".into()
        }
    );
    assert_eq!(
        incident("/incident resolve"),
        IncidentCommand::Resolve { summary: None }
    );
    assert_eq!(
        incident("/incident resolve bad deploy"),
        IncidentCommand::Resolve {
            summary: Some("bad deploy".into())
        }
    );
    assert_eq!(incident("/incident reopen"), IncidentCommand::Reopen);
    assert_eq!(
        incident("/incident timeline INC-3"),
        IncidentCommand::Timeline {
            id: Some(IncidentId(3))
        }
    );
    assert_eq!(
        incident("/incident postmortem"),
        IncidentCommand::Postmortem { id: None }
    );
    assert_eq!(
        incident("/incident list —all"),
        IncidentCommand::List { all: true }
    );
    assert_eq!(
        incident("/incident show 4"),
        IncidentCommand::Show {
            id: Some(IncidentId(4))
        }
    );
    assert_eq!(ok("/help"), Command::Help { topic: None });
    match ok("/run api pods —dry-run") {
        Command::Run {
            service,
            action,
            dry_run,
        } => assert_eq!(
            (service.text.as_str(), action.text.as_str(), dry_run),
            ("api", "pods", true)
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ok("confirm AbC123"),
        Command::Confirm {
            token: "abc123".into()
        }
    );
    assert_eq!(
        ok("/warroom cancel abc"),
        Command::Cancel {
            token: "abc".into()
        }
    );
    assert!(
        err("/run api")
            .message
            .starts_with("Name the service and the action")
    );
    assert!(
        err("/run api pods now")
            .message
            .contains("Unexpected `now`")
    );
    assert!(err("/confirm").message.starts_with("Give the token"));
    assert_eq!(ok("/health"), Command::Health { service: None });
    assert!(matches!(ok("/health API"), Command::Health { service: Some(w) } if w.text == "api"));
    assert!(err("/health api web").message.contains("Unexpected `web`"));
    assert_eq!(ok("/warroom"), Command::Help { topic: None });
    assert_eq!(
        ok("/help incident"),
        Command::Help {
            topic: Some(HelpTopic::Incident)
        }
    );
}

#[test]
fn command_help_is_the_commands_usage_as_slack_users_type_it() {
    let help = |topic| Command::Help { topic: Some(topic) };
    assert_eq!(ok("/incident help"), help(HelpTopic::Incident));
    assert_eq!(ok("/warroom incident HELP"), help(HelpTopic::Incident));
    assert_eq!(ok("/logs help"), help(HelpTopic::Command("logs")));
    assert_eq!(ok("/help rollback"), help(HelpTopic::Command("rollback")));
    // Anything more than the one word is the command itself, read as usual.
    assert!(!matches!(
        ok("/incident note help me"),
        Command::Help { .. }
    ));
    assert!(
        err("/help nothing")
            .message
            .contains("There is no help on `nothing`")
    );
}

#[test]
fn bad_input_points_at_the_word_and_suggests() {
    let e = err("/incident nte hello");
    assert!(
        e.message.contains("Did you mean `/incident note`?"),
        "{}",
        e.message
    );
    assert_eq!(e.span.map(|s| (s.start, s.end)), Some((10, 13)));

    let e = err("/incidnet p1 down");
    assert!(
        e.message.contains("Did you mean `/incident`?"),
        "{}",
        e.message
    );

    let e = err("/incident p7 down");
    assert!(
        e.message.contains("Did you mean `/incident p1 ...`?"),
        "{}",
        e.message
    );

    let e = err("/incident sev p9");
    assert!(
        e.message.contains("`p9` is not a severity"),
        "{}",
        e.message
    );

    let e = err("/incident status fixed");
    assert!(
        e.message.contains("`fixed` is not a status"),
        "{}",
        e.message
    );

    let e = err("/incident list --al");
    assert!(
        e.message.contains("`--al` is not an option"),
        "{}",
        e.message
    );

    let e = err("/incident ack now");
    assert!(
        e.message.contains("`now` is not an incident id"),
        "{}",
        e.message
    );
    let e = err("/incident ack INC-1 now");
    assert!(e.message.contains("Unexpected `now`"), "{}", e.message);
}

#[test]
fn empty_and_blank_input_say_what_to_type() {
    assert!(err("").message.starts_with("Type a command"));
    assert!(err("   ").message.starts_with("Type a command"));
    assert!(err("/incident").message.starts_with("Say what to do"));
    assert!(
        err("/incident p1    ")
            .message
            .starts_with("Give the incident a title")
    );
    assert!(err("/incident note  ").message.starts_with("Add the text"));
}

//! The declarations checked against the parser: every command and verb is read by the reader it
//! names, every option it declares is accepted with its example value (and every choice, and
//! an integer at its bounds but not beyond), and a flag it does not declare is refused. The
//! usage lines people read are pinned here too.

use super::*;
use crate::access::Risk;
use crate::grammar::{Command, parse};
use crate::services::OpKind;

/// Every declaration with the text that types it: a top-level command's name, or
/// `/incident VERB` (`/incident` alone for declaring).
fn every_spec() -> Vec<(&'static Spec, String)> {
    let mut out = Vec::new();
    for command in COMMANDS {
        match command.read {
            Reader::Verbs(verbs) => {
                for verb in verbs {
                    let head = if verb.name == DECLARE.name {
                        format!("/{}", command.name)
                    } else {
                        format!("/{} {}", command.name, verb.name)
                    };
                    out.push((verb, head));
                }
            }
            _ => out.push((command, format!("/{}", command.name))),
        }
    }
    out
}

/// The declaration a parsed command says it comes from: the verb's for `/incident`.
fn parsed_spec(text: &str) -> &'static Spec {
    match parse(text) {
        Ok(Command::Incident(verb)) => verb.spec(),
        Ok(command) => command.spec(),
        Err(e) => panic!("`{text}` is refused: {}", e.message),
    }
}

/// The option as typed with `value`.
fn typed(opt: &Opt, value: &str) -> String {
    match (opt.place, opt.kind) {
        (Place::Flag(_), Kind::Switch) => format!("--{}", opt.name),
        (Place::Flag(_), _) => format!("--{} {value}", opt.name),
        (Place::Positional, _) => value.to_string(),
    }
}

/// The command with every option at its example, except `opt` at `value`.
fn with(head: &str, spec: &Spec, opt: &Opt, value: &str) -> String {
    spec.options.iter().fold(head.to_string(), |line, o| {
        let v = if std::ptr::eq(o, opt) {
            value
        } else {
            o.example
        };
        format!("{line} {}", typed(o, v))
    })
}

#[test]
fn every_example_is_read_as_its_own_command() {
    for (spec, _) in every_spec() {
        assert_eq!(
            parsed_spec(spec.example).name,
            spec.name,
            "{}",
            spec.example
        );
    }
}

#[test]
fn every_declared_option_is_accepted_with_its_example_and_the_optional_ones_may_be_left_out() {
    for (spec, head) in every_spec() {
        let full = spec.options.iter().fold(head.clone(), |line, o| {
            format!("{line} {}", typed(o, o.example))
        });
        assert_eq!(parsed_spec(&full).name, spec.name, "{full}");
        let bare = spec
            .options
            .iter()
            .filter(|o| o.required)
            .fold(head.clone(), |line, o| {
                format!("{line} {}", typed(o, o.example))
            });
        assert_eq!(parsed_spec(&bare).name, spec.name, "{bare}");
        for opt in spec.options {
            assert!(
                opt.kind == Kind::Switch || !opt.example.is_empty(),
                "{head}: give {} an example",
                opt.name
            );
        }
    }
}

#[test]
fn every_choice_is_accepted_and_integers_only_within_their_bounds() {
    let mut integers = 0;
    for (spec, head) in every_spec() {
        for opt in spec.options {
            match opt.kind {
                Kind::Choice(choices) => {
                    for choice in choices {
                        parsed_spec(&with(&head, spec, opt, choice));
                    }
                }
                Kind::Integer { min, max } => {
                    integers += 1;
                    for n in [min, max] {
                        parsed_spec(&with(&head, spec, opt, &n.to_string()));
                    }
                    for n in [min - 1, max + 1] {
                        let line = with(&head, spec, opt, &n.to_string());
                        assert!(parse(&line).is_err(), "`{line}` is accepted");
                    }
                }
                _ => {}
            }
        }
    }
    assert_eq!(integers, 2, "/scale's count and /logs --limit");
}

#[test]
fn a_flag_a_command_does_not_declare_is_refused() {
    let every_flag: Vec<&Opt> = every_spec()
        .iter()
        .flat_map(|(spec, _)| spec.flags().map(|(_, o)| o))
        .collect();
    for (spec, head) in every_spec() {
        if spec.options.iter().any(|o| o.kind == Kind::Text) {
            continue; // the rest of the line is text, flags and all
        }
        for other in &every_flag {
            if spec.flags().any(|(_, o)| o.name == other.name) {
                continue;
            }
            let line = format!(
                "{} {}",
                spec.options
                    .iter()
                    .filter(|o| o.required)
                    .fold(head.clone(), |l, o| format!("{l} {}", typed(o, o.example))),
                typed(other, other.example)
            );
            let refused = parse(&line).expect_err(&line).message;
            // A command that takes flags names the stranger; the others refuse it as a word.
            if spec.flags().next().is_some() {
                assert!(refused.contains("is not an option"), "{line}: {refused}");
            }
        }
    }
}

#[test]
fn declarations_have_a_shape_every_platform_can_offer() {
    for (spec, head) in every_spec() {
        let mut optional_seen = false;
        for (i, opt) in spec.options.iter().enumerate() {
            if opt.place == Place::Positional {
                assert!(
                    !optional_seen || !opt.required,
                    "{head}: {} after an optional word",
                    opt.name
                );
                optional_seen |= !opt.required;
            }
            assert_eq!(
                opt.kind == Kind::Switch,
                matches!(opt.place, Place::Flag(_)) && opt.example.is_empty(),
                "{head} {}: a switch is a flag without a value",
                opt.name
            );
            if opt.kind == Kind::Text {
                assert_eq!(
                    i + 1,
                    spec.options.len(),
                    "{head}: text is the rest of the line"
                );
            }
            if let Place::Flag(_) = opt.place {
                assert!(
                    !opt.required,
                    "{head}: --{} is a flag, so optional",
                    opt.name
                );
            }
        }
        assert!(
            spec.summary.chars().count() <= 100,
            "{head}: Discord's limit"
        );
        assert!(matches!(spec.risk, RiskClass::PerVerb) == matches!(spec.read, Reader::Verbs(_)));
    }
}

#[test]
fn operations_are_declared_with_their_kinds_name_and_risk() {
    for kind in OpKind::ALL {
        let spec = op(kind);
        assert_eq!(spec.name, kind.as_str());
        assert!(matches!(spec.read, Reader::Op(k) if k == kind));
        assert_eq!(
            spec.risk,
            RiskClass::OnService(kind.risk()),
            "{}",
            spec.name
        );
        assert!(COMMANDS.iter().any(|c| c.name == spec.name));
    }
}

#[test]
fn usage_lines_read_as_before() {
    let usage: Vec<String> = COMMANDS.iter().map(Spec::usage).collect();
    assert_eq!(
        usage,
        [
            "/incident",
            "/logs SERVICE [--since 30m|2026-11-22T03:00:00Z] [--until 5m] [--grep PATTERN] [--level error|warn] [--limit N]",
            "/rollback SERVICE [--to REVISION] [--dry-run]",
            "/restart SERVICE [--instance ID] [--dry-run]",
            "/scale SERVICE N [--dry-run]",
            "/version SERVICE",
            "/deploys SERVICE",
            "/health [SERVICE|all]",
            "/run SERVICE ACTION [--dry-run]",
            "/confirm TOKEN",
            "/cancel TOKEN",
            "/alerts [why|silence|unsilence] [NAME | TARGET DURATION [REASON]]",
            "/oncall [me|cover|swap|SCHEDULE] [@SOMEONE DURATION|until TIME [SCHEDULE]]",
            "/help [incident]",
        ]
    );
    let verbs: Vec<String> = VERBS.iter().map(Spec::verb_usage).collect();
    assert_eq!(
        verbs,
        [
            "/incident SEVERITY TITLE",
            "/incident ack [ID]",
            "/incident snooze DURATION",
            "/incident lead @NAME",
            "/incident sev SEVERITY",
            "/incident status investigating|identified|monitoring|resolved",
            "/incident note TEXT",
            "/incident action TEXT",
            "/incident resolve [SUMMARY]",
            "/incident reopen",
            "/incident timeline [ID]",
            "/incident postmortem [ID]",
            "/incident list [--all]",
            "/incident show [ID]",
        ]
    );
}

#[test]
fn reading_an_incident_is_read_risk_and_working_it_is_operate() {
    let read: Vec<&str> = VERBS
        .iter()
        .filter(|v| v.risk == RiskClass::Fixed(Risk::Read))
        .map(|v| v.name)
        .collect();
    assert_eq!(read, ["timeline", "postmortem", "list", "show"]);
    assert!(VERBS.iter().all(|v| matches!(v.risk, RiskClass::Fixed(_))));
    for verb in VERBS {
        let command = parse(verb.example).expect(verb.example);
        let RiskClass::Fixed(risk) = verb.risk else {
            continue;
        };
        assert_eq!(
            command.access(),
            crate::grammar::Access::Fixed {
                name: "incident",
                risk
            },
            "{}",
            verb.example
        );
    }
    let destructive: Vec<&str> = COMMANDS
        .iter()
        .filter(|c| c.risk.may_be_destructive())
        .map(|c| c.name)
        .collect();
    assert_eq!(destructive, ["rollback", "restart", "scale", "run"]);
}

//! The registration checked against the grammar's declarations and the parser: every declared
//! command and verb is registered and nothing else; every option Discord offers maps back to a
//! declared option with the same kind, bounds and choices; and what an interaction filled with
//! any offered value reads as is accepted by the parser as that same command.

use super::*;
use warroom_commands::access::Risk;
use warroom_commands::grammar::spec::RiskClass;
use warroom_commands::grammar::{self, Command, IncidentCommand};
use warroom_commands::services::OpKind;

/// A value Discord would send for the option, filled from its declared example.
fn sample(opt: &Opt) -> Value {
    match opt.kind {
        Kind::Switch => json!(true),
        Kind::Member => json!("2000000000000000002"),
        Kind::Integer { .. } => json!(opt.example.parse::<i64>().unwrap()),
        _ => json!(opt.example),
    }
}

/// Every declared command or verb with its registered JSON and the interaction data that fills
/// each of its options with `value(option)`.
fn every_command(value: impl Fn(&Opt) -> Value) -> Vec<(&'static Spec, Value, Value)> {
    let registered = definitions();
    let filled = |spec: &Spec| -> Value {
        spec.options
            .iter()
            .map(|o| json!({ "name": discord_name(o), "value": value(o) }))
            .collect()
    };
    let mut out = Vec::new();
    for command in COMMANDS {
        let json = registered
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == command.name)
            .unwrap_or_else(|| panic!("/{} is not registered", command.name))
            .clone();
        match command.read {
            Reader::Verbs(verbs) => {
                for verb in verbs {
                    let sub = json["options"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|s| s["name"] == verb.name)
                        .unwrap_or_else(|| panic!("/incident {} is not registered", verb.name))
                        .clone();
                    let data = json!({ "name": command.name, "options": [
                        { "name": verb.name, "type": SUB_COMMAND, "options": filled(verb) } ] });
                    out.push((verb, sub, data));
                }
            }
            _ => {
                let data = json!({ "name": command.name, "options": filled(command) });
                out.push((command, json, data));
            }
        }
    }
    out
}

/// The declaration the parser says the text stands for.
fn parsed(text: &str) -> Result<&'static Spec, String> {
    match grammar::parse(text) {
        Ok(Command::Incident(verb)) => Ok(verb.spec()),
        Ok(command) => Ok(command.spec()),
        Err(e) => Err(e.message),
    }
}

#[test]
fn every_declared_command_and_verb_is_registered_and_nothing_else() {
    let defs = definitions();
    let registered: Vec<&str> = defs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    let declared: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    assert_eq!(registered, declared);
    let incident = defs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == INCIDENT.name)
        .unwrap();
    let subs: Vec<&str> = incident["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let verbs: Vec<&str> = VERBS.iter().map(|v| v.name).collect();
    assert_eq!(subs, verbs);
}

#[test]
fn every_offered_option_is_a_declared_one_with_the_same_kind_bounds_and_choices() {
    for (spec, registered, _) in every_command(sample) {
        let offered = registered["options"].as_array().unwrap();
        assert_eq!(offered.len(), spec.options.len(), "/{}", spec.name);
        let mut optional_seen = false;
        for option in offered {
            let name = option["name"].as_str().unwrap();
            let opt = spec
                .options
                .iter()
                .find(|o| discord_name(o) == name)
                .unwrap_or_else(|| panic!("/{} offers {name}, which is not declared", spec.name));
            let kind = match opt.kind {
                Kind::Switch => BOOLEAN,
                Kind::Integer { .. } => INTEGER,
                Kind::Member => USER,
                _ => STRING,
            };
            assert_eq!(option["type"], json!(kind), "/{} {name}", spec.name);
            assert_eq!(
                option["required"],
                json!(opt.required),
                "/{} {name}",
                spec.name
            );
            // Discord refuses a required option after an optional one.
            assert!(!(optional_seen && opt.required), "/{} {name}", spec.name);
            optional_seen |= !opt.required;
            if let Kind::Integer { min, max } = opt.kind {
                assert_eq!(
                    (&option["min_value"], &option["max_value"]),
                    (&json!(min), &json!(max))
                );
            }
            let choices: Vec<&str> = option["choices"]
                .as_array()
                .map(|c| c.iter().map(|c| c["value"].as_str().unwrap()).collect())
                .unwrap_or_default();
            match opt.kind {
                Kind::Choice(declared) => assert_eq!(choices, declared),
                _ => assert!(choices.is_empty()),
            }
            assert_eq!(
                option.get("autocomplete") == Some(&json!(true)),
                opt.kind == Kind::Service
            );
        }
    }
}

#[test]
fn every_option_discord_offers_is_read_by_the_parser_as_the_same_command() {
    for (spec, _, data) in every_command(sample) {
        let text = text_of(&data).unwrap();
        assert_eq!(parsed(&text).map(|s| s.name), Ok(spec.name), "`{text}`");
    }
    // Each choice, and each integer at its bounds (and not past them).
    let mut integers = 0;
    for (spec, _, _) in every_command(sample) {
        for opt in spec.options {
            let values: Vec<(Value, bool)> = match opt.kind {
                Kind::Choice(choices) => choices.iter().map(|c| (json!(c), true)).collect(),
                Kind::Integer { min, max } => {
                    integers += 1;
                    vec![
                        (json!(min), true),
                        (json!(max), true),
                        (json!(min - 1), false),
                        (json!(max + 1), false),
                    ]
                }
                _ => continue,
            };
            for (value, accepted) in values {
                let one = |o: &Opt| {
                    if std::ptr::eq(o, opt) {
                        value.clone()
                    } else {
                        sample(o)
                    }
                };
                let data = every_command(one)
                    .into_iter()
                    .find(|(s, _, _)| std::ptr::eq(*s, spec))
                    .map(|(_, _, d)| d)
                    .unwrap();
                let text = text_of(&data).unwrap();
                assert_eq!(parsed(&text).is_ok(), accepted, "`{text}`");
            }
        }
    }
    assert_eq!(integers, 2, "/scale count and /logs --limit");
}

#[test]
fn the_lead_is_picked_from_the_members_and_read_as_their_id() {
    let sub = VERBS.iter().find(|d| d.name == "lead").unwrap();
    assert_eq!(option_json(&sub.options[0])["type"], 6);
    let picked = json!({ "name": "incident", "options": [{ "name": "lead", "type": 1, "options": [
        { "name": "who", "type": 6, "value": "2000000000000000002" } ] }],
        "resolved": { "users": { "2000000000000000002": { "id": "2000000000000000002", "username": "bob" } } } });
    let text = text_of(&picked).unwrap();
    assert_eq!(text, "/incident lead 2000000000000000002");
    assert_eq!(
        grammar::parse(&text).unwrap(),
        Command::Incident(IncidentCommand::Lead {
            who: "2000000000000000002".into()
        })
    );
}

#[test]
fn only_the_commands_that_change_a_service_ask_for_manage_server() {
    let registered = definitions();
    let mut gated: Vec<&str> = registered
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("default_member_permissions") == Some(&json!("32")))
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    gated.sort();
    assert_eq!(gated, ["restart", "rollback", "run", "scale"]);
    // The same as the declarations: a destructive operation, or an action of any risk.
    for kind in OpKind::ALL {
        assert_eq!(
            gated.contains(&kind.as_str()),
            kind.risk() == Risk::Destructive,
            "{kind:?}"
        );
    }
    assert!(RiskClass::PerAction.may_be_destructive());
    let others = registered.as_array().unwrap().iter();
    assert_eq!(
        others
            .filter(|c| c.get("default_member_permissions").is_some())
            .count(),
        4
    );
}

#[test]
fn interactions_read_as_the_text_a_person_would_type() {
    let declare = json!({ "name": "incident", "options": [{ "name": "declare", "type": 1, "options": [
        { "name": "severity", "value": "p1" }, { "name": "title", "value": "checkout returns 502" } ] }] });
    assert_eq!(
        text_of(&declare).unwrap(),
        "/incident p1 checkout returns 502"
    );
    let logs = json!({ "name": "logs", "options": [
        { "name": "grep", "value": "upstream timeout" }, { "name": "service", "value": "api" },
        { "name": "since", "value": "30m" } ] });
    assert_eq!(
        text_of(&logs).unwrap(),
        "/logs api --since 30m --grep \"upstream timeout\""
    );
    let rollback = json!({ "name": "rollback", "options": [
        { "name": "service", "value": "api" }, { "name": "dry_run", "value": true } ] });
    assert_eq!(text_of(&rollback).unwrap(), "/rollback api --dry-run");
    let list = json!({ "name": "incident", "options": [{ "name": "list", "type": 1, "options": [
        { "name": "all", "value": false } ] }] });
    assert_eq!(text_of(&list).unwrap(), "/incident list");
    let both = json!({ "name": "logs", "options": [
        { "name": "service", "value": "api" }, { "name": "grep", "value": "a\"b'c" } ] });
    assert!(text_of(&both).unwrap_err().contains("both \" and '"));
    assert!(
        text_of(&json!({ "name": "shutdown" }))
            .unwrap_err()
            .contains("not one of warroom's")
    );
}

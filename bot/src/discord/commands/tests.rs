//! The registration checked against the parser: every option Discord offers must be one the
//! grammar accepts for that command, every flag the grammar accepts must be offered and written
//! in the usage text, and the bounds of integer options must be the parser's.

use super::*;
use warroom_commands::grammar::{self, Command, IncidentCommand, op_flags, op_usage};

/// A value the parser accepts for an option, as Discord would send it.
fn sample(opt: &Opt) -> Value {
    if let Some(first) = opt.choices.first() {
        return json!(first);
    }
    match (opt.place, opt.kind) {
        (Place::Switch, _) => json!(true),
        (_, Kind::Integer { min, .. }) => json!(min),
        (_, Kind::Member) => json!("2000000000000000002"),
        (_, Kind::Text) => json!(match opt.name {
            "service" => "api",
            "to" => "v41",
            "instance" => "i-0abc123",
            "since" => "30m",
            "until" => "5m",
            "grep" => "upstream timeout",
            "action" => "pods",
            "token" => "k3p7",
            "topic" => "incident",
            "duration" => "30m",
            "id" => "INC-7",
            "title" | "text" | "summary" => "checkout returns 502",
            other => panic!("give the `{other}` option a sample value here"),
        }),
    }
}

/// Every registered command with the interaction data that fills each of its options, and
/// the usage text a person reads for it: `/help`'s row, the operation's usage line, or the
/// `/incident` verb's line.
fn every_command() -> Vec<(&'static Def, Value, String)> {
    let filled = |def: &Def| -> Value {
        def.options
            .iter()
            .map(|o| json!({ "name": o.name, "value": sample(o) }))
            .collect()
    };
    let mut out = Vec::new();
    for def in COMMANDS {
        let data = json!({ "name": def.name, "options": filled(def) });
        let mut usage = grammar::COMMANDS
            .iter()
            .find(|(name, _)| *name == def.name)
            .map(|(_, about)| about.to_string())
            .unwrap_or_else(|| panic!("/{} is not in the grammar", def.name));
        if let Some(kind) = OpKind::parse(def.name) {
            usage = format!("{usage}\n{}", op_usage(kind));
        }
        out.push((def, data, usage));
    }
    for def in INCIDENT {
        let data = json!({ "name": "incident", "options": [
            { "name": def.name, "type": SUB_COMMAND, "options": filled(def) } ] });
        let verb = (def.name != "declare").then_some(def.name);
        let usage = grammar::INCIDENT_USAGE
            .iter()
            .find(|u| u.verb == verb)
            .map(|u| u.usage.to_string())
            .unwrap_or_else(|| panic!("/incident {} is not in the grammar", def.name));
        out.push((def, data, usage));
    }
    out
}

#[test]
fn every_command_of_the_grammar_is_registered() {
    let defs = definitions();
    let mut registered: Vec<&str> = defs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    let mut grammar: Vec<&str> = grammar::COMMANDS.iter().map(|(n, _)| *n).collect();
    registered.sort();
    grammar.sort();
    assert_eq!(registered, grammar);
    let subs: Vec<&str> = INCIDENT.iter().map(|d| d.name).collect();
    for usage in grammar::INCIDENT_USAGE {
        let verb = usage.verb.unwrap_or("declare");
        assert!(subs.contains(&verb), "/incident {verb} has no subcommand");
    }
}

#[test]
fn every_option_discord_offers_is_one_the_parser_accepts() {
    for (def, data, usage) in every_command() {
        let text = text_of(&data).unwrap();
        if let Err(e) = grammar::parse(&text) {
            panic!("/{}: `{text}` is refused: {}", def.name, e.message);
        }
        for opt in def.options {
            let flag = format!("--{}", opt.name.replace('_', "-"));
            if matches!(opt.place, Place::Flag | Place::Switch) {
                assert!(
                    usage.contains(&flag),
                    "/{}: {flag} is not in its usage text:\n{usage}",
                    def.name
                );
            }
        }
    }
}

#[test]
fn every_flag_the_parser_accepts_is_offered_and_written_in_the_usage_text() {
    for (def, _, usage) in every_command() {
        let Some(kind) = OpKind::parse(def.name) else {
            continue;
        };
        let help_row = usage.lines().next().unwrap();
        for flag in op_flags(kind) {
            let typed = format!("--{}", flag.name());
            assert!(
                op_usage(kind).contains(&typed),
                "{typed} not in {}",
                op_usage(kind)
            );
            assert!(
                help_row.contains(&typed),
                "{typed} not in /help's {help_row}"
            );
            let offered = flag.name().replace('-', "_");
            assert!(
                def.options.iter().any(|o| o.name == offered),
                "/{} does not offer {typed} on Discord",
                def.name
            );
        }
        // And the other way round: a flag written in the usage text is one the parser takes.
        for word in usage.split(|c: char| c.is_whitespace() || c == '[' || c == ']') {
            if let Some(name) = word.strip_prefix("--") {
                assert!(
                    op_flags(kind).any(|f| f.name() == name),
                    "/{}'s usage shows --{name}, which the parser refuses",
                    def.name
                );
            }
        }
    }
}

#[test]
fn integer_options_have_the_parsers_bounds() {
    let mut seen = 0;
    for (def, data, _) in every_command() {
        for opt in def.options {
            let Kind::Integer { min, max } = opt.kind else {
                continue;
            };
            seen += 1;
            let with = |n: i64| {
                let mut data = data.clone();
                let options = data["options"].as_array_mut().unwrap();
                let option = options.iter_mut().find(|o| o["name"] == opt.name).unwrap();
                option["value"] = json!(n);
                grammar::parse(&text_of(&data).unwrap())
            };
            assert!(
                with(min).is_ok() && with(max).is_ok(),
                "/{} {}",
                def.name,
                opt.name
            );
            assert!(
                with(min - 1).is_err(),
                "/{} {} below {min}",
                def.name,
                opt.name
            );
            assert!(
                with(max + 1).is_err(),
                "/{} {} above {max}",
                def.name,
                opt.name
            );
        }
    }
    assert_eq!(seen, 2, "/scale count and /logs --limit");
    let registered = definitions();
    let scale = registered
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "scale")
        .unwrap();
    let count = &scale["options"][1];
    assert_eq!(
        (
            &count["name"],
            &count["type"],
            &count["min_value"],
            &count["max_value"]
        ),
        (&json!("count"), &json!(4), &json!(0), &json!(1000))
    );
}

#[test]
fn the_lead_is_picked_from_the_members_and_read_as_their_id() {
    let sub = INCIDENT.iter().find(|d| d.name == "lead").unwrap();
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

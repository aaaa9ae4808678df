//! warroom's Discord application commands: one table that both registers them and turns an
//! interaction back into the text the grammar reads, so the two cannot drift apart.

use serde_json::{Value, json};

/// How an option's value is written into the command text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A word in its place: `/health api`.
    Word,
    /// The rest of the line, as typed: titles, notes.
    Rest,
    /// `--name VALUE`.
    Flag,
    /// `--name` when true.
    Switch,
}

#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub name: &'static str,
    pub description: &'static str,
    pub place: Place,
    pub required: bool,
    /// Fixed choices (severity, status); empty for free values.
    pub choices: &'static [&'static str],
    /// Service names are offered as the user types.
    pub autocomplete: bool,
}

const fn word(name: &'static str, description: &'static str, required: bool) -> Opt {
    Opt {
        name,
        description,
        place: Place::Word,
        required,
        choices: &[],
        autocomplete: false,
    }
}

const fn rest(name: &'static str, description: &'static str, required: bool) -> Opt {
    Opt {
        place: Place::Rest,
        ..word(name, description, required)
    }
}

const fn flag(name: &'static str, description: &'static str) -> Opt {
    Opt {
        place: Place::Flag,
        ..word(name, description, false)
    }
}

const fn switch(name: &'static str, description: &'static str) -> Opt {
    Opt {
        place: Place::Switch,
        ..word(name, description, false)
    }
}

const fn choice(
    name: &'static str,
    description: &'static str,
    choices: &'static [&'static str],
) -> Opt {
    Opt {
        choices,
        ..word(name, description, true)
    }
}

const SERVICE: Opt = Opt {
    autocomplete: true,
    ..word("service", "the service, from warroom's configuration", true)
};
const DRY_RUN: Opt = switch("dry_run", "show the plan, run nothing");
const SEVERITIES: &[&str] = &["p1", "p2", "p3", "p4"];

/// A command or an `/incident` subcommand.
#[derive(Debug, Clone, Copy)]
pub struct Def {
    pub name: &'static str,
    pub description: &'static str,
    pub options: &'static [Opt],
}

/// The `/incident` subcommands. `declare` is written as the grammar reads it: `/incident p1 TITLE`.
pub const INCIDENT: &[Def] = &[
    Def {
        name: "declare",
        description: "declare an incident in this channel",
        options: &[
            choice("severity", "P1 service down … P4 low impact", SEVERITIES),
            rest("title", "what is wrong", true),
        ],
    },
    Def {
        name: "ack",
        description: "acknowledge: you are on it",
        options: &[],
    },
    Def {
        name: "snooze",
        description: "postpone the status-update reminders",
        options: &[word("duration", "how long, e.g. 30m (at most 24h)", true)],
    },
    Def {
        name: "lead",
        description: "name the incident lead",
        options: &[word("who", "the lead", true)],
    },
    Def {
        name: "sev",
        description: "change the severity",
        options: &[choice("to", "the new severity", SEVERITIES)],
    },
    Def {
        name: "status",
        description: "change the status",
        options: &[choice(
            "to",
            "the new status",
            &["investigating", "identified", "monitoring"],
        )],
    },
    Def {
        name: "note",
        description: "record what you see",
        options: &[rest("text", "the note", true)],
    },
    Def {
        name: "action",
        description: "record a follow-up item",
        options: &[rest("text", "the item", true)],
    },
    Def {
        name: "resolve",
        description: "resolve the incident",
        options: &[rest("summary", "what fixed it", false)],
    },
    Def {
        name: "reopen",
        description: "reopen the incident",
        options: &[],
    },
    Def {
        name: "timeline",
        description: "the incident's timeline",
        options: &[word("id", "INC-7; default this channel's", false)],
    },
    Def {
        name: "postmortem",
        description: "the post-mortem draft",
        options: &[word("id", "INC-7; default this channel's", false)],
    },
    Def {
        name: "list",
        description: "open incidents",
        options: &[switch("all", "resolved ones too")],
    },
    Def {
        name: "show",
        description: "an incident's present state",
        options: &[word("id", "INC-7; default this channel's", false)],
    },
];

/// Every other command.
pub const COMMANDS: &[Def] = &[
    Def {
        name: "health",
        description: "probe a service's health endpoints",
        options: &[Opt {
            required: false,
            ..SERVICE
        }],
    },
    Def {
        name: "logs",
        description: "recent logs of a service",
        options: &[
            SERVICE,
            flag("since", "15m, 2h or a time"),
            flag("until", "a time"),
            flag("grep", "a pattern"),
            flag("level", "error, warn, ..."),
            flag("limit", "most lines"),
            flag("instance", "one instance"),
        ],
    },
    Def {
        name: "rollback",
        description: "roll a service back (asks for confirmation)",
        options: &[SERVICE, flag("to", "a revision, commit or tag"), DRY_RUN],
    },
    Def {
        name: "restart",
        description: "restart a service (asks for confirmation)",
        options: &[SERVICE, flag("instance", "one instance only"), DRY_RUN],
    },
    Def {
        name: "scale",
        description: "set a service's desired count (asks for confirmation)",
        options: &[SERVICE, word("count", "how many", true), DRY_RUN],
    },
    Def {
        name: "version",
        description: "the deployed version, with drift called out",
        options: &[SERVICE],
    },
    Def {
        name: "deploys",
        description: "recent deployments, as rollback candidates",
        options: &[SERVICE],
    },
    Def {
        name: "run",
        description: "run a configured action on a service",
        options: &[SERVICE, word("action", "the action", true), DRY_RUN],
    },
    Def {
        name: "confirm",
        description: "approve a pending operation",
        options: &[word("token", "the token on the card", true)],
    },
    Def {
        name: "cancel",
        description: "withdraw a pending operation",
        options: &[word("token", "the token on the card", true)],
    },
    Def {
        name: "help",
        description: "list the commands, with examples",
        options: &[word("topic", "incident", false)],
    },
];

/// Discord's option types.
const SUB_COMMAND: u8 = 1;
const STRING: u8 = 3;
const BOOLEAN: u8 = 5;

fn option_json(opt: &Opt) -> Value {
    let mut o = json!({
        "name": opt.name,
        "description": opt.description,
        "type": if opt.place == Place::Switch { BOOLEAN } else { STRING },
        "required": opt.required,
    });
    if !opt.choices.is_empty() {
        o["choices"] = opt
            .choices
            .iter()
            .map(|c| json!({ "name": c, "value": c }))
            .collect();
    }
    if opt.autocomplete {
        o["autocomplete"] = json!(true);
    }
    o
}

/// The commands as Discord's bulk-overwrite endpoint takes them.
pub fn definitions() -> Value {
    let mut all = vec![json!({
        "name": "incident",
        "description": "declare and work an incident",
        "type": 1,
        "options": INCIDENT.iter().map(|sub| json!({
            "name": sub.name, "description": sub.description, "type": SUB_COMMAND,
            "options": sub.options.iter().map(option_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })];
    all.extend(COMMANDS.iter().map(|def| {
        json!({
            "name": def.name, "description": def.description, "type": 1,
            "options": def.options.iter().map(option_json).collect::<Vec<_>>(),
        })
    }));
    Value::Array(all)
}

/// The title of an `/incident declare` interaction, if it is one.
pub fn declared_title(data: &Value) -> Option<String> {
    let sub = &data["options"][0];
    (data["name"] == "incident" && sub["name"] == "declare").then(|| {
        sub["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["name"] == "title"))
            .and_then(|o| o["value"].as_str())
            .unwrap_or("incident")
            .to_string()
    })
}

/// A value as one word of the grammar: quoted when it holds spaces. `None` when it holds both
/// kinds of quotes, which no quoting can carry.
fn quoted(value: &str) -> Option<String> {
    if !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\'')
    {
        Some(value.to_string())
    } else if !value.contains('"') {
        Some(format!("\"{value}\""))
    } else if !value.contains('\'') {
        Some(format!("'{value}'"))
    } else {
        None
    }
}

/// The command text an application command interaction stands for, or a sentence saying why
/// it cannot be read.
pub fn text_of(data: &Value) -> Result<String, String> {
    let name = data["name"].as_str().unwrap_or_default();
    let given = |options: &Value| -> Vec<(String, Value)> {
        options
            .as_array()
            .map(|o| {
                o.iter()
                    .map(|o| {
                        (
                            o["name"].as_str().unwrap_or_default().to_string(),
                            o["value"].clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (mut text, def, options) = if name == "incident" {
        let sub = &data["options"][0];
        let sub_name = sub["name"].as_str().unwrap_or_default();
        let def = INCIDENT
            .iter()
            .find(|d| d.name == sub_name)
            .ok_or_else(|| format!("`/incident {sub_name}` is not one of warroom's commands."))?;
        let head = if sub_name == "declare" {
            "/incident".to_string()
        } else {
            format!("/incident {sub_name}")
        };
        (head, def, given(&sub["options"]))
    } else {
        let def = COMMANDS
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| format!("`/{name}` is not one of warroom's commands."))?;
        (format!("/{name}"), def, given(&data["options"]))
    };
    for opt in def.options {
        let Some((_, value)) = options.iter().find(|(n, _)| n == opt.name) else {
            continue;
        };
        let value_text = match value {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            other => other.to_string(),
        };
        let flag = opt.name.replace('_', "-");
        let part = match opt.place {
            Place::Switch if value == &Value::Bool(true) => format!("--{flag}"),
            Place::Switch => continue,
            Place::Rest => value_text,
            Place::Word | Place::Flag => {
                let word = quoted(&value_text).ok_or_else(|| {
                    format!(
                        "The {} option cannot hold both \" and '; leave one kind out.",
                        opt.name
                    )
                })?;
                if opt.place == Place::Flag {
                    format!("--{flag} {word}")
                } else {
                    word
                }
            }
        };
        text.push(' ');
        text.push_str(&part);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_of_the_grammar_is_registered() {
        let defs = definitions();
        let mut registered: Vec<&str> = defs
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        let mut grammar: Vec<&str> = warroom_commands::grammar::COMMANDS
            .iter()
            .map(|(n, _)| *n)
            .collect();
        registered.sort();
        grammar.sort();
        assert_eq!(registered, grammar);
        let subs: Vec<&str> = INCIDENT.iter().map(|d| d.name).collect();
        for usage in warroom_commands::grammar::INCIDENT_USAGE {
            let verb = usage.verb.unwrap_or("declare");
            assert!(subs.contains(&verb), "/incident {verb} has no subcommand");
        }
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
}

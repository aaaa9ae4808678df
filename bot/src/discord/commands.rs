//! warroom's Discord application commands: one table that both registers them and turns an
//! interaction back into the text the grammar reads, so the two cannot drift apart; a test
//! beside it checks the table against the parser and its usage text.
//!
//! Discord's own conventions are followed where they help: counts are integer options with the
//! parser's bounds, the lead is picked from the server's members, and the commands that change
//! a service are shown by default only to members who may manage the server.

use serde_json::{Value, json};
use warroom_commands::access::Risk;
use warroom_commands::grammar::{MAX_COUNT, MAX_LIMIT};
use warroom_commands::services::OpKind;

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

/// What an option holds, as Discord offers it (a switch is a boolean whatever its kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number within the bounds the parser accepts.
    Integer {
        min: i64,
        max: i64,
    },
    /// A member of the server, picked from a list; the interaction carries the user's id.
    Member,
}

#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub name: &'static str,
    pub description: &'static str,
    pub place: Place,
    pub kind: Kind,
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
        kind: Kind::Text,
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

const fn integer(opt: Opt, min: i64, max: i64) -> Opt {
    Opt {
        kind: Kind::Integer { min, max },
        ..opt
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
        options: &[Opt {
            kind: Kind::Member,
            ..word("who", "the lead, picked from this server's members", true)
        }],
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
            Opt {
                choices: &["error", "warn"],
                ..flag("level", "error lines, or warnings and errors")
            },
            integer(flag("limit", "most lines"), 1, MAX_LIMIT as i64),
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
        options: &[
            SERVICE,
            integer(word("count", "how many", true), 0, MAX_COUNT as i64),
            DRY_RUN,
        ],
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
const INTEGER: u8 = 4;
const BOOLEAN: u8 = 5;
const USER: u8 = 6;

/// The permission a member needs to see the commands that change a service until a server
/// admin says otherwise (Server Settings → Integrations → warroom): Manage Server, which server
/// admins and moderators have and everyone else lacks. It only hides the commands; warroom's
/// access rules still decide who may run them.
pub const MANAGE_GUILD: u64 = 1 << 5;

/// Whether a command changes a service: the destructive operations, and `/run`, whose
/// configured actions may be destructive.
pub fn changes_a_service(name: &str) -> bool {
    name == "run" || OpKind::parse(name).is_some_and(|kind| kind.risk() == Risk::Destructive)
}

fn option_json(opt: &Opt) -> Value {
    let kind = match (opt.place, opt.kind) {
        (Place::Switch, _) => BOOLEAN,
        (_, Kind::Text) => STRING,
        (_, Kind::Integer { .. }) => INTEGER,
        (_, Kind::Member) => USER,
    };
    let mut o = json!({
        "name": opt.name,
        "description": opt.description,
        "type": kind,
        "required": opt.required,
    });
    if let Kind::Integer { min, max } = opt.kind {
        o["min_value"] = json!(min);
        o["max_value"] = json!(max);
    }
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
        let mut command = json!({
            "name": def.name, "description": def.description, "type": 1,
            "options": def.options.iter().map(option_json).collect::<Vec<_>>(),
        });
        if changes_a_service(def.name) {
            command["default_member_permissions"] = json!(MANAGE_GUILD.to_string());
        }
        command
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

/// The inbox lane of an interaction: an `/incident` command runs after the channel's earlier
/// ones, in the order they were typed, so a note sent right after a declaration finds the
/// incident. Other interactions have none.
pub fn lane(payload: &Value) -> Option<String> {
    (payload["data"]["name"] == "incident")
        .then(|| {
            payload["channel_id"]
                .as_str()
                .map(|c| format!("discord:{c}"))
        })
        .flatten()
}

#[cfg(test)]
mod tests;

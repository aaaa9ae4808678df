//! warroom's Discord application commands, written from the grammar's declarations
//! ([`warroom_commands::grammar::spec`]): the same declarations register the commands and turn
//! an interaction back into the text the grammar reads, so registration, parser and help cannot
//! drift apart; a test beside it checks the registration against the parser.
//!
//! Discord's own conventions are followed where they help: counts are integer options with the
//! declared bounds, choices are offered as a list, the lead is picked from the server's
//! members, service names are completed as the user types, and the commands that may take
//! production down are shown by default only to members who may manage the server.

use serde_json::{Value, json};
use warroom_commands::grammar::spec::{DECLARE, INCIDENT, Kind, Opt, Place, Reader, Spec};
use warroom_commands::grammar::{COMMANDS, VERBS};

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

/// An option's name on Discord, which allows no `-`: `dry_run` for `--dry-run`.
fn discord_name(opt: &Opt) -> String {
    opt.name.replace('-', "_")
}

/// One option as Discord's registration describes it.
fn option_json(opt: &Opt) -> Value {
    let kind = match opt.kind {
        Kind::Switch => BOOLEAN,
        Kind::Integer { .. } => INTEGER,
        Kind::Member => USER,
        Kind::Service | Kind::Word | Kind::Text | Kind::Duration | Kind::Time | Kind::Choice(_) => {
            STRING
        }
    };
    let mut o = json!({
        "name": discord_name(opt),
        "description": opt.description,
        "type": kind,
        "required": opt.required,
    });
    match opt.kind {
        Kind::Integer { min, max } => {
            o["min_value"] = json!(min);
            o["max_value"] = json!(max);
        }
        Kind::Choice(choices) => {
            o["choices"] = choices
                .iter()
                .map(|c| json!({ "name": c, "value": c }))
                .collect();
        }
        Kind::Service => o["autocomplete"] = json!(true),
        _ => {}
    }
    o
}

fn options_json(spec: &Spec) -> Vec<Value> {
    spec.options.iter().map(option_json).collect()
}

/// The commands as Discord's bulk-overwrite endpoint takes them: every declared command, the
/// `/incident` verbs as its subcommands, and the ones that may take production down shown by
/// default only to members who may manage the server.
pub fn definitions() -> Value {
    COMMANDS
        .iter()
        .map(|spec| {
            let options: Vec<Value> = match spec.read {
                Reader::Verbs(verbs) => verbs
                    .iter()
                    .map(|verb| {
                        json!({ "name": verb.name, "description": verb.summary,
                            "type": SUB_COMMAND, "options": options_json(verb) })
                    })
                    .collect(),
                _ => options_json(spec),
            };
            let mut command = json!({
                "name": spec.name, "description": spec.summary, "type": 1, "options": options,
            });
            if spec.risk.may_be_destructive() {
                command["default_member_permissions"] = json!(MANAGE_GUILD.to_string());
            }
            command
        })
        .collect()
}

/// The title of an `/incident declare` interaction, if it is one.
pub fn declared_title(data: &Value) -> Option<String> {
    let sub = &data["options"][0];
    (data["name"] == INCIDENT.name && sub["name"] == DECLARE.name).then(|| {
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
    let (mut text, spec, options) = if name == INCIDENT.name {
        let sub = &data["options"][0];
        let sub_name = sub["name"].as_str().unwrap_or_default();
        let verb = VERBS
            .iter()
            .find(|v| v.name == sub_name)
            .ok_or_else(|| format!("`/incident {sub_name}` is not one of warroom's commands."))?;
        let head = if verb.name == DECLARE.name {
            format!("/{}", INCIDENT.name)
        } else {
            format!("/{} {sub_name}", INCIDENT.name)
        };
        (head, verb, given(&sub["options"]))
    } else {
        let spec = COMMANDS
            .iter()
            .find(|c| c.name == name && !matches!(c.read, Reader::Verbs(_)))
            .ok_or_else(|| format!("`/{name}` is not one of warroom's commands."))?;
        (format!("/{name}"), spec, given(&data["options"]))
    };
    for opt in spec.options {
        let Some((_, value)) = options.iter().find(|(n, _)| *n == discord_name(opt)) else {
            continue;
        };
        let value_text = match value {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            other => other.to_string(),
        };
        let part = match (opt.place, opt.kind) {
            (_, Kind::Switch) if value == &Value::Bool(true) => format!("--{}", opt.name),
            (_, Kind::Switch) => continue,
            (_, Kind::Text) => value_text,
            (place, _) => {
                let word = quoted(&value_text).ok_or_else(|| {
                    format!(
                        "The {} option cannot hold both \" and '; leave one kind out.",
                        discord_name(opt)
                    )
                })?;
                match place {
                    Place::Flag(_) => format!("--{} {word}", opt.name),
                    Place::Positional => word,
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

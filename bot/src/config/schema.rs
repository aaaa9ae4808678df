//! Every key warroom knows, with what each value must look like.
//!
//! Serde stops at the first value it cannot read, and its errors do not say which key they are
//! about. This walk runs first, over the TOML tree, and reports every value of the wrong kind or
//! form under its key path, then removes it, so that reading the tree into [`Config`] cannot fail
//! and only unknown keys are left for `serde_ignored` to report. The same list supplies the
//! candidates for "did you mean".
//!
//! A field added to the config structs is added here too (the tests check that every key here is
//! a field there, and that config.example.toml documents every key here). A field missing here
//! still loads, but a bad value in it is reported without its key path and its typos get no
//! suggestion.
//!
//! [`Config`]: super::Config

use toml::{Table, Value};
use warroom_commands::grammar::nearest;

use super::aws::{check_endpoint, check_region};
use super::database::check_url;
use super::problems::{Problem, join};
use super::server::check_listen;
use super::severity::{parse_optional_duration, parse_positive_duration, parse_target};
use super::slack::{check_incident_channel, check_mode};

/// What a key holds.
pub(super) enum Shape {
    /// A table with these keys.
    Table(&'static [(&'static str, Shape)]),
    /// A string, checked by `check`; `example` is shown when something else is written.
    Text {
        example: &'static str,
        check: fn(&str) -> Result<(), String>,
    },
}

const ANY_TEXT: fn(&str) -> Result<(), String> = |_| Ok(());

const LEVEL: &[(&str, Shape)] = &[
    (
        "description",
        Shape::Text {
            example: "\"Service down\"",
            check: ANY_TEXT,
        },
    ),
    (
        "respond",
        Shape::Text {
            example: "\"15m\"",
            check: |text| parse_target(text).map(drop),
        },
    ),
    (
        "acknowledge",
        Shape::Text {
            example: "\"5m\"",
            check: |text| parse_target(text).map(drop),
        },
    ),
    (
        "update_every",
        Shape::Text {
            example: "\"30m\"",
            check: |text| parse_optional_duration(text).map(drop),
        },
    ),
    (
        "postmortem_due",
        Shape::Text {
            example: "\"48h\"",
            check: |text| parse_optional_duration(text).map(drop),
        },
    ),
];

/// The whole file.
pub(super) const ROOT: &[(&str, Shape)] = &[
    (
        "server",
        Shape::Table(&[
            (
                "listen",
                Shape::Text {
                    example: "\"127.0.0.1:8080\"",
                    check: check_listen,
                },
            ),
            (
                "shutdown_grace",
                Shape::Text {
                    example: "\"5m\"",
                    check: |text| parse_positive_duration(text).map(drop),
                },
            ),
        ]),
    ),
    (
        "web",
        Shape::Table(&[
            (
                "base_url",
                Shape::Text {
                    example: "\"https://warroom.example.com\"",
                    check: super::web::check_base_url,
                },
            ),
            (
                "link_secret",
                Shape::Text {
                    example: "\"${WARROOM_LINK_SECRET}\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "link_ttl",
                Shape::Text {
                    example: "\"7d\"",
                    check: |text| parse_positive_duration(text).map(drop),
                },
            ),
            (
                "bearer_token",
                Shape::Text {
                    example: "\"${WARROOM_PAGES_TOKEN}\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "basic_user",
                Shape::Text {
                    example: "\"review\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "basic_password",
                Shape::Text {
                    example: "\"${WARROOM_PAGES_PASSWORD}\"",
                    check: ANY_TEXT,
                },
            ),
        ]),
    ),
    (
        "database",
        Shape::Table(&[(
            "url",
            Shape::Text {
                example: "\"sqlite://warroom.db\"",
                check: check_url,
            },
        )]),
    ),
    (
        "aws",
        Shape::Table(&[
            (
                "region",
                Shape::Text {
                    example: "\"us-east-2\"",
                    check: check_region,
                },
            ),
            (
                "endpoint_url",
                Shape::Text {
                    example: "\"http://127.0.0.1:5000\"",
                    check: check_endpoint,
                },
            ),
        ]),
    ),
    (
        "slack",
        Shape::Table(&[
            (
                "mode",
                Shape::Text {
                    example: "\"http\"",
                    check: check_mode,
                },
            ),
            (
                "signing_secret",
                Shape::Text {
                    example: "\"${SLACK_SIGNING_SECRET}\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "bot_token",
                Shape::Text {
                    example: "\"${SLACK_BOT_TOKEN}\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "app_token",
                Shape::Text {
                    example: "\"${SLACK_APP_TOKEN}\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "api_url",
                Shape::Text {
                    example: "\"https://slack.com/api\"",
                    check: check_endpoint,
                },
            ),
            (
                "pin_reaction",
                Shape::Text {
                    example: "\"pushpin\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "incident_channel",
                Shape::Text {
                    example: "\"off\"",
                    check: check_incident_channel,
                },
            ),
            (
                "oncall_group",
                Shape::Text {
                    example: "\"S0ONCALL\"",
                    check: ANY_TEXT,
                },
            ),
        ]),
    ),
    (
        "discord",
        Shape::Table(&[
            (
                "mode",
                Shape::Text {
                    example: "\"gateway\"",
                    check: super::discord::check_mode,
                },
            ),
            (
                "bot_token",
                Shape::Text {
                    example: "\"${DISCORD_BOT_TOKEN}\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "application_id",
                Shape::Text {
                    example: "\"123456789012345678\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "public_key",
                Shape::Text {
                    example: "\"${DISCORD_PUBLIC_KEY}\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "api_url",
                Shape::Text {
                    example: "\"https://discord.com\"",
                    check: check_endpoint,
                },
            ),
            (
                "guild_id",
                Shape::Text {
                    example: "\"111111111111111111\"",
                    check: ANY_TEXT,
                },
            ),
            (
                "incident_thread",
                Shape::Text {
                    example: "\"off\"",
                    check: super::discord::check_incident_thread,
                },
            ),
        ]),
    ),
    (
        "severity",
        Shape::Table(&[
            ("p1", Shape::Table(LEVEL)),
            ("p2", Shape::Table(LEVEL)),
            ("p3", Shape::Table(LEVEL)),
            ("p4", Shape::Table(LEVEL)),
        ]),
    ),
];

/// Checks every known key of `table`, reporting and removing each value that is wrong or that
/// already has a problem (an unresolved `${VAR}`). Unknown keys are left in place.
pub(super) fn check(table: &mut Table, problems: &mut Vec<Problem>) {
    check_table(table, ROOT, "", problems);
}

fn check_table(
    table: &mut Table,
    keys: &[(&str, Shape)],
    parent: &str,
    problems: &mut Vec<Problem>,
) {
    table.retain(|key, value| match shape_of(keys, key) {
        Some(shape) => check_value(value, shape, &join(parent, key), problems),
        None => true,
    });
}

/// Whether the value can stay in the tree.
fn check_value(value: &mut Value, shape: &Shape, path: &str, problems: &mut Vec<Problem>) -> bool {
    match (shape, value) {
        (Shape::Table(keys), Value::Table(table)) => {
            check_table(table, keys, path, problems);
            true
        }
        (Shape::Table(_), other) => {
            problems.push(Problem::new(
                path,
                format!(
                    "expected a table but found {}; write it as a [{path}] section with its keys \
                     on the lines below.",
                    kind(other)
                ),
            ));
            false
        }
        (Shape::Text { .. }, _) if problems.iter().any(|p| p.path == path) => false,
        (Shape::Text { check, .. }, Value::String(text)) => match check(text) {
            Ok(()) => true,
            Err(message) => {
                problems.push(Problem::new(path, message));
                false
            }
        },
        (Shape::Text { example, .. }, other) => {
            problems.push(Problem::new(
                path,
                format!(
                    "expected text but found {}; write it in double quotes, like {example}.",
                    kind(other)
                ),
            ));
            false
        }
    }
}

fn shape_of<'a>(keys: &'a [(&str, Shape)], key: &str) -> Option<&'a Shape> {
    keys.iter()
        .find(|(name, _)| *name == key)
        .map(|(_, shape)| shape)
}

/// "an integer", "a table".
fn kind(value: &Value) -> String {
    let name = value.type_str();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// The problem for a key that no table of warroom's has; `path` is the key path from the root.
pub(super) fn unknown_key(path: &[String]) -> Problem {
    let (key, parent) = path.split_last().expect("serde_ignored reports a key");
    let mut keys = ROOT;
    for name in parent {
        match shape_of(keys, name) {
            Some(Shape::Table(inner)) => keys = inner,
            _ => {
                keys = &[];
                break;
            }
        }
    }
    let parent = parent.join(".");
    let message = match nearest(key, keys.iter().map(|(name, _)| *name)) {
        Some(near) => format!(
            "unknown key (did you mean `{}`?); rename or remove it.",
            join(&parent, near)
        ),
        None => "unknown key; remove it or correct its name (config.example.toml lists every key)."
            .to_string(),
    };
    Problem::new(join(&parent, key), message)
}

/// The path of every string key, `server.listen` to `severity.p4.postmortem_due`.
#[cfg(test)]
pub(super) fn text_keys() -> Vec<String> {
    fn collect(keys: &[(&str, Shape)], parent: &str, paths: &mut Vec<String>) {
        for (name, shape) in keys {
            match shape {
                Shape::Table(inner) => collect(inner, &join(parent, name), paths),
                Shape::Text { .. } => paths.push(join(parent, name)),
            }
        }
    }
    let mut paths = Vec::new();
    collect(ROOT, "", &mut paths);
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document with every key of the schema, each set to its example.
    fn every_key() -> Table {
        fn fill(keys: &[(&str, Shape)]) -> Table {
            keys.iter()
                .map(|(name, shape)| {
                    let value = match shape {
                        Shape::Table(inner) => Value::Table(fill(inner)),
                        Shape::Text { example, .. } => {
                            Value::String(example.trim_matches('"').to_string())
                        }
                    };
                    (name.to_string(), value)
                })
                .collect()
        }
        fill(ROOT)
    }

    #[test]
    fn every_key_of_the_schema_is_a_field_of_config() {
        let mut ignored = Vec::new();
        let config: Result<super::super::Config, _> =
            serde_ignored::deserialize(every_key(), |path| ignored.push(path.to_string()));
        assert!(config.is_ok(), "{config:?}");
        assert!(ignored.is_empty(), "keys serde does not know: {ignored:?}");
    }

    #[test]
    fn every_example_passes_its_own_check() {
        let mut table = every_key();
        let mut problems = Vec::new();
        check(&mut table, &mut problems);
        assert_eq!(problems, []);
        assert_eq!(table, every_key());
    }

    #[test]
    fn suggests_a_near_key_at_the_same_level() {
        let path = |p: &str| p.split('.').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            unknown_key(&path("server.lisen")).message,
            "unknown key (did you mean `server.listen`?); rename or remove it."
        );
        assert_eq!(
            unknown_key(&path("severity.p1.acknowlege")).message,
            "unknown key (did you mean `severity.p1.acknowledge`?); rename or remove it."
        );
        assert_eq!(
            unknown_key(&path("databse")).message,
            "unknown key (did you mean `database`?); rename or remove it."
        );
        let teams = unknown_key(&path("teams"));
        assert_eq!(teams.path, "teams");
        assert!(teams.message.starts_with("unknown key; remove it"));
    }
}

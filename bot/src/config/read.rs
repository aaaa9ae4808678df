//! Reading the TOML tree into the sections' serde structs, with every problem at once.
//!
//! Serde stops at the first value it cannot read, and its errors do not say where that value is.
//! So the tree is read through [`Node`], a deserializer that knows each value's key path and puts
//! it on every error. When a read fails, the problem is reported, its key is dropped from the tree
//! and the tree is read again, until it reads: one run names every problem. A dropped key takes
//! its default, which is never used ([`Problems`] says why).
//!
//! Unknown keys are the structs' own errors (`deny_unknown_fields`): serde names the fields the
//! struct has, and the nearest is suggested. No list of keys is kept beside the structs.

use std::fmt;

use serde::Deserialize;
use serde::de;
use toml::{Table, Value};
use warroom_commands::grammar::nearest;

use super::problems::{Problem, Problems, index, join};

mod node;

use node::Node;

/// Every key, documented with an example value; a value of the wrong type is shown its example.
const EXAMPLE: &str = include_str!("../../../config.example.toml");

/// Reads `table` into `T`, reporting every key `T` does not have and every value it cannot read.
pub(super) fn read<T: for<'de> Deserialize<'de> + Default>(
    table: Table,
    problems: &mut Problems,
) -> T {
    let mut tree = Value::Table(table);
    loop {
        let err = match T::deserialize(Node {
            value: &tree,
            path: Vec::new(),
        }) {
            Ok(read) => return read,
            Err(err) => err,
        };
        let at = err.at.unwrap_or_default();
        if let What::Unknown { .. } = err.what {
            problems.unknown_key(err.what.problem(&at));
        } else {
            let problem = err.what.problem(&at);
            problems.unreadable(&problem.path, [problem.message]);
        }
        let Some(dropped) = drop_key(&mut tree, &at) else {
            // Every error is under a key, so this is not reached; the defaults stand in.
            return T::default();
        };
        // Dropping an array for one bad element leaves the key empty: not a second problem.
        problems.unreadable(&dropped, []);
    }
}

/// One step of a key path: a key of a table or an element of an array.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// `severity.p1.acknowledge`, `services.api.argv[2]`.
fn render(path: &[Step]) -> String {
    path.iter().fold(String::new(), |text, step| match step {
        Step::Key(key) => join(&text, key),
        Step::Index(i) => index(&text, *i),
    })
}

/// The value at `path` in `tree`.
fn value_at<'v>(tree: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(tree, |node, step| match step {
        Step::Key(key) => node.get(key.as_str()),
        Step::Index(i) => node.get(*i),
    })
}

/// The value at `path` in `tree`, to change.
fn value_at_mut<'v>(tree: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(tree, |node, step| match step {
        Step::Key(key) => node.get_mut(key.as_str()),
        Step::Index(i) => node.get_mut(*i),
    })
}

/// Removes the key `path` ends in, or the one holding the array it ends in; returns its path.
fn drop_key(tree: &mut Value, path: &[Step]) -> Option<String> {
    let last = path.iter().rposition(|step| matches!(step, Step::Key(_)))?;
    let Step::Key(key) = &path[last] else {
        return None;
    };
    value_at_mut(tree, &path[..last])?
        .as_table_mut()?
        .remove(key)?;
    Some(render(&path[..=last]))
}

/// Why a value could not be read, and where it is.
#[derive(Debug)]
pub(super) struct Unreadable {
    /// Set by the innermost table or array entry the error passes through.
    at: Option<Vec<Step>>,
    what: What,
}

#[derive(Debug)]
enum What {
    /// A key the struct does not have, and the fields it has.
    Unknown {
        key: String,
        fields: &'static [&'static str],
    },
    /// A key the struct must have.
    Missing(&'static str),
    /// A sentence: another kind of value than the key takes, a value its type rejected; or
    /// serde's own message, which is not one.
    Other(String),
}

impl What {
    /// The problem, for the key at `at`.
    fn problem(self, at: &[Step]) -> Problem {
        let path = render(at);
        match self {
            What::Unknown { key, fields } => {
                let parent = render(&at[..at.len().saturating_sub(1)]);
                let message = match nearest(&key, fields.iter().copied()) {
                    Some(near) => format!(
                        "unknown key (did you mean `{}`?); rename or remove it.",
                        join(&parent, near)
                    ),
                    None => "unknown key; remove it or correct its name (config.example.toml \
                             lists every key)."
                        .to_string(),
                };
                Problem::new(path, message)
            }
            What::Missing(key) => Problem::new(
                join(&path, key),
                "is required; add it (config.example.toml shows it).",
            ),
            What::Other(message) if message.ends_with('.') => Problem::new(path, message),
            What::Other(message) => Problem::new(
                path,
                format!("{message}; compare the file with config.example.toml."),
            ),
        }
    }
}

/// The text config.example.toml gives the key at `path`, if it gives one; keys it shows
/// commented out (`# bot_token = "${SLACK_BOT_TOKEN}"`) count.
fn example(path: &[Step]) -> Option<String> {
    if let Some(Step::Index(_)) = path.last() {
        return None;
    }
    let uncommented: Vec<&str> = EXAMPLE
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(key)
                if key
                    .split_once(" = \"")
                    .is_some_and(|(name, _)| !name.contains(' ')) =>
            {
                key
            }
            _ => line,
        })
        .collect();
    let example = Value::Table(uncommented.join("\n").parse().ok()?);
    value_at(&example, path)?.as_str().map(str::to_string)
}

impl Unreadable {
    fn new(what: What) -> Self {
        Unreadable { at: None, what }
    }

    fn at(mut self, path: &[Step]) -> Self {
        self.at.get_or_insert_with(|| path.to_vec());
        self
    }
}

/// Never shown: every error becomes a [`Problem`].
impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.what)
    }
}

impl std::error::Error for Unreadable {}

impl de::Error for Unreadable {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Unreadable::new(What::Other(message.to_string()))
    }

    fn missing_field(field: &'static str) -> Self {
        Unreadable::new(What::Missing(field))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Unreadable::new(What::Unknown {
            key: field.to_string(),
            fields: expected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::ConfigFile;
    use super::node::child;
    use super::*;

    /// The fields serde knows in the struct read from the table at `path` of `tree`: what an
    /// unknown key there is compared with. `None` for a map, whose keys are names.
    fn fields_at(tree: &Value, path: &[Step]) -> Option<&'static [&'static str]> {
        let mut probed = tree.clone();
        value_at_mut(&mut probed, path)?
            .as_table_mut()?
            .insert("~probe".into(), Value::Boolean(true));
        match ConfigFile::deserialize(Node {
            value: &probed,
            path: Vec::new(),
        }) {
            Err(Unreadable {
                what: What::Unknown { fields, .. },
                ..
            }) => Some(fields),
            _ => None,
        }
    }

    /// The path of every table in `value`, arrays of tables included.
    fn tables(value: &Value, path: Vec<Step>, found: &mut Vec<Vec<Step>>) {
        match value {
            Value::Table(table) => {
                for (key, value) in table {
                    tables(value, child(&path, Step::Key(key.clone())), found);
                }
                found.push(path);
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    tables(item, child(&path, Step::Index(i)), found);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn examples_come_from_the_example_file_commented_out_keys_too() {
        let path = |keys: &[&str]| {
            keys.iter()
                .map(|k| Step::Key(k.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            example(&path(&["severity", "p1", "update_every"])).as_deref(),
            Some("30m")
        );
        assert_eq!(
            example(&path(&["discord", "bot_token"])).as_deref(),
            Some("${DISCORD_BOT_TOKEN}")
        );
        assert_eq!(example(&path(&["services", "web", "environment"])), None);
    }

    #[test]
    fn the_example_file_documents_every_key() {
        let example = Value::Table(EXAMPLE.parse().unwrap());
        let mut paths = Vec::new();
        tables(&example, Vec::new(), &mut paths);
        // Each struct's fields, and the ones some table of it in the example sets.
        let mut structs: Vec<(&[&str], Vec<&str>, String)> = Vec::new();
        for path in paths {
            let Some(fields) = fields_at(&example, &path) else {
                continue;
            };
            let table = value_at(&example, &path).unwrap();
            let set = fields.iter().copied().filter(|f| table.get(f).is_some());
            match structs.iter_mut().find(|(known, ..)| *known == fields) {
                Some((_, documented, _)) => documented.extend(set),
                None => structs.push((fields, set.collect(), render(&path))),
            }
        }
        assert!(
            structs.len() >= 20,
            "only {} sections were found",
            structs.len()
        );
        let mut missing = Vec::new();
        for (fields, documented, example_path) in structs {
            for field in fields {
                // An optional key whose example must stay off is documented in a comment: as a
                // commented-out line, a section header (`# [schedules.NAME]` for a map of
                // sections), or in a list of keys.
                let commented = [
                    format!("# {field} = "),
                    format!("# [{field}."),
                    format!("#   {field} "),
                    format!("`{field} = "),
                    format!(".{field}]"),
                ]
                .iter()
                .any(|form| EXAMPLE.contains(form.as_str()));
                if !documented.contains(field) && !commented {
                    missing.push(join(&example_path, field));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "config.example.toml does not document these: {missing:?}"
        );
    }
}

//! `${ENV_VAR}` in configuration values.
//!
//! Secrets (bot tokens, signing secrets, database passwords) do not belong in a file that is
//! copied between machines and pasted into tickets. Deployments keep them in the environment and
//! the file names them: `bot_token = "${SLACK_BOT_TOKEN}"`. Any string value anywhere in the file
//! may hold any number of references:
//! `url = "postgres://warroom:${PGPASSWORD}@${PGHOST}/warroom"`.
//!
//! Substitution runs on the parsed TOML tree before values are read into their types, so it works
//! the same in every key, including keys that later changes add. A value taken from the
//! environment is used as it is (an empty one too); it is not searched for further references.
//!
//! There is no escape: `${` always starts a reference. A value that must contain a literal `${`
//! can live in an environment variable and be referenced from the file.

use toml::{Table, Value};

use super::problems::{Problems, index, join};

/// Looks up an environment variable; injectable so tests do not depend on the real environment.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment. A variable that is not valid Unicode counts as unset.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Replaces every reference in every string of `table`. A string with a reference that cannot be
/// resolved is reported under its key path.
pub(super) fn substitute(table: &mut Table, env: Env<'_>, problems: &mut Problems) {
    substitute_table(table, "", env, problems);
}

/// A string that cannot be resolved is dropped from its table, so that its key keeps its default
/// rather than the unresolved text (an element of an array stays as written). Either way the
/// configuration is refused.
fn substitute_table(table: &mut Table, parent: &str, env: Env<'_>, problems: &mut Problems) {
    table.retain(|key, value| substitute_value(value, &join(parent, key), env, problems));
}

/// Whether `value` could be resolved.
fn substitute_value(value: &mut Value, path: &str, env: Env<'_>, problems: &mut Problems) -> bool {
    match value {
        Value::String(text) => match expand(text, env) {
            Ok(expanded) => {
                *text = expanded;
                return true;
            }
            Err(messages) => problems.unreadable(path, messages),
        },
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                substitute_value(item, &index(path, i), env, problems);
            }
        }
        Value::Table(table) => substitute_table(table, path, env, problems),
        Value::Integer(_) | Value::Float(_) | Value::Boolean(_) | Value::Datetime(_) => {}
    }
    !matches!(value, Value::String(_))
}

/// `text` with every `${NAME}` replaced, or one sentence per reference that could not be.
fn expand(text: &str, env: Env<'_>) -> Result<String, Vec<String>> {
    let mut expanded = String::with_capacity(text.len());
    let mut errors = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        expanded.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            errors.push(format!(
                "`{}` has no closing `}}`; write a reference as ${{NAME}}.",
                &rest[start..]
            ));
            rest = "";
            break;
        };
        let name = &after[..end];
        if !is_name(name) {
            errors.push(format!(
                "`${{{name}}}` is not an environment variable reference; write ${{NAME}}, where \
                 NAME is letters, digits and underscores and does not start with a digit."
            ));
        } else if let Some(value) = env(name) {
            expanded.push_str(&value);
        } else {
            errors.push(format!(
                "environment variable {name} is not set; set it before starting warroom, or \
                 write the value in the file."
            ));
        }
        rest = &after[end + 1..];
    }
    expanded.push_str(rest);
    if errors.is_empty() {
        Ok(expanded)
    } else {
        Err(errors)
    }
}

/// The values of every `${NAME}` in `text` that is set: the configuration's secrets (and some
/// harmless values; masking a host name is a small price for never showing a token).
pub(super) fn referenced_values(text: &str, env: Env<'_>) -> Vec<String> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .filter(|(name, _)| is_name(name))
        .filter_map(|(name, _)| env(name))
        .filter(|value| !value.is_empty())
        .collect()
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "PGHOST" => Some("db.internal".into()),
            "PGPASSWORD" => Some("s3cret".into()),
            "EMPTY" => Some(String::new()),
            "DOLLARS" => Some("${PGHOST}".into()),
            _ => None,
        }
    }

    #[test]
    fn replaces_every_reference_in_a_string() {
        assert_eq!(
            expand("postgres://warroom:${PGPASSWORD}@${PGHOST}/warroom", &env),
            Ok("postgres://warroom:s3cret@db.internal/warroom".to_string())
        );
        assert_eq!(expand("no references", &env), Ok("no references".into()));
        assert_eq!(expand("a${EMPTY}b", &env), Ok("ab".into()));
        assert_eq!(
            expand("$5 and {braces}", &env),
            Ok("$5 and {braces}".into())
        );
    }

    #[test]
    fn referenced_values_are_collected_as_secrets() {
        assert_eq!(
            referenced_values(
                "a = \"${PGPASSWORD}\"\nb = \"${NOPE}${EMPTY}${PGHOST}\"",
                &env
            ),
            ["s3cret", "db.internal"]
        );
    }

    #[test]
    fn values_from_the_environment_are_not_expanded_again() {
        assert_eq!(expand("${DOLLARS}", &env), Ok("${PGHOST}".into()));
    }

    #[test]
    fn reports_each_reference_that_cannot_be_resolved() {
        let errors = expand("${NOPE}-${PGHOST}-${ALSO_NOPE}", &env).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("environment variable NOPE is not set;"));
        assert!(errors[1].starts_with("environment variable ALSO_NOPE is not set;"));

        let errors = expand("${SLACK-TOKEN}", &env).unwrap_err();
        assert!(errors[0].contains("`${SLACK-TOKEN}` is not an environment variable reference"));

        let errors = expand("token ${SLACK_TOKEN", &env).unwrap_err();
        assert!(errors[0].contains("`${SLACK_TOKEN` has no closing `}`"));
    }

    #[test]
    fn walks_tables_and_arrays_keeping_key_paths() {
        let mut table: Table = r#"
            top = "${PGHOST}"
            [services.api]
            argv = ["ssh", "${MISSING_HOST}"]
            port = 8080
        "#
        .parse()
        .unwrap();
        let mut problems = Problems::default();
        substitute(&mut table, &env, &mut problems);
        let problems = problems.into_vec();
        assert_eq!(table["top"].as_str(), Some("db.internal"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "services.api.argv[1]");
        assert!(
            problems[0]
                .message
                .starts_with("environment variable MISSING_HOST is not set")
        );
    }
}

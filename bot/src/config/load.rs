//! Reading a configuration: file, `${ENV_VAR}` references, sections, `DATABASE_URL`.
//!
//! The stages run in order over the parsed TOML tree and each adds what it finds to one list of
//! problems, so a single run reports everything: syntax (alone, since nothing else can be read
//! then), unresolved references, unknown keys (listed first) and values of the wrong form, what
//! building the sections finds, and a `DATABASE_URL` warroom cannot use.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use toml::Table;

use super::database::{DATABASE_URL, check_url};
use super::env::{self, Env};
use super::problems::{ConfigError, Problem, Problems};
use super::{Config, ConfigFile, read};

/// The file read when no `--config` is given, relative to the working directory.
pub const DEFAULT_PATH: &str = "warroom.toml";

/// The origin named in errors when no file was read: its problems come from the environment
/// (`DATABASE_URL`), so the sentence must not blame defaults nobody wrote.
pub const BUILT_IN_DEFAULTS: &str =
    "The configuration (built-in defaults and the environment; no warroom.toml)";

/// Where a configuration came from, for the startup log and `check-config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    /// No `--config` and no `./warroom.toml`: a first run needs no file.
    BuiltInDefaults,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(path) => write!(f, "{}", path.display()),
            Source::BuiltInDefaults => f.write_str(BUILT_IN_DEFAULTS),
        }
    }
}

/// A configuration that passed every check, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub config: Config,
    pub source: Source,
}

/// Loads `path`, or `./warroom.toml` when `path` is `None` and that file exists, or else the
/// built-in defaults. A `path` that cannot be read is an error naming it.
pub fn load(path: Option<&Path>) -> Result<Loaded, ConfigError> {
    load_with_env(path, &env::process_env)
}

/// [`load`] with the environment looked up through `env` instead of the process environment.
pub fn load_with_env(
    path: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Loaded, ConfigError> {
    load_from(path, Path::new(DEFAULT_PATH), env)
}

fn load_from(
    path: Option<&Path>,
    default_path: &Path,
    env: Env<'_>,
) -> Result<Loaded, ConfigError> {
    let path = match path {
        Some(path) => path,
        None if default_path.exists() => default_path,
        None => {
            let config = load_str_with_env("", BUILT_IN_DEFAULTS, env)?;
            return Ok(Loaded {
                config,
                source: Source::BuiltInDefaults,
            });
        }
    };
    let origin = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|err| ConfigError {
        origin: origin.clone(),
        problems: vec![Problem::new(
            "",
            format!("the file cannot be read ({err}); check the path given to --config."),
        )],
    })?;
    let config = load_str_with_env(&text, &origin, env)?;
    Ok(Loaded {
        config,
        source: Source::File(path.to_path_buf()),
    })
}

/// Reads configuration text; `origin` names it in the error (a file path, usually).
pub fn load_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
    load_str_with_env(text, origin, &env::process_env)
}

/// [`load_str`] with the environment looked up through `env`, for `${NAME}` references and
/// `DATABASE_URL`.
pub fn load_str_with_env(
    text: &str,
    origin: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, ConfigError> {
    let error = |problems| ConfigError {
        origin: origin.to_string(),
        problems,
    };
    let mut table: Table = text
        .parse()
        .map_err(|err| error(vec![syntax_problem(text, &err)]))?;

    let mut problems = Problems::default();
    env::substitute(&mut table, env, &mut problems);
    let file: ConfigFile = read::read(table, &mut problems);
    let mut config = file.build(&mut problems);

    if let Some(url) = env(DATABASE_URL).filter(|url| !url.is_empty()) {
        if let Err(message) = check_url(&url) {
            problems.push(DATABASE_URL, message);
        }
        config.database.url = url;
    }

    config.secrets = env::referenced_values(text, env);
    if let Some(password) = url_password(&config.database.url) {
        config.secrets.push(password);
    }
    let problems = problems.into_vec();
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(error(problems))
    }
}

/// A TOML syntax error, with the line and column it was found at.
fn syntax_problem(text: &str, err: &toml::de::Error) -> Problem {
    let what = err
        .message()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let at = match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!(" at line {line}, column {column}")
        }
        None => String::new(),
    };
    Problem::new(
        "",
        format!(
            "TOML syntax error{at}: {what}; fix it there (text values need double quotes, \
             sections are written [name])."
        ),
    )
}

/// The password in `scheme://user:password@host/...`, if there is one.
fn url_password(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let (userinfo, _) = rest.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then(|| password.to_string())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn without_a_path_or_a_default_file_uses_built_in_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load_from(None, &dir.path().join("warroom.toml"), &no_env).unwrap();
        assert_eq!(loaded.source, Source::BuiltInDefaults);
        assert_eq!(loaded.config, Config::default());
    }

    #[test]
    fn without_a_path_reads_the_default_file_when_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let default = dir.path().join("warroom.toml");
        fs::write(&default, "[server]\nlisten = \"0.0.0.0:9000\"\n").unwrap();
        let loaded = load_from(None, &default, &no_env).unwrap();
        assert_eq!(loaded.source, Source::File(default));
        assert_eq!(loaded.config.server.listen.to_string(), "0.0.0.0:9000");
    }

    #[test]
    fn a_given_path_that_does_not_exist_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let err = load_with_env(Some(&missing), &no_env).unwrap_err();
        assert_eq!(err.origin, missing.display().to_string());
        let shown = err.to_string();
        assert!(shown.starts_with(&format!("{} has 1 problem:", missing.display())));
        assert!(shown.contains("the file cannot be read"), "{shown}");
    }

    #[test]
    fn problems_in_a_file_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("warroom.toml");
        fs::write(&path, "[server]\nlisen = \"0.0.0.0:9000\"\n").unwrap();
        let err = load_with_env(Some(&path), &no_env).unwrap_err();
        assert_eq!(err.origin, path.display().to_string());
        assert_eq!(err.problems[0].path, "server.lisen");
    }

    #[test]
    fn a_syntax_error_is_one_problem_with_its_line_and_column() {
        let err = load_str_with_env("[server]\nlisten = 127.0.0.1:8080\n", "w.toml", &no_env)
            .unwrap_err();
        assert_eq!(err.problems.len(), 1, "{err}");
        let message = &err.problems[0].message;
        assert!(
            message.starts_with("TOML syntax error at line 2, column "),
            "{message}"
        );
    }
}

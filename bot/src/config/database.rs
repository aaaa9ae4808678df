//! Where incidents are stored.
//!
//! SQLite is the default because a first run should need nothing but the binary: the database
//! file appears next to where warroom was started. Teams running more than one replica point it
//! at Postgres instead. The URL usually carries a password, so it is often set by the deployment
//! as `DATABASE_URL` (the name sqlx and most platforms use) rather than written in the file, and
//! it is shown only through `warroom_integrations::store::redact`.

use serde::{Deserialize, Deserializer};
use warroom_integrations::store::redact as redact_url;

use super::text::read_text;

/// The environment variable that, when set and non-empty, replaces `database.url`.
pub const DATABASE_URL: &str = "DATABASE_URL";

/// `[database]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` (a relative path is relative to the working directory; `sqlite:` works
    /// too) or `postgres://USER:PASSWORD@HOST/DB` (`postgresql://` works too).
    #[serde(deserialize_with = "url")]
    pub url: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "sqlite://warroom.db".to_string(),
        }
    }
}

impl DatabaseConfig {
    /// Which database the URL names; `None` only for a URL that loading would have rejected.
    pub fn kind(&self) -> Option<DatabaseKind> {
        DatabaseKind::of(&self.url)
    }
}

/// The databases warroom can keep incidents in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl DatabaseKind {
    /// Reads the scheme of a database URL.
    pub fn of(url: &str) -> Option<DatabaseKind> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(DatabaseKind::Sqlite),
            "postgres" | "postgresql" if url[scheme.len()..].starts_with("://") => {
                Some(DatabaseKind::Postgres)
            }
            _ => None,
        }
    }
}

fn url<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    read_text(d, |url| check_url(url).map(|()| url.to_string()))
}

/// Accepts the URL schemes warroom has a store for.
pub(super) fn check_url(url: &str) -> Result<(), String> {
    match DatabaseKind::of(url) {
        Some(_) => Ok(()),
        None => Err(format!(
            "`{}` is not a database URL warroom can use; write sqlite://warroom.db (a file) or \
             postgres://USER:PASSWORD@HOST/DATABASE.",
            redact_url(url)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_supported_schemes() {
        assert_eq!(
            DatabaseKind::of("sqlite://warroom.db"),
            Some(DatabaseKind::Sqlite)
        );
        assert_eq!(
            DatabaseKind::of("sqlite:warroom.db"),
            Some(DatabaseKind::Sqlite)
        );
        assert_eq!(
            DatabaseKind::of("sqlite::memory:"),
            Some(DatabaseKind::Sqlite)
        );
        assert_eq!(
            DatabaseKind::of("postgres://h/db"),
            Some(DatabaseKind::Postgres)
        );
        assert_eq!(
            DatabaseKind::of("postgresql://h/db"),
            Some(DatabaseKind::Postgres)
        );
        assert_eq!(DatabaseKind::of("postgres:h/db"), None);
        assert_eq!(DatabaseKind::of("mysql://h/db"), None);
        assert_eq!(DatabaseKind::of("warroom.db"), None);
        assert_eq!(DatabaseKind::of(""), None);
    }

    #[test]
    fn a_rejected_url_is_shown_without_its_password() {
        let message = check_url("mysql://root:hunter2@db/warroom").unwrap_err();
        assert!(
            message.contains("`mysql://root:***@db/warroom`"),
            "{message}"
        );
        assert!(!message.contains("hunter2"));
    }
}

//! Opening the store: connecting, setting SQLite up, applying migrations.
//!
//! Every failure here is something the operator fixes before warroom can run, so each
//! [`OpenError`] is one sentence that names the database (password redacted) and what to do.

use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{Store, on_pool, redact};

/// How long to wait for a database server to answer before saying it does not.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The store could not be opened; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OpenError(pub String);

impl OpenError {
    /// Explains a connection or setup failure for the database described by `what`.
    pub(crate) fn from_sqlx(err: sqlx::Error, what: &str) -> OpenError {
        let sentence = match &err {
            sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => format!(
                "Cannot reach {what}: the connection was refused. Start the database server, or fix database.url (or DATABASE_URL)."
            ),
            sqlx::Error::Io(io) => format!(
                "Cannot reach {what} ({io}). Check that the server is running and that database.url (or DATABASE_URL) is right."
            ),
            sqlx::Error::PoolTimedOut => format!(
                "Cannot reach {what}: no answer within the connect timeout. Check that the server is running and reachable."
            ),
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                let msg = db.message();
                match code.as_ref() {
                    // Postgres's own message repeats what `what` says; it is left out.
                    "3D000" => format!(
                        "{what} does not exist. Create it (createdb) or fix database.url (or DATABASE_URL)."
                    ),
                    "28P01" | "28000" => format!(
                        "{what} refused the login: {msg}. Fix the user or password in database.url."
                    ),
                    "8" | "1032" => format!(
                        "{what} is read-only. Make the file and its folder writable (chmod u+w), or point database.url at a writable file."
                    ),
                    "14" => format!(
                        "Cannot open {what}: {msg}. Check that its folder exists and is writable."
                    ),
                    "11" | "26" => format!(
                        "{what} is not a SQLite database or is corrupt. Move it aside (warroom then creates a new one) or restore it from a backup."
                    ),
                    _ => format!("{what} failed to open: {msg}."),
                }
            }
            sqlx::Error::Migrate(m) => format!(
                "Applying migrations to {what} failed: {m}. The database was left as the failed migration found it; fix the cause and run `warroom migrate` again."
            ),
            other => format!("{what} failed to open: {other}."),
        };
        OpenError(sentence)
    }
}

impl Store {
    /// Connects to `sqlite://PATH` or `postgres://...` without touching the schema.
    pub async fn connect(url: &str) -> Result<Store, OpenError> {
        if url.starts_with("sqlite:") {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let what = format!("the SQLite database {path}");
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| OpenError::from_sqlx(e, &what))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit
                // survives the process being killed (the inbox relies on that), and only a
                // power cut can lose the last moments. FULL would put an fsync in front of
                // every acknowledgement.
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            // One connection: SQLite takes one writer at a time, and writers that meet in the
            // file wait in its busy handler, which sleeps 1, 2, 5, 10… ms between tries, so an
            // acknowledgement's insert waited up to 100 ms behind the workers. Queued for one
            // connection, every statement waits in order and only for the ones ahead of it.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(|e| OpenError::from_sqlx(e, &what))?;
            Ok(Store::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let what = format!("the Postgres database {}", redact(url));
            let options =
                PgConnectOptions::from_str(url).map_err(|e| OpenError::from_sqlx(e, &what))?;
            // One direct connection first: a pool retries until its timeout and then reports
            // only that, hiding the real cause (refused, unknown database, bad password).
            match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options)).await
            {
                Ok(Ok(probe)) => {
                    let _ = probe.close().await;
                }
                Ok(Err(e)) => return Err(OpenError::from_sqlx(e, &what)),
                Err(_) => return Err(OpenError::from_sqlx(sqlx::Error::PoolTimedOut, &what)),
            }
            // The inbox's workers, the scheduler's concurrent pages and the HTTP routes each
            // hold a connection for one query or transaction at a time.
            let pool = PgPoolOptions::new()
                .max_connections(24)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect_with(options)
                .await
                .map_err(|e| OpenError::from_sqlx(e, &what))?;
            Ok(Store::Postgres(pool))
        } else {
            Err(OpenError(format!(
                "database.url `{}` is neither sqlite://PATH nor postgres://...; fix it in the configuration or DATABASE_URL.",
                redact(url)
            )))
        }
    }

    /// Applies any migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, OpenError> {
        const APPLIED: &str = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        // A new database has no bookkeeping table yet: that counts as none applied.
        let before =
            on_pool!(self, pool => sqlx::query_as::<_, (i64,)>(APPLIED).fetch_one(pool).await)
                .map_or(0, |(n,)| n as usize);
        let migrator = match self {
            Store::Sqlite(_) => &SQLITE_MIGRATIONS,
            Store::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        on_pool!(self, pool => migrator.run(pool).await)
            .map_err(|e| OpenError::from_sqlx(e.into(), "the database"))?;
        Ok(migrator.iter().count().saturating_sub(before))
    }

    /// Connects and applies migrations: what every command that uses the store does first.
    pub async fn open(url: &str) -> Result<Store, OpenError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }
}

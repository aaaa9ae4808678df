//! sqlx errors, translated into what the core and the operator can act on.

use sqlx::error::DatabaseError;
use warroom_commands::ports::StoreError;

/// SQLite's and Postgres's ways of saying the database cannot be written or read.
pub fn store_error(err: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &err
        && let Some(sentence) = unavailable_sentence(db.as_ref())
    {
        return StoreError::Unavailable(sentence.to_string());
    }
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
            StoreError::Unavailable(
                "warroom cannot reach its database right now, so nothing was changed; try again in a moment, and tell the warroom operators if it persists."
                    .to_string(),
            )
        }
        other => StoreError::Internal(other.to_string()),
    }
}

fn unavailable_sentence(db: &dyn DatabaseError) -> Option<&'static str> {
    let message = db.message();
    let code = db.code();
    let code = code.as_deref().unwrap_or("");
    // SQLite result codes: 8 READONLY (and extended codes ending in it), 11 CORRUPT, 26 NOTADB,
    // 13 FULL. Postgres SQLSTATE 25006 read_only_sql_transaction, 53100 disk_full.
    if code == "8"
        || code.ends_with("08")
        || message.contains("readonly database")
        || code == "25006"
    {
        Some(
            "warroom's database is read-only, so nothing was changed; make it writable (for SQLite, chmod u+w the .db file and its folder) and run the command again.",
        )
    } else if code == "11" || code == "26" || message.contains("malformed") {
        Some(
            "warroom's SQLite database file is corrupt, so nothing was changed; restore it from a backup, or move it aside to start a new one.",
        )
    } else if code == "13" || code == "53100" {
        Some(
            "warroom's database disk is full, so nothing was changed; free some space and run the command again.",
        )
    } else {
        None
    }
}

/// True when the error is a unique-constraint violation (the one-open-incident rule).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

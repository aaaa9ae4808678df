//! The incident store on SQLite or Postgres.
//!
//! One [`Store`] type with a variant per backend rather than sqlx's `Any` driver, because `Any`
//! cannot carry timestamps. The SQL text is shared wherever the two dialects agree (`$1`
//! placeholders and `RETURNING` work on both), and each method body is written once and
//! compiled for each pool by [`on_pool!`].

mod action_rows;
mod actions;
mod alert_batch;
mod alerts;
mod backlog;
mod cards;
mod claim;
mod errors;
pub mod inbox;
mod incidents;
mod oncall;
mod open;
pub mod outbox;
mod redact;
mod rows;
mod schedule;
mod sql;

pub use open::OpenError;
pub use redact::redact;

use sqlx::{PgPool, SqlitePool};

/// A connected, migrated incident store.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool the store holds.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($pool) => $body,
            $crate::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// Which backend this is, for logs and `/readyz`.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), OpenError> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
            .map_err(|e| OpenError::from_sqlx(e, "the database"))
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

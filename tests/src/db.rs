//! A fresh database per test: a SQLite file in a temp dir, or a new Postgres database.

use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use tempfile::TempDir;

/// Where the test Postgres server is; override with WARROOM_TEST_POSTGRES_URL.
pub fn postgres_admin_url() -> String {
    std::env::var("WARROOM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// Which backend a test database is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test and is removed after it.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    /// The temp dir holding the SQLite file (and usable as a working directory).
    pub dir: TempDir,
    postgres_name: Option<String>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => TestDb {
                url: format!("sqlite://{}", dir.path().join("warroom.db").display()),
                backend,
                dir,
                postgres_name: None,
            },
            Backend::Postgres => {
                let name = format!(
                    "warroom_test_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let admin = postgres_admin_url();
                let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "Postgres for tests is not reachable at {admin} ({e}); start it with \
                         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
                         or set WARROOM_TEST_POSTGRES_URL"
                    )
                });
                conn.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
                    .await
                    .expect("drop old test database");
                conn.execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("create test database");
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    dir,
                    postgres_name: Some(name),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop may run inside a runtime; use a thread with its own to remove the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut conn) = PgConnection::connect(&postgres_admin_url()).await {
                    let _ = conn
                        .execute(AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await;
                }
            });
        })
        .join();
    }
}

/// Declares one test body for both backends: `both_backends!(name, |db| async move { ... });`
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::db::TestDb::new($crate::db::Backend::Sqlite).await;
                ($body)(db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let db = $crate::db::TestDb::new($crate::db::Backend::Postgres).await;
                ($body)(db).await;
            }
        }
    };
}

/// Asserts that `table` refuses UPDATE and DELETE, even as SQL typed by hand, and that the
/// refusal is the schema's own (saying the table is append-only), not some other failure.
pub async fn assert_append_only(store: &warroom_integrations::Store, table: &str) {
    use warroom_integrations::Store;
    let rewrite = AssertSqlSafe(format!("UPDATE {table} SET actor = 'someone else'"));
    let delete = AssertSqlSafe(format!("DELETE FROM {table}"));
    let refusal = |result: Result<_, sqlx::Error>, what: &str| match result {
        Ok(_) => panic!("{table} accepted {what}"),
        Err(e) => assert!(
            e.to_string().contains("append-only"),
            "{table} refused {what}, but not as append-only: {e}"
        ),
    };
    let (rewritten, deleted) = match store {
        Store::Sqlite(pool) => (
            sqlx::query(rewrite).execute(pool).await.map(drop),
            sqlx::query(delete).execute(pool).await.map(drop),
        ),
        Store::Postgres(pool) => (
            sqlx::query(rewrite).execute(pool).await.map(drop),
            sqlx::query(delete).execute(pool).await.map(drop),
        ),
    };
    refusal(rewritten, "an UPDATE");
    refusal(deleted, "a DELETE");
}

/// Requests recorded in the inbox, run or waiting: everything warroom accepted to run. A
/// request's row is written before it is acknowledged, and only a row is ever run, so a count
/// unchanged after a request was answered shows it will never run.
pub async fn inbox_rows(store: &warroom_integrations::Store) -> i64 {
    use warroom_integrations::Store;
    const SQL: &str = "SELECT COUNT(*) FROM inbox";
    let (n,): (i64,) = match store {
        Store::Sqlite(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
    };
    n
}

/// Waits until the outbox has nothing queued or being sent: every letter warroom wrote so far
/// has been delivered or has failed for good (bounded at 30 s). What a test counts at a fake
/// platform afterwards is all there will be.
pub async fn outbox_drained(store: &warroom_integrations::Store) {
    use warroom_integrations::Store;
    const SQL: &str = "SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending')";
    let waiting = || async {
        let (n,): (i64,) = match store {
            Store::Sqlite(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
            Store::Postgres(pool) => sqlx::query_as(SQL).fetch_one(pool).await.unwrap(),
        };
        n
    };
    let left =
        crate::replica::until(std::time::Duration::from_secs(30), waiting, |n| *n == 0).await;
    assert_eq!(left, 0, "the outbox still had letters to send after 30 s");
}

//! Replicas of `warroom serve` for the delivery tests: a Slack configuration on a free port
//! and a database, started as the real binary, and waiting for what they record.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::binary::Serving;
use crate::slack::FakeSlack;

/// The signing secret the replicas are configured with.
pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A warroom.toml in `dir` for one replica on `port`, Slack pointed at `fake`, everyone
/// allowed to read and work incidents.
pub fn configure(dir: &Path, port: u16, database: &str, fake: &FakeSlack) -> PathBuf {
    configure_with(dir, port, database, fake, "")
}

/// [`configure`] with more configuration appended (an `[escalation]` section, say).
pub fn configure_with(
    dir: &Path,
    port: u16,
    database: &str,
    fake: &FakeSlack,
    extra: &str,
) -> PathBuf {
    let path = dir.join(format!("warroom-{port}.toml"));
    std::fs::write(
        &path,
        format!(
            r#"
[server]
listen = "127.0.0.1:{port}"
[database]
url = "{database}"
[slack]
signing_secret = "{SECRET}"
bot_token = "xoxb-1234-test"
api_url = "{api}"
[access.roles]
everyone = ["*"]
[[access.rules]]
role = "everyone"
allow = ["read", "incident"]
{extra}
"#,
            api = fake.api_url(),
        ),
    )
    .unwrap();
    path
}

/// Starts the replica configured by `config` and waits until it is ready.
pub async fn serve(dir: &Path, port: u16, config: &Path) -> Serving {
    Serving::start_with(dir, port, &["--config", config.to_str().unwrap()]).await
}

/// Waits until `done` holds for what `read` returns, for at most `limit`; the last value.
pub async fn until<T, F, Fut>(limit: Duration, read: F, done: impl Fn(&T) -> bool) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    until_every(limit, Duration::from_millis(100), read, done).await
}

/// [`until`], reading every `every`: for reads that are costly enough to load what they watch.
pub async fn until_every<T, F, Fut>(
    limit: Duration,
    every: Duration,
    mut read: F,
    done: impl Fn(&T) -> bool,
) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let started = std::time::Instant::now();
    loop {
        let value = read().await;
        if done(&value) || started.elapsed() > limit {
            return value;
        }
        tokio::time::sleep(every).await;
    }
}

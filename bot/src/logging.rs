//! Logs go to stderr so stdout stays clean for command output (`warroom postmortem ID > pm.md`).

use tracing_subscriber::EnvFilter;

/// Starts logging at `default_level` unless `RUST_LOG` says otherwise.
pub fn init(default_level: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

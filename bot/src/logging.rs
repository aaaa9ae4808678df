//! Logs go to stderr so stdout stays clean for command output (`warroom postmortem ID > pm.md`).
//! As text for a person at a terminal, or one JSON object per line (`--log-format json`) for a
//! log pipeline that indexes fields such as `incident`, `kind` and `error`.

use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Starts logging at `default_level` unless `RUST_LOG` says otherwise.
pub fn init(default_level: &str, format: Format) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        Format::Text => builder.try_init(),
        Format::Json => builder.json().flatten_event(true).try_init(),
    };
}

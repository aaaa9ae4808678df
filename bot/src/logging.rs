//! Logs go to stderr so stdout stays clean for command output (`warroom postmortem ID > pm.md`).
//! As text for a person at a terminal, or one JSON object per line (`--log-format json`) for a
//! log pipeline that indexes fields such as `incident`, `kind` and `error`.
//!
//! Every line passes through the [`Redactor`] on its way out: a log line may carry what someone
//! typed, what a platform answered or what a command printed, and log pipelines are read by
//! more people than any channel. Masking the written line, rather than each field at each call
//! site, covers every event warroom or a library logs.
//!
//! Colour only on a terminal: a file or a pipe gets the text without escape codes. Libraries
//! speak only about errors unless `RUST_LOG` asks for more: the AWS SDK, for one, warns with a
//! full debug dump on every failed credential or region lookup, which says nothing an operator
//! can act on that warroom's own sentence about the failed command does not.

use std::io::{IsTerminal, Write};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use warroom_commands::redact::Redactor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Libraries whose warnings are noise to an operator: their errors still show.
const QUIET: &[&str] = &[
    "aws_config",
    "aws_smithy",
    "aws_sdk",
    "aws_runtime",
    "hyper",
    "rustls",
    "serenity",
    "slack_morphism",
    "sqlx",
    "tower",
];

/// The filter used unless `RUST_LOG` is set: warroom at `level`, the [`QUIET`] libraries at
/// `error`.
pub fn default_filter(level: &str) -> EnvFilter {
    let quiet: Vec<String> = QUIET
        .iter()
        .map(|target| format!("{target}=error"))
        .collect();
    EnvFilter::new(format!("{level},{}", quiet.join(",")))
}

/// Starts logging at `default_level` unless `RUST_LOG` says otherwise, every line redacted.
pub fn init(default_level: &str, format: Format, redactor: Redactor) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| default_filter(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(Redacted(redactor));
    let _ = match format {
        Format::Text => builder.try_init(),
        Format::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Makes a [`Line`] for each event.
struct Redacted(Redactor);

impl<'a> MakeWriter<'a> for Redacted {
    type Writer = Line<'a, std::io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        Line::new(&self.0, std::io::stderr())
    }
}

/// One event's formatted text, collected whole and written redacted when it is dropped (the
/// formatter writes an event in pieces, and a secret may straddle two of them).
struct Line<'a, W: Write> {
    redactor: &'a Redactor,
    text: Vec<u8>,
    out: W,
}

impl<'a, W: Write> Line<'a, W> {
    fn new(redactor: &'a Redactor, out: W) -> Self {
        Line {
            redactor,
            text: Vec::new(),
            out,
        }
    }
}

impl<W: Write> Write for Line<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for Line<'_, W> {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.text);
        // Nowhere is left to report a failed log write to.
        let _ = self.out.write_all(self.redactor.redact(&text).as_bytes());
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_written_redacted_and_whole() {
        let redactor = Redactor::new(vec!["configured-secret-1".into()]);
        let mut out = Vec::new();
        {
            let mut line = Line::new(&redactor, &mut out);
            line.write_all(b"command failed text=\"/incident note DB_PASS")
                .unwrap();
            line.write_all(b"WORD=hunter2x and configured-secret-1\"\n")
                .unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "command failed text=\"/incident note DB_PASSWORD=[redacted] and [redacted]\"\n"
        );
    }

    /// A writer into a shared buffer, for a subscriber under test.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn libraries_warn_only_through_rust_log_but_their_errors_and_warrooms_warnings_show() {
        let captured = Captured::default();
        let out = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(default_filter("warn"))
            .with_ansi(false)
            .with_writer(move || out.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(target: "aws_config::imds::region", "failed to load region: dump");
            tracing::warn!(target: "aws_smithy_runtime::client", "retrying: dump");
            tracing::error!(target: "sqlx::pool", "the pool is closed");
            tracing::warn!(target: "warroom::outbox", "a letter is late");
            tracing::info!(target: "warroom::outbox", "not at warn");
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("dump"), "{text}");
        assert!(text.contains("the pool is closed"), "{text}");
        assert!(text.contains("a letter is late"), "{text}");
        assert!(!text.contains("not at warn"), "{text}");
    }
}

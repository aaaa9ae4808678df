//! Logs go to stderr so stdout stays clean for command output (`warroom postmortem ID > pm.md`).
//! As text for a person at a terminal, or one JSON object per line (`--log-format json`) for a
//! log pipeline that indexes fields such as `incident`, `kind` and `error`.
//!
//! Every line passes through the [`Redactor`] on its way out: a log line may carry what someone
//! typed, what a platform answered or what a command printed, and log pipelines are read by
//! more people than any channel. Masking the written line, rather than each field at each call
//! site, covers every event warroom or a library logs.

use std::io::Write;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use warroom_commands::redact::Redactor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Starts logging at `default_level` unless `RUST_LOG` says otherwise, every line redacted.
pub fn init(default_level: &str, format: Format, redactor: Redactor) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
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
}

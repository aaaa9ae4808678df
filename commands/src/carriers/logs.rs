//! What `/logs` reads, whichever carrier reads it: the time window from `--since` and
//! `--until`, and the lines `--grep` and `--limit` keep.
//!
//! Argv and SSM read logs as command output, given the window through placeholders; CloudWatch
//! reads it from a log group. The window and the filter mean the same on all three.

use chrono::{DateTime, TimeDelta, Utc};

use crate::grammar::{self, OpArgs, SinceArg};
use crate::services::Placeholder;
use crate::{CommandError, timefmt};

/// How far back `/logs` reads without `--since`, and how many lines it keeps without `--limit`.
const DEFAULT_SINCE_MINUTES: i64 = 15;
const DEFAULT_LOG_LINES: usize = 200;

/// Which output lines to keep: those matching `pattern` (already checked to compile), the last
/// `limit` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFilter {
    pub pattern: Option<String>,
    pub limit: usize,
}

impl LineFilter {
    /// The filter `--grep` and `--limit` ask for.
    pub fn of(args: &OpArgs) -> LineFilter {
        LineFilter {
            pattern: args.grep.clone(),
            limit: args.limit.unwrap_or(DEFAULT_LOG_LINES),
        }
    }

    /// The matching lines, the last `limit` of them, with a note of what was left out.
    pub fn apply(&self, output: &str) -> String {
        let pattern = self
            .pattern
            .as_deref()
            .and_then(|p| regex::RegexBuilder::new(p).size_limit(1 << 20).build().ok());
        let lines: Vec<&str> = output
            .lines()
            .filter(|line| pattern.as_ref().is_none_or(|p| p.is_match(line)))
            .collect();
        let skipped = lines.len().saturating_sub(self.limit);
        let mut kept = String::new();
        if skipped > 0 {
            kept.push_str(&format!(
                "[{skipped} earlier matching lines left out; raise --limit to see them]\n"
            ));
        }
        for line in &lines[skipped..] {
            kept.push_str(line);
            kept.push('\n');
        }
        if lines.is_empty() {
            kept.push_str("[no matching lines]\n");
        }
        kept
    }
}

/// Where `/logs` starts reading: `--since`, or the default window back from now.
pub fn start(now: DateTime<Utc>, args: &OpArgs) -> Result<DateTime<Utc>, CommandError> {
    match &args.since {
        None => back_from(now, "since", TimeDelta::minutes(DEFAULT_SINCE_MINUTES)),
        Some(SinceArg::Ago(ago)) => back_from(now, "since", *ago),
        Some(SinceArg::At(at)) if *at > now => Err(CommandError::user(format!(
            "--since {} is in the future; give a time before now.",
            timefmt::at_seconds(*at)
        ))),
        Some(SinceArg::At(at)) => Ok(*at),
    }
}

/// Where `/logs` stops reading: `--until`, or now (`None`).
pub fn end(now: DateTime<Utc>, args: &OpArgs) -> Result<Option<DateTime<Utc>>, CommandError> {
    match &args.until {
        None => Ok(None),
        Some(SinceArg::Ago(ago)) => back_from(now, "until", *ago).map(Some),
        Some(SinceArg::At(at)) => Ok(Some(*at)),
    }
}

/// `now - ago` for `--since` or `--until`, refused in a sentence when it would be before the
/// first date there is (the grammar bounds durations, so only a clock far off today gets here).
fn back_from(
    now: DateTime<Utc>,
    flag: &str,
    ago: TimeDelta,
) -> Result<DateTime<Utc>, CommandError> {
    now.checked_sub_signed(ago)
        .ok_or_else(|| CommandError::user(grammar::too_far_back(flag, &timefmt::duration(ago))))
}

/// `{since}` and `{since_iso}` for a command-output log template (argv or SSM), which has no
/// way to stop at `--until`.
pub fn placeholders(
    now: DateTime<Utc>,
    args: &OpArgs,
) -> Result<[(Placeholder, String); 2], CommandError> {
    if args.until.is_some() {
        return Err(CommandError::user(
            "--until works with CloudWatch logs only; narrow the window with --since and --grep instead.",
        ));
    }
    let start = start(now, args)?;
    Ok([
        (
            Placeholder::Since,
            format!("{}s", (now - start).num_seconds()),
        ),
        (Placeholder::SinceIso, start.to_rfc3339()),
    ])
}

//! What warroom counts about itself, for `GET /metrics`: commands by name and outcome with how
//! long they took, and inbound requests refused by transport and reason.
//!
//! Counters live in memory for the life of the process, as Prometheus expects of a counter;
//! rendering is plain text formatting, so the core stays free of I/O.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Ok,
    /// Refused with a sentence for the user: bad input, denied, already confirmed.
    Refused,
    /// An internal error (logged, answered generically).
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Default)]
struct Counts {
    /// (command, outcome) → count.
    commands: BTreeMap<(&'static str, Outcome), u64>,
    /// command → (seconds in total, count).
    seconds: BTreeMap<&'static str, (f64, u64)>,
    /// (transport, reason) → count.
    refused: BTreeMap<(&'static str, &'static str), u64>,
}

#[derive(Default)]
pub struct Metrics(Mutex<Counts>);

impl Metrics {
    pub fn command(&self, name: &'static str, outcome: Outcome, took: Duration) {
        let mut counts = self.0.lock().expect("metrics are never poisoned");
        *counts.commands.entry((name, outcome)).or_default() += 1;
        let seconds = counts.seconds.entry(name).or_default();
        seconds.0 += took.as_secs_f64();
        seconds.1 += 1;
    }

    /// An inbound request refused before it reached the core (bad signature, stale, replayed).
    pub fn refused(&self, transport: &'static str, reason: &'static str) {
        let mut counts = self.0.lock().expect("metrics are never poisoned");
        *counts.refused.entry((transport, reason)).or_default() += 1;
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let counts = self.0.lock().expect("metrics are never poisoned");
        let mut out = String::new();
        out.push_str("# HELP warroom_commands_total Commands run, by command and outcome.\n");
        out.push_str("# TYPE warroom_commands_total counter\n");
        for ((command, outcome), n) in &counts.commands {
            let _ = writeln!(
                out,
                "warroom_commands_total{{command=\"{command}\",outcome=\"{}\"}} {n}",
                outcome.as_str()
            );
        }
        out.push_str("# HELP warroom_command_seconds Time from command to answer.\n");
        out.push_str("# TYPE warroom_command_seconds summary\n");
        for (command, (sum, count)) in &counts.seconds {
            let _ = writeln!(
                out,
                "warroom_command_seconds_sum{{command=\"{command}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "warroom_command_seconds_count{{command=\"{command}\"}} {count}"
            );
        }
        out.push_str("# HELP warroom_requests_refused_total Inbound requests refused, by transport and reason.\n");
        out.push_str("# TYPE warroom_requests_refused_total counter\n");
        for ((transport, reason), n) in &counts.refused {
            let _ = writeln!(
                out,
                "warroom_requests_refused_total{{transport=\"{transport}\",reason=\"{reason}\"}} {n}"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_as_prometheus_text() {
        let metrics = Metrics::default();
        metrics.command("health", Outcome::Ok, Duration::from_millis(250));
        metrics.command("health", Outcome::Ok, Duration::from_millis(250));
        metrics.command("rollback", Outcome::Refused, Duration::ZERO);
        metrics.refused("slack", "replayed");
        let text = metrics.render();
        assert!(
            text.contains("warroom_commands_total{command=\"health\",outcome=\"ok\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("warroom_commands_total{command=\"rollback\",outcome=\"refused\"} 1\n")
        );
        assert!(text.contains("warroom_command_seconds_sum{command=\"health\"} 0.5\n"));
        assert!(text.contains("warroom_command_seconds_count{command=\"health\"} 2\n"));
        assert!(text.contains(
            "warroom_requests_refused_total{transport=\"slack\",reason=\"replayed\"} 1\n"
        ));
    }
}

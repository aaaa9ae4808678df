//! What warroom counts about itself, for `GET /metrics`: commands by name and outcome with how
//! long they took, confirmation latency, escalations and scheduled jobs fired, calls to the
//! integrations with their latency and errors, and inbound requests refused.
//!
//! Counters live in memory for the life of the process, as Prometheus expects of a counter;
//! rendering is plain text formatting, so the core stays free of I/O.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Ok,
    /// Refused with a sentence for the user: bad input, denied, already confirmed.
    Refused,
    /// An outage of a platform or store, an internal error, or an operation that ran and
    /// failed.
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

/// Every metric, with its type and help line, in the order `/metrics` lists them.
const METRICS: [(&str, &str, &str); 7] = [
    (
        "warroom_commands_total",
        "counter",
        "Commands run, by command and outcome.",
    ),
    (
        "warroom_command_seconds",
        "summary",
        "Time from command to answer.",
    ),
    (
        "warroom_confirmation_seconds",
        "summary",
        "Time from a confirmation card to its Confirm.",
    ),
    (
        "warroom_escalations_total",
        "counter",
        "Escalation levels fired, by severity.",
    ),
    (
        "warroom_jobs_total",
        "counter",
        "Scheduled jobs done, by kind and outcome.",
    ),
    (
        "warroom_integration_seconds",
        "summary",
        "Calls to the platforms warroom drives, by integration and result.",
    ),
    (
        "warroom_requests_refused_total",
        "counter",
        "Inbound requests refused, by transport and reason.",
    ),
];

/// (metric, rendered labels) → a counter, or a summary's sum and count.
#[derive(Default)]
struct Counts {
    counters: BTreeMap<(&'static str, String), u64>,
    summaries: BTreeMap<(&'static str, String), (f64, u64)>,
}

#[derive(Default)]
pub struct Metrics(Mutex<Counts>);

fn labels(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}=\"{v}\""))
        .collect::<Vec<_>>()
        .join(",")
}

impl Metrics {
    fn count(&self, metric: &'static str, pairs: &[(&str, &str)]) {
        let mut counts = self.0.lock().expect("metrics are never poisoned");
        *counts.counters.entry((metric, labels(pairs))).or_default() += 1;
    }

    fn observe(&self, metric: &'static str, pairs: &[(&str, &str)], took: Duration) {
        let mut counts = self.0.lock().expect("metrics are never poisoned");
        let summary = counts.summaries.entry((metric, labels(pairs))).or_default();
        summary.0 += took.as_secs_f64();
        summary.1 += 1;
    }

    pub fn command(&self, name: &'static str, outcome: Outcome, took: Duration) {
        self.count(
            "warroom_commands_total",
            &[("command", name), ("outcome", outcome.as_str())],
        );
        self.observe("warroom_command_seconds", &[("command", name)], took);
    }

    /// An inbound request refused before it reached the core (bad signature, stale, replayed).
    pub fn refused(&self, transport: &'static str, reason: &'static str) {
        self.count(
            "warroom_requests_refused_total",
            &[("transport", transport), ("reason", reason)],
        );
    }

    /// A confirmation card confirmed `waited` after it was posted.
    pub fn confirmation(&self, waited: Duration) {
        self.observe("warroom_confirmation_seconds", &[], waited);
    }

    /// An escalation level paged for an incident of `severity` (`p1`).
    pub fn escalation(&self, severity: &'static str) {
        self.count("warroom_escalations_total", &[("severity", severity)]);
    }

    /// A scheduled job ended: `escalate`/`fired`.
    pub fn job(&self, kind: &'static str, outcome: &'static str) {
        self.count(
            "warroom_jobs_total",
            &[("kind", kind), ("outcome", outcome)],
        );
    }

    /// One call to an integration (`ecs`, `ssm`, `logs`, `argv`, `http_health`).
    pub fn integration(&self, integration: &'static str, ok: bool, took: Duration) {
        let result = if ok { "ok" } else { "error" };
        self.observe(
            "warroom_integration_seconds",
            &[("integration", integration), ("result", result)],
            took,
        );
    }

    /// Runs a call to an integration and records how long it took and whether it failed.
    pub async fn metered<T, E>(
        &self,
        integration: &'static str,
        call: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let started = Instant::now();
        let result = call.await;
        self.integration(integration, result.is_ok(), started.elapsed());
        result
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let counts = self.0.lock().expect("metrics are never poisoned");
        let mut out = String::new();
        let braced = |l: &String| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{{{l}}}")
            }
        };
        for (metric, kind, help) in METRICS {
            let _ = writeln!(out, "# HELP {metric} {help}\n# TYPE {metric} {kind}");
            for ((m, l), n) in &counts.counters {
                if *m == metric {
                    let _ = writeln!(out, "{metric}{} {n}", braced(l));
                }
            }
            for ((m, l), (sum, count)) in &counts.summaries {
                if *m == metric {
                    let _ = writeln!(out, "{metric}_sum{} {sum}", braced(l));
                    let _ = writeln!(out, "{metric}_count{} {count}", braced(l));
                }
            }
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
        metrics.escalation("p1");
        metrics.confirmation(Duration::from_secs(3));
        metrics.integration("ecs", false, Duration::from_millis(500));
        let text = metrics.render();
        for line in [
            "warroom_commands_total{command=\"health\",outcome=\"ok\"} 2\n",
            "warroom_commands_total{command=\"rollback\",outcome=\"refused\"} 1\n",
            "warroom_command_seconds_sum{command=\"health\"} 0.5\n",
            "warroom_command_seconds_count{command=\"health\"} 2\n",
            "warroom_requests_refused_total{transport=\"slack\",reason=\"replayed\"} 1\n",
            "warroom_escalations_total{severity=\"p1\"} 1\n",
            "warroom_confirmation_seconds_sum 3\n",
            "warroom_integration_seconds_count{integration=\"ecs\",result=\"error\"} 1\n",
            "# TYPE warroom_jobs_total counter\n",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }
}

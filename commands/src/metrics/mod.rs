//! What warroom counts about itself, for `GET /metrics`: commands by name and outcome with how
//! long they took, how fast requests were acknowledged, confirmation latency, escalations and
//! scheduled jobs fired, calls to the integrations and to the chat platforms with their latency
//! and result, and inbound requests refused.
//!
//! Latencies are histograms, so percentiles can be computed and summed across replicas; every
//! counter whose labels are known up front exists at 0 from the start, so an alert on its rate
//! works before the first event. The registry and the text exposition are the
//! `prometheus-client` crate's; the process's own figures and the gauges read from the store
//! are added by the binary, which may do I/O.

mod buckets;
mod gauges;

pub use gauges::Backlog;

use std::future::Future;
use std::time::{Duration, Instant};

use prometheus_client::collector::Collector;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

use crate::escalation::JobKind;
use crate::incident::Severity;

/// The content type of [`Metrics::render`]: Prometheus text, version 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

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
    const ALL: [Outcome; 3] = [Outcome::Ok, Outcome::Refused, Outcome::Failed];

    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// What text that parsed as no command is counted as.
pub const UNREADABLE: &str = "unreadable";

/// How a scheduled job can end (see `escalation/fire.rs`).
const JOB_OUTCOMES: [&str; 5] = ["fired", "stood-down", "failed", "lost-claim", "error"];

/// The integrations warroom drives.
const INTEGRATIONS: [&str; 5] = ["ecs", "ssm", "logs", "argv", "http_health"];

type Labels = Vec<(&'static str, String)>;

fn labels(pairs: &[(&'static str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, (*v).to_string())).collect()
}

fn ok_or_error(ok: bool) -> &'static str {
    if ok { "ok" } else { "error" }
}

/// Every metric warroom keeps in memory, and the registry that writes them out.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    commands: Family<Labels, Counter>,
    command_seconds: Family<Labels, Histogram, fn() -> Histogram>,
    acknowledge_seconds: Family<Labels, Histogram, fn() -> Histogram>,
    confirmation_seconds: Histogram,
    escalations: Family<Labels, Counter>,
    jobs: Family<Labels, Counter>,
    integration_seconds: Family<Labels, Histogram, fn() -> Histogram>,
    chat_seconds: Family<Labels, Histogram, fn() -> Histogram>,
    refused: Family<Labels, Counter>,
    gauges: gauges::Gauges,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let commands = Family::<Labels, Counter>::default();
        let command_seconds = Family::new_with_constructor(buckets::command as fn() -> Histogram);
        let acknowledge_seconds =
            Family::new_with_constructor(buckets::acknowledge as fn() -> Histogram);
        let confirmation_seconds = buckets::confirmation();
        let escalations = Family::<Labels, Counter>::default();
        let jobs = Family::<Labels, Counter>::default();
        let integration_seconds =
            Family::new_with_constructor(buckets::platform as fn() -> Histogram);
        let chat_seconds = Family::new_with_constructor(buckets::chat as fn() -> Histogram);
        let refused = Family::<Labels, Counter>::default();
        registry.register(
            "warroom_commands",
            "Commands run, by command and outcome",
            commands.clone(),
        );
        registry.register(
            "warroom_command_seconds",
            "Time from command to answer, by command",
            command_seconds.clone(),
        );
        registry.register(
            "warroom_acknowledge_seconds",
            "Time to acknowledge an inbound Slack or Discord request, by transport",
            acknowledge_seconds.clone(),
        );
        registry.register(
            "warroom_confirmation_seconds",
            "Time from a confirmation card to its Confirm",
            confirmation_seconds.clone(),
        );
        registry.register(
            "warroom_escalations",
            "Escalation levels fired, by severity",
            escalations.clone(),
        );
        registry.register(
            "warroom_jobs",
            "Scheduled jobs done, by kind and outcome",
            jobs.clone(),
        );
        registry.register(
            "warroom_integration_seconds",
            "Calls to the platforms warroom drives, by integration and result",
            integration_seconds.clone(),
        );
        registry.register(
            "warroom_chat_api_seconds",
            "Calls to the Slack and Discord APIs, by platform, method and result",
            chat_seconds.clone(),
        );
        registry.register(
            "warroom_requests_refused",
            "Inbound requests refused, by transport and reason",
            refused.clone(),
        );
        let gauges = gauges::Gauges::default();
        gauges.register(&mut registry);
        let metrics = Metrics {
            registry,
            commands,
            command_seconds,
            acknowledge_seconds,
            confirmation_seconds,
            escalations,
            jobs,
            integration_seconds,
            chat_seconds,
            refused,
            gauges,
        };
        metrics.start_at_zero();
        metrics
    }

    /// Creates every series whose labels are known now, at 0.
    fn start_at_zero(&self) {
        let names = crate::grammar::COMMANDS.iter().map(|spec| spec.name);
        for name in names.chain([UNREADABLE]) {
            for outcome in Outcome::ALL {
                drop(
                    self.commands.get_or_create(&labels(&[
                        ("command", name),
                        ("outcome", outcome.as_str()),
                    ])),
                );
            }
            drop(
                self.command_seconds
                    .get_or_create(&labels(&[("command", name)])),
            );
        }
        for severity in Severity::ALL {
            drop(
                self.escalations
                    .get_or_create(&labels(&[("severity", severity.as_str())])),
            );
        }
        for kind in JobKind::ALL {
            for outcome in JOB_OUTCOMES {
                drop(
                    self.jobs
                        .get_or_create(&labels(&[("kind", kind.as_str()), ("outcome", outcome)])),
                );
            }
        }
        for integration in INTEGRATIONS {
            for result in [true, false].map(ok_or_error) {
                drop(
                    self.integration_seconds.get_or_create(&labels(&[
                        ("integration", integration),
                        ("result", result),
                    ])),
                );
            }
        }
    }

    /// Starts at 0 the refusals a transport can count (see [`Metrics::refused`]).
    pub fn expect_refusals(&self, transport: &'static str, reasons: &[&'static str]) {
        for reason in reasons {
            drop(
                self.refused
                    .get_or_create(&labels(&[("transport", transport), ("reason", reason)])),
            );
        }
    }

    /// Names the running build in `warroom_build_info` (always 1): its version, commit and build
    /// date, so a dashboard shows which build each replica runs.
    pub fn describe_build(&mut self, commit: &str, built: &str) {
        let build = Info::new(vec![
            ("version", env!("CARGO_PKG_VERSION").to_string()),
            ("commit", commit.to_string()),
            ("built", built.to_string()),
        ]);
        self.registry
            .register("warroom_build", "The running build", build);
    }

    /// Adds what only the binary can measure (the process, the store's gauges) to every scrape.
    pub fn collect(&mut self, collector: Box<dyn Collector>) {
        self.registry.register_collector(collector);
    }

    pub fn command(&self, name: &'static str, outcome: Outcome, took: Duration) {
        self.commands
            .get_or_create(&labels(&[("command", name), ("outcome", outcome.as_str())]))
            .inc();
        self.command_seconds
            .get_or_create(&labels(&[("command", name)]))
            .observe(took.as_secs_f64());
    }

    /// An inbound request answered `took` after it arrived (Slack and Discord allow 3 s).
    pub fn acknowledged(&self, transport: &'static str, took: Duration) {
        self.acknowledge_seconds
            .get_or_create(&labels(&[("transport", transport)]))
            .observe(took.as_secs_f64());
    }

    /// An inbound request refused before it reached the core (bad signature, stale, replayed).
    pub fn refused(&self, transport: &'static str, reason: &'static str) {
        self.refused
            .get_or_create(&labels(&[("transport", transport), ("reason", reason)]))
            .inc();
    }

    /// A confirmation card confirmed `waited` after it was posted.
    pub fn confirmation(&self, waited: Duration) {
        self.confirmation_seconds.observe(waited.as_secs_f64());
    }

    /// An escalation level paged for an incident of `severity` (`p1`).
    pub fn escalation(&self, severity: &'static str) {
        self.escalations
            .get_or_create(&labels(&[("severity", severity)]))
            .inc();
    }

    /// A scheduled job ended: `escalate`/`fired`.
    pub fn job(&self, kind: &'static str, outcome: &'static str) {
        self.jobs
            .get_or_create(&labels(&[("kind", kind), ("outcome", outcome)]))
            .inc();
    }

    /// One call to an integration (`ecs`, `ssm`, `logs`, `argv`, `http_health`).
    pub fn integration(&self, integration: &'static str, ok: bool, took: Duration) {
        self.integration_seconds
            .get_or_create(&labels(&[
                ("integration", integration),
                ("result", ok_or_error(ok)),
            ]))
            .observe(took.as_secs_f64());
    }

    /// One call to a chat platform's API: `slack`/`chat.postMessage`, ended with `result`
    /// (`ok`, `rate_limited`, `error`).
    pub fn chat_call(&self, platform: &'static str, method: &str, result: &str, took: Duration) {
        self.chat_seconds
            .get_or_create(&labels(&[
                ("platform", platform),
                ("method", method),
                ("result", result),
            ]))
            .observe(took.as_secs_f64());
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

    /// The store's backlog as the gauges show it, read just before a scrape.
    pub fn backlog(&self, backlog: &Backlog) {
        self.gauges.set(backlog);
    }

    /// Whether each long-lived transport connection is up, read just before a scrape.
    pub fn connections(&self, links: &[(&str, bool)]) {
        self.gauges.connections(links);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail, and every metric name and label is warroom's own.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests;

//! `/health all` fan-out: 500 loopback targets that each answer after 200 ms.
//!
//! The goal from the operations issue: the whole round takes at most 1.5× the slowest target.
//! Run with `cargo bench -p warroom-tests --bench health_fanout`; it prints the median of
//! several rounds for the default concurrency and, side by side, for a limit of 64, so the
//! effect of the limit is visible in one run.

use std::time::{Duration, Instant};

use warroom_commands::ports::{HealthPort, HttpProbe};
use warroom_integrations::HttpHealth;
use warroom_integrations::http_health::DEFAULT_CONCURRENCY;
use warroom_tests::http::{Answer, serve};

const TARGETS: usize = 500;
const DELAY: Duration = Duration::from_millis(200);
const ROUNDS: usize = 7;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn round(health: &HttpHealth, probes: &[HttpProbe]) -> Duration {
    let started = Instant::now();
    let results = health.probe_all(probes).await;
    let elapsed = started.elapsed();
    let ok = results.iter().filter(|r| r.status == Some(200)).count();
    assert_eq!(ok, probes.len(), "every target answered");
    elapsed
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut probes = Vec::with_capacity(TARGETS);
        for _ in 0..TARGETS {
            let addr = serve(Answer::json(200, r#"{"status":"ok"}"#).after(DELAY)).await;
            probes.push(HttpProbe {
                url: format!("http://{addr}/health"),
                timeout: Duration::from_secs(10),
                ca_file: None,
            });
        }
        println!(
            "health fan-out: {TARGETS} targets, each answering after {} ms, {ROUNDS} rounds",
            DELAY.as_millis()
        );
        for limit in [DEFAULT_CONCURRENCY, 64] {
            let health = HttpHealth::new(limit);
            round(&health, &probes).await; // warm-up
            let mut samples = Vec::new();
            for _ in 0..ROUNDS {
                samples.push(round(&health, &probes).await);
            }
            let m = median(samples);
            println!(
                "  concurrency {limit:>3}: median {:>5} ms = {:.2}x the slowest target",
                m.as_millis(),
                m.as_secs_f64() / DELAY.as_secs_f64()
            );
        }
    });
}

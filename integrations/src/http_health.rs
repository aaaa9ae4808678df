//! HTTP health probes: every endpoint at once, each bounded by its own timeout.
//!
//! The probe reads what the endpoint says about itself (the runbooks' `/api/health` answers
//! `{"status": "ok", "components": {"db": "ok", ...}}`; some use `checks`) and leaves judging
//! it to the core. A hung target costs its timeout, never more; a slow one is reported with its
//! latency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::Semaphore;
use warroom_commands::ports::{HealthPort, HttpProbe, ProbeResult};

/// Most probes in flight at once; enough that `/health all` over hundreds of targets takes
/// about as long as the slowest one.
pub const DEFAULT_CONCURRENCY: usize = 512;

/// Bodies larger than this are not read as JSON.
const BODY_CAP: usize = 256 * 1024;

#[derive(Clone)]
pub struct HttpHealth {
    client: reqwest::Client,
    limit: Arc<Semaphore>,
}

impl HttpHealth {
    pub fn new(concurrency: usize) -> HttpHealth {
        let client = reqwest::Client::builder()
            .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .expect("an HTTP client with the default TLS configuration");
        HttpHealth {
            client,
            limit: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    async fn probe(&self, probe: HttpProbe) -> ProbeResult {
        let _permit = self
            .limit
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let started = Instant::now();
        let answer = tokio::time::timeout(probe.timeout, async {
            let response = self.client.get(&probe.url).send().await?;
            let status = response.status().as_u16();
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, body))
        })
        .await;
        let latency = started.elapsed();
        let mut result = ProbeResult {
            url: probe.url.clone(),
            status: None,
            latency,
            reported: None,
            components: Vec::new(),
            error: None,
        };
        match answer {
            Err(_) => {
                result.error = Some(format!("no answer within {}", describe(probe.timeout)));
            }
            Ok(Err(e)) => result.error = Some(explain(&e)),
            Ok(Ok((status, body))) => {
                result.status = Some(status);
                if body.len() <= BODY_CAP {
                    read_body(&body, &mut result);
                }
            }
        }
        result
    }
}

fn describe(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f32())
    }
}

/// One sentence for a failed request, without the URL (the table shows it).
fn explain(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    if e.is_connect() {
        format!("cannot connect: {cause}")
    } else {
        format!("request failed: {cause}")
    }
}

/// Reads `status` and `components`/`checks` from a JSON body, if it is one.
fn read_body(body: &[u8], result: &mut ProbeResult) {
    let Ok(serde_json::Value::Object(json)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return;
    };
    result.reported = json.get("status").map(as_status);
    let parts = json.get("components").or_else(|| json.get("checks"));
    if let Some(serde_json::Value::Object(parts)) = parts {
        result.components = parts
            .iter()
            .map(|(name, value)| {
                let status = match value {
                    serde_json::Value::Object(inner) => inner
                        .get("status")
                        .map_or_else(|| "unknown".into(), as_status),
                    other => as_status(other),
                };
                (name.clone(), status)
            })
            .collect();
    }
}

fn as_status(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[async_trait]
impl HealthPort for HttpHealth {
    async fn probe_all(&self, probes: &[HttpProbe]) -> Vec<ProbeResult> {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, probe) in probes.iter().cloned().enumerate() {
            let this = self.clone();
            tasks.spawn(async move { (i, this.probe(probe).await) });
        }
        let mut results: Vec<Option<ProbeResult>> = vec![None; probes.len()];
        while let Some(done) = tasks.join_next().await {
            if let Ok((i, result)) = done {
                results[i] = Some(result);
            }
        }
        results
            .into_iter()
            .zip(probes)
            .map(|(result, probe)| {
                result.unwrap_or_else(|| ProbeResult {
                    url: probe.url.clone(),
                    status: None,
                    latency: Duration::ZERO,
                    reported: None,
                    components: Vec::new(),
                    error: Some("the probe task failed".into()),
                })
            })
            .collect()
    }
}

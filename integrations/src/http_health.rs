//! HTTP health probes: every endpoint at once, each bounded by its own timeout.
//!
//! The probe reads what the endpoint says about itself (the runbooks' `/api/health` answers
//! `{"status": "ok", "components": {"db": "ok", ...}}`; some use `checks`), as the core's
//! [`Body`] reads it for every carrier, and leaves judging it to the core. A hung target costs its timeout, never more; a slow one is reported with its
//! latency.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::Semaphore;
use warroom_commands::health::Body;
use warroom_commands::ports::{HealthPort, HttpProbe, ProbeResult};

/// Most probes in flight at once; enough that `/health all` over hundreds of targets takes
/// about as long as the slowest one.
pub const DEFAULT_CONCURRENCY: usize = 512;

/// Bodies larger than this are not read as JSON.
const BODY_CAP: usize = 256 * 1024;

#[derive(Clone)]
pub struct HttpHealth {
    client: reqwest::Client,
    /// Clients that also trust a configured CA file, one per file, built on first use.
    with_ca: Arc<Mutex<HashMap<String, reqwest::Client>>>,
    limit: Arc<Semaphore>,
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::limited(3))
        // Keeps the server's certificate on the response, for its days left.
        .tls_info(true)
}

impl HttpHealth {
    pub fn new(concurrency: usize) -> HttpHealth {
        let client = builder()
            .build()
            .expect("an HTTP client with the default TLS configuration");
        HttpHealth {
            client,
            with_ca: Arc::default(),
            limit: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// The client for a probe: the shared one, or one that also trusts the probe's CA file.
    fn client(&self, ca_file: Option<&str>) -> Result<reqwest::Client, String> {
        let Some(path) = ca_file else {
            return Ok(self.client.clone());
        };
        let mut clients = self
            .with_ca
            .lock()
            .expect("the client cache is never poisoned");
        if let Some(client) = clients.get(path) {
            return Ok(client.clone());
        }
        let pem = std::fs::read(path).map_err(|e| format!("cannot read ca_file {path}: {e}"))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("ca_file {path} is not PEM certificates: {e}"))?;
        let client = builder()
            .tls_certs_merge(certs)
            .build()
            .map_err(|e| format!("cannot use ca_file {path}: {e}"))?;
        clients.insert(path.to_string(), client.clone());
        Ok(client)
    }

    async fn probe(&self, probe: HttpProbe) -> ProbeResult {
        let _permit = self
            .limit
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let mut result = ProbeResult {
            url: probe.url.clone(),
            status: None,
            latency: Duration::ZERO,
            reported: None,
            components: Vec::new(),
            error: None,
            cert_days_left: None,
        };
        let client = match self.client(probe.ca_file.as_deref()) {
            Ok(client) => client,
            Err(sentence) => {
                result.error = Some(sentence);
                return result;
            }
        };
        let started = Instant::now();
        let answer = tokio::time::timeout(probe.timeout, async {
            let response = client.get(&probe.url).send().await?;
            let status = response.status().as_u16();
            let certificate = response
                .extensions()
                .get::<reqwest::tls::TlsInfo>()
                .and_then(|info| info.peer_certificate())
                .map(<[u8]>::to_vec);
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, certificate, body))
        })
        .await;
        result.latency = started.elapsed();
        match answer {
            Err(_) => {
                result.error = Some(format!("no answer within {}", describe(probe.timeout)));
            }
            Ok(Err(e)) => result.error = Some(explain(&e)),
            Ok(Ok((status, certificate, body))) => {
                result.status = Some(status);
                result.cert_days_left = certificate.as_deref().and_then(days_left);
                if body.len() <= BODY_CAP
                    && let Some(body) = Body::read(&body)
                {
                    result.reported = body.status;
                    result.components = body.components;
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
    let text = cause.to_string();
    if text.contains("certificate") || text.contains("UnknownIssuer") {
        format!(
            "TLS certificate not trusted ({text}); renew it, or trust its CA with health.ca_file"
        )
    } else if e.is_connect() {
        format!("cannot connect: {text}")
    } else {
        format!("request failed: {text}")
    }
}

/// Whole days from now until a DER certificate's notAfter; `None` if it cannot be read.
fn days_left(der: &[u8]) -> Option<i64> {
    let (_, certificate) = x509_parser::parse_x509_certificate(der).ok()?;
    let not_after = certificate.validity().not_after.timestamp();
    let now = chrono::Utc::now().timestamp();
    Some((not_after - now).div_euclid(86_400))
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
                    cert_days_left: None,
                })
            })
            .collect()
    }
}

//! Where SNS's signing certificate may come from, fetching it, and keeping it.
//!
//! The `SigningCertURL` is written by whoever sent the request, so it is the one place a forged
//! delivery could steer warroom: to a key of the forger's own, or into a request to a host
//! inside the network. So a URL is checked before any request (https, SNS's own host, no user
//! name, no port; [`Hosts`]), the client follows no redirect, gives up after
//! [`FETCH_TIMEOUT`] and reads at most [`BODY_CAP`] bytes. The same hosts are the only ones a
//! `SubscribeURL` is visited on.
//!
//! SNS signs with one certificate per region for months, and an alarm storm brings many
//! deliveries naming it at once. [`Certificates`] keeps the last [`CACHE_ENTRIES`] URLs, and
//! deliveries that arrive while a URL is being fetched wait for that fetch instead of starting
//! their own. A fetch that failed is not kept: the next delivery tries again.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Url;
use tokio::sync::OnceCell;
use x509_parser::public_key::PublicKey;

use super::{SnsRefusal, shown};

/// How long one request to SNS may take, connection and body included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// The most bytes read of a certificate; SNS's are a few KiB of PEM.
pub const BODY_CAP: usize = 64 * 1024;

/// How many certificate URLs are kept: deliveries name one per region until SNS rotates its key.
pub const CACHE_ENTRIES: usize = 32;

/// The client every request to SNS goes through: https only, no redirects, bounded in time,
/// trusting the web PKI and `extra_root_pem` if given.
pub(super) fn client(extra_root_pem: Option<&str>) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")))
        .https_only(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(FETCH_TIMEOUT)
        .timeout(FETCH_TIMEOUT);
    if let Some(pem) = extra_root_pem {
        let roots = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|e| format!("the extra SNS root CA is not PEM certificates: {e}"))?;
        if roots.is_empty() {
            return Err("the extra SNS root CA holds no PEM certificate".to_string());
        }
        builder = builder.tls_certs_merge(roots);
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client for SNS: {e}"))
}

/// What went wrong with a request to SNS, in a few words (no URL: the caller names the host).
pub(super) fn explain(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "no answer within 5 seconds"
    } else if error.is_connect() {
        "could not connect (or its TLS certificate is not trusted)"
    } else {
        "the request failed"
    }
}

/// The hosts that speak for SNS: `sns.<region>.amazonaws.com` and `.amazonaws.com.cn` over
/// https on the default port, plus one configured https prefix.
pub(super) struct Hosts {
    extra_prefix: Option<String>,
}

impl Hosts {
    /// SNS's own hosts and, if given, URLs under `extra_prefix` (https, ending in `/`).
    pub(super) fn new(extra_prefix: Option<&str>) -> Result<Hosts, String> {
        let Some(prefix) = extra_prefix else {
            return Ok(Hosts { extra_prefix: None });
        };
        let url = Url::parse(prefix).map_err(|e| {
            format!(
                "the extra SNS URL prefix {} is not a URL: {e}",
                shown(prefix)
            )
        })?;
        // Compared as the parser writes it, so "HTTPS://Host/" and "https://host/" agree.
        let normal = url.as_str().to_string();
        if url.scheme() != "https"
            || url.host_str().is_none()
            || !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
            || !normal.ends_with('/')
        {
            return Err(format!(
                "the extra SNS URL prefix {} must be https://HOST[:PORT]/[PATH/] with nothing else",
                shown(prefix)
            ));
        }
        Ok(Hosts {
            extra_prefix: Some(normal),
        })
    }

    /// `raw` as a URL on a host that speaks for SNS, or why it is not one (a clause that
    /// follows the URL in a sentence).
    pub(super) fn check(&self, raw: &str) -> Result<Url, &'static str> {
        let url = Url::parse(raw).map_err(|_| "is not a URL")?;
        if url.scheme() != "https" {
            return Err("is not https");
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("carries a user name or password");
        }
        if let Some(prefix) = &self.extra_prefix
            && url.as_str().starts_with(prefix.as_str())
        {
            return Ok(url);
        }
        if url.port().is_some() {
            return Err("names a port");
        }
        match url.domain() {
            Some(host) if is_sns_host(host) => Ok(url),
            _ => Err("is not on sns.<region>.amazonaws.com"),
        }
    }

    /// `raw` as the URL of a signing certificate: on SNS's hosts, a `.pem` path, no query.
    pub(super) fn certificate_url(&self, raw: &str) -> Result<Url, SnsRefusal> {
        let refused = |why: &str| SnsRefusal::UntrustedCertificate(format!("{} {why}", shown(raw)));
        let url = self.check(raw).map_err(refused)?;
        if !url.path().ends_with(".pem") || url.query().is_some() || url.fragment().is_some() {
            return Err(refused("is not the path of a .pem file"));
        }
        Ok(url)
    }
}

/// `sns.<region>.amazonaws.com` or `sns.<region>.amazonaws.com.cn`, the region being
/// lowercase letters, digits and hyphens (`us-east-1`, `cn-north-1`).
fn is_sns_host(host: &str) -> bool {
    let region = host.strip_prefix("sns.").and_then(|rest| {
        rest.strip_suffix(".amazonaws.com")
            .or_else(|| rest.strip_suffix(".amazonaws.com.cn"))
    });
    region.is_some_and(|region| {
        !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

/// The public key of a signing certificate and when the certificate may be used.
#[derive(Debug)]
pub(super) struct SigningKey {
    /// The RSA public key, DER, as ring reads it.
    rsa_public_key: Vec<u8>,
    not_before: i64,
    not_after: i64,
}

impl SigningKey {
    /// The key of the first certificate in `pem`, or why there is none warroom can use.
    fn read(pem: &[u8]) -> Result<SigningKey, &'static str> {
        let (_, pem) =
            x509_parser::pem::parse_x509_pem(pem).map_err(|_| "is not a PEM certificate")?;
        if pem.label != "CERTIFICATE" {
            return Err("is not a PEM certificate");
        }
        let certificate = pem
            .parse_x509()
            .map_err(|_| "is not a readable X.509 certificate")?;
        let key = certificate.public_key();
        match key.parsed() {
            Ok(PublicKey::RSA(rsa)) if rsa.key_size() >= 2048 => {}
            Ok(PublicKey::RSA(_)) => return Err("has an RSA key shorter than 2048 bits"),
            _ => return Err("has no RSA key"),
        }
        let validity = certificate.validity();
        Ok(SigningKey {
            rsa_public_key: key.subject_public_key.data.to_vec(),
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
        })
    }

    /// The key, if the certificate is valid at `now` (Unix seconds).
    pub(super) fn usable_at(&self, now: i64) -> Result<&[u8], SnsRefusal> {
        if now < self.not_before {
            return Err(SnsRefusal::UntrustedCertificate(
                "it is not valid yet".to_string(),
            ));
        }
        if now > self.not_after {
            return Err(SnsRefusal::UntrustedCertificate(
                "it has expired".to_string(),
            ));
        }
        Ok(&self.rsa_public_key)
    }
}

/// The key at one URL: empty until a fetch succeeds, which every delivery for it waits on.
type Slot = Arc<OnceCell<Arc<SigningKey>>>;

/// Signing keys by certificate URL, the most recently used last.
#[derive(Default)]
pub(super) struct Certificates {
    entries: Mutex<VecDeque<(Url, Slot)>>,
}

impl Certificates {
    /// The key of the certificate at `url`: kept, being fetched by another delivery (then this
    /// one waits for it), or fetched now.
    pub(super) async fn get(
        &self,
        client: &reqwest::Client,
        url: Url,
    ) -> Result<Arc<SigningKey>, SnsRefusal> {
        let cell = self.entry(&url);
        cell.get_or_try_init(|| fetch(client, url.clone()))
            .await
            .cloned()
    }

    /// The cell for `url`, made (and the least recently used one dropped) if there is none.
    fn entry(&self, url: &Url) -> Slot {
        let mut entries = self
            .entries
            .lock()
            .expect("the certificate cache is never poisoned");
        let cell = match entries.iter().position(|(kept, _)| kept == url) {
            Some(at) => entries.remove(at).map(|(_, cell)| cell).unwrap_or_default(),
            None => Arc::default(),
        };
        entries.push_back((url.clone(), cell.clone()));
        while entries.len() > CACHE_ENTRIES {
            entries.pop_front();
        }
        cell
    }
}

/// Fetches and reads the certificate at `url`. SNS failing to answer is
/// [`SnsRefusal::Unavailable`] (the delivery may be genuine); anything else wrong with what it
/// served means the certificate is not to be trusted.
async fn fetch(client: &reqwest::Client, url: Url) -> Result<Arc<SigningKey>, SnsRefusal> {
    let host = url.host_str().unwrap_or_default().to_string();
    let unavailable = |e: reqwest::Error| {
        SnsRefusal::Unavailable(format!(
            "could not fetch the signing certificate from {host}: {}",
            explain(&e)
        ))
    };
    let untrusted =
        |why: &str| SnsRefusal::UntrustedCertificate(format!("{} {why}", shown(url.as_str())));
    let mut response = client.get(url.clone()).send().await.map_err(unavailable)?;
    let status = response.status();
    if status.is_server_error() {
        return Err(SnsRefusal::Unavailable(format!(
            "could not fetch the signing certificate from {host}: it answered {status}"
        )));
    }
    if !status.is_success() {
        return Err(untrusted(&format!("is not served (it answered {status})")));
    }
    if response
        .content_length()
        .is_some_and(|length| length > BODY_CAP as u64)
    {
        return Err(untrusted("is larger than 64 KiB"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unavailable)? {
        if body.len() + chunk.len() > BODY_CAP {
            return Err(untrusted("is larger than 64 KiB"));
        }
        body.extend_from_slice(&chunk);
    }
    SigningKey::read(&body).map(Arc::new).map_err(untrusted)
}

//! How each alert source proves a request is its own, as a [`Signature`] for the one
//! signature layer every webhook route sits behind.
//!
//! Alertmanager sends a bearer token or basic auth as its `http_config` says; Grafana signs
//! with HMAC-SHA256 (over `timestamp:body` when it sends a timestamp header) when a secret is
//! configured, else sends a token the same way; a PagerDuty-style sender puts its routing key in
//! the body. Every comparison is in constant time. None of these carries a nonce, so a request
//! gets a fresh key for the inbox: a repeat of the same alert is harmless because alerts are
//! kept by their own keys, and Alertmanager resends a group unchanged on purpose.

use axum::http::HeaderMap;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2_next::Sha256;
use subtle::ConstantTimeEq;

use crate::signed::{Rejection, Signature, WINDOW_SECONDS};

/// Constant-time equality of two secrets' bytes.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A key no other request has, for the inbox.
fn fresh_key(source: &str) -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap_or_default();
    format!("alerts:{source}:{}", hex::encode(bytes))
}

/// The credentials Alertmanager's (or Grafana's) `http_config` sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub token: Option<String>,
    /// `(user, password)` for basic auth.
    pub basic: Option<(String, String)>,
}

impl Credentials {
    /// Whether the Authorization header carries the bearer token or the basic credentials.
    fn admit(&self, headers: &HeaderMap) -> Result<(), Rejection> {
        let Some(given) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
            return Err(Rejection::MissingHeaders);
        };
        let (scheme, value) = given.split_once(' ').unwrap_or((given, ""));
        let ok = match (
            scheme.to_ascii_lowercase().as_str(),
            &self.token,
            &self.basic,
        ) {
            ("bearer", Some(token), _) => same(value.trim().as_bytes(), token.as_bytes()),
            ("basic", _, Some((user, password))) => {
                let wanted =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                same(value.trim().as_bytes(), wanted.as_bytes())
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(Rejection::BadSignature)
        }
    }

    pub fn is_set(&self) -> bool {
        self.token.is_some() || self.basic.is_some()
    }
}

/// `POST /alerts/alertmanager`: a bearer token or basic auth.
pub struct AlertmanagerAuth(pub Credentials);

impl Signature for AlertmanagerAuth {
    const TRANSPORT: &'static str = "alertmanager";
    const SIGNATURE_HEADER: &'static str = "authorization";
    const TIMESTAMP_HEADER: &'static str = "";

    fn signs(&self, _: &str, _: &str, _: &[u8]) -> bool {
        false
    }

    fn check(&self, headers: &HeaderMap, _: &[u8], _: i64) -> Result<String, Rejection> {
        self.0.admit(headers)?;
        Ok(fresh_key(Self::TRANSPORT))
    }
}

/// `POST /alerts/grafana`: Grafana's HMAC signature when a secret is set, else its token.
pub struct GrafanaAuth {
    pub secret: Option<String>,
    /// The header Grafana puts its signature in (its default `X-Grafana-Alerting-Signature`).
    pub signature_header: String,
    /// The header with the Unix time signed with the body, if Grafana is set to send one.
    pub timestamp_header: Option<String>,
    pub credentials: Credentials,
}

impl Signature for GrafanaAuth {
    const TRANSPORT: &'static str = "grafana";
    const SIGNATURE_HEADER: &'static str = "x-grafana-alerting-signature";
    const TIMESTAMP_HEADER: &'static str = "";

    fn signs(&self, signature: &str, timestamp: &str, body: &[u8]) -> bool {
        let Some(secret) = &self.secret else {
            return false;
        };
        let Ok(given) = hex::decode(signature.trim()) else {
            return false;
        };
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
        if !timestamp.is_empty() {
            mac.update(timestamp.as_bytes());
            mac.update(b":");
        }
        mac.update(body);
        mac.verify_slice(&given).is_ok()
    }

    fn check(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<String, Rejection> {
        if self.secret.is_none() {
            self.credentials.admit(headers)?;
            return Ok(fresh_key(Self::TRANSPORT));
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let signature = header(&self.signature_header).ok_or(Rejection::MissingHeaders)?;
        let timestamp = match &self.timestamp_header {
            Some(name) => {
                let at = header(name).ok_or(Rejection::MissingHeaders)?;
                let seconds: i64 = at.trim().parse().map_err(|_| Rejection::Stale)?;
                if (now - seconds).abs() > WINDOW_SECONDS {
                    return Err(Rejection::Stale);
                }
                at
            }
            None => "",
        };
        if !self.signs(signature, timestamp, body) {
            return Err(Rejection::BadSignature);
        }
        // A signed timestamp makes a replay recognisable; without one, every request is new.
        Ok(if timestamp.is_empty() {
            fresh_key(Self::TRANSPORT)
        } else {
            format!("alerts:grafana:{timestamp}:{signature}")
        })
    }
}

/// `POST /alerts/events`: the routing key in the body must be one warroom was given.
pub struct EventsAuth {
    pub routing_keys: Vec<String>,
}

impl Signature for EventsAuth {
    const TRANSPORT: &'static str = "events";
    const SIGNATURE_HEADER: &'static str = "";
    const TIMESTAMP_HEADER: &'static str = "";

    fn signs(&self, _: &str, _: &str, _: &[u8]) -> bool {
        false
    }

    fn check(&self, _: &HeaderMap, body: &[u8], _: i64) -> Result<String, Rejection> {
        #[derive(serde::Deserialize)]
        struct Keyed {
            routing_key: String,
        }
        let Ok(keyed) = serde_json::from_slice::<Keyed>(body) else {
            return Err(Rejection::MissingHeaders);
        };
        // Every key is compared, so the time taken does not say which one nearly matched.
        let known = self.routing_keys.iter().fold(false, |found, key| {
            found | same(keyed.routing_key.as_bytes(), key.as_bytes())
        });
        if known {
            Ok(fresh_key(Self::TRANSPORT))
        } else {
            Err(Rejection::BadSignature)
        }
    }
}

#[cfg(test)]
mod tests;

//! How each paging provider proves a webhook is its own, as a [`Signature`] for the one
//! signature layer every webhook route sits behind: checked on the raw body before anything
//! reads it.
//!
//! PagerDuty signs v3 webhooks: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256(secret, body)>`,
//! with several comma-separated signatures while a secret is rotated; one matching is enough.
//! Opsgenie does not sign its outgoing webhooks, so its integration is configured to send a
//! token warroom was given, as a bearer token or as the password of basic auth.
//! Every comparison is in constant time.

use axum::http::HeaderMap;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2_next::Sha256;
use subtle::ConstantTimeEq;

use crate::signed::{Rejection, Signature};

/// A key for the layer; the route records the delivery under the provider's own id instead.
fn fresh_key(provider: &str) -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap_or_default();
    format!("paging:{provider}:{}", hex::encode(bytes))
}

/// `POST /paging/pagerduty`: a v3 webhook subscription's signature.
pub struct PagerDutySignature {
    pub secret: String,
}

impl PagerDutySignature {
    /// Whether one of the `v1=` signatures in `header` signs `body` with the secret.
    pub fn verifies(&self, header: &str, body: &[u8]) -> bool {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.secret.as_bytes()).expect("HMAC takes any key");
        mac.update(body);
        let expected = mac.finalize().into_bytes();
        // Every signature is looked at, so the time taken does not say which one nearly matched.
        header
            .split(',')
            .filter_map(|part| part.trim().strip_prefix("v1="))
            .filter_map(|hex_sig| hex::decode(hex_sig.trim()).ok())
            .fold(false, |found, given| {
                found | bool::from(given.as_slice().ct_eq(expected.as_slice()))
            })
    }
}

impl Signature for PagerDutySignature {
    const TRANSPORT: &'static str = "pagerduty";
    const SIGNATURE_HEADER: &'static str = "x-pagerduty-signature";
    const TIMESTAMP_HEADER: &'static str = "";

    fn signs(&self, signature: &str, _: &str, body: &[u8]) -> bool {
        self.verifies(signature, body)
    }

    fn check(&self, headers: &HeaderMap, body: &[u8], _: i64) -> Result<String, Rejection> {
        let header = headers
            .get(Self::SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or(Rejection::MissingHeaders)?;
        if self.verifies(header, body) {
            Ok(fresh_key(Self::TRANSPORT))
        } else {
            Err(Rejection::BadSignature)
        }
    }
}

/// `POST /paging/opsgenie`: the configured token, as `Authorization: Bearer TOKEN` or as the
/// password of basic auth (any user name), which Opsgenie's webhook integration can send.
pub struct OpsgenieToken {
    pub token: String,
}

impl OpsgenieToken {
    fn admits(&self, authorization: &str) -> bool {
        let (scheme, value) = authorization.split_once(' ').unwrap_or((authorization, ""));
        let given = match scheme.to_ascii_lowercase().as_str() {
            "bearer" => value.trim().as_bytes().to_vec(),
            "basic" => {
                let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(value.trim())
                else {
                    return false;
                };
                match decoded.iter().position(|b| *b == b':') {
                    Some(colon) => decoded[colon + 1..].to_vec(),
                    None => return false,
                }
            }
            _ => return false,
        };
        given.as_slice().ct_eq(self.token.as_bytes()).into()
    }
}

impl Signature for OpsgenieToken {
    const TRANSPORT: &'static str = "opsgenie";
    const SIGNATURE_HEADER: &'static str = "authorization";
    const TIMESTAMP_HEADER: &'static str = "";

    fn signs(&self, signature: &str, _: &str, _: &[u8]) -> bool {
        self.admits(signature)
    }

    fn check(&self, headers: &HeaderMap, _: &[u8], _: i64) -> Result<String, Rejection> {
        let header = headers
            .get(Self::SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or(Rejection::MissingHeaders)?;
        if self.admits(header) {
            Ok(fresh_key(Self::TRANSPORT))
        } else {
            Err(Rejection::BadSignature)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn pagerduty_accepts_any_one_of_its_signatures() {
        let check = PagerDutySignature {
            secret: "the-subscription-secret".into(),
        };
        let body = br#"{"event":{}}"#;
        let good = sign("the-subscription-secret", body);
        let old = sign("the-old-secret", body);
        assert!(check.verifies(&format!("v1={good}"), body));
        assert!(check.verifies(&format!("v1={old},v1={good}"), body));
        assert!(!check.verifies(&format!("v1={old}"), body));
        assert!(!check.verifies(&format!("v2={good}"), body));
        assert!(!check.verifies(&format!("v1={good}"), br#"{"event":{"x":1}}"#));
        assert!(!check.verifies("", body));
    }

    #[test]
    fn opsgenie_takes_its_token_as_bearer_or_basic_password() {
        let check = OpsgenieToken {
            token: "a-long-opsgenie-token".into(),
        };
        let basic =
            base64::engine::general_purpose::STANDARD.encode("opsgenie:a-long-opsgenie-token");
        assert!(check.admits("Bearer a-long-opsgenie-token"));
        assert!(check.admits(&format!("Basic {basic}")));
        assert!(!check.admits("Bearer a-long-opsgenie-tokeN"));
        assert!(!check.admits("a-long-opsgenie-token"));
    }
}

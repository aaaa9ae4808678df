//! Every request from Slack is signed; nothing unsigned, stale or replayed reaches a handler.
//!
//! Slack signs `v0:{timestamp}:{body}` with the app's signing secret (HMAC-SHA256, compared in
//! constant time by slack-morphism's verifier). A timestamp more than five minutes from now is
//! refused before the signature is looked at. A verified request's key (its timestamp and
//! signature) goes into the inbox, whose unique key refuses a replay on every replica, so a
//! captured request cannot be sent again within the window and is stale after it.

use axum::http::HeaderMap;
use slack_morphism::prelude::SlackSigningSecret;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

/// How far a request's timestamp may be from now, either way.
const WINDOW_SECONDS: i64 = 5 * 60;

/// Why a request was refused. Logged (never with the body) and answered 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("missing X-Slack-Signature or X-Slack-Request-Timestamp")]
    MissingHeaders,
    #[error("timestamp is not within five minutes of now")]
    Stale,
    #[error("signature does not match the body")]
    BadSignature,
    #[error("signature was already used")]
    Replayed,
}

impl Rejection {
    /// A short label for metrics.
    pub fn label(self) -> &'static str {
        match self {
            Rejection::MissingHeaders => "missing_headers",
            Rejection::Stale => "stale",
            Rejection::BadSignature => "bad_signature",
            Rejection::Replayed => "replayed",
        }
    }
}

pub struct Verifier {
    inner: SlackEventSignatureVerifier,
}

impl Verifier {
    pub fn new(signing_secret: &str) -> Verifier {
        Verifier {
            inner: SlackEventSignatureVerifier::new(&SlackSigningSecret::new(
                signing_secret.to_string(),
            )),
        }
    }

    /// Accepts a request signed by Slack at most five minutes ago; the key that makes it
    /// unique, for the inbox to refuse it a second time.
    pub fn check(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<String, Rejection> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(signature), Some(timestamp)) = (
            header(SlackEventSignatureVerifier::SLACK_SIGNED_HASH_HEADER),
            header(SlackEventSignatureVerifier::SLACK_SIGNED_TIMESTAMP),
        ) else {
            return Err(Rejection::MissingHeaders);
        };
        let at: i64 = timestamp.parse().map_err(|_| Rejection::Stale)?;
        if (now - at).abs() > WINDOW_SECONDS {
            return Err(Rejection::Stale);
        }
        let body = std::str::from_utf8(body).map_err(|_| Rejection::BadSignature)?;
        self.inner
            .verify(signature, body, timestamp)
            .map_err(|_| Rejection::BadSignature)?;
        Ok(format!("slack:{at}:{signature}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(secret: &str, at: i64, body: &str) -> HeaderMap {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = Hmac::<sha2_next::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("v0:{at}:{body}").as_bytes());
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut headers = HeaderMap::new();
        headers.insert("x-slack-signature", format!("v0={hex}").parse().unwrap());
        headers.insert("x-slack-request-timestamp", at.to_string().parse().unwrap());
        headers
    }

    #[test]
    fn a_fresh_signature_is_keyed_by_its_timestamp_and_signature() {
        let now = chrono::Utc::now().timestamp();
        let verifier = Verifier::new("s3cret");
        let headers = signed("s3cret", now - 10, "text=hi");
        let key = verifier.check(&headers, b"text=hi", now).unwrap();
        let signature = headers["x-slack-signature"].to_str().unwrap();
        assert_eq!(key, format!("slack:{}:{signature}", now - 10));
        let other = signed("s3cret", now - 10, "text=bye");
        assert_ne!(verifier.check(&other, b"text=bye", now).unwrap(), key);
    }

    #[test]
    fn refuses_what_slack_did_not_sign_now() {
        let now = chrono::Utc::now().timestamp();
        let verifier = Verifier::new("s3cret");
        let forged = signed("guess", now, "text=hi");
        assert_eq!(
            verifier.check(&forged, b"text=hi", now),
            Err(Rejection::BadSignature)
        );
        let altered = signed("s3cret", now, "text=hi");
        assert_eq!(
            verifier.check(&altered, b"text=rollback", now),
            Err(Rejection::BadSignature)
        );
        let stale = signed("s3cret", now - 6 * 60, "text=hi");
        assert_eq!(
            verifier.check(&stale, b"text=hi", now),
            Err(Rejection::Stale)
        );
        assert_eq!(
            verifier.check(&HeaderMap::new(), b"text=hi", now),
            Err(Rejection::MissingHeaders)
        );
    }
}

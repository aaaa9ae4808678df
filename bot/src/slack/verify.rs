//! Every request from Slack is signed; nothing unsigned, stale or replayed reaches a handler.
//!
//! Slack signs `v0:{timestamp}:{body}` with the app's signing secret (HMAC-SHA256, compared in
//! constant time by slack-morphism's verifier). The check itself (headers, the five-minute
//! window, the request's key) is the one every webhook route shares, in [`crate::signed`]; this
//! file says only how Slack signs. A verified request's key (its timestamp and signature) goes
//! into the inbox, whose unique key refuses a replay on every replica, so a captured request
//! cannot be sent again within the window and is stale after it.

use slack_morphism::prelude::SlackSigningSecret;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

use crate::signed::Signature;

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
}

impl Signature for Verifier {
    const TRANSPORT: &'static str = "slack";
    const SIGNATURE_HEADER: &'static str = SlackEventSignatureVerifier::SLACK_SIGNED_HASH_HEADER;
    const TIMESTAMP_HEADER: &'static str = SlackEventSignatureVerifier::SLACK_SIGNED_TIMESTAMP;

    fn signs(&self, signature: &str, timestamp: &str, body: &[u8]) -> bool {
        std::str::from_utf8(body)
            .is_ok_and(|body| self.inner.verify(signature, body, timestamp).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;
    use crate::signed::Rejection;

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
        let future = signed("s3cret", now + 6 * 60, "text=hi");
        assert_eq!(
            verifier.check(&future, b"text=hi", now),
            Err(Rejection::Stale)
        );
        assert_eq!(
            verifier.check(&HeaderMap::new(), b"text=hi", now),
            Err(Rejection::MissingHeaders)
        );
    }
}

//! Every interaction Discord POSTs is signed with the application's Ed25519 key; nothing
//! unsigned, altered or stale reaches a handler.
//!
//! serenity's verifier checks the signature of `timestamp + body`. Discord does not promise a
//! replay window, so warroom adds one: a timestamp more than five minutes from now is refused.

use axum::http::HeaderMap;
use serenity::interactions_endpoint::Verifier as Ed25519;

const WINDOW_SECONDS: i64 = 5 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("missing X-Signature-Ed25519 or X-Signature-Timestamp")]
    MissingHeaders,
    #[error("timestamp is not within five minutes of now")]
    Stale,
    #[error("signature does not match the body")]
    BadSignature,
}

impl Rejection {
    /// A short label for metrics.
    pub fn label(self) -> &'static str {
        match self {
            Rejection::MissingHeaders => "missing_headers",
            Rejection::Stale => "stale",
            Rejection::BadSignature => "bad_signature",
        }
    }
}

pub struct Verifier(Option<Ed25519>);

impl Verifier {
    /// A verifier for the hex public key; one that refuses everything when the key is not a key.
    pub fn new(public_key: &str) -> Verifier {
        let bytes: Option<[u8; 32]> = (public_key.len() == 64)
            .then(|| {
                (0..32)
                    .map(|i| u8::from_str_radix(&public_key[2 * i..2 * i + 2], 16).ok())
                    .collect::<Option<Vec<u8>>>()
            })
            .flatten()
            .and_then(|v| v.try_into().ok());
        Verifier(bytes.and_then(|b| Ed25519::try_new(b).ok()))
    }

    pub fn check(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Result<(), Rejection> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(signature), Some(timestamp)) = (
            header("x-signature-ed25519"),
            header("x-signature-timestamp"),
        ) else {
            return Err(Rejection::MissingHeaders);
        };
        let at: i64 = timestamp.parse().map_err(|_| Rejection::Stale)?;
        if (now - at).abs() > WINDOW_SECONDS {
            return Err(Rejection::Stale);
        }
        let key = self.0.as_ref().ok_or(Rejection::BadSignature)?;
        key.verify(signature, timestamp, body)
            .map_err(|()| Rejection::BadSignature)
    }
}

//! Every interaction Discord POSTs is signed with the application's Ed25519 key; nothing
//! unsigned, altered or stale reaches a handler.
//!
//! serenity's verifier checks the signature of `timestamp + body`. Discord does not promise a
//! replay window, so warroom holds it to the one every webhook route shares: a timestamp more
//! than five minutes from now is refused ([`crate::signed`] makes that check; this file says
//! only how Discord signs).

use serenity::interactions_endpoint::Verifier as Ed25519;

use crate::signed::Signature;

pub struct Verifier(Option<Ed25519>);

impl Verifier {
    /// A verifier for the hex public key; one that refuses everything when the key is not a key.
    pub fn new(public_key: &str) -> Verifier {
        let bytes: Option<[u8; 32]> = (public_key.len() == 64 && public_key.is_ascii())
            .then(|| {
                (0..32)
                    .map(|i| u8::from_str_radix(&public_key[2 * i..2 * i + 2], 16).ok())
                    .collect::<Option<Vec<u8>>>()
            })
            .flatten()
            .and_then(|v| v.try_into().ok());
        Verifier(bytes.and_then(|b| Ed25519::try_new(b).ok()))
    }
}

impl Signature for Verifier {
    const TRANSPORT: &'static str = "discord";
    const SIGNATURE_HEADER: &'static str = "x-signature-ed25519";
    const TIMESTAMP_HEADER: &'static str = "x-signature-timestamp";

    fn signs(&self, signature: &str, timestamp: &str, body: &[u8]) -> bool {
        self.0
            .as_ref()
            .is_some_and(|key| key.verify(signature, timestamp, body).is_ok())
    }
}

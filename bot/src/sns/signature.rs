//! What SNS signs in a delivery, and checking the signature.
//!
//! SNS does not sign the body it sends: it signs a "string to sign" made of some of the body's
//! fields, each as `Key\nValue\n`, in the order AWS documents for the message type:
//!
//! - `Notification`: Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type;
//! - `SubscriptionConfirmation` and `UnsubscribeConfirmation`: Message, MessageId, SubscribeURL,
//!   Timestamp, Token, TopicArn, Type.
//!
//! The values are the JSON strings as decoded (an escaped `\n` is a newline), so the body's own
//! spacing and field order do not matter, and a field outside that list (UnsubscribeURL,
//! MessageAttributes) is not covered and is never handed on. `SignatureVersion` 1 is RSA
//! PKCS#1 v1.5 with SHA-1, 2 the same with SHA-256; any other is refused rather than guessed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{
    RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA256, RsaParameters,
    UnparsedPublicKey,
};
use serde::Deserialize;

use super::{SnsMessage, SnsRefusal, shown};

/// The fields of a delivery as SNS names them; which are required depends on `Type`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    #[serde(rename = "Type")]
    kind: Option<String>,
    message_id: Option<String>,
    token: Option<String>,
    topic_arn: Option<String>,
    subject: Option<String>,
    message: Option<String>,
    #[serde(rename = "SubscribeURL")]
    subscribe_url: Option<String>,
    timestamp: Option<String>,
    signature_version: Option<String>,
    signature: Option<String>,
    #[serde(rename = "SigningCertURL")]
    signing_cert_url: Option<String>,
}

/// The hash a `SignatureVersion` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Algorithm {
    /// `SignatureVersion` 1.
    Sha1,
    /// `SignatureVersion` 2.
    Sha256,
}

impl Algorithm {
    fn parameters(self) -> &'static RsaParameters {
        match self {
            // SNS still signs with SHA-1 unless a topic is set to version 2.
            Algorithm::Sha1 => &RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            Algorithm::Sha256 => &RSA_PKCS1_2048_8192_SHA256,
        }
    }
}

/// A delivery of the right shape, whose signature is still to be checked.
#[derive(Debug)]
pub(super) struct Signed {
    /// What the delivery says, once its signature is checked.
    pub message: SnsMessage,
    /// The string SNS signed.
    pub text: String,
    pub algorithm: Algorithm,
    pub signature: Vec<u8>,
    pub certificate_url: String,
}

/// Reads a delivery: one of the three types, signed, with every field its type signs.
pub(super) fn read(body: &[u8]) -> Result<Signed, SnsRefusal> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
        SnsRefusal::Malformed(format!(
            "it is not a JSON object of SNS's text fields (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let kind = envelope
        .kind
        .clone()
        .ok_or_else(|| SnsRefusal::Malformed("it has no Type".to_string()))?;
    if !matches!(
        kind.as_str(),
        "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation"
    ) {
        return Err(SnsRefusal::Unsupported(format!(
            "message Type {}",
            shown(&kind)
        )));
    }
    // An empty field signs nothing, as an absent one does.
    let present = |field: &Option<String>| field.clone().filter(|value| !value.is_empty());
    let (Some(version), Some(signature), Some(certificate_url)) = (
        present(&envelope.signature_version),
        present(&envelope.signature),
        present(&envelope.signing_cert_url),
    ) else {
        return Err(SnsRefusal::Unsigned);
    };
    let algorithm = match version.as_str() {
        "1" => Algorithm::Sha1,
        "2" => Algorithm::Sha256,
        other => {
            return Err(SnsRefusal::Unsupported(format!(
                "SignatureVersion {}",
                shown(other)
            )));
        }
    };
    let (message, text) = signed_fields(&kind, &envelope)?;
    let signature = STANDARD
        .decode(signature)
        .map_err(|_| SnsRefusal::Malformed("its Signature is not base64".to_string()))?;
    Ok(Signed {
        message,
        text,
        algorithm,
        signature,
        certificate_url,
    })
}

/// The message and the string SNS signed for it, or the first signed field it lacks.
fn signed_fields(kind: &str, envelope: &Envelope) -> Result<(SnsMessage, String), SnsRefusal> {
    let required = |value: &Option<String>, name: &str| {
        value
            .clone()
            .ok_or_else(|| SnsRefusal::Malformed(format!("its {kind} has no {name}")))
    };
    let message = required(&envelope.message, "Message")?;
    let message_id = required(&envelope.message_id, "MessageId")?;
    let timestamp = required(&envelope.timestamp, "Timestamp")?;
    let topic = required(&envelope.topic_arn, "TopicArn")?;
    if kind == "Notification" {
        let subject = envelope.subject.clone();
        let mut fields = vec![("Message", message.as_str()), ("MessageId", &message_id)];
        if let Some(subject) = &subject {
            fields.push(("Subject", subject));
        }
        fields.extend([
            ("Timestamp", &*timestamp),
            ("TopicArn", &topic),
            ("Type", kind),
        ]);
        let text = string_to_sign(&fields);
        return Ok((
            SnsMessage::Notification {
                topic,
                message_id,
                subject,
                message,
            },
            text,
        ));
    }
    let subscribe_url = required(&envelope.subscribe_url, "SubscribeURL")?;
    let token = required(&envelope.token, "Token")?;
    let text = string_to_sign(&[
        ("Message", &message),
        ("MessageId", &message_id),
        ("SubscribeURL", &subscribe_url),
        ("Timestamp", &timestamp),
        ("Token", &token),
        ("TopicArn", &topic),
        ("Type", kind),
    ]);
    let message = if kind == "SubscriptionConfirmation" {
        SnsMessage::SubscriptionConfirmation {
            topic,
            subscribe_url,
        }
    } else {
        SnsMessage::UnsubscribeConfirmation { topic }
    };
    Ok((message, text))
}

/// Each field as `Key\nValue\n`, in the order given.
pub(super) fn string_to_sign(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .flat_map(|(key, value)| [*key, "\n", *value, "\n"])
        .collect()
}

/// Whether `signature` is `algorithm`'s RSA signature of `text` by `public_key` (an RSA public
/// key, DER, as in the certificate).
pub(super) fn check(
    public_key: &[u8],
    algorithm: Algorithm,
    text: &str,
    signature: &[u8],
) -> Result<(), SnsRefusal> {
    UnparsedPublicKey::new(algorithm.parameters(), public_key)
        .verify(text.as_bytes(), signature)
        .map_err(|_| SnsRefusal::BadSignature)
}

//! Amazon SNS deliveries over HTTP(S): which ones warroom believes.
//!
//! CloudWatch alarms reach warroom through an SNS topic that POSTs a JSON document to
//! `/alerts/sns`. Nothing in the request's headers proves who sent it: the proof is inside the
//! body, an RSA signature over some of its fields, made with a key whose certificate SNS serves
//! at the `SigningCertURL` the body names. So believing a delivery means fetching that
//! certificate, and the URL is chosen by whoever sent the request. This module decides, in this
//! order and before anything reaches a handler:
//!
//! 1. the body is one of SNS's three message types with the fields that type signs
//!    (`signature.rs` builds AWS's documented string to sign from them);
//! 2. its `TopicArn` is one warroom was configured to take alerts from, so a stranger's topic
//!    costs no request at all;
//! 3. its `SigningCertURL` is on SNS's own host, `https://sns.<region>.amazonaws.com/…pem`
//!    (or `.amazonaws.com.cn`), with no user name, no port and no other scheme, checked before
//!    any request (`certificate.rs`);
//! 4. the certificate fetched from there over verified TLS is within its validity period, and
//!    its RSA key verifies the signature (SHA-1 for `SignatureVersion` 1, SHA-256 for 2).
//!
//! The certificate's own chain is not checked: it is trusted because SNS's host served it over
//! TLS that the web PKI vouches for, which is the trust AWS's documentation asks for. Fetched
//! certificates are kept (up to 32 URLs, each fetched once however many deliveries name it at
//! the same moment), so an alarm storm costs one fetch.
//!
//! A genuine delivery sent again passes here (it is genuine); its `MessageId` is what the route
//! gives the inbox to refuse it a second time. A `SubscriptionConfirmation` is confirmed with
//! [`SnsVerifier::confirm`], which visits its `SubscribeURL` only on the same trusted hosts.
//!
//! Tests trust one more place: an https URL prefix on loopback and a CA of their own
//! ([`SnsTrust::extra_prefix`], [`SnsTrust::extra_root_pem`]).

mod certificate;
mod signature;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use certificate::{Certificates, Hosts};

/// What warroom trusts an SNS delivery from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnsTrust {
    /// The topic ARNs alerts may come from, exactly as SNS writes them
    /// (`arn:aws:sns:us-east-1:123456789012:alarms`).
    pub topics: Vec<String>,
    /// One more https URL prefix, ending in `/`, that certificates and subscription URLs may
    /// come from besides SNS's own hosts (`https://127.0.0.1:8443/` for a stand-in SNS).
    pub extra_prefix: Option<String>,
    /// PEM certificates of one more root CA for those fetches, for a stand-in SNS's TLS.
    pub extra_root_pem: Option<String>,
}

/// A delivery whose signature, certificate and topic were all checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnsMessage {
    /// Something published to the topic: for CloudWatch, the alarm as a JSON string.
    Notification {
        topic: String,
        message_id: String,
        subject: Option<String>,
        message: String,
    },
    /// SNS asks the endpoint to confirm a new subscription by visiting `subscribe_url`
    /// (see [`SnsVerifier::confirm`]).
    SubscriptionConfirmation {
        topic: String,
        subscribe_url: String,
    },
    /// The endpoint was unsubscribed from the topic; nothing more will come from it.
    UnsubscribeConfirmation { topic: String },
}

impl SnsMessage {
    /// The topic the message came from.
    pub fn topic(&self) -> &str {
        match self {
            SnsMessage::Notification { topic, .. }
            | SnsMessage::SubscriptionConfirmation { topic, .. }
            | SnsMessage::UnsubscribeConfirmation { topic } => topic,
        }
    }
}

/// Why a delivery (or a confirmation) was refused. Display is one sentence for the log, never
/// the body; [`SnsRefusal::reason`] is the metrics label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnsRefusal {
    #[error("the body is not an SNS message: {0}")]
    Malformed(String),
    #[error("the message carries no Signature, SignatureVersion or SigningCertURL")]
    Unsigned,
    #[error("the signature does not match the message")]
    BadSignature,
    #[error("the signing certificate is not trusted: {0}")]
    UntrustedCertificate(String),
    #[error("topic {0} is not one warroom takes alerts from")]
    WrongTopic(String),
    #[error("{0} is not supported")]
    Unsupported(String),
    #[error("the subscription URL is not trusted: {0}")]
    UntrustedUrl(String),
    /// SNS could not be reached or did not answer as it should; the delivery may be genuine.
    #[error("{0}")]
    Unavailable(String),
}

impl SnsRefusal {
    /// Every [`SnsRefusal::reason`], for registering the metric's labels up front.
    pub const REASONS: [&'static str; 8] = [
        "malformed",
        "unsigned",
        "bad_signature",
        "untrusted_certificate",
        "wrong_topic",
        "unsupported",
        "untrusted_url",
        "unavailable",
    ];

    /// A short label for metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            SnsRefusal::Malformed(_) => "malformed",
            SnsRefusal::Unsigned => "unsigned",
            SnsRefusal::BadSignature => "bad_signature",
            SnsRefusal::UntrustedCertificate(_) => "untrusted_certificate",
            SnsRefusal::WrongTopic(_) => "wrong_topic",
            SnsRefusal::Unsupported(_) => "unsupported",
            SnsRefusal::UntrustedUrl(_) => "untrusted_url",
            SnsRefusal::Unavailable(_) => "unavailable",
        }
    }

    /// Whether SNS should try again later: warroom could not reach SNS, so the delivery may be
    /// genuine. The route answers these with a 5xx (SNS retries those) and the rest with 4xx.
    pub fn retryable(&self) -> bool {
        matches!(self, SnsRefusal::Unavailable(_))
    }
}

/// Checks SNS deliveries against an [`SnsTrust`]; one per process, shared by every request, so
/// its certificate cache serves them all.
pub struct SnsVerifier {
    topics: HashSet<String>,
    hosts: Hosts,
    client: reqwest::Client,
    certificates: Certificates,
}

impl SnsVerifier {
    /// A verifier for `trust`, or a sentence saying what in it is wrong.
    pub fn new(trust: SnsTrust) -> Result<SnsVerifier, String> {
        if trust.topics.is_empty() {
            return Err("no SNS topic is allowed, so every delivery would be refused".to_string());
        }
        if let Some(topic) = trust.topics.iter().find(|t| !is_topic_arn(t)) {
            return Err(format!(
                "{} is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)",
                shown(topic)
            ));
        }
        let hosts = Hosts::new(trust.extra_prefix.as_deref())?;
        let client = certificate::client(trust.extra_root_pem.as_deref())?;
        Ok(SnsVerifier {
            topics: trust.topics.into_iter().collect(),
            hosts,
            client,
            certificates: Certificates::default(),
        })
    }

    /// The message in `body` if SNS sent it for an allowed topic; otherwise why not. A refusal
    /// for the topic, the shape or the certificate URL is made before any request.
    pub async fn verify(&self, body: &[u8]) -> Result<SnsMessage, SnsRefusal> {
        let signed = signature::read(body)?;
        if !self.topics.contains(signed.message.topic()) {
            return Err(SnsRefusal::WrongTopic(shown(signed.message.topic())));
        }
        let url = self.hosts.certificate_url(&signed.certificate_url)?;
        let key = self.certificates.get(&self.client, url).await?;
        let public_key = key.usable_at(chrono::Utc::now().timestamp())?;
        signature::check(
            public_key,
            signed.algorithm,
            &signed.text,
            &signed.signature,
        )?;
        Ok(signed.message)
    }

    /// Confirms a subscription by visiting its `SubscribeURL` (from a verified
    /// [`SnsMessage::SubscriptionConfirmation`]); a URL off SNS's hosts is refused unvisited.
    pub async fn confirm(&self, subscribe_url: &str) -> Result<(), SnsRefusal> {
        let url = self
            .hosts
            .check(subscribe_url)
            .map_err(|why| SnsRefusal::UntrustedUrl(format!("{} {why}", shown(subscribe_url))))?;
        let host = url.host_str().unwrap_or_default().to_string();
        let response = self.client.get(url).send().await.map_err(|e| {
            SnsRefusal::Unavailable(format!(
                "could not confirm the subscription at {host}: {}",
                certificate::explain(&e)
            ))
        })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SnsRefusal::Unavailable(format!(
                "SNS did not confirm the subscription: {host} answered {status}"
            )))
        }
    }
}

/// Whether `topic` reads as an SNS topic ARN in any partition (`aws`, `aws-cn`, `aws-us-gov`).
fn is_topic_arn(topic: &str) -> bool {
    let parts: Vec<&str> = topic.split(':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "sns"
        && parts[3..].iter().all(|p| !p.is_empty())
}

/// `text` quoted, escaped and cut to a length a log line can carry: what a sender wrote is
/// shown, never able to forge a log line or fill the log.
fn shown(text: &str) -> String {
    const MOST: usize = 120;
    match text.char_indices().nth(MOST) {
        Some((end, _)) => format!("{:?}…", &text[..end]),
        None => format!("{text:?}"),
    }
}

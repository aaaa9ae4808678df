//! Which deliveries are believed: signed as AWS documents, for the allowed topic, unaltered.

use serde_json::{Value, json};

use super::support::{Sns, TOPIC};
use crate::sns::signature::read;
use crate::sns::{SnsMessage, SnsRefusal};

/// A CloudWatch alarm as SNS carries it: JSON in a string, quotes, a newline and non-ASCII.
const ALARM: &str = "{\"AlarmName\":\"api-5xx\",\"NewStateValue\":\"ALARM\",\"NewStateReason\":\"Threshold Crossed: 1 datapoint [12.0] > 5.0\\nsee runbook\",\"Region\":\"EU (Zürich)\"}";

async fn verify(sns: &Sns, body: &Value) -> Result<SnsMessage, SnsRefusal> {
    sns.verifier.verify(body.to_string().as_bytes()).await
}

#[tokio::test]
async fn notifications_signed_with_either_version_are_believed() {
    let sns = Sns::start().await;
    for version in ["1", "2"] {
        for subject in [None, Some("ALARM: \"api-5xx\" in EU (Zürich)")] {
            let body = sns.notification(version, subject, ALARM);
            assert_eq!(
                verify(&sns, &body).await,
                Ok(SnsMessage::Notification {
                    topic: TOPIC.to_string(),
                    message_id: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324".to_string(),
                    subject: subject.map(str::to_string),
                    message: ALARM.to_string(),
                }),
                "version {version}, subject {subject:?}"
            );
        }
    }
}

#[tokio::test]
async fn confirmations_signed_with_either_version_are_believed() {
    let sns = Sns::start().await;
    for version in ["1", "2"] {
        let body = sns.confirmation("SubscriptionConfirmation", version);
        assert_eq!(
            verify(&sns, &body).await,
            Ok(SnsMessage::SubscriptionConfirmation {
                topic: TOPIC.to_string(),
                subscribe_url: sns.subscribe_url(),
            })
        );
        let body = sns.confirmation("UnsubscribeConfirmation", version);
        assert_eq!(
            verify(&sns, &body).await,
            Ok(SnsMessage::UnsubscribeConfirmation {
                topic: TOPIC.to_string()
            })
        );
    }
    // Believing a confirmation does not visit its SubscribeURL: only `confirm` does.
    assert!(
        !sns.requests()
            .iter()
            .any(|r| r.contains("ConfirmSubscription"))
    );
}

#[test]
fn the_string_to_sign_is_the_documented_one() {
    let text = |body: Value| read(body.to_string().as_bytes()).expect("readable").text;
    let notification = json!({
        "Type": "Notification", "MessageId": "m-1", "TopicArn": TOPIC, "Subject": "S",
        "Message": "line one\nline two", "Timestamp": "2026-03-01T12:00:00.000Z",
        "SignatureVersion": "1", "Signature": "AAAA", "SigningCertURL": "https://x/y.pem",
        "UnsubscribeURL": "https://x/?Action=Unsubscribe",
    });
    assert_eq!(
        text(notification.clone()),
        format!(
            "Message\nline one\nline two\nMessageId\nm-1\nSubject\nS\nTimestamp\n2026-03-01T12:00:00.000Z\nTopicArn\n{TOPIC}\nType\nNotification\n"
        )
    );
    let mut without_subject = notification;
    without_subject["Subject"].take();
    assert_eq!(
        text(without_subject),
        format!(
            "Message\nline one\nline two\nMessageId\nm-1\nTimestamp\n2026-03-01T12:00:00.000Z\nTopicArn\n{TOPIC}\nType\nNotification\n"
        ),
        "a null Subject is an absent one"
    );
    let confirmation = json!({
        "Type": "SubscriptionConfirmation", "MessageId": "m-2", "Token": "t", "TopicArn": TOPIC,
        "Message": "M", "SubscribeURL": "https://x/?Action=ConfirmSubscription",
        "Timestamp": "T", "SignatureVersion": "2", "Signature": "AAAA",
        "SigningCertURL": "https://x/y.pem",
    });
    assert_eq!(
        text(confirmation),
        format!(
            "Message\nM\nMessageId\nm-2\nSubscribeURL\nhttps://x/?Action=ConfirmSubscription\nTimestamp\nT\nToken\nt\nTopicArn\n{TOPIC}\nType\nSubscriptionConfirmation\n"
        )
    );
}

#[tokio::test]
async fn a_forged_signature_is_refused() {
    let sns = Sns::start().await;
    let mut body = sns.notification("2", None, ALARM);
    // A signature of the right length that SNS never made.
    body["Signature"] = json!(base64_of(&[0x5a; 256]));
    assert_eq!(verify(&sns, &body).await, Err(SnsRefusal::BadSignature));
    // A genuine SHA-1 signature presented as SHA-256, and the other way round.
    for (signed, claimed) in [("1", "2"), ("2", "1")] {
        let mut body = sns.notification(signed, None, ALARM);
        body["SignatureVersion"] = json!(claimed);
        assert_eq!(verify(&sns, &body).await, Err(SnsRefusal::BadSignature));
    }
}

#[tokio::test]
async fn an_altered_message_is_refused() {
    let sns = Sns::start().await;
    let signed = sns.notification("1", Some("ALARM"), ALARM);
    let alterations: [(&str, Value); 6] = [
        ("Message", json!(ALARM.replace("ALARM", "OK"))),
        ("Message", json!(format!("{ALARM} "))),
        ("Subject", json!("OK")),
        ("Subject", Value::Null),
        ("MessageId", json!("22b80b92-fdea-4c2c-8f9d-bdfb0c7bf325")),
        ("Timestamp", json!("2026-03-01T12:00:01.000Z")),
    ];
    for (field, value) in alterations {
        let mut body = signed.clone();
        body[field] = value.clone();
        assert_eq!(
            verify(&sns, &body).await,
            Err(SnsRefusal::BadSignature),
            "{field} = {value}"
        );
    }
    // A Subject added to a notification signed without one.
    let mut body = sns.notification("2", None, ALARM);
    body["Subject"] = json!("ALARM");
    assert_eq!(verify(&sns, &body).await, Err(SnsRefusal::BadSignature));

    let confirmation = sns.confirmation("SubscriptionConfirmation", "2");
    for (field, value) in [
        ("SubscribeURL", json!(format!("{}/?Action=Other", sns.base))),
        ("Token", json!("another")),
        ("Type", json!("UnsubscribeConfirmation")),
    ] {
        let mut body = confirmation.clone();
        body[field] = value;
        assert_eq!(
            verify(&sns, &body).await,
            Err(SnsRefusal::BadSignature),
            "{field}"
        );
    }
}

#[tokio::test]
async fn a_field_sns_does_not_sign_may_differ_and_is_never_handed_on() {
    let sns = Sns::start().await;
    let mut body = sns.notification("2", None, ALARM);
    body["UnsubscribeURL"] = json!("https://evil.example/");
    body["MessageAttributes"] = json!({});
    let message = verify(&sns, &body).await.expect("still genuine");
    assert!(!format!("{message:?}").contains("evil"));
}

#[tokio::test]
async fn an_unsigned_message_is_refused_without_a_request() {
    let sns = Sns::start().await;
    let signed = sns.notification("2", None, ALARM);
    for (field, value) in [
        ("Signature", Value::Null),
        ("Signature", json!("")),
        ("SignatureVersion", Value::Null),
        ("SigningCertURL", Value::Null),
    ] {
        let mut body = signed.clone();
        body[field] = value;
        assert_eq!(
            verify(&sns, &body).await,
            Err(SnsRefusal::Unsigned),
            "{field}"
        );
    }
    let mut body = signed;
    body.as_object_mut().expect("object").remove("Signature");
    assert_eq!(verify(&sns, &body).await, Err(SnsRefusal::Unsigned));
    assert_eq!(sns.connections(), 0);
}

#[tokio::test]
async fn an_unknown_signature_version_or_type_is_unsupported() {
    let sns = Sns::start().await;
    let mut body = sns.notification("3", None, ALARM);
    let refusal = verify(&sns, &body).await.expect_err("version 3");
    assert_eq!(refusal.reason(), "unsupported");
    assert_eq!(
        refusal.to_string(),
        "SignatureVersion \"3\" is not supported"
    );
    body["SignatureVersion"] = json!("2");
    body["Type"] = json!("Ping");
    sns.sign(&mut body);
    let refusal = verify(&sns, &body).await.expect_err("type Ping");
    assert_eq!(
        refusal.to_string(),
        "message Type \"Ping\" is not supported"
    );
    assert_eq!(sns.connections(), 0);
}

#[tokio::test]
async fn a_topic_not_allowed_is_refused_without_fetching_the_certificate() {
    let sns = Sns::start().await;
    let mut body = sns.notification("2", None, ALARM);
    body["TopicArn"] = json!("arn:aws:sns:us-east-1:123456789012:someone-else\nFORGED LOG LINE");
    sns.sign(&mut body);
    let refusal = verify(&sns, &body).await.expect_err("wrong topic");
    assert_eq!(refusal.reason(), "wrong_topic");
    assert!(!refusal.to_string().contains('\n'), "{refusal}");
    assert_eq!(sns.requests(), Vec::<String>::new());
    assert_eq!(sns.connections(), 0);
}

#[tokio::test]
async fn a_body_that_is_not_a_message_is_malformed() {
    let sns = Sns::start().await;
    let signed = sns.notification("2", None, ALARM);
    let mut bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"not json".to_vec(),
        b"[1, 2]".to_vec(),
        b"\"a string\"".to_vec(),
        vec![0xff, 0xfe, b'{'],
    ];
    for (field, value) in [
        ("MessageId", Value::Null),
        ("Message", json!(42)),
        ("Type", Value::Null),
        ("Signature", json!("not base64 at all!")),
        ("TopicArn", Value::Null),
    ] {
        let mut body = signed.clone();
        body[field] = value;
        bodies.push(body.to_string().into_bytes());
    }
    for body in bodies {
        let refusal = sns.verifier.verify(&body).await.expect_err("malformed");
        assert_eq!(refusal.reason(), "malformed", "{refusal}");
    }
    assert_eq!(sns.connections(), 0);
}

#[test]
fn every_refusal_has_a_listed_reason() {
    let refusals = [
        SnsRefusal::Malformed(String::new()),
        SnsRefusal::Unsigned,
        SnsRefusal::BadSignature,
        SnsRefusal::UntrustedCertificate(String::new()),
        SnsRefusal::WrongTopic(String::new()),
        SnsRefusal::Unsupported(String::new()),
        SnsRefusal::UntrustedUrl(String::new()),
        SnsRefusal::Unavailable(String::new()),
    ];
    let reasons: Vec<&str> = refusals.iter().map(SnsRefusal::reason).collect();
    assert_eq!(reasons, SnsRefusal::REASONS);
    let retryable: Vec<bool> = refusals.iter().map(SnsRefusal::retryable).collect();
    assert_eq!(
        retryable,
        [false, false, false, false, false, false, false, true]
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

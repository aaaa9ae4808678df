//! Seeded random damage to genuine deliveries: nothing panics, and whatever is still believed
//! says exactly what SNS signed.

use serde_json::{Value, json};

use super::support::Sns;
use crate::sns::SnsMessage;

/// One random change to `body`: bytes flipped, cut, repeated or inserted, or a field's value
/// replaced by another JSON value.
fn mutate(rng: &mut fastrand::Rng, body: &[u8], fields: &[&str]) -> Vec<u8> {
    let mut out = body.to_vec();
    let at = rng.usize(..=out.len());
    match rng.u8(..6) {
        0 if !out.is_empty() => {
            let i = rng.usize(..out.len());
            out[i] ^= 1 << rng.u8(..8);
        }
        1 => out.truncate(at),
        2 => {
            let end = rng.usize(at..=out.len());
            out.drain(at..end);
        }
        3 => {
            let noise: Vec<u8> = (0..rng.usize(1..8))
                .map(|_| {
                    *rng.choice(b"{}[]\",:\\ \nu0aZ\xc3\xa9\xff")
                        .expect("not empty")
                })
                .collect();
            out.splice(at..at, noise);
        }
        4 => {
            let end = rng.usize(at..=out.len());
            let copy = out[at..end].to_vec();
            out.splice(end..end, copy);
        }
        _ => {
            let mut value: Value = serde_json::from_slice(body).expect("a genuine body is JSON");
            let field = *rng.choice(fields).expect("fields");
            value[field] = match rng.u8(..6) {
                0 => Value::Null,
                1 => json!(rng.i64(..)),
                2 => json!([1, "two"]),
                3 => json!({ "nested": true }),
                4 => json!(""),
                _ => json!(format!("{}\u{0}é", rng.u32(..))),
            };
            out = value.to_string().into_bytes();
        }
    }
    out
}

#[tokio::test]
async fn damaged_deliveries_never_panic_and_never_change_what_is_believed() {
    let sns = Sns::start().await;
    let genuine = [
        sns.notification("1", Some("ALARM"), "{\"AlarmName\":\"api-5xx\"}"),
        sns.notification("2", None, "plain text"),
        sns.confirmation("SubscriptionConfirmation", "2"),
        sns.confirmation("UnsubscribeConfirmation", "1"),
    ];
    let fields = [
        "Type",
        "MessageId",
        "Token",
        "TopicArn",
        "Subject",
        "Message",
        "SubscribeURL",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
    ];
    for seed in 0..4u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        for _ in 0..300 {
            let original = rng.choice(&genuine).expect("genuine bodies");
            let believed: SnsMessage = sns
                .verifier
                .verify(original.to_string().as_bytes())
                .await
                .expect("a genuine body is believed");
            let damaged = mutate(&mut rng, original.to_string().as_bytes(), &fields);
            if let Ok(message) = sns.verifier.verify(&damaged).await {
                assert_eq!(
                    message,
                    believed,
                    "seed {seed}: {}",
                    String::from_utf8_lossy(&damaged)
                );
            }
        }
    }
}

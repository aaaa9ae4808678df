//! Where certificates come from, how often they are fetched, and confirming subscriptions.

use futures_util::future::join_all;
use serde_json::json;

use super::support::{CERT_PATH, EXPIRED_PATH, FUTURE_PATH, Sns, TOPIC};
use crate::sns::{SnsRefusal, SnsTrust, SnsVerifier};

#[tokio::test]
async fn the_certificate_is_fetched_once_for_a_storm_of_messages() {
    let sns = Sns::start().await;
    let bodies: Vec<String> = (0..40)
        .map(|i| {
            let version = if i % 2 == 0 { "1" } else { "2" };
            sns.notification(version, None, &format!("alarm {i}"))
                .to_string()
        })
        .collect();
    // The first twenty arrive together, before anything is cached.
    let storm = join_all(
        bodies[..20]
            .iter()
            .map(|b| sns.verifier.verify(b.as_bytes())),
    )
    .await;
    assert!(storm.iter().all(Result::is_ok), "{storm:?}");
    for body in &bodies[20..] {
        sns.verifier.verify(body.as_bytes()).await.expect("genuine");
    }
    assert_eq!(sns.requests(), vec![CERT_PATH.to_string()]);
}

#[tokio::test]
async fn an_expired_or_not_yet_valid_certificate_is_refused() {
    let sns = Sns::start().await;
    for (path, why) in [
        (EXPIRED_PATH, "it has expired"),
        (FUTURE_PATH, "it is not valid yet"),
    ] {
        let mut body = sns.notification("2", None, "alarm");
        body["SigningCertURL"] = json!(format!("{}{path}", sns.base));
        sns.sign(&mut body);
        let refusal = sns
            .verifier
            .verify(body.to_string().as_bytes())
            .await
            .expect_err("not valid now");
        assert_eq!(
            refusal,
            SnsRefusal::UntrustedCertificate(why.to_string()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_certificate_url_off_the_trusted_hosts_is_refused_without_a_request() {
    let sns = Sns::start().await;
    let authority = sns.base.trim_start_matches("https://");
    let urls = [
        format!("http://{authority}{CERT_PATH}"),
        "https://evil.example/SimpleNotificationService-0123.pem".to_string(),
        "https://sns.us-east-1.amazonaws.com@evil.example/SimpleNotificationService-0123.pem"
            .to_string(),
        format!("https://sns.us-east-1.amazonaws.com@{authority}{CERT_PATH}"),
        format!("https://user:password@{authority}{CERT_PATH}"),
        format!("https://{authority}/certificate.txt"),
        format!("https://{authority}{CERT_PATH}?x=1"),
        format!("file:///etc/ssl{CERT_PATH}"),
        "not a url".to_string(),
    ];
    for url in urls {
        let mut body = sns.notification("2", None, "alarm");
        body["SigningCertURL"] = json!(url);
        sns.sign(&mut body);
        let refusal = sns
            .verifier
            .verify(body.to_string().as_bytes())
            .await
            .expect_err("untrusted");
        assert_eq!(
            refusal.reason(),
            "untrusted_certificate",
            "{url}: {refusal}"
        );
    }
    assert_eq!(sns.connections(), 0);
}

#[tokio::test]
async fn a_certificate_not_served_is_refused_and_asked_for_again_next_time() {
    let sns = Sns::start().await;
    let missing = "/SimpleNotificationService-missing.pem";
    let mut body = sns.notification("2", None, "alarm");
    body["SigningCertURL"] = json!(format!("{}{missing}", sns.base));
    sns.sign(&mut body);
    for _ in 0..2 {
        let refusal = sns
            .verifier
            .verify(body.to_string().as_bytes())
            .await
            .expect_err("not served");
        assert_eq!(refusal.reason(), "untrusted_certificate", "{refusal}");
    }
    assert_eq!(
        sns.requests(),
        vec![missing.to_string(), missing.to_string()]
    );
}

#[tokio::test]
async fn an_unreachable_sns_is_a_refusal_to_retry() {
    let sns = Sns::start().await;
    // A loopback port with nothing listening on it.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .local_addr()
        .expect("address");
    let verifier = SnsVerifier::new(SnsTrust {
        topics: vec![TOPIC.to_string()],
        extra_prefix: Some(format!("https://{closed}/")),
        extra_root_pem: None,
    })
    .expect("a verifier");
    let mut body = sns.notification("2", None, "alarm");
    body["SigningCertURL"] = json!(format!("https://{closed}{CERT_PATH}"));
    sns.sign(&mut body);
    let refusal = verifier
        .verify(body.to_string().as_bytes())
        .await
        .expect_err("unreachable");
    assert!(refusal.retryable(), "{refusal}");
    assert_eq!(refusal.reason(), "unavailable");
}

#[tokio::test]
async fn confirm_visits_the_subscribe_url_once() {
    let sns = Sns::start().await;
    sns.verifier
        .confirm(&sns.subscribe_url())
        .await
        .expect("confirmed");
    let expected = sns.subscribe_url().replace(&sns.base, "");
    assert_eq!(sns.requests(), vec![expected]);
}

#[tokio::test]
async fn confirm_refuses_an_untrusted_url_without_a_request() {
    let sns = Sns::start().await;
    let authority = sns.base.trim_start_matches("https://");
    let query = "?Action=ConfirmSubscription&Token=t";
    for url in [
        format!("http://{authority}/{query}"),
        format!("https://user@{authority}/{query}"),
        format!("https://evil.example/{query}"),
        format!("https://sns.us-east-1.amazonaws.com@evil.example/{query}"),
        format!("https://sns.us-east-1.amazonaws.com:8443/{query}"),
    ] {
        let refusal = sns.verifier.confirm(&url).await.expect_err("untrusted");
        assert_eq!(refusal.reason(), "untrusted_url", "{url}: {refusal}");
    }
    assert_eq!(sns.connections(), 0);
}

#[tokio::test]
async fn confirm_reports_sns_turning_it_down() {
    let sns = Sns::start().await;
    let url = format!("{}/gone?Action=ConfirmSubscription", sns.base);
    let refusal = sns.verifier.confirm(&url).await.expect_err("404");
    assert_eq!(refusal.reason(), "unavailable");
    assert!(refusal.to_string().contains("404"), "{refusal}");
    assert_eq!(
        sns.requests(),
        vec!["/gone?Action=ConfirmSubscription".to_string()]
    );
}

#[test]
fn a_trust_that_cannot_work_is_refused_with_a_sentence() {
    let trust = |topics: &[&str], prefix: Option<&str>, pem: Option<&str>| SnsTrust {
        topics: topics.iter().map(|t| t.to_string()).collect(),
        extra_prefix: prefix.map(str::to_string),
        extra_root_pem: pem.map(str::to_string),
    };
    crate::server::install_crypto_provider();
    assert!(SnsVerifier::new(trust(&[TOPIC], None, None)).is_ok());
    assert!(SnsVerifier::new(trust(&["arn:aws-cn:sns:cn-north-1:1:a"], None, None)).is_ok());
    for refused in [
        trust(&[], None, None),
        trust(&["warroom-alerts"], None, None),
        trust(&["arn:aws:sqs:us-east-1:123456789012:q"], None, None),
        trust(&[TOPIC], Some("http://127.0.0.1:8443/"), None),
        trust(&[TOPIC], Some("https://127.0.0.1:8443/alerts"), None),
        trust(&[TOPIC], Some("https://user@127.0.0.1:8443/"), None),
        trust(&[TOPIC], Some("https://127.0.0.1:8443/?q/"), None),
        trust(&[TOPIC], None, Some("not a certificate")),
    ] {
        let why = SnsVerifier::new(refused.clone()).err();
        let why = why.unwrap_or_else(|| panic!("accepted {refused:?}"));
        assert!(!why.is_empty() && !why.contains('\n'), "{why}");
    }
}

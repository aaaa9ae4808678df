use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use sha2_next::Sha256;

use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, value.parse().unwrap());
    }
    map
}

fn credentials() -> Credentials {
    Credentials {
        token: Some("s3cret-token".into()),
        basic: Some(("am".into(), "pw".into())),
    }
}

#[test]
fn alertmanager_needs_its_bearer_token_or_basic_auth() {
    let auth = AlertmanagerAuth(credentials());
    let now = 1_800_000_000;
    let ok = |h: &[(&'static str, &str)]| auth.check(&headers(h), b"{}", now);
    assert!(ok(&[("authorization", "Bearer s3cret-token")]).is_ok());
    // "am:pw" in base64.
    assert!(ok(&[("authorization", "Basic YW06cHc=")]).is_ok());
    assert_eq!(ok(&[]), Err(Rejection::MissingHeaders));
    for wrong in [
        "Bearer s3cret-toke",
        "Bearer ",
        "Basic YW06cHd4",
        "Token s3cret-token",
    ] {
        assert_eq!(
            ok(&[("authorization", wrong)]),
            Err(Rejection::BadSignature),
            "{wrong}"
        );
    }
    // Every accepted request has a key of its own: a repeat of the same group is not a replay.
    let a = ok(&[("authorization", "Bearer s3cret-token")]).unwrap();
    let b = ok(&[("authorization", "Bearer s3cret-token")]).unwrap();
    assert_ne!(a, b);
}

fn grafana_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}:").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn grafana_is_verified_by_its_hmac_over_the_timestamp_and_body() {
    let auth = GrafanaAuth {
        secret: Some("grafana-secret".into()),
        signature_header: "x-grafana-alerting-signature".into(),
        timestamp_header: Some("x-grafana-alerting-timestamp".into()),
        credentials: Credentials::default(),
    };
    let now = 1_800_000_000;
    let body = br#"{"version":"1","alerts":[]}"#;
    let at = now.to_string();
    let good = grafana_signature("grafana-secret", &at, body);
    let check = |sig: &str, ts: &str, body: &[u8]| {
        auth.check(
            &headers(&[
                ("x-grafana-alerting-signature", sig),
                ("x-grafana-alerting-timestamp", ts),
            ]),
            body,
            now,
        )
    };
    assert!(check(&good, &at, body).is_ok());
    assert_eq!(
        check(&good, &at, b"{}"),
        Err(Rejection::BadSignature),
        "altered body"
    );
    let forged = grafana_signature("other", &at, body);
    assert_eq!(
        check(&forged, &at, body),
        Err(Rejection::BadSignature),
        "forged"
    );
    let old = (now - 3600).to_string();
    let stale = grafana_signature("grafana-secret", &old, body);
    assert_eq!(check(&stale, &old, body), Err(Rejection::Stale));
    assert_eq!(
        auth.check(&headers(&[]), body, now),
        Err(Rejection::MissingHeaders)
    );
}

#[test]
fn an_events_sender_needs_a_known_routing_key() {
    let auth = EventsAuth {
        routing_keys: vec!["R0KEY1".into(), "R0KEY2".into()],
    };
    let check = |body: &[u8]| auth.check(&HeaderMap::new(), body, 0);
    assert!(check(br#"{"routing_key":"R0KEY2","event_action":"trigger"}"#).is_ok());
    assert_eq!(
        check(br#"{"routing_key":"R0KEY3","event_action":"trigger"}"#),
        Err(Rejection::BadSignature)
    );
    assert_eq!(check(b"not json"), Err(Rejection::MissingHeaders));
}

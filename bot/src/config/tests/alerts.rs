//! `[alerts]`: the SNS keys (`/alerts/sns` opens only with topics, and each mistake is reported
//! under the key that makes it, in the verifier's own words) and a route's `auto_resolve`.

use super::*;

const TOPIC: &str = "arn:aws:sns:eu-central-1:123456789012:warroom-alarms";

#[test]
fn sns_topics_open_the_route_and_the_test_trust_is_read_from_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let pem = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&rcgen::KeyPair::generate().unwrap())
        .unwrap()
        .pem();
    std::fs::write(&ca, &pem).unwrap();
    let config = load(&format!(
        r#"
        [alerts]
        sns_topics = ["{TOPIC}"]
        sns_trust_prefix = "https://127.0.0.1:8443/"
        sns_trust_root = "{}"
        "#,
        ca.display()
    ))
    .unwrap();
    let trust = config.alerts.sns.clone().expect("SNS is trusted");
    assert_eq!(trust.topics, [TOPIC]);
    assert_eq!(
        trust.extra_prefix.as_deref(),
        Some("https://127.0.0.1:8443/")
    );
    assert_eq!(trust.extra_root_pem.as_deref(), Some(pem.as_str()));
    assert!(config.alerts.sources().contains(&"/alerts/sns"));

    let closed = load("[alerts]\ntoken = \"t\"\n").unwrap();
    assert_eq!(closed.alerts.sns, None);
    assert!(!closed.alerts.sources().contains(&"/alerts/sns"));
}

#[test]
fn each_sns_mistake_is_reported_under_its_own_key() {
    let bad_arn = problems("[alerts]\nsns_topics = [\"arn:aws:sqs:eu-central-1:1:q\"]\n");
    assert_eq!(paths(&bad_arn), ["alerts.sns_topics"]);
    assert!(
        bad_arn[0].message.contains("is not an SNS topic ARN"),
        "{}",
        bad_arn[0].message
    );

    let http_prefix = problems(&format!(
        "[alerts]\nsns_topics = [\"{TOPIC}\"]\nsns_trust_prefix = \"http://127.0.0.1:8443/\"\n"
    ));
    assert_eq!(paths(&http_prefix), ["alerts.sns_trust_prefix"]);

    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    let bad_root = problems(&format!(
        "[alerts]\nsns_topics = [\"{TOPIC}\"]\nsns_trust_root = \"{}\"\n",
        not_pem.display()
    ));
    assert_eq!(paths(&bad_root), ["alerts.sns_trust_root"]);

    let missing = dir.path().join("missing.pem");
    let unreadable = problems(&format!(
        "[alerts]\nsns_topics = [\"{TOPIC}\"]\nsns_trust_root = \"{}\"\n",
        missing.display()
    ));
    assert_eq!(paths(&unreadable), ["alerts.sns_trust_root"]);
    assert!(
        unreadable[0].message.starts_with("Cannot read "),
        "{}",
        unreadable[0].message
    );

    let without_topics = problems("[alerts]\nsns_trust_prefix = \"https://127.0.0.1:8443/\"\n");
    assert_eq!(paths(&without_topics), ["alerts.sns_topics"]);
}

#[test]
fn auto_resolve_is_a_quiet_period_of_a_declaring_route() {
    let route = |extra: &str| {
        format!(
            "[alerts]\n[[alerts.routes]]\nname = \"api\"\nmatch = ['service=\"api\"']\nchannel = \"slack:C0INC\"\n{extra}\n"
        )
    };
    let config = load(&route("auto_resolve = \"30m\"")).unwrap();
    assert_eq!(
        config.alerts.routes.routes[0].auto_resolve,
        Some(chrono::TimeDelta::minutes(30))
    );
    assert_eq!(
        load(&route("")).unwrap().alerts.routes.routes[0].auto_resolve,
        None
    );

    let bad = problems(&route("auto_resolve = \"soon\""));
    assert_eq!(paths(&bad), ["alerts.routes[0].auto_resolve"]);
    let posting = problems(&route("declare = false\nauto_resolve = \"30m\""));
    assert_eq!(paths(&posting), ["alerts.routes[0].auto_resolve"]);
    assert!(
        posting[0].message.contains("only posts opens no incident"),
        "{}",
        posting[0].message
    );
}

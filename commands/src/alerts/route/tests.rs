use std::collections::BTreeMap;

use super::*;
use crate::Platform;
use crate::alerts::{AlertState, Source};

fn alert(labels: &[(&str, &str)]) -> Alert {
    Alert {
        source: Source::Alertmanager,
        key: "k".into(),
        group: "g".into(),
        state: AlertState::Firing,
        name: labels
            .iter()
            .find(|(k, _)| *k == "alertname")
            .map_or("A", |(_, v)| v)
            .to_string(),
        summary: "s".into(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        annotations: BTreeMap::new(),
        starts_at: None,
        ends_at: None,
        links: Vec::new(),
    }
}

fn route(name: &str, matchers: &[&str]) -> AlertRoute {
    AlertRoute {
        name: name.into(),
        matchers: matchers
            .iter()
            .map(|m| Matcher::parse(m).unwrap())
            .collect(),
        service: None,
        channel: ChannelRef::new(Platform::Slack, "", "C0INC"),
        severity: Severity::P3,
        severities: default_severities(),
        action: RouteAction::Declare,
        auto_resolve: None,
    }
}

#[test]
fn matchers_compare_as_alertmanager_does() {
    let api = alert(&[("service", "api"), ("alertname", "HighErrorRate")]);
    for (matcher, holds) in [
        (r#"service="api""#, true),
        (r#"service!="api""#, false),
        (r#"alertname=~"High.*""#, true),
        (r#"alertname=~"High""#, false),
        (r#"team!~"db|net""#, true),
        (r#"team="""#, true),
    ] {
        assert_eq!(
            Matcher::parse(matcher).unwrap().holds(&api),
            holds,
            "{matcher}"
        );
    }
    for bad in ["service", "=\"api\"", "service=~\"(\"", "ser vice=\"x\""] {
        assert!(Matcher::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_first_route_that_holds_takes_the_alert_at_its_mapped_severity() {
    let routes = AlertRoutes {
        routes: vec![
            route("db", &[r#"service="db""#]),
            route("api", &[r#"service="api""#]),
        ],
        ..AlertRoutes::default()
    };
    let critical = alert(&[("service", "api"), ("severity", "critical")]);
    let taken = routes.route(&critical).unwrap();
    assert_eq!(taken.name, "api");
    assert_eq!(taken.severity_of(&critical), Severity::P1);
    assert_eq!(
        taken.severity_of(&alert(&[("service", "api")])),
        Severity::P3
    );
    assert!(routes.route(&alert(&[("service", "web")])).is_none());
}

#[test]
fn routes_that_can_never_match_are_named() {
    let routes = AlertRoutes {
        routes: vec![
            route("api", &[r#"service="api""#]),
            route(
                "api-critical",
                &[r#"service="api""#, r#"severity="critical""#],
            ),
            route("both", &[r#"env="prod""#, r#"env="dev""#]),
            route("rest", &[]),
            route("after-rest", &[r#"team="db""#]),
        ],
        ..AlertRoutes::default()
    };
    let found: Vec<usize> = routes.never_match().into_iter().map(|(i, _)| i).collect();
    assert_eq!(found, vec![1, 2, 4]);
}

//! `[access]` and the services it is scoped by, read into the core's access policy and
//! catalog; every problem in them reported at once.

use chrono::TimeDelta;
use warroom_commands::access::{AccessPolicy, Approval, Grant, Principal, Risk, Role, Rule, Scope};
use warroom_commands::services::ArgvAction;

use super::*;

#[test]
fn no_access_section_allows_incidents_only() {
    assert_eq!(load("").unwrap().access, AccessPolicy::incidents_only());
}

#[test]
fn access_and_services_parse_into_the_core_types() {
    let config = load(
        r#"
[access]
confirm_operate = true
confirmation_ttl = "2m"
[access.roles]
oncall = ["console:alice", "slack:S0ONCALL"]
[[access.rules]]
role = "oncall"
allow = ["destructive", "run"]
environments = ["staging"]
services = ["*"]
approval = "self"
[services.web]
environment = "staging"
[services.web.actions.restart]
argv = ["systemctl", "restart", "web"]
risk = "operate"
timeout = "30s"
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        config.access,
        AccessPolicy {
            roles: vec![Role {
                name: "oncall".into(),
                members: vec![
                    Principal::parse("console:alice").unwrap(),
                    Principal::parse("slack:S0ONCALL").unwrap(),
                ],
            }],
            rules: vec![Rule {
                role: "oncall".into(),
                allow: vec![Grant::Risk(Risk::Destructive), Grant::Command("run".into())],
                services: Scope::Any,
                environments: Scope::Only(vec!["staging".into()]),
                channels: Scope::Any,
                approval: Approval::SelfApprove,
            }],
            confirm_operate: true,
            confirmation_ttl: TimeDelta::minutes(2),
        }
    );
    let web = &config.services.services["web"];
    assert_eq!(web.environment, "staging");
    assert_eq!(
        web.actions["restart"],
        ArgvAction {
            name: "restart".into(),
            argv: vec!["systemctl".into(), "restart".into(), "web".into()],
            risk: Risk::Operate,
            description: String::new(),
            timeout: TimeDelta::seconds(30),
        }
    );
}

#[test]
fn every_access_and_service_problem_is_reported_at_once() {
    let err = load(
        r#"
[access]
confirmation_ttl = "soon"
[access.roles]
oncall = ["alice", "irc:bob"]
[[access.rules]]
role = "oncal"
allow = ["destroy"]
services = ["payments"]
environments = ["prod"]
channels = ["ops"]
approval = "maybe"
[[access.rules]]
allow = []
[services.Api]
[services.web]
environment = "production"
[services.web.actions.bad]
argv = []
risk = "dangerous"
timeout = "1x"
"#,
    )
    .unwrap_err();
    let text = err.to_string();
    for expected in [
        "access.confirmation_ttl: `soon` is not a duration",
        "access.roles.oncall[0]: `alice` is not a member",
        "access.roles.oncall[1]: `irc` in `irc:bob` is not a platform",
        "access.rules[0].role: role `oncal` is not defined under [access.roles] (did you mean `oncall`?)",
        "access.rules[0].allow: `destroy` is neither a risk class",
        "access.rules[0].services: service `payments` is not configured",
        "access.rules[0].environments: no service is in environment `prod`",
        "access.rules[0].channels:",
        "access.rules[0].approval: `maybe` is not an approval",
        "access.rules[1].role: is required",
        "access.rules[1].allow: is required",
        "services.Api: `Api`: names are lowercase",
        "services.Api.environment: is required",
        "services.web.actions.bad.argv: is required",
        "services.web.actions.bad.risk: `dangerous` is not a risk class",
        "services.web.actions.bad.timeout: `1x` is not a duration",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

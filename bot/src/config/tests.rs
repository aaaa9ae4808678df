//! Loading as an operator meets it: what a file says, what warroom answers.

use chrono::TimeDelta;
use warroom_commands::access::{AccessPolicy, Approval, Grant, Principal, Risk, Role, Rule, Scope};
use warroom_commands::incident::{SeverityPolicy, Target};
use warroom_commands::services::ArgvAction;

use super::*;

const EXAMPLE: &str = include_str!("../../../config.example.toml");

fn no_env(_: &str) -> Option<String> {
    None
}

fn load(text: &str) -> Result<Config, ConfigError> {
    load_str_with_env(text, "warroom.toml", &no_env)
}

fn problems(text: &str) -> Vec<Problem> {
    load(text).expect_err("the text has problems").problems
}

fn paths(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.path.as_str()).collect()
}

#[test]
fn an_empty_file_gives_the_runbook_defaults() {
    let config = load("").unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.server.listen, "127.0.0.1:8080");
    assert_eq!(config.database.url, "sqlite://warroom.db");
    assert_eq!(config.database.kind(), Some(DatabaseKind::Sqlite));
    assert_eq!(config.severity_policy(), SeverityPolicy::default());
}

#[test]
fn the_example_file_loads_and_states_the_defaults() {
    let config = load_str_with_env(EXAMPLE, "config.example.toml", &no_env)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(config.server, Config::default().server);
    assert_eq!(config.database, Config::default().database);
    assert_eq!(config.severity, Config::default().severity);
    assert_eq!(config.severity_policy(), SeverityPolicy::default());

    // The example ships the two-person rule for production and self-approval in staging.
    let policy = config.access_policy();
    let destructive = |env: &str| {
        policy
            .rules
            .iter()
            .find(|r| {
                r.allow.contains(&Grant::Risk(Risk::Destructive))
                    && r.environments == Scope::Only(vec![env.to_string()])
            })
            .map(|r| r.approval)
    };
    assert_eq!(destructive("production"), Some(Approval::SecondPerson));
    assert_eq!(destructive("staging"), Some(Approval::SelfApprove));
    let catalog = config.service_catalog();
    assert_eq!(
        catalog.services["api"].actions["rollback"].risk,
        Risk::Destructive
    );
    assert_eq!(catalog.services["api"].actions["pods"].risk, Risk::Read);
}

#[test]
fn no_access_section_allows_incidents_only() {
    assert_eq!(
        load("").unwrap().access_policy(),
        AccessPolicy::incidents_only()
    );
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
        config.access_policy(),
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
    let web = &config.service_catalog().services["web"];
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

#[test]
fn the_example_file_documents_every_key() {
    let example: toml::Table = EXAMPLE.parse().unwrap();
    for path in schema::text_keys() {
        let mut value = Some(&example);
        let (leaf, tables) = path
            .rsplit_once('.')
            .map_or((path.as_str(), ""), |(t, l)| (l, t));
        for table in tables.split('.').filter(|t| !t.is_empty()) {
            value = value.and_then(|v| v.get(table)).and_then(|v| v.as_table());
        }
        // An optional key whose example must stay off is documented commented out.
        let commented = value.is_some() && EXAMPLE.contains(&format!("# {leaf} = "));
        assert!(
            value.is_some_and(|t| t.contains_key(leaf)) || commented,
            "config.example.toml does not document `{path}`"
        );
    }
}

#[test]
fn values_are_read_into_their_types() {
    let config = load(
        r#"
        [server]
        listen = "0.0.0.0:9090"
        [database]
        url = "postgres://warroom:secret@db/warroom"
        [severity.p3]
        update_every = "2h"
        postmortem_due = "1w"
        [severity.p4]
        respond = "1d"
        "#,
    )
    .unwrap();
    assert_eq!(
        config.server.listen_addr(),
        Ok("0.0.0.0:9090".parse().unwrap())
    );
    assert_eq!(config.database.kind(), Some(DatabaseKind::Postgres));
    let policy = config.severity_policy();
    assert_eq!(policy.p3.update_every, Some(TimeDelta::hours(2)));
    assert_eq!(policy.p3.postmortem_due, Some(TimeDelta::weeks(1)));
    assert_eq!(policy.p4.respond, Target::Within(TimeDelta::days(1)));
    assert_eq!(policy.p4.acknowledge, Target::NextBusinessDay);
}

#[test]
fn a_level_given_in_part_keeps_its_other_defaults() {
    let config = load("[severity.p1]\nacknowledge = \"10m\"\n").unwrap();
    let defaults = SeverityPolicy::default();
    let policy = config.severity_policy();
    assert_eq!(
        policy.p1.acknowledge,
        Target::Within(TimeDelta::minutes(10))
    );
    assert_eq!(policy.p1.description, "Service down");
    assert_eq!(policy.p1.respond, defaults.p1.respond);
    assert_eq!(policy.p1.update_every, Some(TimeDelta::minutes(30)));
    assert_eq!(policy.p1.postmortem_due, Some(TimeDelta::hours(48)));
    assert_eq!(
        (&policy.p2, &policy.p3, &policy.p4),
        (&defaults.p2, &defaults.p3, &defaults.p4)
    );
}

#[test]
fn none_turns_off_updates_and_post_mortems() {
    let policy = load("[severity.p1]\nupdate_every = \"none\"\npostmortem_due = \"none\"\n")
        .unwrap()
        .severity_policy();
    assert_eq!(policy.p1.update_every, None);
    assert_eq!(policy.p1.postmortem_due, None);
}

#[test]
fn environment_references_are_replaced_anywhere() {
    let env = |name: &str| match name {
        "PGPASSWORD" => Some("s3cret".to_string()),
        "PGHOST" => Some("db.internal".to_string()),
        "PORT" => Some("9000".to_string()),
        "SERVICE_DOWN" => Some("Checkout down".to_string()),
        _ => None,
    };
    let config = load_str_with_env(
        r#"
        server.listen = "0.0.0.0:${PORT}"
        database.url = "postgres://warroom:${PGPASSWORD}@${PGHOST}/warroom"
        severity.p1.description = "${SERVICE_DOWN}"
        "#,
        "warroom.toml",
        &env,
    )
    .unwrap();
    assert_eq!(config.server.listen, "0.0.0.0:9000");
    assert_eq!(
        config.database.url,
        "postgres://warroom:s3cret@db.internal/warroom"
    );
    assert_eq!(config.severity.p1.description, "Checkout down");
}

#[test]
fn a_missing_variable_is_reported_under_its_key() {
    let problems = problems(
        r#"
        [database]
        url = "postgres://warroom:${PGPASSWORD}@db/warroom"
        [slack]
        bot_token = "${SLACK_BOT_TOKEN}"
        "#,
    );
    assert_eq!(paths(&problems), ["database.url", "slack.bot_token"]);
    assert!(
        problems[0]
            .to_string()
            .starts_with("database.url: environment variable PGPASSWORD is not set;"),
        "{problems:?}"
    );
    assert!(
        problems[1]
            .to_string()
            .starts_with("slack.bot_token: environment variable SLACK_BOT_TOKEN is not set;"),
        "{problems:?}"
    );
}

#[test]
fn every_unknown_key_is_reported_at_once_with_its_full_path() {
    let problems = problems(
        r#"
        [server]
        lisen = "0.0.0.0:8080"
        [severity.p2]
        acknowlege = "30m"
        [teams]
        mode = "http"
        "#,
    );
    assert_eq!(
        problems,
        [
            Problem::new(
                "server.lisen",
                "unknown key (did you mean `server.listen`?); rename or remove it."
            ),
            Problem::new(
                "severity.p2.acknowlege",
                "unknown key (did you mean `severity.p2.acknowledge`?); rename or remove it."
            ),
            Problem::new(
                "teams",
                "unknown key; remove it or correct its name (config.example.toml lists every key)."
            ),
        ]
    );
}

#[test]
fn bad_values_are_reported_together_with_unknown_keys() {
    let err = load(
        r#"
        [server]
        listen = "localhost:8080"
        lisen = "0.0.0.0:8080"
        [database]
        url = "mysql://root:hunter2@db/warroom"
        [severity.p1]
        acknowledge = "5x"
        update_every = 30
        [severity.p4]
        respond = "none"
        "#,
    )
    .unwrap_err();
    assert_eq!(
        paths(&err.problems),
        [
            "server.lisen",
            "server.listen",
            "database.url",
            "severity.p1.acknowledge",
            "severity.p1.update_every",
            "severity.p4.respond",
        ]
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with("warroom.toml has 6 problems:\n  - server.lisen: "),
        "{shown}"
    );
    for line in [
        "  - server.listen: `localhost:8080` is not an IP address and port; write it like \
         127.0.0.1:8080, or 0.0.0.0:8080 to listen on every interface.",
        "  - database.url: `mysql://root:***@db/warroom` is not a database URL warroom can use; \
         write sqlite://warroom.db (a file) or postgres://USER:PASSWORD@HOST/DATABASE.",
        "  - severity.p1.acknowledge: `5x` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or \
         1h30m, or next-business-day.",
        "  - severity.p1.update_every: expected text but found an integer; write it in double \
         quotes, like \"30m\".",
        "  - severity.p4.respond: `none` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or \
         1h30m, or next-business-day.",
        "  - server.lisen: unknown key (did you mean `server.listen`?); rename or remove it.",
    ] {
        assert!(
            shown.lines().any(|l| l == line),
            "missing {line:?} in\n{shown}"
        );
    }
    assert!(!shown.contains("hunter2"), "a password leaked: {shown}");
}

#[test]
fn a_section_that_is_not_a_table_is_reported() {
    let problems = problems("server = \"0.0.0.0:8080\"\nseverity.p1 = \"15m\"\n");
    assert_eq!(paths(&problems), ["server", "severity.p1"]);
    assert!(
        problems[0]
            .message
            .starts_with("expected a table but found a string;")
    );
}

#[test]
fn database_url_in_the_environment_overrides_the_file() {
    let env = |name: &str| (name == "DATABASE_URL").then(|| "postgres://u:p@db/warroom".into());
    let config = load_str_with_env(
        "[database]\nurl = \"sqlite://other.db\"\n",
        "warroom.toml",
        &env,
    )
    .unwrap();
    assert_eq!(config.database.url, "postgres://u:p@db/warroom");

    let defaults = load_str_with_env("", BUILT_IN_DEFAULTS, &env).unwrap();
    assert_eq!(defaults.database.url, "postgres://u:p@db/warroom");
}

#[test]
fn an_empty_database_url_in_the_environment_is_ignored() {
    let env = |name: &str| (name == "DATABASE_URL").then(String::new);
    let config = load_str_with_env("", BUILT_IN_DEFAULTS, &env).unwrap();
    assert_eq!(config.database.url, "sqlite://warroom.db");
}

#[test]
fn a_database_url_in_the_environment_is_checked_too() {
    let env = |name: &str| (name == "DATABASE_URL").then(|| "mysql://u:pw@db/warroom".into());
    let err = load_str_with_env("", BUILT_IN_DEFAULTS, &env).unwrap_err();
    assert_eq!(err.origin, "built-in defaults");
    assert_eq!(paths(&err.problems), ["DATABASE_URL"]);
    assert!(
        err.problems[0]
            .message
            .contains("`mysql://u:***@db/warroom`")
    );
}

#[test]
fn every_message_says_what_to_do() {
    let err = load(
        r#"
        bogus = 1
        [server]
        listen = 8080
        [database]
        url = "${NOPE}"
        [severity.p1]
        respond = "0m"
        description = "${bad-name}"
        "#,
    )
    .unwrap_err();
    assert_eq!(err.problems.len(), 5, "{err}");
    for problem in &err.problems {
        let message = &problem.message;
        assert!(message.ends_with('.'), "not a sentence: {message}");
        assert!(
            ["write", "remove", "rename", "set", "fix", "check"]
                .iter()
                .any(|verb| message.contains(verb)),
            "says nothing to do: {message}"
        );
    }
}

#[test]
fn operation_templates_are_checked() {
    let text = problems(
        r#"
[services.api]
environment = "production"
[services.api.rollback]
argv = ["kubectl", "rollout", "undo", "{to}"]
argv_instance = ["kubectl", "delete", "pod", "{instance}"]
[services.api.scale]
argv = ["kubectl", "scale", "deployment/api"]
[services.api.restart]
argv = []
argv_instance = ["kubectl", "delete", "pod"]
[services.api.logs]
argv = ["kubectl", "logs", "--since={since}", "{count}"]
timeout = "soon"
"#,
    )
    .iter()
    .map(|p| p.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    for expected in [
        "services.api.rollback.argv: {to} cannot be used here",
        "services.api.rollback.argv_instance: applies only to [services.NAME.restart]",
        "services.api.scale.argv: must use {count}.",
        "services.api.restart.argv: is required",
        "services.api.restart.argv_instance: must use {instance}.",
        "services.api.logs.argv: {count} cannot be used here",
        "services.api.logs.timeout: `soon` is not a duration",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn an_ssm_fleet_is_named_by_ids_or_by_tags() {
    let found = problems(
        r#"
[services.both]
environment = "production"
settle_timeout = "soon"
[services.both.ssm]
instances = ["i-0abc123"]
tags = { Role = "app" }

[services.neither]
environment = "production"
[services.neither.ssm]

[services.typo]
environment = "production"
[services.typo.ssm]
instances = ["web-1"]
tags = {}
"#,
    );
    assert_eq!(
        paths(&found),
        [
            "services.both.settle_timeout",
            "services.both.ssm.tags",
            "services.neither.ssm.instances",
            "services.typo.ssm.instances[0]",
        ],
        "{found:?}"
    );
    let tagged = load(
        r#"
[services.fleet]
environment = "production"
[services.fleet.ssm]
tags = { Role = "app", Env = "prod" }
[services.fleet.ssm.commands]
version = ["git rev-parse HEAD"]
"#,
    )
    .unwrap();
    let fleet = tagged.service_catalog().services["fleet"]
        .ssm
        .clone()
        .unwrap();
    assert_eq!(
        fleet.tags,
        [
            ("Env".to_string(), "prod".to_string()),
            ("Role".to_string(), "app".to_string())
        ]
    );
    assert!(fleet.instances.is_empty());
}

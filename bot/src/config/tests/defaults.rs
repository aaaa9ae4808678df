//! What warroom runs with: the runbook defaults of an empty file, the example file (which must
//! load and state the defaults), and values read into their types.

use chrono::TimeDelta;
use warroom_commands::access::{Approval, Grant, Risk, Scope};
use warroom_commands::incident::{SeverityPolicy, Target};

use super::*;

const EXAMPLE: &str = include_str!("../../../../config.example.toml");

#[test]
fn an_empty_file_gives_the_runbook_defaults() {
    let config = load("").unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.server.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(config.database.url, "sqlite://warroom.db");
    assert_eq!(config.database.kind(), Some(DatabaseKind::Sqlite));
    assert_eq!(config.severity, SeverityPolicy::default());
}

#[test]
fn the_example_file_loads_and_states_the_defaults() {
    let config = load_str_with_env(EXAMPLE, "config.example.toml", &no_env)
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(config.server, Config::default().server);
    assert_eq!(config.database, Config::default().database);
    assert_eq!(config.severity, Config::default().severity);
    assert_eq!(config.severity, SeverityPolicy::default());

    // The example ships the two-person rule for production and self-approval in staging.
    let policy = &config.access;
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
    let catalog = &config.services;
    assert_eq!(
        catalog.services["api"].actions["rollback"].risk,
        Risk::Destructive
    );
    assert_eq!(catalog.services["api"].actions["pods"].risk, Risk::Read);
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
    assert_eq!(config.server.listen, "0.0.0.0:9090".parse().unwrap());
    assert_eq!(config.database.kind(), Some(DatabaseKind::Postgres));
    let policy = config.severity;
    assert_eq!(policy.p3.update_every, Some(TimeDelta::hours(2)));
    assert_eq!(policy.p3.postmortem_due, Some(TimeDelta::weeks(1)));
    assert_eq!(policy.p4.respond, Target::Within(TimeDelta::days(1)));
    assert_eq!(policy.p4.acknowledge, Target::NextBusinessDay);
}

#[test]
fn a_level_given_in_part_keeps_its_other_defaults() {
    let config = load("[severity.p1]\nacknowledge = \"10m\"\n").unwrap();
    let defaults = SeverityPolicy::default();
    let policy = config.severity;
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
        .severity;
    assert_eq!(policy.p1.update_every, None);
    assert_eq!(policy.p1.postmortem_due, None);
}

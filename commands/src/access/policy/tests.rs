//! The policy table: every role × risk class × environment × channel of the example policy.

use super::*;
use crate::Platform;

/// The example configuration's policy: everyone in a bound channel reads and works incidents;
/// `oncall` operates; destructive needs `oncall`, and in production a second person.
fn example() -> AccessPolicy {
    let rule = |role: &str, allow: &[&str], envs: Scope, approval| Rule {
        role: role.into(),
        allow: allow.iter().map(|g| Grant::parse(g)).collect(),
        services: Scope::Any,
        environments: envs,
        channels: Scope::Only(vec!["slack:CINC".into(), "console:ops".into()]),
        approval,
    };
    AccessPolicy {
        roles: vec![
            Role {
                name: "everyone".into(),
                members: vec![Principal::Everyone],
            },
            Role {
                name: "oncall".into(),
                members: vec![
                    Principal::parse("slack:S0ONCALL").unwrap(),
                    Principal::parse("console:alice").unwrap(),
                ],
            },
        ],
        rules: vec![
            rule(
                "everyone",
                &["read", "incident"],
                Scope::Any,
                Approval::SecondPerson,
            ),
            rule("oncall", &["operate"], Scope::Any, Approval::SelfApprove),
            rule(
                "oncall",
                &["destructive"],
                Scope::Only(vec!["production".into()]),
                Approval::SecondPerson,
            ),
            rule(
                "oncall",
                &["destructive"],
                Scope::Only(vec!["staging".into()]),
                Approval::SelfApprove,
            ),
        ],
        confirm_operate: false,
        confirmation_ttl: TimeDelta::minutes(5),
    }
}

fn slack_user(id: &str, groups: &[&str]) -> Actor {
    Actor {
        platform: Platform::Slack,
        id: id.into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

fn channel(platform: Platform, id: &str) -> ChannelRef {
    ChannelRef {
        platform,
        workspace: "W".into(),
        channel: id.into(),
    }
}

fn decide(
    actor: &Actor,
    chan: &ChannelRef,
    command: &str,
    risk: Risk,
    env: Option<&str>,
) -> Decision {
    let target = env.map(|e| Target {
        service: "api".into(),
        environment: e.into(),
    });
    example().decide(&Request {
        actor,
        channel: chan,
        command,
        risk,
        target: target.as_ref(),
    })
}

const ALLOW_SELF: Decision = Decision::Allow {
    approval: Approval::SelfApprove,
};
const ALLOW_OTHER: Decision = Decision::Allow {
    approval: Approval::SecondPerson,
};

fn deny(roles: &[&str]) -> Decision {
    Decision::Deny {
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

/// One row of the policy table: who, where, what, at which risk, in which environment, and the
/// expected decision.
type Case<'a> = (
    &'a Actor,
    &'a ChannelRef,
    &'a str,
    Risk,
    Option<&'a str>,
    Decision,
);

#[test]
fn the_example_policy_table() {
    let oncall = slack_user("U1", &["S0ONCALL"]);
    let member = slack_user("U2", &[]);
    let bound = channel(Platform::Slack, "CINC");
    let random = channel(Platform::Slack, "CRANDOM");
    use Risk::*;
    let table: &[Case] = &[
        // Everyone in a bound channel reads and works incidents.
        (
            &member,
            &bound,
            "logs",
            Read,
            Some("production"),
            ALLOW_OTHER,
        ),
        (&member, &bound, "incident", Operate, None, ALLOW_OTHER),
        // ... but operates nothing.
        (
            &member,
            &bound,
            "restart",
            Operate,
            Some("staging"),
            deny(&["oncall"]),
        ),
        (
            &member,
            &bound,
            "rollback",
            Destructive,
            Some("production"),
            deny(&["oncall"]),
        ),
        (
            &member,
            &bound,
            "rollback",
            Destructive,
            Some("staging"),
            deny(&["oncall"]),
        ),
        // On-call operates anywhere it is bound; destructive needs a second person in production.
        (
            &oncall,
            &bound,
            "restart",
            Operate,
            Some("production"),
            ALLOW_SELF,
        ),
        (
            &oncall,
            &bound,
            "rollback",
            Destructive,
            Some("production"),
            ALLOW_OTHER,
        ),
        (
            &oncall,
            &bound,
            "rollback",
            Destructive,
            Some("staging"),
            ALLOW_SELF,
        ),
        (
            &oncall,
            &bound,
            "rollback",
            Destructive,
            Some("dev"),
            deny(&[]),
        ),
        // Outside the bound channels nothing is allowed, whoever asks.
        (
            &oncall,
            &random,
            "logs",
            Read,
            Some("production"),
            deny(&[]),
        ),
        (&member, &random, "incident", Operate, None, deny(&[])),
        (
            &oncall,
            &random,
            "rollback",
            Destructive,
            Some("staging"),
            deny(&[]),
        ),
    ];
    for (actor, chan, command, risk, env, expected) in table {
        assert_eq!(
            &decide(actor, chan, command, *risk, *env),
            expected,
            "{} {command} ({risk}) in {} on {env:?}",
            actor.id,
            chan.channel
        );
    }
}

#[test]
fn ids_match_on_their_platform_only() {
    let console_alice = Actor {
        platform: Platform::Console,
        id: "alice".into(),
        groups: vec![],
    };
    let discord_alice = Actor {
        platform: Platform::Discord,
        id: "alice".into(),
        groups: vec![],
    };
    let ops = channel(Platform::Console, "ops");
    assert_eq!(
        decide(
            &console_alice,
            &ops,
            "rollback",
            Risk::Destructive,
            Some("staging")
        ),
        ALLOW_SELF
    );
    let discord_ops = channel(Platform::Discord, "ops");
    assert_eq!(
        decide(
            &discord_alice,
            &discord_ops,
            "incident",
            Risk::Operate,
            None
        ),
        deny(&[]),
        "console:alice is not discord's alice, and discord:ops is not bound"
    );
}

#[test]
fn without_configuration_only_incidents_and_reads_are_allowed() {
    let policy = AccessPolicy::incidents_only();
    let anyone = slack_user("U9", &[]);
    let anywhere = channel(Platform::Slack, "C1");
    let ask = |command, risk, env: Option<&str>| {
        let target = env.map(|e| Target {
            service: "api".into(),
            environment: e.into(),
        });
        policy.decide(&Request {
            actor: &anyone,
            channel: &anywhere,
            command,
            risk,
            target: target.as_ref(),
        })
    };
    assert!(matches!(
        ask("incident", Risk::Operate, None),
        Decision::Allow { .. }
    ));
    assert!(matches!(
        ask("health", Risk::Read, Some("prod")),
        Decision::Allow { .. }
    ));
    assert_eq!(ask("rollback", Risk::Destructive, Some("prod")), deny(&[]));
}

#[test]
fn principals_parse_and_refuse_bad_forms() {
    assert_eq!(Principal::parse("*"), Ok(Principal::Everyone));
    assert_eq!(
        Principal::parse("slack:U1").unwrap().to_string(),
        "slack:U1"
    );
    assert!(
        Principal::parse("alice")
            .unwrap_err()
            .contains("PLATFORM:ID")
    );
    assert!(
        Principal::parse("irc:alice")
            .unwrap_err()
            .contains("not a platform")
    );
    assert!(Principal::parse("slack:").unwrap_err().contains("no id"));
}

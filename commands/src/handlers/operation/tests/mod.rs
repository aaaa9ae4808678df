//! The confirmation flow on in-memory ports: who may request, who may confirm, and that a
//! confirmed operation runs exactly once.
//!
//! This file is the stand every test here runs on: two services (`api` in production,
//! `api-staging`), an access policy with the two-person rule in production, and [`Ops`], which
//! types commands on the console. The tests are grouped by what they are about:
//! `confirmations.rs` (the flow itself), `ecs.rs` (plans against an ECS service) and
//! `settle.rs` (following a change until the service is healthy).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::TimeDelta;

use crate::access::{AccessPolicy, Approval, Grant, Principal, Risk, Role, Rule, Scope};
use crate::actions::AuditEvent;
use crate::fakes::{FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use crate::services::{ArgvAction, Service, ServiceCatalog};
use crate::{ChannelRef, CommandError, Core, Invocation, Platform};

mod confirmations;
mod ecs;
mod failures;
mod settle;

fn action(name: &str, argv: &[&str], risk: Risk) -> (String, ArgvAction) {
    (
        name.to_string(),
        ArgvAction {
            name: name.into(),
            argv: argv.iter().map(|a| a.to_string()).collect(),
            risk,
            description: String::new(),
            timeout: TimeDelta::seconds(30),
        },
    )
}

fn catalog(rollback_argv: &[&str]) -> ServiceCatalog {
    let service = |name: &str, env: &str| Service {
        actions: BTreeMap::from([
            action("pods", &["kubectl", "get", "pods"], Risk::Read),
            action("rollback", rollback_argv, Risk::Destructive),
        ]),
        ..Service::bare(name, env)
    };
    ServiceCatalog {
        services: BTreeMap::from([
            ("api".into(), service("api", "production")),
            ("api-staging".into(), service("api-staging", "staging")),
        ]),
    }
}

fn policy(oncall: &[&str]) -> AccessPolicy {
    let rule = |role: &str, allow: &[&str], envs: Scope, approval| Rule {
        role: role.into(),
        allow: allow.iter().map(|g| Grant::parse(g)).collect(),
        services: Scope::Any,
        environments: envs,
        channels: Scope::Only(vec!["console:ops".into(), "console:other".into()]),
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
                members: oncall
                    .iter()
                    .map(|m| Principal::parse(&format!("console:{m}")).unwrap())
                    .collect(),
            },
        ],
        rules: vec![
            rule(
                "everyone",
                &["read", "incident"],
                Scope::Any,
                Approval::SecondPerson,
            ),
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

struct Ops {
    core: Core,
    store: Arc<InMemoryStore>,
    actions: Arc<InMemoryActions>,
    runner: Arc<FakeRunner>,
    clock: Arc<ManualClock>,
}

impl Ops {
    fn new() -> Ops {
        let store = Arc::new(InMemoryStore::default());
        let actions = Arc::new(InMemoryActions::default());
        let runner = Arc::new(FakeRunner::default());
        let clock = Arc::new(ManualClock::at("2026-11-22T03:00:00Z"));
        let core = Core {
            access: policy(&["alice", "bob"]),
            services: catalog(&["kubectl", "rollout", "undo", "deployment/api"]),
            ..crate::fakes::core(
                store.clone(),
                actions.clone(),
                runner.clone(),
                clock.clone(),
            )
        };
        Ops {
            core,
            store,
            actions,
            runner,
            clock,
        }
    }

    async fn execute(
        &self,
        channel: &str,
        actor: &str,
        text: &str,
    ) -> Result<crate::Reply, CommandError> {
        let inv = Invocation {
            channel: ChannelRef {
                platform: Platform::Console,
                workspace: "local".into(),
                channel: channel.into(),
            },
            actor: actor.into(),
            groups: vec![],
            text: text.into(),
        };
        self.core.execute(&inv).await
    }

    async fn run(&self, channel: &str, actor: &str, text: &str) -> Result<String, String> {
        match self.execute(channel, actor, text).await {
            Ok(reply) => Ok(reply.to_plain_text()),
            Err(CommandError::User(e)) => Err(e.message),
            Err(other) => panic!("not a refusal: {other:?}"),
        }
    }

    async fn ok(&self, actor: &str, text: &str) -> String {
        self.run("ops", actor, text)
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    async fn refused(&self, actor: &str, text: &str) -> String {
        self.run("ops", actor, text)
            .await
            .expect_err(&format!("{text} should be refused"))
    }

    fn events(&self) -> Vec<AuditEvent> {
        self.actions
            .audit_entries()
            .iter()
            .map(|e| e.event)
            .collect()
    }
}

/// Puts `api` on the ECS fake: its rollbacks, restarts and reads go through `ecs`.
fn with_ecs(ops: &mut Ops, ecs: Arc<crate::fakes::FakeEcs>) {
    let mut catalog = ops.core.services.clone();
    catalog.services.get_mut("api").unwrap().ecs = Some(crate::ports::EcsTarget {
        cluster: "prod".into(),
        service: "api".into(),
        settle: std::time::Duration::from_secs(1),
    });
    ops.core.services = catalog;
    ops.core.ecs = ecs;
}

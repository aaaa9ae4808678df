//! Confirmations end to end: the real stores, the real binary, and exactly-once execution.

use std::sync::Arc;

use chrono::TimeDelta;
use warroom_commands::access::{AccessPolicy, Approval, Grant, Principal, Risk, Role, Rule, Scope};
use warroom_commands::fakes::{FakeRunner, ManualClock, SequenceTokens};
use warroom_commands::incident::SeverityPolicy;
use warroom_commands::services::{ArgvAction, Service, ServiceCatalog};
use warroom_commands::{ChannelRef, CommandError, Core, Invocation, Platform};
use warroom_integrations::Store;
use warroom_tests::binary::{Run, answered, confirmation_token, stdout};
use warroom_tests::both_backends;
use warroom_tests::db::TestDb;

const APPROVERS: usize = 50;

fn core(store: Store, runner: Arc<FakeRunner>) -> Core {
    let oncall: Vec<Principal> = (0..=APPROVERS)
        .map(|n| Principal::parse(&format!("console:user{n}")).unwrap())
        .collect();
    Core {
        store: Arc::new(store.clone()),
        actions: Arc::new(store),
        clock: Arc::new(ManualClock::at("2026-11-22T03:00:00Z")),
        pause: Arc::new(ManualClock::at("2026-11-22T03:00:00Z")),
        tokens: Arc::new(SequenceTokens::default()),
        runner,
        policy: SeverityPolicy::default(),
        redactor: Default::default(),
        metrics: Default::default(),
        ssm: Arc::new(warroom_commands::fakes::FakeSsm::default()),
        logs: Arc::new(warroom_commands::fakes::FakeLogs::default()),
        ecs: Arc::new(warroom_commands::fakes::FakeEcs::default()),
        health: Arc::new(warroom_commands::fakes::FakeHealth::default()),
        schedule: Arc::new(warroom_commands::fakes::InMemorySchedule::default()),
        escalation: Default::default(),
        pages: Arc::new(warroom_commands::ports::NoPages),
        alerts: warroom_commands::alerts::Desk::none(),
        oncall: warroom_commands::oncall::Roster::none(),
        paging: Arc::new(warroom_commands::ports::NoPaging),
        access: AccessPolicy {
            roles: vec![Role {
                name: "oncall".into(),
                members: oncall,
            }],
            rules: vec![Rule {
                role: "oncall".into(),
                allow: vec![Grant::Risk(Risk::Destructive)],
                services: Scope::Any,
                environments: Scope::Any,
                channels: Scope::Any,
                approval: Approval::SecondPerson,
            }],
            confirm_operate: false,
            confirmation_ttl: TimeDelta::minutes(5),
        },
        services: ServiceCatalog {
            services: [(
                "api".to_string(),
                Service {
                    actions: [(
                        "rollback".to_string(),
                        ArgvAction {
                            name: "rollback".into(),
                            argv: vec!["kubectl".into(), "rollout".into(), "undo".into()],
                            risk: Risk::Destructive,
                            description: String::new(),
                            timeout: TimeDelta::seconds(30),
                        },
                    )]
                    .into(),
                    ..Service::bare("api", "production")
                },
            )]
            .into(),
        },
    }
}

fn invocation(actor: &str, text: &str) -> Invocation {
    Invocation {
        channel: ChannelRef {
            platform: Platform::Console,
            workspace: "local".into(),
            channel: "ops".into(),
        },
        actor: actor.into(),
        groups: vec![],
        text: text.into(),
    }
}

both_backends!(
    fifty_simultaneous_confirms_run_it_once,
    |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let runner = Arc::new(FakeRunner::default());
        let core = Arc::new(core(store, runner.clone()));
        core.execute(&invocation("user0", "/run api rollback"))
            .await
            .expect("request");
        let mut tasks = Vec::new();
        for n in 1..=APPROVERS {
            let core = core.clone();
            tasks.push(tokio::spawn(async move {
                core.execute(&invocation(&format!("user{n}"), "confirm tok1"))
                    .await
            }));
        }
        let mut ran = 0;
        let mut refused = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ran += 1,
                Err(CommandError::User(e)) => refused.push(e.message),
                Err(other) => panic!("not a refusal: {other}"),
            }
        }
        assert_eq!(ran, 1, "exactly one confirm wins");
        assert_eq!(runner.run_count(), 1, "the operation executed exactly once");
        assert_eq!(refused.len(), APPROVERS - 1);
        for message in &refused {
            assert!(
                message.starts_with("Already confirmed by user"),
                "{message}"
            );
        }
    }
);

fn config(dir: &std::path::Path) -> std::path::PathBuf {
    let marker = dir.join("marker");
    let path = dir.join("warroom.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[access]
confirmation_ttl = "5m"

[access.roles]
everyone = ["*"]
oncall = ["console:alice", "console:bob"]

[[access.rules]]
role = "everyone"
allow = ["read", "incident"]

[[access.rules]]
role = "oncall"
allow = ["destructive"]
environments = ["production"]
approval = "other"

[services.api]
environment = "production"

[services.api.actions.rollback]
argv = ["/bin/sh", "-c", "echo ran >> {}"]
risk = "destructive"
"#,
            marker.display()
        ),
    )
    .unwrap();
    path
}

both_backends!(
    a_pending_confirmation_survives_a_restart_and_runs_once,
    |db: TestDb| async move {
        config(db.dir.path());
        let console = |actor: &str, input: &str| {
            let out = Run::new(
                db.dir.path(),
                &["console", "--as", actor, "--channel", "ops"],
            )
            .env("DATABASE_URL", &db.url)
            .stdin(input)
            .output();
            answered(&out)
        };
        let card = console("alice", "/incident p1 api 502\n/run api rollback\n");
        assert!(
            card.contains("Confirm destructive operation: api/rollback"),
            "{card}"
        );
        let token = confirmation_token(&card);
        assert!(!db.dir.path().join("marker").exists(), "nothing ran yet");

        // A new process: the pending confirmation is still there.
        let own = console("alice", &format!("confirm {token}\n"));
        assert!(own.contains("needs a second person"), "{own}");
        let ran = console("bob", &format!("confirm {token}\nconfirm {token}\n"));
        assert!(ran.contains("✅ api/rollback"), "{ran}");
        assert!(ran.contains("Already confirmed by bob"), "{ran}");
        let marker = std::fs::read_to_string(db.dir.path().join("marker")).unwrap();
        assert_eq!(marker, "ran\n", "the command ran exactly once");

        let audit = Run::new(db.dir.path(), &["audit", "--service", "api"])
            .env("DATABASE_URL", &db.url)
            .output();
        let audit = stdout(&audit);
        for event in ["requested", "refused", "succeeded"] {
            assert!(audit.contains(event), "audit lacks {event}:\n{audit}");
        }
        let pm = Run::new(db.dir.path(), &["postmortem", "1"])
            .env("DATABASE_URL", &db.url)
            .output();
        let pm = stdout(&pm);
        assert!(
            pm.contains("bob: confirmed `/run api rollback` (requested by alice); succeeded"),
            "{pm}"
        );
    }
);

#[test]
fn the_console_refuses_a_destructive_command_without_a_role() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path());
    let out = Run::new(
        dir.path(),
        &["console", "--as", "mallory", "--channel", "ops"],
    )
    .stdin("/run api rollback\n/run api rollback --dry-run\n")
    .output();
    let text = stdout(&out);
    assert!(text.contains("error: You may not run destructive commands on api (production): it needs the `oncall` role"), "{text}");
    assert!(!dir.path().join("marker").exists());
}

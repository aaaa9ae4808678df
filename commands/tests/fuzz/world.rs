//! The core the fuzz lines run against: in-memory ports, one service per integration, and a
//! policy that lets everyone do everything and confirm it themselves, so a line is refused only
//! for what it says, never for who typed it, and every handler can be reached.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::Core;
use warroom_commands::access::{AccessPolicy, Approval, Grant, Risk};
use warroom_commands::fakes::{
    FakeEcs, FakeHealth, FakeLogs, FakeRunner, FakeSsm, InMemoryActions, InMemoryStore, ManualClock,
};
use warroom_commands::oncall::{Handoff, Layer, Rotation, Schedule, Schedules, Zone, parse};
use warroom_commands::ports::{EcsTarget, LogLine, ProbeResult};
use warroom_commands::services::{
    ArgvAction, ArgvOp, HealthCheck, OpKind, Service, ServiceCatalog, SsmFleet,
};

/// The services lines name, each reached a different way; `bare` has nothing configured.
pub const SERVICES: [&str; 5] = ["api", "web", "fleet", "tagged", "bare"];
/// The actions of `api`, one per risk.
pub const ACTIONS: [&str; 3] = ["pods", "bounce", "wipe"];
/// The channels lines are typed in.
pub const CHANNELS: [&str; 3] = ["ops", "payments", "search"];
const HEALTH_URL: &str = "http://127.0.0.1:9/health";

pub struct World {
    pub core: Core,
    pub clock: Arc<ManualClock>,
}

impl World {
    pub fn new() -> World {
        let clock = Arc::new(ManualClock::at("2026-11-22T03:00:00Z"));
        let start = clock_now(&clock);
        let health = FakeHealth::default();
        health.answers.lock().unwrap().insert(
            HEALTH_URL.into(),
            ProbeResult {
                url: HEALTH_URL.into(),
                status: Some(200),
                latency: std::time::Duration::from_millis(12),
                reported: Some("ok".into()),
                components: vec![("db".into(), "ok".into())],
                error: None,
                cert_days_left: None,
            },
        );
        let ssm = FakeSsm::default();
        ssm.tags
            .lock()
            .unwrap()
            .push(("i-0tagged".into(), vec![("app".into(), "tagged".into())]));
        let logs = FakeLogs {
            lines: (0..50)
                .map(|i| LogLine {
                    at: start - TimeDelta::minutes(i),
                    source: "web/1".into(),
                    message: format!("ERROR request {i} failed 🔥"),
                })
                .collect(),
        };
        let core = Core {
            access: everyone_may_do_everything(),
            services: catalog(),
            health: Arc::new(health),
            ssm: Arc::new(ssm),
            logs: Arc::new(logs),
            ecs: Arc::new(FakeEcs::new("web", 3, 5)),
            ..warroom_commands::fakes::core(
                Arc::new(InMemoryStore::default()),
                Arc::new(InMemoryActions::default()),
                Arc::new(FakeRunner::default()),
                clock.clone(),
            )
        };
        let mut core = core;
        core.oncall.schedules = Arc::new(rota());
        World { core, clock }
    }
}

fn clock_now(clock: &ManualClock) -> DateTime<Utc> {
    warroom_commands::ports::Clock::now(clock)
}

/// The default policy's one rule, widened to every risk and made self-approving.
fn everyone_may_do_everything() -> AccessPolicy {
    let mut policy = AccessPolicy::incidents_only();
    for rule in &mut policy.rules {
        rule.allow = ["read", "operate", "destructive", "incident"]
            .map(Grant::parse)
            .to_vec();
        rule.approval = Approval::SelfApprove;
    }
    AccessPolicy {
        confirm_operate: true,
        ..policy
    }
}

fn words(argv: &[&str]) -> Vec<String> {
    argv.iter().map(|a| a.to_string()).collect()
}

fn argv_op(argv: &[&str], targeted: Option<&[&str]>) -> ArgvOp {
    ArgvOp {
        argv: words(argv),
        argv_targeted: targeted.map(words),
        timeout: TimeDelta::seconds(30),
    }
}

fn bare(name: &str) -> Service {
    Service {
        settle_timeout: TimeDelta::minutes(2),
        ..Service::bare(name, "production")
    }
}

fn catalog() -> ServiceCatalog {
    let action = |name: &str, risk| {
        let argv = words(&["kubectl", name]);
        let timeout = TimeDelta::seconds(30);
        let description = String::new();
        let name = name.to_string();
        (
            name.clone(),
            ArgvAction {
                name,
                argv,
                risk,
                description,
                timeout,
            },
        )
    };
    let api = Service {
        actions: BTreeMap::from([
            action(ACTIONS[0], Risk::Read),
            action(ACTIONS[1], Risk::Operate),
            action(ACTIONS[2], Risk::Destructive),
        ]),
        health: Some(HealthCheck {
            urls: vec![HEALTH_URL.into()],
            timeout: TimeDelta::seconds(2),
            ca_file: None,
        }),
        ops: BTreeMap::from([
            (
                OpKind::Rollback,
                argv_op(&["deploy", "undo"], Some(&["deploy", "to", "{to}"])),
            ),
            (
                OpKind::Restart,
                argv_op(&["svc", "restart"], Some(&["svc", "restart", "{instance}"])),
            ),
            (OpKind::Scale, argv_op(&["svc", "scale", "{count}"], None)),
            (
                OpKind::Logs,
                argv_op(&["svc", "logs", "--since={since}", "{since_iso}"], None),
            ),
            (OpKind::Version, argv_op(&["svc", "version"], None)),
            (OpKind::Deploys, argv_op(&["svc", "history"], None)),
        ]),
        ..bare("api")
    };
    let web = Service {
        ecs: Some(EcsTarget {
            cluster: "prod".into(),
            service: "web".into(),
            settle: std::time::Duration::from_secs(120),
        }),
        log_group: Some("/ecs/web".into()),
        ..bare("web")
    };
    let commands = BTreeMap::from([
        (
            OpKind::Rollback,
            words(&["git checkout {to}", "systemctl restart app"]),
        ),
        (OpKind::Restart, words(&["systemctl restart app"])),
        (
            OpKind::Logs,
            words(&["journalctl -u app --since '{since_iso}'"]),
        ),
        (OpKind::Version, words(&["git rev-parse HEAD"])),
        (OpKind::Deploys, words(&["git log -5"])),
    ]);
    let fleet = |instances: &[&str], tags: Vec<(String, String)>| SsmFleet {
        instances: words(instances),
        tags,
        commands: commands.clone(),
        health: Some(words(&["curl -fsS localhost/health"])),
        timeout: TimeDelta::seconds(60),
    };
    let ssm = Service {
        ssm: Some(fleet(&["i-0abc", "i-0def"], Vec::new())),
        ..bare("fleet")
    };
    let tagged = Service {
        ssm: Some(fleet(&[], vec![("app".into(), "tagged".into())])),
        ..bare("tagged")
    };
    ServiceCatalog {
        services: [api, web, ssm, tagged, bare("bare")]
            .into_iter()
            .map(|s| (s.name.clone(), s))
            .collect(),
    }
}

/// One weekly schedule of two people, so `/oncall` has a rota to read and change.
fn rota() -> Schedules {
    let every = Rotation::Weekly;
    Schedules {
        list: vec![Schedule {
            name: "primary".into(),
            zone: Zone::named("Europe/Berlin").expect("a zone"),
            layers: vec![Layer {
                name: "weekly".into(),
                members: ["slack:U0ALICE", "slack:U0BOB"]
                    .map(|m| parse::person(m).expect("a person"))
                    .to_vec(),
                every,
                handoff: Handoff::parse("monday 09:00", every).expect("a hand-off"),
                start: parse::start("2026-11-02").expect("a date"),
                restriction: None,
            }],
            announce: None,
        }],
    }
}

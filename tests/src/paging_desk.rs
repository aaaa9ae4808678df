//! `warroom serve` with both paging providers pointed at fakes on loopback, for the paging
//! tests (`tests/tests/paging_providers.rs`): a core of the test's own on the same database,
//! through which a test declares and hands off as an escalation level does, a second replica
//! on demand, and PagerDuty's webhook as PagerDuty signs it.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2_next::Sha256;
use tempfile::TempDir;
use warroom_commands::fakes::{FakeRunner, InMemoryActions, InMemoryStore, ManualClock};
use warroom_commands::incident::{Incident, IncidentId};
use warroom_commands::oncall::Roster;
use warroom_commands::paging::{Provider, hand_off};
use warroom_commands::ports::IncidentStore;
use warroom_commands::{ChannelRef, Core, Invocation, Platform};
use warroom_integrations::Store;

use crate::binary::Serving;
use crate::db::{Backend, TestDb};
use crate::pagers::FakePager;
use crate::replica::until;
use crate::slack::FakeSlack;

pub const CHANNEL: &str = "C0PAGE";
pub const PD_SECRET: &str = "pagerduty-subscription-secret";
pub const OG_TOKEN: &str = "opsgenie-webhook-token-0123";

/// `warroom serve` with both providers pointed at fakes, and a core of the test's own on the
/// same database, through which the test declares and hands off (as an escalation level
/// will).
pub struct Desk {
    pub slack: FakeSlack,
    pub pagerduty: FakePager,
    pub opsgenie: FakePager,
    pub store: Store,
    pub core: Core,
    pub base: String,
    _dir: TempDir,
    _serving: Serving,
    /// A second replica on the same database, once [`Desk::replica`] starts it.
    pub second: (TempDir, u16, Option<Serving>),
    _db: TestDb,
}

impl Desk {
    pub async fn start(pagerduty: FakePager, opsgenie: FakePager) -> Desk {
        Desk::start_with(pagerduty, opsgenie, "", Backend::Sqlite).await
    }

    /// [`start`](Self::start) with `extra` configuration (an escalation policy, schedules),
    /// which the test's own core follows too.
    pub async fn start_with(
        pagerduty: FakePager,
        opsgenie: FakePager,
        extra: &str,
        backend: Backend,
    ) -> Desk {
        warroom::server::install_crypto_provider();
        let db = TestDb::new(backend).await;
        let slack = FakeSlack::start().await;
        let port = crate::free_port();
        let dir = tempfile::tempdir().expect("temp dir");
        let text = |port: u16| {
            format!(
                r#"
[server]
listen = "127.0.0.1:{port}"
[database]
url = "{url}"
[slack]
signing_secret = "paging-test-secret"
bot_token = "xoxb-paging"
api_url = "{api}"
[paging.pagerduty]
events_url = "{pd}"
routing_key = "pd-routing-key-0123456789abcdef"
webhook_secret = "{PD_SECRET}"
[paging.opsgenie]
api_url = "{og}"
api_key = "og-api-key"
webhook_token = "{OG_TOKEN}"
{extra}
"#,
                url = db.url,
                api = slack.api_url(),
                pd = pagerduty.url(),
                og = opsgenie.url(),
            )
        };
        std::fs::write(dir.path().join("warroom.toml"), text(port)).expect("write warroom.toml");
        // A second replica's configuration: the same but its port, ready for `replica`.
        let second = tempfile::tempdir().expect("temp dir");
        let port_b = crate::free_port();
        std::fs::write(second.path().join("warroom.toml"), text(port_b))
            .expect("write warroom.toml");
        let serving = Serving::start(dir.path(), port).await;
        let config = warroom::config::load(Some(&dir.path().join("warroom.toml")))
            .expect("the test's configuration")
            .config;
        let store = Store::open(&db.url).await.expect("open the test database");
        let core = Core {
            store: Arc::new(store.clone()),
            actions: Arc::new(store.clone()),
            schedule: Arc::new(store.clone()),
            escalation: config.escalation.policy(),
            oncall: Roster {
                schedules: Arc::new(config.schedules.clone()),
                overrides: Arc::new(store.clone()),
            },
            paging: Arc::new(warroom::paging::PagingLetters {
                store: store.clone(),
                pagerduty: true,
                opsgenie: true,
            }),
            ..warroom_commands::fakes::core(
                Arc::new(InMemoryStore::default()),
                Arc::new(InMemoryActions::default()),
                Arc::new(FakeRunner::default()),
                Arc::new(ManualClock::at("2026-11-22T03:00:00Z")),
            )
        };
        Desk {
            slack,
            pagerduty,
            opsgenie,
            store,
            core,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
            _serving: serving,
            second: (second, port_b, None),
            _db: db,
        }
    }

    /// Starts a second `warroom serve` on the same database (Postgres): another replica whose
    /// scheduler and outbox compete with the first's for the same jobs and letters.
    pub async fn replica(&mut self) {
        let (dir, port, serving) = &mut self.second;
        *serving = Some(Serving::start(dir.path(), *port).await);
    }

    pub async fn run(&self, text: &str) {
        let inv = Invocation {
            channel: ChannelRef {
                platform: Platform::Slack,
                workspace: "T0PAGE".into(),
                channel: CHANNEL.into(),
            },
            actor: "U0ALICE".into(),
            groups: Vec::new(),
            text: text.into(),
        };
        self.core
            .execute(&inv)
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
    }

    pub async fn incident(&self) -> Incident {
        self.store
            .get(IncidentId(1))
            .await
            .expect("store")
            .expect("INC-1")
    }

    /// Declares INC-1 in the channel and hands it to `provider`.
    pub async fn declare_and_hand_to(&self, provider: Provider) {
        self.run("/incident p1 API returns 502").await;
        hand_off(&self.core, provider, &self.incident().await)
            .await
            .expect("handed off");
    }

    pub async fn post(&self, route: &str, headers: &[(&str, String)], body: &str) -> u16 {
        let mut request = reqwest::Client::new()
            .post(format!("{}{route}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request
            .send()
            .await
            .expect("warroom answers")
            .status()
            .as_u16()
    }

    /// Waits until INC-1 is acknowledged (a worker runs the webhook after the answer).
    pub async fn acknowledged(&self) -> Incident {
        let incident = until(
            Duration::from_secs(20),
            || self.incident(),
            |i| i.acknowledged_at.is_some(),
        )
        .await;
        assert!(
            incident.acknowledged_at.is_some(),
            "INC-1 was not acknowledged"
        );
        incident
    }
}

pub fn pd_signature(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v1={hex}")
}

pub fn pd_acknowledged(event: &str, who: &str) -> String {
    serde_json::json!({"event": {
        "id": event,
        "event_type": "incident.acknowledged",
        "resource_type": "incident",
        "occurred_at": "2026-11-22T03:04:00Z",
        "agent": {"id": "PLH1HKV", "summary": who, "type": "user_reference"},
        "data": {"id": "PGR0VU2", "type": "incident", "status": "acknowledged",
                 "title": "[warroom-INC-1] P1 API returns 502"}
    }})
    .to_string()
}

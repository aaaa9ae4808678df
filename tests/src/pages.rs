//! The stand for the incident pages' tests (`tests/tests/pages_*.rs`): the real router over a
//! real SQLite store, on loopback, and a small client that says how it authenticates.
//!
//! Three incidents are recorded the way the handlers record them: INC-1, a P1 declared as P2,
//! raised, acknowledged, quiet for 45 minutes, resolved with a summary and a follow-up; INC-2,
//! a P3 still open; INC-3, open, with a title and a note that try to be HTML. The clock stands
//! at 09:00, so INC-2 has been open for 3h 12m. Kept in the library so that the tests of who
//! gets in, of what the pages show, and of what a browser does read the same record.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use warroom::web::{self, PageAuth, Pages};
use warroom_commands::fakes::ManualClock;
use warroom_commands::incident::{
    EntryKind, Incident, IncidentId, NewEntry, NewIncident, Severity, SeverityPolicy, Status,
};
use warroom_commands::ports::IncidentStore;
use warroom_commands::{ChannelRef, Platform, postmortem};
use warroom_integrations::Store;

use crate::db::{Backend, TestDb};

const NOW: &str = "2026-11-22T09:00:00Z";
pub const SECRET: &str = "link-secret-for-tests";
pub const BEARER: &str = "reviewer-token";
pub const USER: &str = "ops";
pub const PASSWORD: &str = "battery-staple";
const XSS_TITLE: &str = "<script>alert(1)</script> in the title";
pub const XSS_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt; in the title";
pub const NOT_ALLOWED: &str =
    "This page needs a signed link from warroom or the configured credentials.";
pub const EXPIRED: &str =
    "This link has expired; ask warroom for a new one (/incident postmortem posts one).";

/// 2026-11-22 at `hh:mm` UTC.
pub fn at(hh: i64, mm: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + TimeDelta::minutes(hh * 60 + mm)
}

fn channel(name: &str) -> ChannelRef {
    ChannelRef {
        platform: Platform::Slack,
        workspace: "T1".into(),
        channel: name.into(),
    }
}

async fn declare(
    store: &Store,
    chan: &str,
    title: &str,
    severity: Severity,
    who: &str,
    when: DateTime<Utc>,
) -> Incident {
    store
        .declare(
            NewIncident {
                channel: channel(chan),
                title: title.into(),
                severity,
                declared_by: who.into(),
                declared_at: when,
            },
            NewEntry::new(
                when,
                who,
                EntryKind::Declared,
                format!("declared {severity}: {title}"),
            )
            .change(None, severity.as_str()),
        )
        .await
        .expect("declare")
}

/// The three incidents every test reads.
async fn record_incidents(store: &Store) {
    let mut one = declare(
        store,
        "C1",
        "Checkout returns 502",
        Severity::P2,
        "alice",
        at(3, 0),
    )
    .await;
    one.severity = Severity::P1;
    let raised = NewEntry::new(
        at(3, 2),
        "alice",
        EntryKind::SeverityChanged,
        "severity P2 → P1",
    )
    .change(Some("p2".into()), "p1");
    let mut one = store.update(&one, &[raised]).await.unwrap();
    one.acknowledged_by = Some("bob".into());
    one.acknowledged_at = Some(at(3, 4));
    one.lead = Some("bob".into());
    let ack = NewEntry::new(at(3, 4), "bob", EntryKind::Acknowledged, "acknowledged");
    let one = store.update(&one, &[ack]).await.unwrap();
    store
        .append(
            one.id,
            &[
                NewEntry::new(
                    at(3, 10),
                    "bob",
                    EntryKind::Note,
                    "rolled api back to rev 41",
                ),
                NewEntry::new(
                    at(3, 55),
                    "bob",
                    EntryKind::Note,
                    "error rate is back to normal",
                ),
            ],
        )
        .await
        .unwrap();
    let mut one = store.get(one.id).await.unwrap().expect("INC-1");
    one.status = Status::Monitoring;
    let monitoring = NewEntry::new(
        at(4, 0),
        "bob",
        EntryKind::StatusChanged,
        "status investigating → monitoring",
    )
    .change(Some("investigating".into()), "monitoring");
    let mut one = store.update(&one, &[monitoring]).await.unwrap();
    one.status = Status::Resolved;
    one.resolved_at = Some(at(4, 5));
    one.summary = Some("A bad deploy of api rev 42; rolled back to rev 41.".into());
    let resolved = NewEntry::new(
        at(4, 5),
        "bob",
        EntryKind::Resolved,
        "A bad deploy of api rev 42; rolled back to rev 41.",
    )
    .change(Some("monitoring".into()), "resolved");
    let one = store.update(&one, &[resolved]).await.unwrap();
    store
        .append(
            one.id,
            &[NewEntry::new(
                at(4, 6),
                "bob",
                EntryKind::FollowUp,
                "add a canary stage to api deploys",
            )],
        )
        .await
        .unwrap();

    declare(
        store,
        "C2",
        "Search is slow",
        Severity::P3,
        "carol",
        at(5, 48),
    )
    .await;

    let three = declare(store, "C3", XSS_TITLE, Severity::P2, "mallory", at(8, 0)).await;
    store
        .append(
            three.id,
            &[NewEntry::new(
                at(8, 1),
                "mallory",
                EntryKind::Note,
                "<img src=x onerror=alert(1)>",
            )],
        )
        .await
        .unwrap();
}

pub fn every_way_in() -> PageAuth {
    PageAuth {
        link_secret: Some(SECRET.into()),
        bearer_token: Some(BEARER.into()),
        basic: Some((USER.into(), PASSWORD.into())),
    }
}

/// The incident pages on loopback, over a store holding the three incidents.
pub struct Stand {
    pub store: Arc<Store>,
    pub clock: Arc<ManualClock>,
    pub base: String,
    _db: TestDb,
}

impl Stand {
    pub async fn new(auth: PageAuth) -> Stand {
        let db = TestDb::new(Backend::Sqlite).await;
        let store = Arc::new(Store::open(&db.url).await.expect("open the store"));
        record_incidents(&store).await;
        let clock = Arc::new(ManualClock::at(NOW));
        let base = serve(store.clone(), clock.clone(), auth).await;
        Stand {
            store,
            clock,
            base,
            _db: db,
        }
    }

    /// Another server over the same store, with other access settings.
    pub async fn also_serve(&self, auth: PageAuth) -> String {
        serve(self.store.clone(), self.clock.clone(), auth).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A signed link to incident `n` that expires in an hour.
    pub fn link(&self, n: i64) -> String {
        web::signed_link(
            &self.base,
            SECRET,
            IncidentId(n),
            at(9, 0) + TimeDelta::hours(1),
        )
    }

    pub async fn markdown(&self, n: i64) -> String {
        let incident = self.store.get(IncidentId(n)).await.unwrap().unwrap();
        let timeline = self.store.timeline(IncidentId(n)).await.unwrap();
        postmortem::render(&incident, &timeline, &SeverityPolicy::default())
    }
}

async fn serve(store: Arc<Store>, clock: Arc<ManualClock>, auth: PageAuth) -> String {
    let pages = Arc::new(Pages {
        store,
        policy: SeverityPolicy::default(),
        clock,
        auth,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, web::routes(pages)).await });
    format!("http://{addr}")
}

/// How a request authenticates.
#[derive(Clone, Copy)]
pub enum As {
    Nobody,
    Bearer(&'static str),
    Basic(&'static str, &'static str),
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

pub async fn get(url: &str, who: As) -> Answer {
    let request = reqwest::Client::new().get(url);
    let request = match who {
        As::Nobody => request,
        As::Bearer(token) => request.bearer_auth(token),
        As::Basic(user, password) => request.basic_auth(user, Some(password)),
    };
    let response = request.send().await.expect("the pages answer");
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.expect("a body"),
    }
}

/// Titles in the order the list shows them.
pub fn listed_ids(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"<span class="id">(INC-\d+)</span>"#).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

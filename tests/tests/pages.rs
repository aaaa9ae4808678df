//! The incident pages, served by the real router over a real SQLite store: who gets in, what
//! they see, and what they can download.
//!
//! Three incidents are recorded the way the handlers record them: INC-1, a P1 declared as P2,
//! raised, acknowledged, quiet for 45 minutes, resolved with a summary and a follow-up; INC-2,
//! a P3 still open; INC-3, open, with a title and a note that try to be HTML. The clock stands
//! at 09:00, so INC-2 has been open for 3h 12m.
//!
//! `browser_*` tests drive Debian's chromium (see `warroom_tests::browser`); the rest speak
//! HTTP with reqwest, where headers and status codes are easier to read.

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
use warroom_tests::browser::{self, Browser};
use warroom_tests::db::{Backend, TestDb};

const NOW: &str = "2026-11-22T09:00:00Z";
const SECRET: &str = "link-secret-for-tests";
const BEARER: &str = "reviewer-token";
const USER: &str = "ops";
const PASSWORD: &str = "battery-staple";
const XSS_TITLE: &str = "<script>alert(1)</script> in the title";
const XSS_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt; in the title";
const NOT_ALLOWED: &str =
    "This page needs a signed link from warroom or the configured credentials.";
const EXPIRED: &str =
    "This link has expired; ask warroom for a new one (/incident postmortem posts one).";

/// 2026-11-22 at `hh:mm` UTC.
fn at(hh: i64, mm: i64) -> DateTime<Utc> {
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

fn every_way_in() -> PageAuth {
    PageAuth {
        link_secret: Some(SECRET.into()),
        bearer_token: Some(BEARER.into()),
        basic: Some((USER.into(), PASSWORD.into())),
    }
}

/// The incident pages on loopback, over a store holding the three incidents.
struct Stand {
    store: Arc<Store>,
    clock: Arc<ManualClock>,
    base: String,
    _db: TestDb,
}

impl Stand {
    async fn new(auth: PageAuth) -> Stand {
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
    async fn also_serve(&self, auth: PageAuth) -> String {
        serve(self.store.clone(), self.clock.clone(), auth).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A signed link to incident `n` that expires in an hour.
    fn link(&self, n: i64) -> String {
        web::signed_link(
            &self.base,
            SECRET,
            IncidentId(n),
            at(9, 0) + TimeDelta::hours(1),
        )
    }

    async fn markdown(&self, n: i64) -> String {
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
enum As {
    Nobody,
    Bearer(&'static str),
    Basic(&'static str, &'static str),
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

async fn get(url: &str, who: As) -> Answer {
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
fn listed_ids(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"<span class="id">(INC-\d+)</span>"#).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bearer_token_opens_the_list_newest_first() {
    let stand = Stand::new(every_way_in()).await;
    let list = get(&stand.url("/incidents"), As::Bearer(BEARER)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(listed_ids(&list.body), ["INC-3", "INC-2", "INC-1"]);
    assert!(list.body.contains("<a href=\"/incidents/1\">"));
    assert!(
        list.body
            .contains("🔴 P1</span> <span class=\"title\">Checkout returns 502")
    );
    assert!(list.body.contains("declared 2026-11-22 03:00 UTC"));
    assert!(
        list.body.contains("lasted 1h 05m"),
        "resolved: declared → resolved"
    );
    assert!(
        list.body.contains("open for 3h 12m"),
        "open: declared → now"
    );
    assert!(list.body.contains("name=\"viewport\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_keeps_the_pages_private() {
    let stand = Stand::new(every_way_in()).await;
    let link = stand.link(1);
    for (url, who) in [
        (stand.url("/incidents"), As::Bearer(BEARER)),
        (stand.url("/incidents/1"), As::Basic(USER, PASSWORD)),
        (link.clone(), As::Nobody),
        (
            link.replace("/incidents/1?", "/incidents/1.md?"),
            As::Nobody,
        ),
        (stand.url("/incidents/1.json"), As::Bearer(BEARER)),
        (stand.url("/incidents"), As::Nobody),
        (stand.url("/incidents/99"), As::Bearer(BEARER)),
    ] {
        let answer = get(&url, who).await;
        assert_eq!(answer.header("cache-control"), "no-store", "{url}");
        assert_eq!(answer.header("x-content-type-options"), "nosniff", "{url}");
        assert_eq!(answer.header("referrer-policy"), "no-referrer", "{url}");
        if answer.header("content-type").starts_with("text/html") {
            assert_eq!(
                answer.header("content-security-policy"),
                "default-src 'none'; style-src 'unsafe-inline'",
                "{url}"
            );
            assert!(!answer.body.contains("<script"), "{url}: no script at all");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_credentials_open_everything() {
    let stand = Stand::new(every_way_in()).await;
    for path in [
        "/incidents",
        "/incidents/1",
        "/incidents/INC-2",
        "/incidents/3.md",
    ] {
        let answer = get(&stand.url(path), As::Basic(USER, PASSWORD)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_missing_credentials_are_refused() {
    let stand = Stand::new(every_way_in()).await;
    for who in [
        As::Nobody,
        As::Bearer("reviewer-tokeN"),
        As::Bearer(""),
        As::Basic(USER, "battery-stapler"),
        As::Basic("root", PASSWORD),
    ] {
        for path in ["/incidents", "/incidents/1", "/incidents/1.json"] {
            let answer = get(&stand.url(path), who).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(answer.header("www-authenticate"), "Basic realm=\"warroom\"");
            assert!(answer.body.contains(NOT_ALLOWED), "{}", answer.body);
            assert!(
                !answer.body.contains("Checkout"),
                "nothing of the incident leaks"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_nothing_configured_nothing_is_public() {
    let stand = Stand::new(PageAuth::default()).await;
    let forged = web::signed_link(&stand.base, "", IncidentId(1), at(10, 0));
    for (url, who) in [
        (stand.url("/incidents"), As::Nobody),
        (stand.url("/incidents"), As::Bearer("")),
        (stand.url("/incidents/1"), As::Basic("", "")),
        (forged, As::Nobody),
    ] {
        let answer = get(&url, who).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{url}");
        assert_eq!(
            answer.header("www-authenticate"),
            "",
            "no password prompt when no password would work"
        );
        assert!(answer.body.contains(NOT_ALLOWED));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_link_opens_its_incident_and_nothing_else() {
    let stand = Stand::new(every_way_in()).await;
    let link = stand.link(1);
    let token = link.split_once("?sig=").unwrap().1.to_string();
    assert!(link.starts_with(&format!("{}/incidents/1?sig=", stand.base)));

    let page = get(&link, As::Nobody).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Checkout returns 502"));
    assert!(
        page.body
            .contains(&format!("href=\"/incidents/1.md?sig={token}\"")),
        "the download links carry the link's token"
    );
    assert!(
        page.body
            .contains(&format!("href=\"/incidents/1.json?sig={token}\""))
    );
    assert!(
        !page.body.contains("All incidents"),
        "a link reader is not sent to a list they cannot open"
    );
    for path in ["/incidents/INC-1", "/incidents/1.md", "/incidents/1.json"] {
        let answer = get(&stand.url(&format!("{path}?sig={token}")), As::Nobody).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
    }
    for path in [
        "/incidents",
        "/incidents/2",
        "/incidents/2.md",
        "/incidents/3.json",
    ] {
        let answer = get(&stand.url(&format!("{path}?sig={token}")), As::Nobody).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(answer.body.contains(NOT_ALLOWED), "{path}");
    }
    let flipped = if link.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{flipped}", &link[..link.len() - 1]);
    assert_eq!(
        get(&tampered, As::Nobody).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_link_says_so_and_how_to_get_another() {
    let stand = Stand::new(every_way_in()).await;
    let link = stand.link(1);
    assert_eq!(get(&link, As::Nobody).await.status, StatusCode::OK);
    stand.clock.advance(TimeDelta::hours(1));
    let answer = get(&link, As::Nobody).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.body.contains(EXPIRED), "{}", answer.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_incident_is_not_found_once_you_may_look() {
    let stand = Stand::new(every_way_in()).await;
    for path in [
        "/incidents/99",
        "/incidents/INC-99.md",
        "/incidents/99.json",
    ] {
        let answer = get(&stand.url(path), As::Bearer(BEARER)).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            answer.body.contains("There is no incident INC-99."),
            "{path}"
        );
    }
    let odd = get(&stand.url("/incidents/checkout"), As::Bearer(BEARER)).await;
    assert_eq!(odd.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&stand.url("/incidents/99"), As::Nobody).await.status,
        StatusCode::UNAUTHORIZED,
        "whether an incident exists is not said to strangers"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_narrow_the_list() {
    let stand = Stand::new(every_way_in()).await;
    let listed = |query: &'static str| {
        let url = stand.url(&format!("/incidents{query}"));
        async move {
            let answer = get(&url, As::Bearer(BEARER)).await;
            assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
            (listed_ids(&answer.body), answer.body)
        }
    };
    assert_eq!(listed("?status=open").await.0, ["INC-3", "INC-2"]);
    assert_eq!(listed("?status=resolved").await.0, ["INC-1"]);
    assert_eq!(listed("?status=all").await.0, ["INC-3", "INC-2", "INC-1"]);
    assert_eq!(listed("?severity=p1").await.0, ["INC-1"]);
    assert_eq!(listed("?severity=P3").await.0, ["INC-2"]);
    assert_eq!(listed("?q=CHECKOUT").await.0, ["INC-1"]);
    assert_eq!(listed("?q=s&status=open&severity=p3").await.0, ["INC-2"]);
    assert_eq!(
        listed("?status=&severity=&q=").await.0,
        ["INC-3", "INC-2", "INC-1"],
        "the form's empty choices filter nothing"
    );
    let (none, body) = listed("?status=resolved&severity=p4").await;
    assert!(none.is_empty());
    assert!(body.contains("No incidents match these filters."));
    let (_, body) = listed("?status=open&severity=p3&q=slow").await;
    assert!(body.contains("<option value=\"open\" selected>"));
    assert!(body.contains("<option value=\"p3\" selected>"));
    assert!(body.contains("name=\"q\" value=\"slow\""));
    let bad = get(&stand.url("/incidents?severity=p9"), As::Bearer(BEARER)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body
            .contains("is not a severity; use p1, p2, p3 or p4.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_incident_page_shows_the_record_with_its_silences() {
    let stand = Stand::new(every_way_in()).await;
    let page = get(&stand.url("/incidents/INC-1"), As::Bearer(BEARER)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    for fact in [
        "<dt>Severity</dt><dd><span class=\"sev sev-p1\">🔴 P1</span> — Service down</dd>",
        "<dt>Status</dt><dd><span class=\"status\">resolved</span></dd>",
        "<dt>Lead</dt><dd>bob</dd>",
        "<dt>Declared</dt><dd>2026-11-22 03:00 UTC by alice</dd>",
        "<dt>Acknowledged</dt><dd>2026-11-22 03:04 UTC by bob (4m after declaration)</dd>",
        "<dt>Resolved</dt><dd>2026-11-22 04:05 UTC (after 1h 05m)</dd>",
    ] {
        assert!(body.contains(fact), "missing {fact}\n{body}");
    }
    assert!(
        body.contains("<nav><a href=\"/incidents\">"),
        "credentials lead back to the list"
    );
    assert!(body.contains("<ol class=\"timeline\">"));
    assert_eq!(
        body.matches("with nothing recorded").count(),
        1,
        "one silence over 30 minutes"
    );
    let gap = body.find("— 45m with nothing recorded —").expect("the gap");
    assert!(body.find("rolled api back to rev 41").unwrap() < gap);
    assert!(gap < body.find("error rate is back to normal").unwrap());
    for key in ["declared", "severity", "acknowledged", "resolved"] {
        assert!(
            body.contains(&format!("<li class=\"entry kind-{key} key\">")),
            "{key} is marked"
        );
    }
    assert!(
        body.contains("<li class=\"entry kind-note\">"),
        "a note is not"
    );
    assert!(body.contains("<h2>Post-mortem: INC-1 — Checkout returns 502</h2>"));
    assert!(body.contains("<h3>Key times</h3>"));
    assert!(body.contains("<li class=\"task\">☐ add a canary stage to api deploys"));
    assert!(!body.contains("|---"), "no raw Markdown table left");

    let open = get(&stand.url("/incidents/2"), As::Bearer(BEARER)).await;
    assert!(
        open.body
            .contains("<dt>Resolved</dt><dd>open for 3h 12m</dd>")
    );
    assert!(
        open.body
            .contains("<dt>Acknowledged</dt><dd>not acknowledged</dd>")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_downloads_hold_the_draft_and_the_timeline() {
    let stand = Stand::new(every_way_in()).await;
    let md = get(&stand.url("/incidents/1.md"), As::Bearer(BEARER)).await;
    assert_eq!(md.status, StatusCode::OK);
    assert_eq!(md.header("content-type"), "text/markdown; charset=utf-8");
    assert_eq!(
        md.header("content-disposition"),
        "attachment; filename=\"INC-1.md\""
    );
    assert_eq!(md.body, stand.markdown(1).await, "exactly the draft");

    let json = get(&stand.url("/incidents/INC-1.json"), As::Bearer(BEARER)).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.header("content-type"), "application/json");
    let doc: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    assert_eq!(doc["id"], "INC-1");
    assert_eq!(doc["number"], 1);
    assert_eq!(doc["title"], "Checkout returns 502");
    assert_eq!(doc["severity"], "p1");
    assert_eq!(doc["status"], "resolved");
    assert_eq!(doc["lead"], "bob");
    assert_eq!(doc["declared_at"], "2026-11-22T03:00:00Z");
    assert_eq!(doc["acknowledged_by"], "bob");
    assert_eq!(doc["resolved_at"], "2026-11-22T04:05:00Z");
    let kinds: Vec<&str> = doc["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "declared",
            "severity",
            "acknowledged",
            "note",
            "note",
            "status",
            "resolved",
            "follow-up"
        ]
    );
    assert_eq!(doc["timeline"][1]["from"], "p2");
    assert_eq!(doc["timeline"][1]["to"], "p1");
    assert_eq!(doc["timeline"][3]["text"], "rolled api back to rev 41");
    assert_eq!(doc["timeline"][3]["actor"], "bob");
    assert_eq!(doc["timeline"][3]["at"], "2026-11-22T03:10:00Z");
    assert_eq!(doc["postmortem_markdown"], stand.markdown(1).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_people_typed_is_never_markup() {
    let stand = Stand::new(every_way_in()).await;
    let list = get(&stand.url("/incidents?q=script"), As::Bearer(BEARER)).await;
    assert_eq!(listed_ids(&list.body), ["INC-3"]);
    let page = get(&stand.url("/incidents/3"), As::Bearer(BEARER)).await;
    for body in [&list.body, &page.body] {
        assert!(!body.contains("<script>"), "{body}");
        assert!(body.contains(XSS_ESCAPED), "{body}");
    }
    assert!(!page.body.contains("<img"), "{}", page.body);
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        page.body
            .contains(&format!("<title>INC-3 P2 {XSS_ESCAPED}</title>"))
    );
    let form = get(
        &stand.url("/incidents?q=%22%3E%3Cscript%3E"),
        As::Bearer(BEARER),
    )
    .await;
    assert!(!form.body.contains("\"><script>"), "{}", form.body);
    assert!(form.body.contains("value=\"&quot;&gt;&lt;script&gt;\""));
}

// What a person's browser does with the pages.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_opens_the_list_with_credentials_in_the_url() {
    let stand = Stand::new(every_way_in()).await;
    let url = stand
        .base
        .replace("http://", &format!("http://{USER}:{PASSWORD}@"));
    let dom = browser::dump_dom(&format!("{url}/incidents")).await;
    assert_eq!(
        listed_ids(&dom),
        ["INC-3", "INC-2", "INC-1"],
        "chromium answered the basic challenge with the URL's credentials:\n{dom}"
    );
    assert!(dom.contains("open for 3h 12m"));
    assert!(dom.contains(XSS_ESCAPED), "the title is text in the DOM");
    assert!(
        !dom.contains("<script"),
        "no script element was built: {dom}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_reads_an_incident_from_a_signed_link() {
    let stand = Stand::new(every_way_in()).await;
    let dom = browser::dump_dom(&stand.link(1)).await;
    assert!(dom.contains("Checkout returns 502"), "{dom}");
    assert!(dom.contains("— 45m with nothing recorded —"));
    assert!(dom.contains("<h2>Post-mortem: INC-1 — Checkout returns 502</h2>"));
    assert!(dom.contains("A bad deploy of api rev 42; rolled back to rev 41."));

    let dom = browser::dump_dom(&stand.link(3)).await;
    assert!(dom.contains(XSS_ESCAPED), "{dom}");
    assert!(!dom.contains("<script") && !dom.contains("<img"), "{dom}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_is_refused_without_a_link_and_told_when_a_link_expired() {
    // Without basic auth configured there is no password prompt, so the browser shows the
    // refusal itself (with it, headless chromium shows the prompt, which nobody answers).
    let stand = Stand::new(every_way_in()).await;
    let base = stand
        .also_serve(PageAuth {
            basic: None,
            ..every_way_in()
        })
        .await;
    let dom = browser::dump_dom(&format!("{base}/incidents/1")).await;
    assert!(dom.contains(NOT_ALLOWED), "{dom}");
    assert!(!dom.contains("Checkout"));
    let other = web::signed_link(&base, SECRET, IncidentId(1), at(10, 0));
    let dom = browser::dump_dom(&other.replace("/incidents/1?", "/incidents/2?")).await;
    assert!(
        dom.contains(NOT_ALLOWED),
        "a link opens only its incident: {dom}"
    );
    stand.clock.advance(TimeDelta::hours(2));
    let dom = browser::dump_dom(&other).await;
    assert!(
        dom.contains("This link has expired; ask warroom for a new one"),
        "{dom}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_downloads_the_draft_from_a_signed_page_and_sends_a_bearer_token() {
    let stand = Stand::new(every_way_in()).await;
    let mut chromium = Browser::launch().await;

    let dom = chromium.open(&stand.link(1)).await;
    assert!(dom.contains("Checkout returns 502"), "{dom}");
    let (name, bytes) = chromium
        .click_to_download("a[href^=\"/incidents/1.md\"]")
        .await;
    assert_eq!(name, "INC-1.md");
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        stand.markdown(1).await,
        "the saved file is the draft"
    );
    let (name, bytes) = chromium
        .click_to_download("a[href^=\"/incidents/1.json\"]")
        .await;
    assert_eq!(name, "INC-1.json");
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["timeline"].as_array().unwrap().len(), 8);

    // The list answers 401 with a basic challenge; headless chromium has nobody to ask.
    let refused = chromium.navigate(&stand.url("/incidents")).await;
    assert_eq!(
        refused,
        Err("net::ERR_INVALID_AUTH_CREDENTIALS".to_string()),
        "the list stays closed to a link reader"
    );
    let bearer = format!("Bearer {BEARER}");
    chromium
        .send_headers(&[("Authorization", bearer.as_str())])
        .await;
    let list = chromium.open(&stand.url("/incidents?status=open")).await;
    assert_eq!(listed_ids(&list), ["INC-3", "INC-2"], "{list}");
    chromium.close().await;
}

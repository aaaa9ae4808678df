//! What the incident pages show to someone let in, over HTTP: the list and its filters, an
//! incident's record with its silences and its post-mortem draft, the Markdown and JSON
//! downloads, and what people typed kept as text, never markup.
//!
//! The pages, the three incidents they show and the client are in `warroom_tests::pages`.

use reqwest::StatusCode;
use warroom_tests::pages::{As, BEARER, Stand, XSS_ESCAPED, every_way_in, get, listed_ids};

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

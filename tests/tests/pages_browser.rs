//! What a person's browser does with the incident pages: Debian's chromium (see
//! `warroom_tests::browser`) opens the list with credentials, reads an incident from a signed
//! link, is refused or told the link expired, and downloads the draft.
//!
//! The pages and the three incidents they show are in `warroom_tests::pages`.

use chrono::TimeDelta;
use warroom::web::{self, PageAuth};
use warroom_commands::incident::IncidentId;
use warroom_tests::browser::{self, Browser};
use warroom_tests::pages::{
    BEARER, NOT_ALLOWED, PASSWORD, SECRET, Stand, USER, XSS_ESCAPED, at, every_way_in, listed_ids,
};

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

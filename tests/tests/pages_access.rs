//! Who gets into the incident pages, over HTTP: a bearer token or basic credentials open
//! everything, a signed link opens its own incident until it expires, and nothing else opens
//! anything (nothing at all when nothing is configured). An unknown incident is not found
//! only for those let in, and every answer keeps the pages private.
//!
//! The pages, the three incidents they show and the client are in `warroom_tests::pages`;
//! requests go through reqwest, where headers and status codes are easy to read.

use chrono::TimeDelta;
use reqwest::StatusCode;
use warroom::web::{self, PageAuth};
use warroom_commands::incident::IncidentId;
use warroom_tests::pages::{
    As, BEARER, EXPIRED, NOT_ALLOWED, PASSWORD, Stand, USER, at, every_way_in, get, listed_ids,
};

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

//! Slack posts go out at Slack's own pace, which is per channel: twenty incident channels paged
//! at once are written to in parallel, one busy channel is spaced so that Slack refuses nothing,
//! and a 429 is waited out and the message delivered once. warroom's real Slack client posts to
//! the fake Slack, which refuses with 429 what real Slack would and records when each channel's
//! messages arrived; the assertions read those times.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::json;
use warroom::slack::api::{ApiError, SlackApi};
use warroom::slack::pace::{BURST, INTERVAL};
use warroom_tests::slack::FakeSlack;

const CHANNEL: &str = "C0CHECKOUT";

fn client(fake: &FakeSlack) -> SlackApi {
    warroom::server::install_crypto_provider();
    SlackApi::new(&fake.api_url(), "xoxb-pace", Default::default()).expect("a Slack client")
}

/// Posts `text` into `channel`; the message's ts.
async fn post(api: &SlackApi, channel: &str, text: &str) -> Result<String, ApiError> {
    api.post(channel, None, &json!({ "text": text })).await
}

/// The texts Slack accepted through chat.postMessage, each once.
fn delivered(fake: &FakeSlack) -> Vec<String> {
    fake.calls_to("chat.postMessage")
        .iter()
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_incident_channels_paged_at_once_are_written_to_in_parallel() {
    let fake = FakeSlack::start().await;
    let api = client(&fake);
    let channels: Vec<String> = (0..20).map(|n| format!("C{n:02}INCIDENT")).collect();
    let sent: Vec<(String, String)> = channels
        .iter()
        .flat_map(|c| (1..=3).map(move |n| (c.clone(), format!("update {n} in {c}"))))
        .collect();
    let start = Instant::now();
    let results = join_all(sent.iter().map(|(channel, text)| post(&api, channel, text))).await;
    let took = start.elapsed();

    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    let got: BTreeSet<String> = delivered(&fake).into_iter().collect();
    let expected: BTreeSet<String> = sent.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(fake.calls_to("chat.postMessage").len(), 60, "each once");
    assert_eq!(got, expected);
    assert!(
        fake.paced_refusals().is_empty(),
        "Slack refused: {:?}",
        fake.paced_refusals()
    );
    let arrivals = fake.arrivals();
    assert_eq!(arrivals.len(), 20);
    assert!(arrivals.values().all(|a| a.len() == 3), "{arrivals:?}");
    // One a second for the whole process would put the last channel's first page a minute out.
    let last_first = arrivals
        .values()
        .map(|a| a[0] - start)
        .max()
        .expect("twenty channels");
    assert!(
        last_first < Duration::from_secs(2),
        "the last channel's first message arrived after {last_first:?}"
    );
    assert!(
        took < Duration::from_secs(5),
        "sixty messages took {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_busy_channel_is_spaced_so_slack_refuses_nothing() {
    let fake = FakeSlack::start().await;
    let api = client(&fake);
    let texts: Vec<String> = (1..=8).map(|n| format!("update {n}")).collect();
    let results = join_all(texts.iter().map(|t| post(&api, CHANNEL, t))).await;

    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    let mut got = delivered(&fake);
    got.sort();
    assert_eq!(got, texts, "each message once");
    assert!(
        fake.paced_refusals().is_empty(),
        "Slack refused: {:?}",
        fake.paced_refusals()
    );
    let arrivals = fake.arrivals_in(CHANNEL);
    assert_eq!(arrivals.len(), 8);
    // A burst goes at once; from its last message on, one a second.
    let after_burst = &arrivals[BURST as usize - 1..];
    let gaps: Vec<Duration> = after_burst.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter()
            .all(|g| *g >= INTERVAL - Duration::from_millis(100)),
        "gaps after the burst: {gaps:?}"
    );
    let burst = arrivals[BURST as usize - 1] - arrivals[0];
    assert!(
        burst < Duration::from_millis(500),
        "the burst took {burst:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_and_the_message_delivered_once() {
    let fake = FakeSlack::start().await;
    let api = client(&fake);
    fake.rate_limit("chat.postMessage", 1);
    let start = Instant::now();
    let ts = post(&api, CHANNEL, "INC-7 is not acknowledged")
        .await
        .expect("delivered after the 429");

    let posted = fake.calls_to("chat.postMessage");
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0].body["ts"], ts.as_str());
    let arrived = fake.arrivals_in(CHANNEL);
    assert_eq!(arrived.len(), 1);
    // The fake said Retry-After: 1.
    assert!(
        arrived[0] - start >= Duration::from_secs(1),
        "tried again after {:?}",
        arrived[0] - start
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_writing_to_one_channel_wait_out_slacks_refusals() {
    // Each replica paces itself, but not the other: together their bursts overrun the channel,
    // and Slack's 429s pause each one until every message lands.
    let fake = FakeSlack::start().await;
    let (a, b) = (client(&fake), client(&fake));
    let texts: Vec<String> = (1..=2 * BURST).map(|n| format!("page {n}")).collect();
    let results = join_all(texts.iter().enumerate().map(|(n, t)| {
        let replica = if n % 2 == 0 { &a } else { &b };
        post(replica, CHANNEL, t)
    }))
    .await;

    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    let mut got = delivered(&fake);
    got.sort();
    let mut expected = texts.clone();
    expected.sort();
    assert_eq!(got, expected, "each message once");
    let refused = fake.paced_refusals().get(CHANNEL).copied().unwrap_or(0);
    assert!(refused > 0, "the two bursts together overran the channel");
}

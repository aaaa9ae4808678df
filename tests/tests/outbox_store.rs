//! The outbox's rules, on SQLite and on Postgres: one letter of a lane at a time and in order,
//! waiting redraws coalesced, a letter held back until its moment (and its lane behind it), a
//! dead sender's letter sent again after its lease, and a request's letters written only with
//! its end. And the inbox's lanes: a channel's `/incident`
//! commands run one after another, in the order they came.

use chrono::{DateTime, TimeDelta, Utc};
use warroom_integrations::Store;
use warroom_integrations::store::outbox::{Delivered, Letter, Sending};
use warroom_tests::db::{Backend, TestDb};

const LEASE: TimeDelta = TimeDelta::seconds(30);

fn letter(lane: &str, payload: &str) -> Letter {
    Letter {
        carrier: "slack",
        lane: lane.into(),
        payload: payload.into(),
        coalesce: None,
        not_before: None,
    }
}

fn redraw(lane: &str, payload: &str) -> Letter {
    Letter {
        coalesce: Some(format!("card:{lane}")),
        ..letter(lane, payload)
    }
}

async fn store(db: &TestDb) -> Store {
    Store::open(&db.url).await.expect("store")
}

/// What a claim by `worker` returned: the letters' payloads.
async fn claim(store: &Store, worker: &str, limit: u32) -> Vec<String> {
    store
        .outbox_claim(worker, Utc::now(), LEASE, limit)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.payload)
        .collect()
}

async fn lanes_go_one_at_a_time_in_order(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = store(&db).await;
    let now = Utc::now();
    store
        .outbox_post(
            &[
                letter("C1", "c1-a"),
                letter("C2", "c2-a"),
                letter("C1", "c1-b"),
                letter("C1", "c1-c"),
            ],
            now,
        )
        .await
        .unwrap();
    // Only the head of each lane can be claimed, by anyone.
    let heads = store.outbox_claim("a", now, LEASE, 10).await.unwrap();
    let payloads: Vec<&str> = heads.iter().map(|l| l.payload.as_str()).collect();
    assert_eq!(payloads, ["c1-a", "c2-a"]);
    assert!(claim(&store, "b", 10).await.is_empty());
    // Finishing C1's head lets its next letter go; a failed letter ends as well.
    store
        .outbox_finish(heads[0].id, "a", Utc::now(), &Delivered::Sent)
        .await
        .unwrap();
    let next = store.outbox_claim("b", now, LEASE, 10).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].payload, "c1-b");
    let refused = Delivered::Failed("channel_not_found".into());
    store
        .outbox_finish(next[0].id, "b", Utc::now(), &refused)
        .await
        .unwrap();
    assert_eq!(claim(&store, "b", 10).await, ["c1-c"]);
    assert_eq!(store.outbox_waiting().await.unwrap(), 2, "c2-a and c1-c");
}

async fn a_dead_senders_letter_goes_again_after_its_lease(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = store(&db).await;
    let now = Utc::now();
    store
        .outbox_post(&[letter("C1", "first"), letter("C1", "second")], now)
        .await
        .unwrap();
    let taken = store.outbox_claim("dead", now, LEASE, 10).await.unwrap();
    assert_eq!(taken.len(), 1);
    // While the lease holds, nobody else sends it, nor anything behind it.
    let during = store
        .outbox_claim("alive", now + LEASE - TimeDelta::seconds(1), LEASE, 10)
        .await
        .unwrap();
    assert!(during.is_empty());
    let after = store
        .outbox_claim("alive", now + LEASE, LEASE, 10)
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!((after[0].payload.as_str(), after[0].attempts), ("first", 2));
    // The dead sender's record of it, arriving late, changes nothing.
    store
        .outbox_finish(taken[0].id, "dead", Utc::now(), &Delivered::Sent)
        .await
        .unwrap();
    assert_eq!(store.outbox_waiting().await.unwrap(), 2);
}

async fn waiting_redraws_coalesce(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = store(&db).await;
    let now = Utc::now();
    store
        .outbox_post(&[redraw("C1", "redraw-1"), letter("C1", "note-1")], now)
        .await
        .unwrap();
    // A second redraw while the first waits is not written; the note is.
    store
        .outbox_post(&[redraw("C1", "redraw-2"), letter("C1", "note-2")], now)
        .await
        .unwrap();
    assert_eq!(store.outbox_waiting().await.unwrap(), 3);
    // Once the redraw is claimed (it may have read the incident already), a new one is written.
    assert_eq!(claim(&store, "a", 10).await, ["redraw-1"]);
    store
        .outbox_post(&[redraw("C1", "redraw-3")], now)
        .await
        .unwrap();
    assert_eq!(store.outbox_waiting().await.unwrap(), 4);
}

/// The payloads a claim by `worker` at `at` returned, and the letters themselves.
async fn claim_at(store: &Store, worker: &str, at: DateTime<Utc>) -> (Vec<String>, Vec<Sending>) {
    let letters = store.outbox_claim(worker, at, LEASE, 10).await.unwrap();
    (letters.iter().map(|l| l.payload.clone()).collect(), letters)
}

async fn a_held_back_letter_waits_for_its_moment_and_its_lane_behind_it(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = store(&db).await;
    let now = Utc::now();
    let due = now + TimeDelta::seconds(3);
    let held = Letter {
        not_before: Some(due),
        ..redraw("C1", "redraw-1")
    };
    store
        .outbox_post(&[held, letter("C1", "note-1"), letter("C2", "c2")], now)
        .await
        .unwrap();
    // Before its moment neither it nor the note behind it goes; another lane does.
    let (payloads, other) = claim_at(&store, "a", now).await;
    assert_eq!(payloads, ["c2"]);
    store
        .outbox_finish(other[0].id, "a", now, &Delivered::Sent)
        .await
        .unwrap();
    let just_before = due - TimeDelta::milliseconds(1);
    assert!(claim_at(&store, "a", just_before).await.0.is_empty());
    // A redraw asked for while it waits, even one to be sent at once, is that one letter.
    store
        .outbox_post(&[redraw("C1", "redraw-2")], now + TimeDelta::seconds(1))
        .await
        .unwrap();
    assert_eq!(
        store.outbox_waiting().await.unwrap(),
        2,
        "redraw-1 and note-1"
    );
    // At its moment it goes, alone: the note still waits for it to be sent.
    let (payloads, taken) = claim_at(&store, "dead", due).await;
    assert_eq!(payloads, ["redraw-1"]);
    assert!(claim_at(&store, "b", due).await.0.is_empty());
    // Its sender died: it goes again when the lease runs out, then the note.
    let (payloads, again) = claim_at(&store, "b", due + LEASE).await;
    assert_eq!(payloads, ["redraw-1"]);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].id, taken[0].id);
    store
        .outbox_finish(again[0].id, "b", due + LEASE, &Delivered::Sent)
        .await
        .unwrap();
    assert_eq!(claim_at(&store, "b", due + LEASE).await.0, ["note-1"]);
}

async fn a_requests_letters_are_written_with_its_end(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = store(&db).await;
    let now = Utc::now();
    store
        .inbox_accept("k1", "slack-command", None, "{}", now)
        .await
        .unwrap();
    let claimed = store.inbox_claim("a", now, LEASE, 1).await.unwrap();
    let answer = [letter("C1", "answer")];
    // A worker whose claim was taken over writes nothing.
    let later = now + LEASE;
    let over = store.inbox_claim("b", later, LEASE, 1).await.unwrap();
    assert_eq!(over.len(), 1);
    let finished = store
        .inbox_finish(claimed[0].id, "a", later, "ran", &answer)
        .await
        .unwrap();
    assert!(!finished);
    assert_eq!(store.outbox_waiting().await.unwrap(), 0);
    // The holder's end and its answer commit together.
    let finished = store
        .inbox_finish(over[0].id, "b", later, "ran", &answer)
        .await
        .unwrap();
    assert!(finished);
    assert_eq!(store.outbox_waiting().await.unwrap(), 1);
    assert_eq!(store.inbox_waiting().await.unwrap(), 0);
}

async fn a_lanes_requests_run_one_after_another(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = store(&db).await;
    let now = Utc::now();
    let ids = |items: Vec<warroom_integrations::store::inbox::InboxItem>| {
        items.into_iter().map(|i| i.key).collect::<Vec<_>>()
    };
    for (key, lane) in [
        ("declare", Some("slack:T1:C1")),
        ("note", Some("slack:T1:C1")),
        ("rollback", None),
        ("other-channel", Some("slack:T1:C2")),
    ] {
        store
            .inbox_accept(key, "slack-command", lane, "{}", now)
            .await
            .unwrap();
    }
    // The note waits for the declaration; requests of no lane or another lane do not.
    let first = store.inbox_claim("a", now, LEASE, 10).await.unwrap();
    let declare = first[0].id;
    for done in &first[1..] {
        assert!(
            store
                .inbox_finish(done.id, "a", now, "ran", &[])
                .await
                .unwrap()
        );
    }
    assert_eq!(ids(first), ["declare", "rollback", "other-channel"]);
    assert!(
        store
            .inbox_claim("b", now, LEASE, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A worker that died holding the declaration still holds back the note: the declaration
    // runs again first, once its lease is out.
    let later = now + LEASE;
    let again = store.inbox_claim("b", later, LEASE, 1).await.unwrap();
    assert_eq!(ids(again), ["declare"]);
    assert!(
        store
            .inbox_claim("c", later, LEASE, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .inbox_finish(declare, "b", later, "ran", &[])
            .await
            .unwrap()
    );
    let next = store.inbox_claim("c", later, LEASE, 10).await.unwrap();
    assert_eq!(ids(next), ["note"]);
}

#[tokio::test]
async fn a_lanes_requests_run_one_after_another_on_sqlite() {
    a_lanes_requests_run_one_after_another(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_lanes_requests_run_one_after_another_on_postgres() {
    a_lanes_requests_run_one_after_another(Backend::Postgres).await;
}

#[tokio::test]
async fn lanes_go_one_at_a_time_in_order_on_sqlite() {
    lanes_go_one_at_a_time_in_order(Backend::Sqlite).await;
}

#[tokio::test]
async fn lanes_go_one_at_a_time_in_order_on_postgres() {
    lanes_go_one_at_a_time_in_order(Backend::Postgres).await;
}

#[tokio::test]
async fn a_dead_senders_letter_goes_again_after_its_lease_on_sqlite() {
    a_dead_senders_letter_goes_again_after_its_lease(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_dead_senders_letter_goes_again_after_its_lease_on_postgres() {
    a_dead_senders_letter_goes_again_after_its_lease(Backend::Postgres).await;
}

#[tokio::test]
async fn waiting_redraws_coalesce_on_sqlite() {
    waiting_redraws_coalesce(Backend::Sqlite).await;
}

#[tokio::test]
async fn waiting_redraws_coalesce_on_postgres() {
    waiting_redraws_coalesce(Backend::Postgres).await;
}

#[tokio::test]
async fn a_held_back_letter_waits_for_its_moment_and_its_lane_behind_it_on_sqlite() {
    a_held_back_letter_waits_for_its_moment_and_its_lane_behind_it(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_held_back_letter_waits_for_its_moment_and_its_lane_behind_it_on_postgres() {
    a_held_back_letter_waits_for_its_moment_and_its_lane_behind_it(Backend::Postgres).await;
}

#[tokio::test]
async fn a_requests_letters_are_written_with_its_end_on_sqlite() {
    a_requests_letters_are_written_with_its_end(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_requests_letters_are_written_with_its_end_on_postgres() {
    a_requests_letters_are_written_with_its_end(Backend::Postgres).await;
}

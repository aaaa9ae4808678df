//! A request whose work says "later" is not finished: it stays claimed until its claim runs
//! out and is then handed to a worker again, as the request of a worker that stopped is.

use std::sync::atomic::AtomicU32;

use super::*;

/// Work that cannot run the first time and runs the second.
#[derive(Default)]
struct Flaky {
    runs: AtomicU32,
    ran: tokio::sync::Notify,
}

#[async_trait::async_trait]
impl Work for Flaky {
    async fn run(&self, _: &InboxItem) -> Outcome {
        let n = self.runs.fetch_add(1, Ordering::SeqCst) + 1;
        self.ran.notify_one();
        if n == 1 { Outcome::Later } else { Outcome::Ran }
    }
}

#[tokio::test]
async fn a_request_to_run_later_is_left_claimed_and_handed_out_again_after_its_lease() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
    let store = Store::open(&url).await.unwrap();
    let inbox = Inbox::new(store.clone(), Outbox::new(store.clone(), "test".into()));
    let flaky = Arc::new(Flaky::default());
    let work: Arc<dyn Work> = flaky.clone();
    inbox.register("alerts-test", Arc::downgrade(&work));
    inbox.accept("k1", "alerts-test", None, "{}").await.unwrap();
    inbox.start();
    tokio::time::timeout(Duration::from_secs(30), flaky.ran.notified())
        .await
        .expect("the request ran");

    // Within its lease nobody else is handed it; past the lease it is handed out again.
    let now = Utc::now();
    let held = store.inbox_claim("other", now, LEASE, 10).await.unwrap();
    assert!(held.is_empty(), "{held:?}");
    let again = store
        .inbox_claim("other", now + LEASE + TimeDelta::seconds(1), LEASE, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!((again[0].key.as_str(), again[0].attempts), ("k1", 2));
    assert_eq!(flaky.runs.load(Ordering::SeqCst), 1);
}

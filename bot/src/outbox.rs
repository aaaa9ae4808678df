//! The outbox: everything a request answers (replies, card edits, thread posts, uploads,
//! answers through a response_url or an interaction token) is a row before it is sent, and
//! senders of any replica send the rows.
//!
//! Why rows and not a send from the worker that ran the request: a send in memory dies with
//! its process, so a command accepted and run before a `kill -9` would never be answered, and
//! two replicas editing one card would race. With the outbox:
//! - **an answer is never lost**: a request's letters are written in the transaction that
//!   marks it done ([`collecting`] gathers them while it runs), and a letter whose sender died
//!   is claimed again when its lease runs out (at once on SQLite, which one process serves);
//! - **a channel's letters go in order**: only the first unsent letter of a lane can be
//!   claimed, on any replica, so the last edit of a card is the last one written, and a thread
//!   reply never arrives before the card it belongs to;
//! - **the platform's pace holds**: a lane is one channel, and a sender waits for that
//!   channel's turn (see `slack/pace.rs`); different channels go in parallel, up to
//!   [`SENDERS`] letters at once;
//! - **a flood is bounded**: the backlog is rows, memory holds at most [`SENDERS`] letters;
//! - **a storm edits a card every few seconds at most**: a redraw asked for by alerts is not
//!   sent before [`CARD_GAP`] has passed, and every redraw of that card asked for meanwhile
//!   coalesces into it.
//!
//! A letter is sent at least once: a sender that dies after the platform took the letter and
//! before recording it leaves it to be sent again. That window is one HTTP round trip.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use sha2_next::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use warroom_commands::incident::IncidentId;
use warroom_commands::ports::CardStore;
use warroom_commands::{Block, Platform, Reply};
use warroom_integrations::Store;
pub use warroom_integrations::store::outbox::{Delivered, Letter, Sending};

/// Letters sent at once by one process, each in a different lane. Most of them wait for their
/// channel's turn, which costs a timer, not a connection.
pub const SENDERS: usize = 128;
/// How many letters one claim takes at most.
const CLAIM_AT_ONCE: usize = 64;
/// How long a claim holds without being renewed (a sender renews it every third of this).
const LEASE: TimeDelta = TimeDelta::seconds(30);
/// How often an idle dispatcher looks for letters a dead replica left, when nothing woke it.
const POLL: Duration = Duration::from_secs(1);
/// How long ended letters are kept, for the record.
const KEEP: TimeDelta = TimeDelta::hours(24);
/// How long a card redraw asked for by alerts waits before it is sent, which is what keeps a
/// storm (1,000 alerts a minute) to "one card update per few seconds per incident". The
/// redraw keeps its coalescing key ([`card_key`]) while it waits, so every redraw of that card
/// asked for in these 3 s, by alerts or by people, is this one letter; and the moment is
/// stored with the letter, so the gap holds across replicas and restarts.
pub const CARD_GAP: TimeDelta = TimeDelta::seconds(3);

tokio::task_local! {
    /// The letters of the request running on this task, written when it is done.
    static WRITING: RefCell<Vec<Letter>>;
}

/// Runs `work` (one request), gathering the letters it sends instead of writing them one by
/// one; the caller writes them together with the request's end.
pub async fn collecting<T>(work: impl Future<Output = T>) -> (T, Vec<Letter>) {
    WRITING
        .scope(RefCell::new(Vec::new()), async {
            let done = work.await;
            (done, WRITING.with(|w| w.take()))
        })
        .await
}

/// A file that follows a message: the whole of a long output.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub content: String,
}

/// The reply's attachments, to send after its message.
pub fn attachments(reply: &Reply) -> Vec<Attachment> {
    reply
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Attachment { name, content } => Some(Attachment {
                name: name.clone(),
                content: content.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The lane of a channel's letters.
pub fn channel_lane(carrier: &str, channel: &str) -> String {
    format!("{carrier}:{channel}")
}

/// The lane of answers through one credential (a response_url, an interaction token), named by
/// its digest, since lanes are kept after the letters' payloads are emptied.
pub fn private_lane(carrier: &str, credential: &str) -> String {
    format!("{carrier}:reply:{}", short_digest(credential))
}

/// A short name for a text that must not be kept (a credential) or may be long (a sender's
/// group key): the first 8 bytes of its SHA-256, in hex.
pub fn short_digest(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A redraw asked for by alerts: held back until [`CARD_GAP`] after `now`.
pub fn after_card_gap(redraw: Letter, now: DateTime<Utc>) -> Letter {
    Letter {
        not_before: Some(now + CARD_GAP),
        ..redraw
    }
}

/// The key under which waiting redraws of one incident's card on one platform coalesce.
pub fn card_key(carrier: &str, incident: IncidentId) -> String {
    format!("{carrier}:card:{}", incident.0)
}

/// The channel an incident's card is in on `platform`, if it was posted: a redraw and a change
/// go in that channel's lane, behind the card itself.
pub async fn card_channel(
    cards: &dyn CardStore,
    incident: IncidentId,
    platform: Platform,
) -> Option<String> {
    match cards.card(incident, platform).await {
        Ok(card) => card.map(|c| c.channel.channel),
        Err(e) => {
            tracing::warn!(%incident, error = %e, "could not look up the incident card");
            None
        }
    }
}

/// A letter's payload read back into the carrier's own type, or why it cannot be.
pub fn read<T: serde::de::DeserializeOwned>(letter: &Sending) -> Result<T, Delivered> {
    serde_json::from_str(&letter.payload).map_err(|e| {
        Delivered::Failed(format!(
            "a {} letter cannot be read back: {e}",
            letter.carrier
        ))
    })
}

/// Sends one kind of letter (a transport registers itself under its carrier name).
#[async_trait::async_trait]
pub trait Carrier: Send + Sync {
    /// Sends the letter, waiting for its channel's turn; how it ended.
    async fn carry(&self, letter: &Sending) -> Delivered;
}

pub struct Outbox {
    store: Store,
    /// Names this process in claims.
    process: String,
    /// Held until the dispatcher ends: during a shutdown the HTTP server lets go of the
    /// transports before the last answers are sent.
    carriers: RwLock<HashMap<&'static str, Arc<dyn Carrier>>>,
    /// Wakes the dispatcher when letters were written or a lane came free.
    wake: tokio::sync::Notify,
    /// The earliest moment a letter this process held back comes due, so the dispatcher
    /// wakes for it then rather than at its next poll. Only the earliest is kept: a later one
    /// (or one another replica wrote) is found by the poll, at most [`POLL`] late.
    due: Mutex<Option<DateTime<Utc>>>,
    senders: Arc<Semaphore>,
}

impl Outbox {
    pub fn new(store: Store, process: String) -> Arc<Outbox> {
        Arc::new(Outbox {
            store,
            process,
            carriers: RwLock::default(),
            wake: tokio::sync::Notify::new(),
            due: Mutex::default(),
            senders: Arc::new(Semaphore::new(SENDERS)),
        })
    }

    /// Makes `carrier` send the letters written for `name`.
    pub fn register(&self, name: &'static str, carrier: Arc<dyn Carrier>) {
        self.carriers
            .write()
            .expect("the outbox's table of carriers is never poisoned")
            .insert(name, carrier);
    }

    /// Sends `letters`: as part of the answer of the request running on this task (written
    /// when it is done), or at once when no request runs here.
    pub async fn send(&self, letters: Vec<Letter>) {
        self.held_back(&letters);
        if WRITING.try_with(|_| ()).is_ok() {
            WRITING.with(|w| w.borrow_mut().extend(letters));
        } else {
            self.send_now(letters).await;
        }
    }

    /// Writes `letters` now, even while a request runs: what the channel must see before the
    /// request ends (a confirmation card marked running while the rollout goes on).
    pub async fn send_now(&self, letters: Vec<Letter>) {
        if letters.is_empty() {
            return;
        }
        self.held_back(&letters);
        match self.store.outbox_post(&letters, Utc::now()).await {
            Ok(()) => self.wake(),
            Err(e) => {
                tracing::error!(letters = letters.len(), error = %e, "could not write letters to the outbox")
            }
        }
    }

    /// Letters were written elsewhere (with a request's end): look for them now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Remembers when the earliest of `letters` that are held back comes due.
    fn held_back(&self, letters: &[Letter]) {
        let Some(first) = letters.iter().filter_map(|l| l.not_before).min() else {
            return;
        };
        let mut due = self
            .due
            .lock()
            .expect("the outbox's due time is never poisoned");
        *due = Some(due.map_or(first, |d| d.min(first)));
    }

    /// Waits until letters were written or a lane came free, until the earliest letter this
    /// process held back comes due, or [`POLL`], whichever is first.
    async fn idle(&self) {
        let wait = {
            let mut due = self
                .due
                .lock()
                .expect("the outbox's due time is never poisoned");
            let now = Utc::now();
            match *due {
                Some(at) if at > now => (at - now).to_std().map_or(POLL, |d| d.min(POLL)),
                _ => {
                    *due = None;
                    POLL
                }
            }
        };
        let _ = tokio::time::timeout(wait, self.wake.notified()).await;
    }

    /// Starts the dispatcher and the sweeper. On SQLite, which one process serves, letters a
    /// process that died was sending are made claimable first.
    pub fn start(self: &Arc<Self>) {
        let outbox = self.clone();
        tokio::spawn(async move {
            if let Store::Sqlite(_) = outbox.store {
                let released = outbox.store.outbox_release_all(Utc::now()).await;
                crate::lease::log_released(released, "letters were being sent");
            }
            crate::work::spawn(outbox.clone().dispatch());
            outbox.sweep().await;
        });
    }

    /// Claims letters as senders come free and starts one task per letter. After shutdown
    /// began it goes on until nothing is left to claim, nothing is in flight and no other
    /// tracked work runs, so an answer written by a request that finished during the shutdown
    /// still goes out.
    async fn dispatch(self: Arc<Self>) {
        let worker = format!("{}-outbox", self.process);
        loop {
            let Ok(first) = self.senders.clone().acquire_owned().await else {
                return;
            };
            let mut permits = vec![first];
            while permits.len() < CLAIM_AT_ONCE
                && let Ok(permit) = self.senders.clone().try_acquire_owned()
            {
                permits.push(permit);
            }
            let limit = u32::try_from(permits.len()).unwrap_or(1);
            match self
                .store
                .outbox_claim(&worker, Utc::now(), LEASE, limit)
                .await
            {
                Ok(letters) if !letters.is_empty() => {
                    for (letter, permit) in letters.into_iter().zip(permits) {
                        crate::work::spawn(self.clone().carry(worker.clone(), letter, permit));
                    }
                }
                Ok(_) => {
                    drop(permits);
                    // Done once nothing is in flight and no other tracked work (a request
                    // still running would write its letters when it ends) is left.
                    let idle = self.senders.available_permits() == SENDERS;
                    if crate::work::closing() && idle && crate::work::running() <= 1 {
                        // The transports hold the outbox: let go of them.
                        self.carriers
                            .write()
                            .expect("the outbox's table of carriers is never poisoned")
                            .clear();
                        return;
                    }
                    self.idle().await;
                }
                Err(e) => {
                    drop(permits);
                    tracing::error!(error = %e, "could not claim letters from the outbox");
                    let _ = tokio::time::timeout(POLL, self.wake.notified()).await;
                }
            }
        }
    }

    /// Sends one claimed letter, renewing its claim while it waits for its turn, records how
    /// it ended, and lets the next letter of its lane go.
    async fn carry(self: Arc<Self>, worker: String, letter: Sending, permit: OwnedSemaphorePermit) {
        let carrier = self
            .carriers
            .read()
            .expect("the outbox's table of carriers is never poisoned")
            .get(letter.carrier.as_str())
            .cloned();
        let Some(carrier) = carrier else {
            tracing::error!(carrier = %letter.carrier, id = letter.id, "no transport sends this letter; it waits for a process that has one");
            return;
        };
        let delivered =
            crate::lease::renewing(carrier.carry(&letter), LEASE, "letter", letter.id, || {
                self.store
                    .outbox_renew(letter.id, &worker, Utc::now() + LEASE)
            })
            .await;
        if let Delivered::Failed(why) = &delivered {
            tracing::error!(id = letter.id, lane = %letter.lane, error = %why, "a letter could not be sent");
        }
        if let Err(e) = self
            .store
            .outbox_finish(letter.id, &worker, Utc::now(), &delivered)
            .await
        {
            tracing::error!(id = letter.id, error = %e, "could not record a letter as sent");
        }
        drop(permit);
        self.wake();
    }

    /// Forgets letters that ended a day ago.
    async fn sweep(self: Arc<Self>) {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        while !crate::work::closing() {
            every.tick().await;
            if let Err(e) = self.store.outbox_forget(Utc::now() - KEEP).await {
                tracing::warn!(error = %e, "could not forget old letters");
            }
        }
    }
}

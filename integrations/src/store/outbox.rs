//! The outbox on SQLite and Postgres: what warroom sends to a chat platform, as rows.
//!
//! A request's answer is written as letters in the transaction that marks the request done
//! ([`Store::inbox_finish`]), so "the request ran" and "its answer will be sent" commit
//! together and neither is lost with a process. Letters are then claimed by senders:
//! - only the first unsent letter of a lane (a channel, or one person's answers) can be
//!   claimed, so a channel's letters go out in the order they were written, one at a time
//!   across every replica, and a card's last edit is its latest state;
//! - a claim is a lease, so a letter whose sender died is sent again when it runs out (the
//!   one way a letter goes out twice: a sender that dies between the platform's answer and
//!   recording it);
//! - a letter that only a later one would repeat (a card redraw, which reads the incident when
//!   it is sent) carries a coalescing key while it waits; a second such letter finds the key
//!   taken and is not written;
//! - a letter may name a moment before which it is not sent (an alert-driven card redraw,
//!   held back so a storm edits the card once every few seconds): while it waits it is still
//!   its lane's first letter, so the letters behind it wait too, and it keeps its coalescing
//!   key, so every redraw asked for meanwhile is this one. The moment only holds a letter that
//!   was never claimed: one whose sender died goes again when its lease runs out.

use chrono::{DateTime, TimeDelta, Utc};
use warroom_commands::ports::StoreError;

use super::claim::ClaimSql;
use super::errors::store_error;
use super::{Store, on_pool};

/// A letter to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// Which transport sends it: `slack`, `discord`.
    pub carrier: &'static str,
    /// What orders it: letters of one lane go out one at a time, in order.
    pub lane: String,
    /// What to send, in the carrier's own form.
    pub payload: String,
    /// Set when a waiting letter with the same key makes this one redundant.
    pub coalesce: Option<String>,
    /// Not sent before this moment; `None` is as soon as its lane's turn comes.
    pub not_before: Option<DateTime<Utc>>,
}

/// A claimed letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sending {
    pub id: i64,
    pub carrier: String,
    pub lane: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
    /// 1 the first time; more when an earlier sender claimed it and stopped.
    pub attempts: u32,
}

/// How a letter ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Sent,
    /// The platform refused it for good; why, for the record.
    Failed(String),
}

pub(crate) const INSERT_LETTER: &str = "INSERT INTO outbox \
    (carrier, lane, payload, coalesce_key, created_at, not_before) \
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (coalesce_key) DO NOTHING";

const CLAIM: ClaimSql = ClaimSql {
    sqlite: CLAIM_SQLITE,
    postgres: CLAIM_POSTGRES,
};

/// The first unsent letter of each lane, unless it is being sent under a live lease or is not
/// due yet; `$lock` is the phrase that locks the chosen rows (Postgres) or nothing (SQLite).
/// A head that is not due is still the head: the `NOT EXISTS` keeps its lane waiting.
macro_rules! claim_heads {
    ($lock:literal) => {
        concat!(
            "UPDATE outbox SET state = 'sending', worker = $1, lease_until = $2, \
                attempts = attempts + 1, coalesce_key = NULL \
            WHERE id IN (SELECT o.id FROM outbox o \
                WHERE ((o.state = 'queued' AND (o.not_before IS NULL OR o.not_before <= $3)) \
                    OR (o.state = 'sending' AND o.lease_until <= $3)) \
                AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.lane = o.lane AND p.id < o.id \
                    AND p.state IN ('queued', 'sending')) \
                ORDER BY o.id LIMIT $4",
            $lock,
            ") RETURNING id, carrier, lane, payload, created_at, attempts"
        )
    };
}

const CLAIM_SQLITE: &str = claim_heads!("");
const CLAIM_POSTGRES: &str = claim_heads!(" FOR UPDATE OF o SKIP LOCKED");

const RENEW: &str = "UPDATE outbox SET lease_until = $1 \
    WHERE worker = $2 AND state = 'sending' AND id = $3";

const FINISH: &str = "UPDATE outbox SET state = $1, finished_at = $2, error = $3, payload = '' \
    WHERE id = $4 AND worker = $5 AND state = 'sending'";

const RELEASE: &str = "UPDATE outbox SET lease_until = $1 WHERE state = 'sending'";

const WAITING: &str = "SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending')";

const FORGET: &str = "DELETE FROM outbox WHERE state IN ('sent', 'failed') AND finished_at < $1";

type SendingRow = (i64, String, String, String, DateTime<Utc>, i64);

/// Writes `letters` inside an open transaction `$tx` at `$now`.
macro_rules! insert_letters {
    ($tx:expr, $letters:expr, $now:expr) => {{
        for letter in $letters {
            sqlx::query(super::outbox::INSERT_LETTER)
                .bind(letter.carrier)
                .bind(&letter.lane)
                .bind(&letter.payload)
                .bind(&letter.coalesce)
                .bind($now)
                .bind(letter.not_before)
                .execute(&mut *$tx)
                .await?;
        }
        Ok::<(), sqlx::Error>(())
    }};
}
pub(crate) use insert_letters;

impl Store {
    /// Writes letters to be sent, in order, in one transaction.
    pub async fn outbox_post(
        &self,
        letters: &[Letter],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            insert_letters!(tx, letters, now)?;
            tx.commit().await
        }
        .await)
        .map_err(store_error)
    }

    /// Claims up to `limit` letters for `worker` until `now + lease`: the first waiting letter
    /// of as many lanes, oldest first.
    pub async fn outbox_claim(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Sending>, StoreError> {
        let mut rows: Vec<SendingRow> = self
            .claim_rows(&CLAIM, worker, now, lease, limit)
            .await
            .map_err(store_error)?;
        rows.sort_by_key(|r| r.0);
        Ok(rows
            .into_iter()
            .map(
                |(id, carrier, lane, payload, created_at, attempts)| Sending {
                    id,
                    carrier,
                    lane,
                    payload,
                    created_at,
                    attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                },
            )
            .collect())
    }

    /// Extends `worker`'s claim on a letter being sent; false when it no longer holds it.
    pub async fn outbox_renew(
        &self,
        id: i64,
        worker: &str,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.renew_lease(RENEW, id, worker, until).await
    }

    /// Records how a letter ended, and drops its payload; the next letter of its lane can go.
    pub async fn outbox_finish(
        &self,
        id: i64,
        worker: &str,
        at: DateTime<Utc>,
        how: &Delivered,
    ) -> Result<(), StoreError> {
        let (state, error) = match how {
            Delivered::Sent => ("sent", None),
            Delivered::Failed(why) => ("failed", Some(why.as_str())),
        };
        on_pool!(self, pool => sqlx::query(FINISH)
            .bind(state)
            .bind(at)
            .bind(error)
            .bind(id)
            .bind(worker)
            .execute(pool)
            .await
            .map(drop))
        .map_err(store_error)
    }

    /// Makes every letter being sent claimable at once. Only for a store one process serves
    /// (SQLite): at its start, whoever was sending is gone.
    pub async fn outbox_release_all(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        self.execute_at(RELEASE, now).await
    }

    /// How many letters wait or are being sent, on every replica.
    pub async fn outbox_waiting(&self) -> Result<u64, StoreError> {
        self.count(WAITING).await
    }

    /// Deletes letters that ended before `before`.
    pub async fn outbox_forget(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.execute_at(FORGET, before).await
    }
}

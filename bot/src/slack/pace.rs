//! Writes to a Slack channel, paced the way Slack limits them: per channel.
//!
//! Slack lets a bot post about one message a second into each channel, with short bursts, and
//! answers 429 with `Retry-After` beyond that; different channels do not limit each other. When
//! twenty P1 incidents page at once, each page must go out now, not queue behind the other
//! nineteen, so every channel has its own token bucket: [`BURST`] messages at once, then one
//! every [`INTERVAL`]. A 429 pauses only that channel's bucket.
//!
//! The bucket is kept as the moment it would be full again (the "theoretical arrival time" of
//! the generic cell rate algorithm), and every caller reserves its turn under the lock, so the
//! callers of one channel go out spaced and first come, first served. A bucket that is full
//! again holds nothing a fresh one would not, so idle channels are dropped from the map, which
//! stays about as large as the set of channels written to in the last minute.
//!
//! Time is tokio's, so tests drive it with a paused clock.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Messages a channel may take at once, before the steady pace applies.
pub const BURST: u32 = 3;
/// The steady pace of one channel: Slack's one message a second.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// The map is swept for idle channels when a new channel arrives and it holds this many (or
/// twice what the last sweep kept, so a sweep is paid for by as many new channels as it kept)...
const SWEEP_AT: usize = 256;
/// ...or when the last sweep is this old, so a quiet process lets go of last hour's channels.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

pub struct Pacer {
    burst: u32,
    interval: Duration,
    channels: Mutex<Channels>,
}

struct Channels {
    buckets: HashMap<String, Bucket>,
    sweep_at: usize,
    swept: Instant,
}

struct Bucket {
    /// When the bucket is full again if nothing more is reserved.
    full_at: Instant,
    /// Until when Slack asked for nothing more in this channel (its last `Retry-After`).
    paused_until: Instant,
}

impl Bucket {
    fn idle(&self, now: Instant) -> bool {
        self.full_at <= now && self.paused_until <= now
    }
}

impl Default for Pacer {
    /// Slack's pace for chat.postMessage.
    fn default() -> Pacer {
        Pacer::new(BURST, INTERVAL)
    }
}

impl Pacer {
    /// `burst` messages at once per channel (at least one), then one every `interval`.
    pub fn new(burst: u32, interval: Duration) -> Pacer {
        Pacer {
            burst: burst.max(1),
            interval,
            channels: Mutex::new(Channels {
                buckets: HashMap::new(),
                sweep_at: SWEEP_AT,
                swept: Instant::now(),
            }),
        }
    }

    /// Waits for this caller's turn to write to `channel`. A pause that began while it waited
    /// sends it to the back of the line, after the pause.
    pub async fn ready(&self, channel: &str) {
        loop {
            let turn = self.reserve(channel);
            tokio::time::sleep_until(turn).await;
            if !self.paused(channel) {
                return;
            }
        }
    }

    /// Holds every write to `channel` back for `wait` (Slack's `Retry-After`); after it the
    /// channel starts again at the steady pace, without a burst.
    pub fn pause(&self, channel: &str, wait: Duration) {
        let now = Instant::now();
        let until = now + wait;
        let tolerance = self.tolerance();
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = channels.bucket(channel, now);
        bucket.paused_until = bucket.paused_until.max(until);
        bucket.full_at = bucket.full_at.max(until + tolerance);
    }

    /// How many channels have a bucket: the ones written to in the last few seconds, and those
    /// that arrived since the last sweep.
    pub fn tracked(&self) -> usize {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels.buckets.len()
    }

    /// Takes the next turn of `channel`: when its message may go.
    fn reserve(&self, channel: &str) -> Instant {
        let now = Instant::now();
        let tolerance = self.tolerance();
        let interval = self.interval;
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = channels.bucket(channel, now);
        let full_at = bucket.full_at.max(now);
        bucket.full_at = full_at + interval;
        now + (full_at - now).saturating_sub(tolerance)
    }

    fn paused(&self, channel: &str) -> bool {
        let now = Instant::now();
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels
            .buckets
            .get(channel)
            .is_some_and(|b| b.paused_until > now)
    }

    /// How far ahead of now a full bucket lets the reservations run: the burst after the first.
    fn tolerance(&self) -> Duration {
        self.interval * (self.burst - 1)
    }
}

impl Channels {
    /// The bucket of `channel`, a full one if it had none. Adding one may sweep the idle ones.
    fn bucket(&mut self, channel: &str, now: Instant) -> &mut Bucket {
        let due = self.buckets.len() >= self.sweep_at || now >= self.swept + SWEEP_EVERY;
        if due && !self.buckets.contains_key(channel) {
            self.buckets.retain(|_, b| !b.idle(now));
            self.sweep_at = SWEEP_AT.max(2 * self.buckets.len());
            self.swept = now;
        }
        self.buckets.entry(channel.to_string()).or_insert(Bucket {
            full_at: now,
            paused_until: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// When each of `count` writes to `channel`, made one after the other, went: seconds since
    /// `start`.
    async fn turns(pacer: &Pacer, channel: &str, count: usize, start: Instant) -> Vec<f64> {
        let mut at = Vec::new();
        for _ in 0..count {
            pacer.ready(channel).await;
            at.push((Instant::now() - start).as_secs_f64());
        }
        at
    }

    #[tokio::test(start_paused = true)]
    async fn a_channel_takes_a_burst_then_one_a_second() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let at = turns(&pacer, "C1", 6, start).await;
        assert_eq!(at, [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_writers_to_one_channel_are_spaced() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let writes = (0..5).map(|_| async {
            pacer.ready("C1").await;
            (Instant::now() - start).as_secs_f64()
        });
        let mut at = futures_util::future::join_all(writes).await;
        at.sort_by(f64::total_cmp);
        assert_eq!(at, [0.0, 0.0, 0.0, 1.0, 2.0]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_channel_does_not_delay_another() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let busy = turns(&pacer, "C1", 5, start).await;
        assert_eq!(busy.last(), Some(&2.0));
        // Two seconds on, C2 has waited for nothing and takes its whole burst now.
        let other = turns(&pacer, "C2", 3, start).await;
        assert_eq!(other, [2.0, 2.0, 2.0]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_only_its_channel_and_ends_at_the_steady_pace() {
        let pacer = Pacer::default();
        let start = Instant::now();
        pacer.ready("C1").await;
        pacer.pause("C1", Duration::from_secs(5));
        assert_eq!(turns(&pacer, "C2", 1, start).await, [0.0]);
        assert_eq!(turns(&pacer, "C1", 3, start).await, [5.0, 6.0, 7.0]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_writer_already_waiting_when_the_pause_begins_waits_it_out() {
        let pacer = Pacer::new(1, INTERVAL);
        let start = Instant::now();
        pacer.ready("C1").await;
        // This writer's turn is at 1 s; at 0.5 s Slack asks for 3 s of quiet.
        let waiting = async {
            pacer.ready("C1").await;
            (Instant::now() - start).as_secs_f64()
        };
        let pausing = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            pacer.pause("C1", Duration::from_secs(3));
        };
        let (went, ()) = tokio::join!(waiting, pausing);
        assert_eq!(went, 3.5);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_channels_are_dropped() {
        let pacer = Pacer::default();
        for n in 0..1000 {
            pacer.ready(&format!("C{n}")).await;
        }
        // All of them were written to just now, so a sweep keeps them.
        assert_eq!(pacer.tracked(), 1000);
        // A minute on, their buckets are full again: the next new channel sweeps them away.
        tokio::time::advance(SWEEP_EVERY).await;
        pacer.ready("CNEW").await;
        assert_eq!(pacer.tracked(), 1);
    }
}

//! A notifier that records what warroom would have posted, and can be made to fail.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;

use crate::Reply;
use crate::ports::{Mention, Notifier, NotifyError, Recipient};

#[derive(Default)]
pub struct FakeNotifier {
    pub sent: Mutex<Vec<(Recipient, Vec<Mention>, String)>>,
    /// While set, every notification fails as an unreachable platform would.
    pub down: AtomicBool,
    /// While set, direct messages fail (the person blocks the app, say); channels still work.
    pub no_direct: AtomicBool,
}

impl FakeNotifier {
    /// The plain text of each notification sent, in order.
    pub fn texts(&self) -> Vec<String> {
        self.sent
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.2.clone())
            .collect()
    }

    pub fn fail(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

#[async_trait]
impl Notifier for FakeNotifier {
    async fn notify(
        &self,
        to: &Recipient,
        mentions: &[Mention],
        reply: &Reply,
    ) -> Result<String, NotifyError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(NotifyError("the chat platform did not answer".into()));
        }
        if matches!(to, Recipient::Direct { .. }) && self.no_direct.load(Ordering::SeqCst) {
            return Err(NotifyError("cannot message this user".into()));
        }
        let mut sent = self.sent.lock().unwrap();
        sent.push((to.clone(), mentions.to_vec(), reply.to_plain_text()));
        Ok(sent.len().to_string())
    }
}

//! Waiting in real time, for follow-ups that poll until a change settles.

use std::time::Duration;

use async_trait::async_trait;
use warroom_commands::ports::Pause;

#[derive(Debug, Default, Clone, Copy)]
pub struct RealTime;

#[async_trait]
impl Pause for RealTime {
    async fn pause(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

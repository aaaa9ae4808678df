//! Work that outlives the request that started it: a confirmed rollback, a slash command
//! answered after the 3-second acknowledgement, a scheduled page.
//!
//! Everything of the kind is spawned here, so that a shutdown (SIGTERM from systemd or a
//! container runtime) can wait for it: a rollback half-done because the process went away is
//! the one thing an incident tool must not leave behind.

use std::future::Future;
use std::sync::LazyLock;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::task::TaskTracker;

static RUNNING: LazyLock<TaskTracker> = LazyLock::new(TaskTracker::new);

/// Runs `work` on its own task, tracked for shutdown.
pub fn spawn<F>(work: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    RUNNING.spawn(work)
}

/// True once shutdown began: loops that start new work (the scheduler) stop.
pub fn closing() -> bool {
    RUNNING.is_closed()
}

/// How many tracked tasks are running, the caller's own included.
pub fn running() -> usize {
    RUNNING.len()
}

/// Stops taking new work and waits up to `grace` for what is running; how many tasks were
/// still running when the grace ran out (0 when everything finished).
pub async fn finish(grace: Duration) -> usize {
    RUNNING.close();
    let running = RUNNING.len();
    if running > 0 {
        tracing::info!(running, "waiting for running operations to finish");
    }
    match tokio::time::timeout(grace, RUNNING.wait()).await {
        Ok(()) => 0,
        Err(_) => RUNNING.len(),
    }
}

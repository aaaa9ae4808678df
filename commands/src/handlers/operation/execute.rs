//! Running an operation's work through its carrier, and what came of it: a change is followed
//! until the service's health checks are green.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Operation;
use crate::Core;
use crate::access::Risk;
use crate::actions::output_digest;
use crate::carriers::{self, RunOutcome};
use crate::health::Verdict;
use crate::timefmt;

/// What running an operation produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub ok: bool,
    /// The change was made but the service's health checks were not green by its settle
    /// timeout: shown as a warning, not as a failure of the command.
    pub unsettled: bool,
    /// One line: `exit 0 after 1s`, `could not start kubectl: ...`.
    pub summary: String,
    pub output: String,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
}

impl Outcome {
    pub fn digest(&self) -> String {
        output_digest(&self.output)
    }
}

/// Runs the operation; a change made through argv or SSM is then followed until the service's
/// health checks are green or its settle timeout passes (ECS changes follow their own rollout).
pub async fn run(core: &Core, op: &Operation) -> Outcome {
    let started = core.clock.now();
    let RunOutcome {
        ok,
        summary,
        mut output,
    } = carriers::run(core, &op.work).await;
    let mut unsettled = false;
    let mut summary = format!(
        "{summary} after {}",
        timefmt::duration(core.clock.now() - started)
    );
    let changed = op.risk != Risk::Read && op.work.follows_health();
    if ok
        && changed
        && let Some(settling) = follow_health(core, &op.target.service).await
    {
        unsettled = !settling.healthy;
        summary = format!("{summary}; {}", settling.said);
        if !output.is_empty() && !output.ends_with('\n') {
            output.push('\n');
        }
        output.push_str(&settling.table);
    }
    Outcome {
        ok,
        unsettled,
        summary,
        output,
        started,
        finished: core.clock.now(),
    }
}

/// The first pause between health checks while following a change; it doubles up to the most.
const FIRST_PAUSE: Duration = Duration::from_secs(2);
const MOST_PAUSE: Duration = Duration::from_secs(15);

/// How following a change's health ended.
struct Settling {
    /// The service was healthy before its settle timeout passed.
    healthy: bool,
    /// A few words for the outcome's summary.
    said: String,
    /// The last health table, one line per target.
    table: String,
}

/// Checks the service's health until it is healthy or its settle timeout passes; `None` when
/// the service has no health checks to follow.
async fn follow_health(core: &Core, service: &str) -> Option<Settling> {
    let svc = core.services.services.get(service)?;
    if !svc.has_health() {
        return None;
    }
    let settle = svc.settle_timeout;
    let started = core.clock.now();
    let mut pause = FIRST_PAUSE;
    loop {
        let found = carriers::check(core, &[svc]).await.pop()?;
        let waited = core.clock.now() - started;
        let table = found
            .targets
            .iter()
            .map(|t| {
                format!(
                    "{} {}: {} {}\n",
                    t.verdict.marker(),
                    t.label,
                    t.verdict.as_str(),
                    t.detail
                )
            })
            .collect::<String>();
        if found.verdict == Verdict::Healthy {
            return Some(Settling {
                healthy: true,
                said: format!("healthy after {}", timefmt::duration(waited)),
                table,
            });
        }
        if waited >= settle {
            return Some(Settling {
                healthy: false,
                said: format!(
                    "still {} after {}: check `/health {service}` and consider a rollback",
                    found.verdict.as_str(),
                    timefmt::duration(waited)
                ),
                table,
            });
        }
        core.pause.pause(pause).await;
        pause = (pause * 2).min(MOST_PAUSE);
    }
}

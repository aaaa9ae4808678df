//! The CloudWatch Logs carrier: `/logs` of a service whose logs go to a log group (the ECS
//! runbook's `awslogs` driver), read with FilterLogEvents and filtered here.
//!
//! It carries logs only, and is the one log carrier that can stop at `--until`.

use super::logs::{self, LineFilter};
use super::{Request, RunOutcome, Work as AnyWork};
use crate::actions::{Plan, output_digest};
use crate::handlers::operation::Operation;
use crate::ports::LogQuery;
use crate::{CommandError, Core, timefmt};

/// Most events `/logs` reads from CloudWatch before saying the rest was left out.
const EVENT_BUDGET: usize = 10_000;

/// Reading a log group, then keeping the lines `filter` selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    pub query: LogQuery,
    pub filter: LineFilter,
}

/// `/logs` from the group: the window `--since` and `--until` give, checked to be one.
pub fn plan(core: &Core, request: &Request<'_>, group: &str) -> Result<Operation, CommandError> {
    let now = core.clock.now();
    let start = logs::start(now, request.args)?;
    let end = logs::end(now, request.args)?;
    if end.is_some_and(|end| end <= start) {
        return Err(CommandError::user(
            "--until is not after --since; give an end later than the start.",
        ));
    }
    Ok(Operation {
        command: request.kind.as_str(),
        target: request.svc.target(),
        risk: request.risk,
        plan: Plan {
            summary: request.summary(format!(
                "read CloudWatch Logs group {group} since {}",
                timefmt::at_seconds(start)
            )),
            details: Vec::new(),
            fingerprint: output_digest(group),
        },
        work: AnyWork::CloudWatch(Work {
            query: LogQuery {
                group: group.to_string(),
                start,
                end,
                budget: EVENT_BUDGET,
            },
            filter: LineFilter::of(request.args),
        }),
    })
}

/// The events as `time source message` lines, filtered, with a note when the budget cut the
/// reading short.
pub async fn run(core: &Core, work: &Work) -> RunOutcome {
    let page = match core
        .metrics
        .metered("logs", core.logs.read(&work.query))
        .await
    {
        Ok(page) => page,
        Err(e) => return RunOutcome::failed(e),
    };
    let mut text: String = page
        .lines
        .iter()
        .map(|l| format!("{} {} {}\n", timefmt::at_seconds(l.at), l.source, l.message))
        .collect();
    if page.truncated {
        text.insert_str(
            0,
            &format!(
                "[read the first {} events only; narrow --since]\n",
                work.query.budget
            ),
        );
    }
    RunOutcome {
        ok: true,
        summary: format!("{} events from {}", page.lines.len(), work.query.group),
        output: work.filter.apply(&text),
    }
}

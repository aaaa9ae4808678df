//! `/run SERVICE ACTION [--dry-run]`: a configured argv action, at its configured risk.

use std::time::Duration;

use super::operation::{self, Operation, Work};
use crate::actions::{Plan, output_digest};
use crate::grammar::Word;
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    service: &Word,
    action: &Word,
    dry_run: bool,
) -> Result<Reply, CommandError> {
    let op = resolve(core, service, action)?;
    operation::request(core, inv, op, dry_run).await
}

/// Looks the action up in configuration; user text only selects, it never becomes argv.
pub fn resolve(core: &Core, service: &Word, action: &Word) -> Result<Operation, CommandError> {
    let svc = core.services.get(&service.text, service.span)?;
    let act = svc.action(&action.text, action.span)?;
    let shown = act.argv.join(" ");
    let mut details = vec![format!("argv: {:?} (run directly, no shell)", act.argv)];
    if !act.description.is_empty() {
        details.push(act.description.clone());
    }
    Ok(Operation {
        command: "run",
        target: svc.target(),
        risk: act.risk,
        plan: Plan {
            summary: format!(
                "{}/{}: run `{shown}` on {} ({})",
                svc.name, act.name, svc.name, svc.environment
            ),
            details,
            fingerprint: output_digest(&format!("{:?}", act.argv)),
        },
        work: Work::Argv {
            argv: act.argv.clone(),
            timeout: act.timeout.to_std().unwrap_or(Duration::from_secs(60)),
            filter: None,
        },
    })
}

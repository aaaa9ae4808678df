//! `/run SERVICE ACTION [--dry-run]`: a configured argv action, at its configured risk.

use super::operation::{self, Operation};
use crate::carriers::argv;
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
    Ok(argv::action(svc, act))
}

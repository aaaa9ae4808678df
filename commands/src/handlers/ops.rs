//! `/rollback`, `/restart`, `/scale`, `/logs`, `/version`, `/deploys`: the operation through
//! the carrier configuration gives the service for it (argv, SSM, ECS or CloudWatch), along
//! the one operation path (access, confirmation for what is destructive, audit, timeline).

use super::operation::{self, Intent, Operation};
use crate::carriers;
use crate::grammar::{OpArgs, Word};
use crate::services::OpKind;
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    kind: OpKind,
    service: &Word,
    args: &OpArgs,
    dry_run: bool,
) -> Result<Reply, CommandError> {
    let svc = core.services.get(&service.text, service.span)?;
    let carrier = svc.carrier(kind)?;
    let intent = Intent {
        command: kind.as_str(),
        target: svc.target(),
        risk: carrier.risk(kind, args.instance.is_some()),
    };
    // Access first: a plan may ask AWS about the service, and nobody refused may cause that.
    let approval = operation::admit(core, inv, &intent).await?;
    let op = carriers::plan(core, svc, carrier, kind, args).await?;
    let approval = if op.intent() == intent {
        approval
    } else {
        operation::admit(core, inv, &op.intent()).await?
    };
    operation::proceed(core, inv, op, approval, dry_run).await
}

/// The operation a command means today: carrier chosen, values filled, risk and plan set.
pub async fn resolve(
    core: &Core,
    kind: OpKind,
    service: &Word,
    args: &OpArgs,
) -> Result<Operation, CommandError> {
    let svc = core.services.get(&service.text, service.span)?;
    carriers::plan(core, svc, svc.carrier(kind)?, kind, args).await
}

//! Which integration carries each operation of a service, decided from configuration alone.
//!
//! The choice is made here, once for every command, so that a handler never weighs one
//! platform against another and the access check can be made on the carrier's risk before
//! any platform is asked anything.

use super::{ArgvOp, OpKind, Service, SsmFleet};
use crate::UserError;
use crate::access::Risk;
use crate::ports::EcsTarget;

/// The integration that carries one operation of a service, with the configuration it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier<'a> {
    /// The service's own argv template for the operation.
    Argv(&'a ArgvOp),
    /// The EC2 fleet through SSM Run Command, with the operation's configured command list.
    Ssm {
        fleet: &'a SsmFleet,
        commands: &'a [String],
    },
    /// The ECS service: rollback, restart, scale, version and deploys.
    Ecs(&'a EcsTarget),
    /// The CloudWatch Logs group `/logs` reads.
    CloudWatch(&'a str),
}

impl Service {
    /// The carrier of `kind`: its own argv template first, then its SSM fleet's command list,
    /// its ECS service, or (for logs) its CloudWatch group; without any, the sentence naming
    /// the argv key to add.
    pub fn carrier(&self, kind: OpKind) -> Result<Carrier<'_>, UserError> {
        if !self.ops.contains_key(&kind) {
            if let Some(fleet) = &self.ssm
                && let Some(commands) = fleet.commands.get(&kind)
            {
                return Ok(Carrier::Ssm { fleet, commands });
            }
            match (kind, &self.ecs, &self.log_group) {
                (OpKind::Logs, _, Some(group)) => return Ok(Carrier::CloudWatch(group)),
                (OpKind::Logs, _, None) => {}
                (_, Some(target), _) => return Ok(Carrier::Ecs(target)),
                (_, None, _) => {}
            }
        }
        Ok(Carrier::Argv(self.op(kind)?))
    }
}

impl Carrier<'_> {
    /// The risk of `kind` through this carrier: its kind's, except a restart of one instance
    /// through argv or SSM, which leaves the rest of the service serving.
    pub fn risk(&self, kind: OpKind, one_instance: bool) -> Risk {
        match self {
            Carrier::Argv(_) | Carrier::Ssm { .. } if kind == OpKind::Restart && one_instance => {
                Risk::Operate
            }
            _ => kind.risk(),
        }
    }
}

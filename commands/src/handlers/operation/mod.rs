//! Operations that touch platforms, and the one path every one of them takes:
//! resolve → check access → (dry run | confirm | run) → record.
//!
//! A command handler only resolves its [`Operation`]: what will run, on which service, at
//! which risk, with which plan. Everything that keeps production safe (the policy check, the
//! confirmation with its single-use token, the re-validation of the plan, the at-most-once
//! claim, the audit log, the timeline) happens here, once, for every operation.

mod execute;
mod record;
mod request;
mod settle;

pub use execute::Outcome;
pub use record::Record;
pub use request::{admit, proceed, request};
pub use settle::{cancel, confirm};

use crate::access::{Risk, Target};
use crate::actions::Plan;
use crate::carriers::Work;
use crate::grammar::Command;
use crate::{CommandError, Core};

/// A command resolved against configuration: exactly what would happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The command's name, for access rules and the audit log.
    pub command: &'static str,
    pub target: Target,
    pub risk: Risk,
    pub plan: Plan,
    /// How it is carried out, by the carrier that planned it.
    pub work: Work,
}

/// What a command asks to do, known from configuration alone: enough to decide access before
/// any platform is asked anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub command: &'static str,
    pub target: Target,
    pub risk: Risk,
}

impl Operation {
    /// What this operation asks to do, for the access check.
    pub fn intent(&self) -> Intent {
        Intent {
            command: self.command,
            target: self.target.clone(),
            risk: self.risk,
        }
    }
}

/// Resolves an operation command; `None` for commands that are not operations.
pub async fn resolve(core: &Core, command: &Command) -> Option<Result<Operation, CommandError>> {
    match command {
        Command::Run {
            service, action, ..
        } => Some(super::run::resolve(core, service, action)),
        Command::Op {
            kind,
            service,
            args,
            ..
        } => Some(super::ops::resolve(core, *kind, service, args).await),
        Command::Help { .. }
        | Command::Incident(_)
        | Command::Health { .. }
        | Command::Confirm { .. }
        | Command::Cancel { .. }
        | Command::Alerts(_)
        | Command::Oncall(_) => None,
    }
}

#[cfg(test)]
mod tests;

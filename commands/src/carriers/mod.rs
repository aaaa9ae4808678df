//! The integrations that carry operations: argv commands, AWS SSM Run Command, AWS ECS,
//! AWS CloudWatch Logs and HTTP health probes, one file each.
//!
//! Every carrier has the same pieces, so a platform is read (and added) in one place: `plan`
//! turns a command into an [`Operation`] (what exactly will happen, asking the platform only
//! what the plan must name), `run` carries out its [`Work`] and answers a [`RunOutcome`], and
//! `health` says how the platform sees the service, as rows of the health table. Handlers pick
//! the carrier configuration resolves ([`Service::carrier`]) and call these; access,
//! confirmation and the record stay in `handlers::operation`.

pub mod argv;
pub mod cloudwatch;
pub mod ecs;
pub mod http;
pub mod ssm;

mod health;
mod logs;

pub use health::{ServiceHealth, TargetHealth, check};
pub use logs::LineFilter;

use crate::access::Risk;
use crate::grammar::OpArgs;
use crate::handlers::operation::Operation;
use crate::services::{Carrier, OpKind, Service};
use crate::{CommandError, Core};

/// How an operation is carried out: the work of the carrier that planned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    Argv(argv::Work),
    Ssm(ssm::Work),
    Ecs(ecs::Work),
    CloudWatch(cloudwatch::Work),
}

impl Work {
    /// Whether a change made this way is followed until the service's health checks are green:
    /// argv and SSM changes are; an ECS change follows its own rollout.
    pub fn follows_health(&self) -> bool {
        matches!(self, Work::Argv(_) | Work::Ssm(_))
    }
}

/// What carrying out an operation's work produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    pub ok: bool,
    /// One line: `exit 0`, `2 of 2 instances succeeded`, `could not start kubectl: ...`.
    pub summary: String,
    pub output: String,
}

impl RunOutcome {
    /// The platform could not be asked or refused: its error is the whole answer.
    pub fn failed(error: impl std::fmt::Display) -> RunOutcome {
        RunOutcome {
            ok: false,
            summary: error.to_string(),
            output: String::new(),
        }
    }
}

/// What every carrier's plan starts from: the service, the operation, its checked arguments,
/// and the risk its carrier gives it.
pub struct Request<'a> {
    pub svc: &'a Service,
    pub kind: OpKind,
    pub args: &'a OpArgs,
    pub risk: Risk,
}

impl Request<'_> {
    /// `api/rollback: {what}`: how every plan's summary begins.
    pub fn summary(&self, what: impl std::fmt::Display) -> String {
        format!("{}/{}: {what}", self.svc.name, self.kind.as_str())
    }
}

/// The plan for `kind` on `svc` through `carrier`, asking the platform what it must know.
pub async fn plan(
    core: &Core,
    svc: &Service,
    carrier: Carrier<'_>,
    kind: OpKind,
    args: &OpArgs,
) -> Result<Operation, CommandError> {
    let request = Request {
        svc,
        kind,
        args,
        risk: carrier.risk(kind, args.instance.is_some()),
    };
    match carrier {
        Carrier::Argv(op) => argv::plan(core, &request, op),
        Carrier::Ssm { fleet, commands } => ssm::plan(core, &request, fleet, commands).await,
        Carrier::Ecs(target) => ecs::plan(core, &request, target).await,
        Carrier::CloudWatch(group) => cloudwatch::plan(core, &request, group),
    }
}

/// Carries out the work through its carrier.
pub async fn run(core: &Core, work: &Work) -> RunOutcome {
    match work {
        Work::Argv(work) => argv::run(core, work).await,
        Work::Ssm(work) => ssm::run(core, work).await,
        Work::Ecs(work) => ecs::run(core, work).await,
        Work::CloudWatch(work) => cloudwatch::run(core, work).await,
    }
}

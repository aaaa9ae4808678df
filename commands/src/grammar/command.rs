//! The typed commands, each tied to its declaration in [`spec`](super::spec): what it is
//! called and how much harm it can do are read from there.

use super::Span;
use super::spec::{self, RiskClass, Spec};
use crate::access::Risk;
use crate::incident::{IncidentId, Severity, Status};
use crate::services::OpKind;

/// A parsed command, ready for its handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help {
        topic: Option<HelpTopic>,
    },
    Incident(IncidentCommand),
    /// `/run SERVICE ACTION [--dry-run]`: a configured argv action.
    Run {
        service: Word,
        action: Word,
        dry_run: bool,
    },
    /// `/rollback`, `/restart`, `/scale`, `/logs`, `/version`, `/deploys` on a service.
    Op {
        kind: OpKind,
        service: Word,
        args: OpArgs,
        dry_run: bool,
    },
    /// `/health [SERVICE|all]`: probe health endpoints.
    Health {
        service: Option<Word>,
    },
    /// `/confirm TOKEN`: approve a pending operation.
    Confirm {
        token: String,
    },
    /// `/cancel TOKEN`: withdraw a pending operation.
    Cancel {
        token: String,
    },
    /// `/alerts …`: what fires, why it went where it did, silences.
    Alerts(super::AlertsCommand),
    /// `/oncall …`: who is on call, one's own shifts, covers and swaps.
    Oncall(super::OncallCommand),
}

/// The options of an operation command; which ones a command takes is checked when parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpArgs {
    /// `--to REVISION` (rollback).
    pub to: Option<String>,
    /// `--instance ID` (restart).
    pub instance: Option<String>,
    /// `N` (scale).
    pub count: Option<u32>,
    /// `--since 30m` or an RFC 3339 time, as the duration back from now (logs).
    pub since: Option<SinceArg>,
    /// `--grep PATTERN` (logs), already checked to compile.
    pub grep: Option<String>,
    /// `--limit N` (logs).
    pub limit: Option<usize>,
    /// `--until` (logs from CloudWatch): where reading stops.
    pub until: Option<SinceArg>,
}

/// `--since` as typed: a duration back from now, or a point in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinceArg {
    Ago(chrono::TimeDelta),
    At(chrono::DateTime<chrono::Utc>),
}

/// A word the user typed, kept with its place for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// How a command's access is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone may run it (help: a denied person must still learn what exists).
    Open,
    /// Decided before dispatch, by the command's name and fixed risk.
    Fixed { name: &'static str, risk: Risk },
    /// Decided by the handler once it knows the service (and so the environment) and the risk.
    ByHandler,
}

impl Command {
    /// The declaration of the command (of `/incident` as a whole for the incident verbs).
    /// Exhaustive, so a command cannot be added without one.
    pub fn spec(&self) -> &'static Spec {
        match self {
            Command::Help { .. } => &spec::HELP,
            Command::Incident(_) => &spec::INCIDENT,
            Command::Run { .. } => &spec::RUN,
            Command::Health { .. } => &spec::HEALTH,
            Command::Op { kind, .. } => spec::op(*kind),
            Command::Confirm { .. } => &spec::CONFIRM,
            Command::Cancel { .. } => &spec::CANCEL,
            Command::Alerts(_) => &spec::ALERTS,
            Command::Oncall(_) => &spec::ONCALL,
        }
    }

    /// The command's name as access rules and the audit log know it.
    pub fn name(&self) -> &'static str {
        self.spec().name
    }

    /// Its declared risk: fixed for the incident verbs, otherwise decided by the handler once
    /// it knows the service, the action or the pending operation.
    pub fn access(&self) -> Access {
        let risk = match self {
            Command::Incident(verb) => verb.spec().risk,
            other => other.spec().risk,
        };
        match risk {
            RiskClass::Open => Access::Open,
            RiskClass::Fixed(risk) => Access::Fixed {
                name: self.name(),
                risk,
            },
            RiskClass::PerVerb
            | RiskClass::OnService(_)
            | RiskClass::PerAction
            | RiskClass::OfPending => Access::ByHandler,
        }
    }

    /// Whether running the command can change something on a platform (a rollout, a restart,
    /// an action's side effects). Such a command runs at most once: if warroom stopped while it
    /// ran, it is reported as interrupted, never started again, because nobody can tell from
    /// here how far it got.
    pub fn changes_a_platform(&self) -> bool {
        match self {
            Command::Confirm { .. } => true,
            Command::Run { dry_run, .. } => !dry_run,
            Command::Op { kind, dry_run, .. } => !dry_run && kind.risk() != Risk::Read,
            Command::Help { .. }
            | Command::Incident(_)
            | Command::Health { .. }
            | Command::Cancel { .. }
            | Command::Alerts(_)
            | Command::Oncall(_) => false,
        }
    }
}

/// What `/help TOPIC` (or `/COMMAND help`) can explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpTopic {
    /// Every `/incident` verb.
    Incident,
    /// One other command, by its declared name.
    Command(&'static str),
}

/// `/incident ...`: declaring and working an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentCommand {
    Declare {
        severity: Severity,
        title: String,
    },
    /// This channel's open incident, or the one named (an Acknowledge button names it).
    Ack {
        id: Option<IncidentId>,
    },
    /// Postpones the status-update reminders.
    Snooze {
        duration: chrono::TimeDelta,
    },
    Lead {
        who: String,
    },
    Severity {
        to: Severity,
    },
    Status {
        to: Status,
    },
    Note {
        text: String,
    },
    Action {
        text: String,
    },
    Resolve {
        summary: Option<String>,
    },
    Reopen,
    Timeline {
        id: Option<IncidentId>,
    },
    Postmortem {
        id: Option<IncidentId>,
    },
    List {
        all: bool,
    },
    Show {
        id: Option<IncidentId>,
    },
}

impl IncidentCommand {
    /// The verb's declaration. Exhaustive, so a verb cannot be added without one.
    pub fn spec(&self) -> &'static Spec {
        use IncidentCommand as I;
        use spec::incident as verb;
        match self {
            I::Declare { .. } => &verb::DECLARE,
            I::Ack { .. } => &verb::ACK,
            I::Snooze { .. } => &verb::SNOOZE,
            I::Lead { .. } => &verb::LEAD,
            I::Severity { .. } => &verb::SEV,
            I::Status { .. } => &verb::STATUS,
            I::Note { .. } => &verb::NOTE,
            I::Action { .. } => &verb::ACTION,
            I::Resolve { .. } => &verb::RESOLVE,
            I::Reopen => &verb::REOPEN,
            I::Timeline { .. } => &verb::TIMELINE,
            I::Postmortem { .. } => &verb::POSTMORTEM,
            I::List { .. } => &verb::LIST,
            I::Show { .. } => &verb::SHOW,
        }
    }
}

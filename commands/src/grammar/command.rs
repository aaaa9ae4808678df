//! The typed commands, and the table of what each verb is called and how it is used.

use super::Span;
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
    /// The command's name as access rules and the audit log know it.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Help { .. } => "help",
            Command::Incident(_) => "incident",
            Command::Run { .. } => "run",
            Command::Health { .. } => "health",
            Command::Op { kind, .. } => kind.as_str(),
            Command::Confirm { .. } => "confirm",
            Command::Cancel { .. } => "cancel",
        }
    }

    pub fn access(&self) -> Access {
        use IncidentCommand as I;
        match self {
            Command::Help { .. } => Access::Open,
            Command::Incident(
                I::Timeline { .. } | I::Postmortem { .. } | I::List { .. } | I::Show { .. },
            ) => Access::Fixed {
                name: "incident",
                risk: Risk::Read,
            },
            Command::Incident(_) => Access::Fixed {
                name: "incident",
                risk: Risk::Operate,
            },
            Command::Run { .. }
            | Command::Op { .. }
            | Command::Health { .. }
            | Command::Confirm { .. }
            | Command::Cancel { .. } => Access::ByHandler,
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
            | Command::Cancel { .. } => false,
        }
    }
}

/// What `/help TOPIC` can explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpTopic {
    Incident,
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

/// One line of the command reference: the source of help text and of suggestions.
pub struct Usage {
    /// The verb as typed after `/incident` (`None` for declaring, which starts with a severity).
    pub verb: Option<&'static str>,
    pub aliases: &'static [&'static str],
    pub usage: &'static str,
    pub summary: &'static str,
    pub example: &'static str,
}

/// The top-level commands.
pub const COMMANDS: [(&str, &str); 12] = [
    ("incident", "declare and work an incident"),
    (
        "logs",
        "recent logs: /logs SERVICE [--since 30m] [--until 5m] [--grep PATTERN] [--level error|warn] [--limit N]",
    ),
    (
        "rollback",
        "roll a service back: /rollback SERVICE [--to REVISION] [--dry-run]",
    ),
    (
        "restart",
        "restart a service: /restart SERVICE [--instance ID] [--dry-run]",
    ),
    (
        "scale",
        "set a service's desired count: /scale SERVICE N [--dry-run]",
    ),
    ("version", "the deployed version: /version SERVICE"),
    ("deploys", "recent deployments: /deploys SERVICE"),
    (
        "health",
        "probe a service's health endpoints: /health [SERVICE|all]",
    ),
    (
        "run",
        "run a configured action on a service: /run SERVICE ACTION [--dry-run]",
    ),
    ("confirm", "approve a pending operation: /confirm TOKEN"),
    ("cancel", "withdraw a pending operation: /cancel TOKEN"),
    ("help", "list the commands, with examples"),
];

/// Every `/incident` verb, in the order help lists them.
pub const INCIDENT_USAGE: [Usage; 14] = [
    Usage {
        verb: None,
        aliases: &[],
        usage: "/incident SEVERITY TITLE",
        summary: "declare an incident in this channel (p1-p4; sev1-sev4; critical, major, minor, low)",
        example: "/incident p1 checkout returns 502",
    },
    Usage {
        verb: Some("ack"),
        aliases: &["acknowledge"],
        usage: "/incident ack [ID]",
        summary: "acknowledge the incident: you are on it, and escalation stops",
        example: "/incident ack",
    },
    Usage {
        verb: Some("snooze"),
        aliases: &[],
        usage: "/incident snooze DURATION",
        summary: "postpone the status-update reminders (at most 24h)",
        example: "/incident snooze 30m",
    },
    Usage {
        verb: Some("lead"),
        aliases: &["commander"],
        usage: "/incident lead @NAME",
        summary: "name the incident lead (commander)",
        example: "/incident lead @alice",
    },
    Usage {
        verb: Some("sev"),
        aliases: &["severity"],
        usage: "/incident sev SEVERITY",
        summary: "change the severity",
        example: "/incident sev p2",
    },
    Usage {
        verb: Some("status"),
        aliases: &[],
        usage: "/incident status investigating|identified|monitoring|resolved",
        summary: "move the incident along",
        example: "/incident status monitoring",
    },
    Usage {
        verb: Some("note"),
        aliases: &[],
        usage: "/incident note TEXT",
        summary: "add a note to the timeline",
        example: "/incident note rolled back api to v41",
    },
    Usage {
        verb: Some("action"),
        aliases: &["followup", "follow-up"],
        usage: "/incident action TEXT",
        summary: "record a follow-up item for the post-mortem",
        example: "/incident action add an alert on 5xx rate",
    },
    Usage {
        verb: Some("resolve"),
        aliases: &[],
        usage: "/incident resolve [SUMMARY]",
        summary: "resolve the incident",
        example: "/incident resolve bad deploy rolled back",
    },
    Usage {
        verb: Some("reopen"),
        aliases: &[],
        usage: "/incident reopen",
        summary: "reopen this channel's last resolved incident",
        example: "/incident reopen",
    },
    Usage {
        verb: Some("timeline"),
        aliases: &[],
        usage: "/incident timeline [ID]",
        summary: "show everything recorded, in order",
        example: "/incident timeline INC-7",
    },
    Usage {
        verb: Some("postmortem"),
        aliases: &["post-mortem"],
        usage: "/incident postmortem [ID]",
        summary: "draft the post-mortem in Markdown",
        example: "/incident postmortem",
    },
    Usage {
        verb: Some("list"),
        aliases: &[],
        usage: "/incident list [--all]",
        summary: "list open incidents (--all includes resolved ones)",
        example: "/incident list --all",
    },
    Usage {
        verb: Some("show"),
        aliases: &[],
        usage: "/incident show [ID]",
        summary: "show an incident's present state",
        example: "/incident show INC-7",
    },
];

/// The usage line of a verb, for error messages.
pub fn usage_of(verb: &str) -> &'static str {
    INCIDENT_USAGE
        .iter()
        .find(|u| u.verb == Some(verb))
        .map_or("/incident", |u| u.usage)
}

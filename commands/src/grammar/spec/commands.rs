//! The top-level commands, in the order `/help` lists them.

use super::{Flag, INCIDENT, Kind, Opt, Reader, RiskClass, Spec};
use crate::access::Risk;
use crate::grammar::parse;
use crate::services::OpKind;

/// The most lines `--limit` asks for.
pub const MAX_LIMIT: usize = 5000;
/// The largest desired count `/scale` sets.
pub const MAX_COUNT: u32 = 1000;

const SERVICE: Opt = Opt::word(
    "service",
    "SERVICE",
    "the service, from warroom's configuration",
    "api",
)
.of(Kind::Service);
const DRY_RUN: Opt = Opt::switch(Flag::DryRun, "dry-run", "show the plan, run nothing");
const TOKEN: Opt = Opt::word("token", "TOKEN", "the token on the card", "k3p7");

/// `/scale`'s desired count.
pub const COUNT: Opt = Opt::word("count", "N", "how many", "4").of(Kind::Integer {
    min: 0,
    max: MAX_COUNT as i64,
});
/// `/logs --limit`.
pub const LIMIT: Opt = Opt::word("limit", "N", "most lines", "50")
    .flag(Flag::Limit)
    .of(Kind::Integer {
        min: 1,
        max: MAX_LIMIT as i64,
    });

/// An operation; its name is checked against `kind`'s by the tests.
const fn operation(
    kind: OpKind,
    name: &'static str,
    summary: &'static str,
    options: &'static [Opt],
    risk: Risk,
    example: &'static str,
) -> Spec {
    Spec {
        name,
        aliases: &[],
        summary,
        options,
        risk: RiskClass::OnService(risk),
        example,
        read: Reader::Op(kind),
    }
}

pub const LOGS: Spec = operation(
    OpKind::Logs,
    "logs",
    "recent logs of a service",
    &[
        SERVICE,
        Opt::word(
            "since",
            "30m|2026-11-22T03:00:00Z",
            "15m, 2h or a time",
            "30m",
        )
        .flag(Flag::Since)
        .of(Kind::Time),
        Opt::word("until", "5m", "a time", "5m")
            .flag(Flag::Until)
            .of(Kind::Time),
        Opt::word("grep", "PATTERN", "a pattern", "ERROR").flag(Flag::Grep),
        Opt::word("level", "", "error lines, or warnings and errors", "error")
            .flag(Flag::Level)
            .of(Kind::Choice(&["error", "warn"])),
        LIMIT,
    ],
    Risk::Read,
    "/logs api --since 30m --grep ERROR",
);

pub const ROLLBACK: Spec = operation(
    OpKind::Rollback,
    "rollback",
    "roll a service back (asks for confirmation)",
    &[
        SERVICE,
        Opt::word("to", "REVISION", "a revision, commit or tag", "v41").flag(Flag::To),
        DRY_RUN,
    ],
    Risk::Destructive,
    "/rollback api --to v41",
);

pub const RESTART: Spec = operation(
    OpKind::Restart,
    "restart",
    "restart a service (asks for confirmation)",
    &[
        SERVICE,
        Opt::word("instance", "ID", "one instance only", "i-0abc123").flag(Flag::Instance),
        DRY_RUN,
    ],
    Risk::Destructive,
    "/restart api --instance i-0abc123",
);

pub const SCALE: Spec = operation(
    OpKind::Scale,
    "scale",
    "set a service's desired count (asks for confirmation)",
    &[SERVICE, COUNT, DRY_RUN],
    Risk::Destructive,
    "/scale api 4",
);

pub const VERSION: Spec = operation(
    OpKind::Version,
    "version",
    "the deployed version, with drift called out",
    &[SERVICE],
    Risk::Read,
    "/version api",
);

pub const DEPLOYS: Spec = operation(
    OpKind::Deploys,
    "deploys",
    "recent deployments, as rollback candidates",
    &[SERVICE],
    Risk::Read,
    "/deploys api",
);

pub const HEALTH: Spec = Spec {
    name: "health",
    aliases: &[],
    summary: "probe a service's health endpoints",
    options: &[Opt {
        placeholder: "SERVICE|all",
        ..SERVICE.optional()
    }],
    risk: RiskClass::OnService(Risk::Read),
    example: "/health api",
    read: Reader::Own(parse::health),
};

pub const RUN: Spec = Spec {
    name: "run",
    aliases: &[],
    summary: "run a configured action on a service",
    options: &[
        SERVICE,
        Opt::word("action", "ACTION", "the action", "pods"),
        DRY_RUN,
    ],
    risk: RiskClass::PerAction,
    example: "/run api pods --dry-run",
    read: Reader::Own(parse::run),
};

pub const CONFIRM: Spec = Spec {
    name: "confirm",
    aliases: &[],
    summary: "approve a pending operation",
    options: &[TOKEN],
    risk: RiskClass::OfPending,
    example: "/confirm k3p7",
    read: Reader::Own(parse::confirm),
};

pub const CANCEL: Spec = Spec {
    name: "cancel",
    aliases: &[],
    summary: "withdraw a pending operation",
    options: &[TOKEN],
    risk: RiskClass::OfPending,
    example: "/cancel k3p7",
    read: Reader::Own(parse::cancel),
};

pub const ALERTS: Spec = Spec {
    name: "alerts",
    aliases: &[],
    summary: "the alerts of this channel's incident, why one went where it did, and silences",
    options: &[
        Opt::word("verb", "why|silence|unsilence", "what to ask", "why").optional(),
        Opt::word(
            "what",
            "NAME | TARGET DURATION [REASON]",
            "an alert's name or fingerprint; a route or service, how long and why",
            "HighErrorRate",
        )
        .of(Kind::Text)
        .optional(),
    ],
    // Listing and asking why are reads; a silence is checked as an operation by its handler.
    risk: RiskClass::Fixed(Risk::Read),
    example: "/alerts why HighErrorRate",
    read: Reader::Own(crate::grammar::alerts::alerts),
};

pub const ONCALL: Spec = Spec {
    name: "oncall",
    aliases: &[],
    summary: "who is on call now and next, your shifts, and covers and swaps",
    options: &[
        Opt::word("verb", "me|cover|swap|SCHEDULE", "what to ask", "cover").optional(),
        Opt::word(
            "what",
            "@SOMEONE DURATION|until TIME [SCHEDULE]",
            "who covers or swaps, for how long, in which schedule",
            "@bob 2h",
        )
        .of(Kind::Text)
        .optional(),
    ],
    // Reading the rota is a read; a cover or swap is checked as an operation by its handler.
    risk: RiskClass::Fixed(Risk::Read),
    example: "/oncall cover @bob 2h",
    read: Reader::Own(crate::grammar::oncall::oncall),
};

pub const HELP: Spec = Spec {
    name: "help",
    aliases: &[],
    summary: "list the commands, with examples",
    options: &[Opt::word("topic", "incident", "incident", "incident").optional()],
    risk: RiskClass::Open,
    example: "/help incident",
    read: Reader::Own(parse::help),
};

/// Every command, in the order `/help` lists them.
pub const COMMANDS: &[Spec] = &[
    INCIDENT, LOGS, ROLLBACK, RESTART, SCALE, VERSION, DEPLOYS, HEALTH, RUN, CONFIRM, CANCEL,
    ALERTS, ONCALL, HELP,
];

/// The declaration of the operation `kind`.
pub fn op(kind: OpKind) -> &'static Spec {
    match kind {
        OpKind::Rollback => &ROLLBACK,
        OpKind::Restart => &RESTART,
        OpKind::Scale => &SCALE,
        OpKind::Logs => &LOGS,
        OpKind::Version => &VERSION,
        OpKind::Deploys => &DEPLOYS,
    }
}

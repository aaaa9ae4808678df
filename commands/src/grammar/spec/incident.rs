//! `/incident` and its verbs, in the order `/help incident` lists them. A verb is a `const`
//! here, listed in [`VERBS`], and names the function in `grammar/incident.rs` that reads it.

use super::{Flag, Kind, Opt, ReadVerb, Reader, RiskClass, Spec};
use crate::access::Risk;
use crate::grammar::incident as read;

const SEVERITIES: &[&str] = &["p1", "p2", "p3", "p4"];

/// A word in its place holding `kind`.
const fn opt(
    name: &'static str,
    placeholder: &'static str,
    description: &'static str,
    kind: Kind,
    required: bool,
    example: &'static str,
) -> Opt {
    let opt = Opt::word(name, placeholder, description, example).of(kind);
    if required { opt } else { opt.optional() }
}

const ID: Opt = opt(
    "id",
    "ID",
    "INC-7; default this channel's",
    Kind::Word,
    false,
    "INC-7",
);

/// A verb; `risk` is what the access check asks for.
const fn verb(
    name: &'static str,
    aliases: &'static [&'static str],
    summary: &'static str,
    options: &'static [Opt],
    risk: Risk,
    example: &'static str,
    reader: ReadVerb,
) -> Spec {
    Spec {
        name,
        aliases,
        summary,
        options,
        risk: RiskClass::Fixed(risk),
        example,
        read: Reader::Verb(reader),
    }
}

/// Declaring: `/incident p1 TITLE`, the one verb whose name is not typed.
pub const DECLARE: Spec = verb(
    "declare",
    &[],
    "declare an incident in this channel (p1-p4; sev1-sev4; critical, major, minor, low)",
    &[
        opt(
            "severity",
            "SEVERITY",
            "P1 service down … P4 low impact",
            Kind::Choice(SEVERITIES),
            true,
            "p1",
        ),
        opt(
            "title",
            "TITLE",
            "what is wrong",
            Kind::Text,
            true,
            "checkout returns 502",
        ),
    ],
    Risk::Operate,
    "/incident p1 checkout returns 502",
    read::declare,
);

pub const ACK: Spec = verb(
    "ack",
    &["acknowledge"],
    "acknowledge the incident: you are on it, and escalation stops",
    &[ID],
    Risk::Operate,
    "/incident ack",
    read::ack,
);

pub const SNOOZE: Spec = verb(
    "snooze",
    &[],
    "postpone the status-update reminders (at most 24h)",
    &[opt(
        "duration",
        "DURATION",
        "how long, e.g. 30m (at most 24h)",
        Kind::Duration,
        true,
        "30m",
    )],
    Risk::Operate,
    "/incident snooze 30m",
    read::snooze,
);

pub const LEAD: Spec = verb(
    "lead",
    &["commander"],
    "name the incident lead (commander)",
    &[opt(
        "who",
        "@NAME",
        "the lead, picked from this server's members",
        Kind::Member,
        true,
        "@alice",
    )],
    Risk::Operate,
    "/incident lead @alice",
    read::lead,
);

pub const SEV: Spec = verb(
    "sev",
    &["severity"],
    "change the severity",
    &[opt(
        "to",
        "SEVERITY",
        "the new severity",
        Kind::Choice(SEVERITIES),
        true,
        "p2",
    )],
    Risk::Operate,
    "/incident sev p2",
    read::severity,
);

pub const STATUS: Spec = verb(
    "status",
    &[],
    "move the incident along",
    &[opt(
        "to",
        "",
        "the new status",
        Kind::Choice(&["investigating", "identified", "monitoring", "resolved"]),
        true,
        "monitoring",
    )],
    Risk::Operate,
    "/incident status monitoring",
    read::status,
);

pub const NOTE: Spec = verb(
    "note",
    &[],
    "add a note to the timeline",
    &[opt(
        "text",
        "TEXT",
        "the note",
        Kind::Text,
        true,
        "rolled back api to v41",
    )],
    Risk::Operate,
    "/incident note rolled back api to v41",
    read::note,
);

pub const ACTION: Spec = verb(
    "action",
    &["followup", "follow-up"],
    "record a follow-up item for the post-mortem",
    &[opt(
        "text",
        "TEXT",
        "the item",
        Kind::Text,
        true,
        "add an alert on 5xx rate",
    )],
    Risk::Operate,
    "/incident action add an alert on 5xx rate",
    read::action,
);

pub const RESOLVE: Spec = verb(
    "resolve",
    &[],
    "resolve the incident",
    &[opt(
        "summary",
        "SUMMARY",
        "what fixed it",
        Kind::Text,
        false,
        "bad deploy rolled back",
    )],
    Risk::Operate,
    "/incident resolve bad deploy rolled back",
    read::resolve,
);

pub const REOPEN: Spec = verb(
    "reopen",
    &[],
    "reopen this channel's last resolved incident",
    &[],
    Risk::Operate,
    "/incident reopen",
    read::reopen,
);

pub const TIMELINE: Spec = verb(
    "timeline",
    &[],
    "show everything recorded, in order",
    &[ID],
    Risk::Read,
    "/incident timeline INC-7",
    read::timeline,
);

pub const POSTMORTEM: Spec = verb(
    "postmortem",
    &["post-mortem"],
    "draft the post-mortem in Markdown",
    &[ID],
    Risk::Read,
    "/incident postmortem",
    read::postmortem,
);

pub const LIST: Spec = verb(
    "list",
    &[],
    "list open incidents (--all includes resolved ones)",
    &[Opt::switch(Flag::All, "all", "resolved ones too")],
    Risk::Read,
    "/incident list --all",
    read::list,
);

pub const SHOW: Spec = verb(
    "show",
    &[],
    "show an incident's present state",
    &[ID],
    Risk::Read,
    "/incident show INC-7",
    read::show,
);

/// Every verb, in the order `/help incident` lists them.
pub const VERBS: &[Spec] = &[
    DECLARE, ACK, SNOOZE, LEAD, SEV, STATUS, NOTE, ACTION, RESOLVE, REOPEN, TIMELINE, POSTMORTEM,
    LIST, SHOW,
];

/// `/incident`: the verbs above; each one's risk is its own.
pub const INCIDENT: Spec = Spec {
    name: "incident",
    aliases: &["inc"],
    summary: "declare and work an incident",
    options: &[],
    risk: RiskClass::PerVerb,
    example: "/incident p1 checkout returns 502",
    read: Reader::Verbs(VERBS),
};

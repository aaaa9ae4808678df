//! `/help` and `/help incident`: what the caller may run here, with examples.
//!
//! Help lists only what the policy would allow this person in this channel, so it never
//! advertises a command that would be refused.

use crate::access::{Asked, Risk};
use crate::grammar::spec::{self, Reader, RiskClass, Spec};
use crate::grammar::{COMMANDS, HelpTopic, VERBS};
use crate::{Core, Invocation, Reply};

fn allows(core: &Core, inv: &Invocation, command: &str, risk: Risk) -> bool {
    allows_on(core, inv, command, risk, None)
}

fn allows_on(
    core: &Core,
    inv: &Invocation,
    command: &str,
    risk: Risk,
    target: Option<&crate::access::Target>,
) -> bool {
    let asked = Asked {
        command,
        risk,
        target,
        doing: String::new(),
    };
    core.access.authorize(inv, &asked).is_ok()
}

/// `service/action (risk)` for every configured action this caller may run here.
fn runnable_actions(core: &Core, inv: &Invocation) -> Vec<String> {
    let mut out = Vec::new();
    for service in core.services.services.values() {
        let target = service.target();
        for action in service.actions.values() {
            if allows_on(core, inv, "run", action.risk, Some(&target)) {
                out.push(format!(
                    "{}/{} ({})",
                    service.name, action.name, action.risk
                ));
            }
        }
    }
    out
}

pub fn handle(core: &Core, inv: &Invocation, topic: Option<HelpTopic>) -> Reply {
    let verb_allowed = |verb: &Spec| match verb.risk {
        RiskClass::Fixed(risk) => allows(core, inv, spec::INCIDENT.name, risk),
        _ => false,
    };
    match topic {
        None => {
            let actions = runnable_actions(core, inv);
            let may = |command: &Spec| match (command.risk, command.read) {
                (RiskClass::Open, _) => true,
                (_, Reader::Verbs(verbs)) => verbs.iter().any(verb_allowed),
                (RiskClass::PerAction | RiskClass::OfPending, _) => !actions.is_empty(),
                (RiskClass::OnService(risk), Reader::Op(kind)) => {
                    core.services.services.values().any(|svc| {
                        svc.carrier(kind).is_ok()
                            && allows_on(core, inv, command.name, risk, Some(&svc.target()))
                    })
                }
                (RiskClass::OnService(risk), _) => core.services.services.values().any(|svc| {
                    svc.has_health()
                        && allows_on(core, inv, command.name, risk, Some(&svc.target()))
                }),
                (RiskClass::Fixed(risk), _) => allows(core, inv, command.name, risk),
                (RiskClass::PerVerb, _) => false,
            };
            let rows = COMMANDS
                .iter()
                .filter(|command| may(command))
                .map(|command| vec![format!("/{}", command.name), row(command)])
                .collect();
            let mut reply = Reply::ephemeral()
                .header("warroom commands you may run here")
                .table(&["Command", "What it does"], rows);
            if verb_allowed(&spec::DECLARE) {
                reply = reply.text(format!("Start an incident: `{}`", spec::DECLARE.example));
            }
            if !actions.is_empty() {
                reply = reply.text(format!("Actions you may run: {}", actions.join(", ")));
            }
            reply.context("`/help incident` lists every incident command. Every command also works through `/warroom`, e.g. `/warroom incident ack`.")
        }
        Some(HelpTopic::Command(name)) => match spec::command(name) {
            Some(command) => Reply::ephemeral()
                .header(format!("/{}: {}", command.name, command.summary))
                .text(format!("Usage: `{}`", command.usage()))
                .text(format!("Example: `{}`", command.example))
                .context("`/help` lists every command you may run here."),
            None => Reply::error("There is no such command; type `/help` to see them all."),
        },
        Some(HelpTopic::Incident) => {
            let usable: Vec<&Spec> = VERBS.iter().filter(|v| verb_allowed(v)).collect();
            if usable.is_empty() {
                return Reply::ephemeral()
                    .text("You may not use /incident in this channel; ask the warroom operators for a role that allows it.");
            }
            let rows = usable
                .iter()
                .map(|v| vec![v.verb_usage(), v.summary.to_string()])
                .collect();
            let examples: Vec<&str> = usable.iter().map(|v| v.example).collect();
            Reply::ephemeral()
                .header(format!("/{}: {}", spec::INCIDENT.name, spec::INCIDENT.summary))
                .table(&["Usage", "What it does"], rows)
                .text("Examples:")
                .code(examples.join("\n"))
                .context(format!(
                    "Commands act on this channel's open incident; {} also take an id such as INC-7.",
                    taking_an_id()
                ))
        }
    }
}

/// `/help`'s row for a command: what it does and how it is typed; `/incident`'s verbs have
/// their own page.
fn row(command: &Spec) -> String {
    match command.read {
        Reader::Verbs(_) => command.summary.to_string(),
        _ => format!("{}: {}", command.summary, command.usage()),
    }
}

/// `ack, timeline, postmortem and show`: the verbs that take an incident id.
fn taking_an_id() -> String {
    let verbs: Vec<&str> = VERBS
        .iter()
        .filter(|v| v.options.iter().any(|o| o.name == "id"))
        .map(|v| v.name)
        .collect();
    match verbs.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

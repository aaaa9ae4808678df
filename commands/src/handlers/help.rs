//! `/help` and `/help incident`: what the caller may run here, with examples.
//!
//! Help lists only what the policy would allow this person in this channel, so it never
//! advertises a command that would be refused.

use crate::access::{Asked, Risk};
use crate::grammar::{COMMANDS, HelpTopic, INCIDENT_USAGE};
use crate::services::OpKind;
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
    let incident_ops = allows(core, inv, "incident", Risk::Operate);
    let incident_reads = allows(core, inv, "incident", Risk::Read);
    match topic {
        None => {
            let actions = runnable_actions(core, inv);
            let may = |name: &str| match name {
                "incident" => incident_ops || incident_reads,
                "run" | "confirm" | "cancel" => !actions.is_empty(),
                op if OpKind::parse(op).is_some() => {
                    let kind = OpKind::parse(op).expect("checked");
                    core.services.services.values().any(|svc| {
                        svc.ops.contains_key(&kind)
                            && allows_on(core, inv, op, kind.risk(), Some(&svc.target()))
                    })
                }
                "health" => core.services.services.values().any(|svc| {
                    svc.health.is_some()
                        && allows_on(core, inv, "health", Risk::Read, Some(&svc.target()))
                }),
                _ => true,
            };
            let rows = COMMANDS
                .iter()
                .filter(|(name, _)| may(name))
                .map(|(name, summary)| vec![format!("/{name}"), summary.to_string()])
                .collect();
            let mut reply = Reply::ephemeral()
                .header("warroom commands you may run here")
                .table(&["Command", "What it does"], rows);
            if incident_ops {
                reply = reply.text("Start an incident: `/incident p1 checkout returns 502`");
            }
            if !actions.is_empty() {
                reply = reply.text(format!("Actions you may run: {}", actions.join(", ")));
            }
            reply.context("`/help incident` lists every incident command. Every command also works through `/warroom`, e.g. `/warroom incident ack`.")
        }
        Some(HelpTopic::Incident) => {
            const READ_VERBS: [&str; 4] = ["timeline", "postmortem", "list", "show"];
            let usable: Vec<_> = INCIDENT_USAGE
                .iter()
                .filter(|u| {
                    incident_ops
                        || (incident_reads && u.verb.is_some_and(|v| READ_VERBS.contains(&v)))
                })
                .collect();
            if usable.is_empty() {
                return Reply::ephemeral()
                    .text("You may not use /incident in this channel; ask the warroom operators for a role that allows it.");
            }
            let rows = usable
                .iter()
                .map(|u| vec![u.usage.to_string(), u.summary.to_string()])
                .collect();
            let examples: Vec<&str> = usable.iter().map(|u| u.example).collect();
            Reply::ephemeral()
                .header("/incident: declare and work an incident")
                .table(&["Usage", "What it does"], rows)
                .text("Examples:")
                .code(examples.join("\n"))
                .context("Commands act on this channel's open incident; ack, timeline, postmortem and show also take an id such as INC-7.")
        }
    }
}

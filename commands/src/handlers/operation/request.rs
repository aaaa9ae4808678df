//! The gate every operation passes: access, then dry run, confirmation or immediate run.
//!
//! Access is decided on the [`Intent`] alone (command, service, risk), which configuration
//! gives without asking any platform; only an admitted request has its plan built, so a person
//! who may not act never makes warroom call AWS on their behalf.

use super::{Intent, Operation, Record, execute};
use crate::access::{Approval, Asked, Denied, Risk};
use crate::actions::{AuditEvent, PendingAction};
use crate::reply::{Button, ButtonAction, Line, Tone};
use crate::{CommandError, Core, Invocation, Reply};

/// Checks access for `op` and then shows its plan, asks for confirmation, or runs it: for
/// operations whose resolving made no platform call (configured `/run` actions).
pub async fn request(
    core: &Core,
    inv: &Invocation,
    op: Operation,
    dry_run: bool,
) -> Result<Reply, CommandError> {
    let approval = admit(core, inv, &op.intent()).await?;
    proceed(core, inv, op, approval, dry_run).await
}

/// Whether the person may do what they ask; a denial is audited (with no plan: none was made)
/// and answered with the one sentence that says who may.
pub async fn admit(
    core: &Core,
    inv: &Invocation,
    intent: &Intent,
) -> Result<Approval, CommandError> {
    let asked = Asked {
        command: intent.command,
        risk: intent.risk,
        target: Some(&intent.target),
        doing: format!(
            "run {} commands on {} ({})",
            intent.risk, intent.target.service, intent.target.environment
        ),
    };
    match core.access.authorize(inv, &asked) {
        Ok(approval) => Ok(approval),
        Err(Denied(sentence)) => {
            let record = Record {
                core,
                inv,
                command: intent.command,
            };
            let entry = record
                .entry(AuditEvent::Denied, sentence)
                .aimed_at(&intent.target, intent.risk);
            Err(record.refuse(entry).await)
        }
    }
}

/// Shows the plan of an admitted operation (`--dry-run`), asks for confirmation (destructive,
/// and operate where configured), or runs it (read, and operate otherwise).
pub async fn proceed(
    core: &Core,
    inv: &Invocation,
    op: Operation,
    approval: Approval,
    dry_run: bool,
) -> Result<Reply, CommandError> {
    let record = Record {
        core,
        inv,
        command: op.command,
    };
    if dry_run {
        let entry = record
            .entry(AuditEvent::DryRun, "plan shown; nothing ran")
            .about(&op.target, op.risk, &op.plan);
        record.audit(entry).await?;
        return Ok(Reply::ephemeral()
            .header(format!("Dry run ({}): nothing was run", op.risk))
            .code(op.plan.to_text()));
    }

    let needs_confirmation =
        op.risk == Risk::Destructive || (op.risk == Risk::Operate && core.access.confirm_operate);
    if !needs_confirmation {
        return run_now(core, &record, &op).await;
    }

    let now = core.clock.now();
    let pending = PendingAction {
        token: core.tokens.token(),
        channel: inv.channel.clone(),
        requested_by: inv.actor.clone(),
        requested_at: now,
        expires_at: now + core.access.confirmation_ttl,
        command_text: inv.text.clone(),
        command: op.command.to_string(),
        target: op.target.clone(),
        risk: op.risk,
        approval,
        plan: op.plan.clone(),
    };
    core.actions.create_pending(&pending).await?;
    let entry = record
        .entry(AuditEvent::Requested, "waiting for confirmation")
        .about(&op.target, op.risk, &op.plan)
        .requested(&pending.token, &pending.requested_by, now);
    record.audit(entry).await?;
    record
        .timeline(format!(
            "requested `{}` ({}): {}",
            inv.text, op.risk, op.plan.summary
        ))
        .await?;
    let who = match approval {
        Approval::SelfApprove => "you or anyone else allowed to run it".to_string(),
        Approval::SecondPerson => format!(
            "someone other than {} who is allowed to run it (two-person rule)",
            inv.actor
        ),
    };
    Ok(Reply::channel()
        .header(format!(
            "Confirm {} operation: {}",
            op.risk, op.plan.summary
        ))
        .code(op.plan.to_text())
        .fields([
            ("Requested by", Line::new().person(&inv.actor)),
            ("Who may confirm", who.into()),
            ("Expires", Line::new().time_seconds(pending.expires_at)),
        ])
        .text(format!(
            "Confirm with `confirm {0}`, or withdraw with `cancel {0}`.",
            pending.token
        ))
        .buttons(vec![
            confirm_button(&pending.token, &op),
            Button::new(ButtonAction::Cancel, &pending.token),
        ]))
}

/// The Confirm of a card: dangerous when the operation is destructive, so the platform shows
/// it so and asks once more (an operate operation confirmed by policy is not).
fn confirm_button(token: &str, op: &Operation) -> Button {
    let button = Button::new(ButtonAction::Confirm, token);
    match op.risk {
        Risk::Destructive => button.dangerous(&op.plan.summary),
        Risk::Read | Risk::Operate => button,
    }
}

/// Runs an operation that needs no confirmation, and records it.
async fn run_now(core: &Core, record: &Record<'_>, op: &Operation) -> Result<Reply, CommandError> {
    let outcome = execute::run(core, op).await;
    let mut entry = record
        .entry(
            if outcome.ok {
                AuditEvent::Succeeded
            } else {
                AuditEvent::Failed
            },
            outcome.summary.clone(),
        )
        .about(&op.target, op.risk, &op.plan);
    entry.started_at = Some(outcome.started);
    entry.finished_at = Some(outcome.finished);
    entry.output_sha256 = Some(outcome.digest());
    record.audit(entry).await?;
    record
        .timeline(format!("ran `{}`: {}", record.inv.text, outcome.summary))
        .await?;
    Ok(outcome_reply(&op.plan.summary, &outcome))
}

/// How many lines of output a reply shows at each end before eliding the middle.
const OUTPUT_EDGE_LINES: usize = 20;

/// The reply for a finished operation: verdict, summary and output (head and tail).
pub(crate) fn outcome_reply(what: &str, outcome: &execute::Outcome) -> Reply {
    let (mark, tone) = match (outcome.ok, outcome.unsettled) {
        (false, _) => ("❌", Tone::Danger),
        (true, true) => ("⚠️", Tone::Warning),
        (true, false) => ("✅", Tone::Ok),
    };
    let mut reply = Reply::channel()
        .tone(tone)
        .header(format!("{mark} {what}"))
        .text(outcome.summary.clone())
        .failing(!outcome.ok);
    if !outcome.output.is_empty() {
        let lines: Vec<&str> = outcome.output.lines().collect();
        let shown = if lines.len() > 2 * OUTPUT_EDGE_LINES {
            format!(
                "{}\n… {} more lines …\n{}",
                lines[..OUTPUT_EDGE_LINES].join("\n"),
                lines.len() - 2 * OUTPUT_EDGE_LINES,
                lines[lines.len() - OUTPUT_EDGE_LINES..].join("\n")
            )
        } else {
            outcome.output.trim_end().to_string()
        };
        reply = reply.code(shown);
        if lines.len() > 2 * OUTPUT_EDGE_LINES {
            reply = reply.attachment(format!("{}.txt", file_stem(what)), outcome.output.clone());
        }
    }
    reply
}

/// A file name from an operation's summary: `api/logs: ...` → `api-logs`.
fn file_stem(what: &str) -> String {
    let head = what.split(':').next().unwrap_or("output");
    head.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

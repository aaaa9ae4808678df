//! One handler per command, and the one table that routes commands to them.
//!
//! [`dispatch`] is an exhaustive match: adding a variant to [`Command`] does not compile until
//! it has a handler, so no command can be parsed and then silently ignored.

mod alerts;
pub(crate) mod health;
mod help;
pub mod incident;
mod oncall;
pub mod operation;
mod ops;
mod run;

use crate::grammar::{Command, IncidentCommand};
use crate::{CommandError, Core, Invocation, Reply};

pub async fn dispatch(
    core: &Core,
    inv: &Invocation,
    command: Command,
) -> Result<Reply, CommandError> {
    use IncidentCommand as I;
    match command {
        Command::Help { topic } => Ok(help::handle(core, inv, topic)),
        Command::Run {
            service,
            action,
            dry_run,
        } => run::handle(core, inv, &service, &action, dry_run).await,
        Command::Op {
            kind,
            service,
            args,
            dry_run,
        } => ops::handle(core, inv, kind, &service, &args, dry_run).await,
        Command::Health { service } => health::handle(core, inv, service.as_ref()).await,
        Command::Confirm { token } => operation::confirm(core, inv, &token).await,
        Command::Cancel { token } => operation::cancel(core, inv, &token).await,
        Command::Alerts(asked) => alerts::handle(core, inv, asked).await,
        Command::Oncall(asked) => oncall::handle(core, inv, asked).await,
        Command::Incident(c) => match c {
            I::Declare { severity, title } => {
                incident::declare::handle(core, inv, severity, title).await
            }
            I::Ack { id } => incident::ack::handle(core, inv, id).await,
            I::Snooze { duration } => incident::snooze::handle(core, inv, duration).await,
            I::Lead { who } => incident::lead::handle(core, inv, who).await,
            I::Severity { to } => incident::severity::handle(core, inv, to).await,
            I::Status { to } => incident::status::handle(core, inv, to).await,
            I::Note { text } => incident::note::handle(core, inv, text).await,
            I::Action { text } => incident::action::handle(core, inv, text).await,
            I::Resolve { summary } => incident::resolve::handle(core, inv, summary).await,
            I::Reopen => incident::reopen::handle(core, inv).await,
            I::Timeline { id } => incident::timeline::handle(core, inv, id).await,
            I::Postmortem { id } => incident::postmortem::handle(core, inv, id).await,
            I::List { all } => incident::list::handle(core, all).await,
            I::Show { id } => incident::show::handle(core, inv, id).await,
        },
    }
}

/// Whether the asker may do `doing` with `command` as an operation: what changes how warroom
/// itself behaves (a silence, the rota) without touching a service. The refusal is its sentence.
pub(crate) fn operates(
    core: &Core,
    inv: &Invocation,
    command: &str,
    doing: String,
) -> Result<(), CommandError> {
    let asked = crate::access::Asked {
        command,
        risk: crate::access::Risk::Operate,
        target: None,
        doing,
    };
    core.access
        .authorize(inv, &asked)
        .map(drop)
        .map_err(|d| CommandError::user(d.0))
}

#[cfg(test)]
mod tests;

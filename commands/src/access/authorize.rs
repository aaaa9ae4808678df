//! The one access check every path takes: a typed command, an operation, a confirmation and a
//! health probe all ask [`AccessPolicy::authorize`], so the rule and the sentence a refused
//! person reads cannot drift apart between them.

use super::{AccessPolicy, Approval, Decision, Request, Risk, Target};
use crate::Invocation;

/// What a person asks to do, as access sees it.
#[derive(Debug, Clone)]
pub struct Asked<'a> {
    /// The command's name: `incident`, `rollback`, `health`.
    pub command: &'a str,
    pub risk: Risk,
    /// The service it acts on, when it acts on one.
    pub target: Option<&'a Target>,
    /// What the person tried, as the refusal says it: `use /incident here`,
    /// `run destructive commands on api (prod)`.
    pub doing: String,
}

/// A refusal, as the one sentence that says who could have done it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied(pub String);

impl AccessPolicy {
    /// Allowed (and who confirms, if it needs confirming), or the sentence that refuses it.
    pub fn authorize(&self, inv: &Invocation, asked: &Asked<'_>) -> Result<Approval, Denied> {
        let actor = inv.actor();
        let decision = self.decide(&Request {
            actor: &actor,
            channel: &inv.channel,
            command: asked.command,
            risk: asked.risk,
            target: asked.target,
        });
        match decision {
            Decision::Allow { approval } => Ok(approval),
            Decision::Deny { roles } => Err(Denied(denial(&roles, &asked.doing))),
        }
    }
}

/// The sentence for a denial: which roles would have been allowed, or that none would.
fn denial(roles: &[String], what: &str) -> String {
    match roles {
        [] => format!(
            "You may not {what}: no role is allowed to in this channel. Ask the warroom operators to grant it in [access]."
        ),
        [one] => format!("You may not {what}: it needs the `{one}` role. Ask someone who has it."),
        many => format!(
            "You may not {what}: it needs one of the roles {}. Ask someone who has one.",
            many.iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

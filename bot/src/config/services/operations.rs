//! `[services.NAME.rollback]` and its siblings: the argv templates of the operations, checked
//! that each can be filled as they are built.
//!
//! Apart from the other service keys because a template is checked against its operation: the
//! placeholders it may use, the one it must use, and which targeted form (`argv_to`,
//! `argv_instance`) belongs to which operation. A mistake here is found when warroom loads, not
//! when someone runs `/rollback` in an incident.

use chrono::TimeDelta;
use serde::Deserialize;
use warroom_commands::services::{ArgvOp, OpKind, Placeholder};

use super::{DEFAULT_TIMEOUT, some_duration};
use crate::config::problems::Problems;

/// `[services.NAME.OPERATION]` as written: an argv template and its targeted form.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct OpSection {
    /// The program and arguments, with placeholders: `{count}` (scale), `{since}` /
    /// `{since_iso}` (logs).
    argv: Vec<String>,
    /// rollback only: the template for `--to REVISION`, with `{to}`.
    argv_to: Option<Vec<String>>,
    /// restart only: the template for `--instance ID`, with `{instance}`.
    argv_instance: Option<Vec<String>>,
    /// Default "60s".
    #[serde(deserialize_with = "some_duration")]
    timeout: Option<TimeDelta>,
}

impl OpSection {
    /// The operation's argv integration, after the problems in its templates: empty, a
    /// placeholder it cannot be given, a targeted form on the wrong operation or without its
    /// placeholder.
    pub(super) fn build(&self, at: &str, kind: OpKind, problems: &mut Problems) -> ArgvOp {
        // The plain form takes the operation's placeholders except the targeted form's own.
        let plain: Vec<Placeholder> = kind
            .placeholders()
            .iter()
            .copied()
            .filter(|p| {
                !matches!(
                    (kind, p),
                    (OpKind::Rollback, Placeholder::To) | (OpKind::Restart, Placeholder::Instance)
                )
            })
            .collect();
        let required = (kind == OpKind::Scale).then_some(Placeholder::Count);
        check_template(
            &format!("{at}.argv"),
            kind,
            &self.argv,
            &plain,
            required,
            problems,
        );
        for (key, template, owner, placeholder) in [
            ("argv_to", &self.argv_to, OpKind::Rollback, Placeholder::To),
            (
                "argv_instance",
                &self.argv_instance,
                OpKind::Restart,
                Placeholder::Instance,
            ),
        ] {
            let Some(template) = template else { continue };
            let path = format!("{at}.{key}");
            if kind == owner {
                check_template(
                    &path,
                    kind,
                    template,
                    &[placeholder],
                    Some(placeholder),
                    problems,
                );
            } else {
                problems.push(
                    path,
                    format!(
                        "applies only to [services.NAME.{}]; remove it.",
                        owner.as_str()
                    ),
                );
            }
        }
        ArgvOp {
            argv: self.argv.clone(),
            argv_targeted: self.argv_to.clone().or_else(|| self.argv_instance.clone()),
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
        }
    }
}

fn check_template(
    path: &str,
    kind: OpKind,
    template: &[String],
    allowed: &[Placeholder],
    required: Option<Placeholder>,
    problems: &mut Problems,
) {
    if template
        .first()
        .is_none_or(|program| program.trim().is_empty())
    {
        problems.push(
            path,
            "is required: the program and its arguments, e.g. [\"kubectl\", \"rollout\", \"undo\", \"deployment/api\"].",
        );
    }
    for p in Placeholder::ALL {
        if template.iter().any(|a| a.contains(p.token())) && !allowed.contains(&p) {
            problems.push(
                path,
                format!(
                    "{} cannot be used here; this template of {} takes {}.",
                    p.token(),
                    kind.as_str(),
                    describe(allowed)
                ),
            );
        }
    }
    if let Some(p) = required
        && !template.iter().any(|a| a.contains(p.token()))
    {
        problems.push(path, format!("must use {}.", p.token()));
    }
}

fn describe(placeholders: &[Placeholder]) -> String {
    if placeholders.is_empty() {
        "no placeholders".to_string()
    } else {
        placeholders
            .iter()
            .map(|p| p.token())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

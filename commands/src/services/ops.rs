//! Operations carried by argv commands, with validated values filled into their templates.
//!
//! A template is the argv from configuration with placeholders such as `{to}` or `{count}`.
//! A placeholder is filled only with a value that passed its own check (a revision matches
//! `^[A-Za-z0-9._:/-]+$` and cannot start with `-`, a count is a small number), and always as
//! part of one argument: user text can neither add an argument nor reach a shell.

use chrono::TimeDelta;

use crate::UserError;
use crate::access::Risk;

/// The operations a service can be configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OpKind {
    Rollback,
    Restart,
    Scale,
    Logs,
    Version,
    Deploys,
}

impl OpKind {
    pub const ALL: [OpKind; 6] = [
        OpKind::Rollback,
        OpKind::Restart,
        OpKind::Scale,
        OpKind::Logs,
        OpKind::Version,
        OpKind::Deploys,
    ];

    /// The command name and the configuration key.
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Rollback => "rollback",
            OpKind::Restart => "restart",
            OpKind::Scale => "scale",
            OpKind::Logs => "logs",
            OpKind::Version => "version",
            OpKind::Deploys => "deploys",
        }
    }

    pub fn parse(text: &str) -> Option<OpKind> {
        OpKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Rolling back, restarting a whole service and scaling can take production down.
    pub fn risk(self) -> Risk {
        match self {
            OpKind::Rollback | OpKind::Restart | OpKind::Scale => Risk::Destructive,
            OpKind::Logs | OpKind::Version | OpKind::Deploys => Risk::Read,
        }
    }

    /// The placeholders its templates may use.
    pub fn placeholders(self) -> &'static [Placeholder] {
        match self {
            OpKind::Rollback => &[Placeholder::To],
            OpKind::Restart => &[Placeholder::Instance],
            OpKind::Scale => &[Placeholder::Count],
            OpKind::Logs => &[
                Placeholder::Since,
                Placeholder::SinceIso,
                Placeholder::Instance,
            ],
            OpKind::Version | OpKind::Deploys => &[],
        }
    }
}

/// A value a template can receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// `{to}`: a revision, commit or tag to roll back to.
    To,
    /// `{instance}`: one instance, pod or host.
    Instance,
    /// `{count}`: a desired count.
    Count,
    /// `{since}`: a duration in seconds, `1800s` (kubectl and docker accept it).
    Since,
    /// `{since_iso}`: the start time, RFC 3339 (journalctl and most APIs accept it).
    SinceIso,
}

impl Placeholder {
    pub fn token(self) -> &'static str {
        match self {
            Placeholder::To => "{to}",
            Placeholder::Instance => "{instance}",
            Placeholder::Count => "{count}",
            Placeholder::Since => "{since}",
            Placeholder::SinceIso => "{since_iso}",
        }
    }

    pub const ALL: [Placeholder; 5] = [
        Placeholder::To,
        Placeholder::Instance,
        Placeholder::Count,
        Placeholder::Since,
        Placeholder::SinceIso,
    ];
}

/// An operation's argv integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgvOp {
    /// The template for the plain form: roll back to the previous revision, restart the whole
    /// service, scale with `{count}`, logs with `{since}`.
    pub argv: Vec<String>,
    /// The template for the targeted form: a rollback `--to` a revision (`argv_to`, with
    /// `{to}`), a restart of one `--instance` (`argv_instance`, with `{instance}`).
    pub argv_targeted: Option<Vec<String>>,
    pub timeout: TimeDelta,
}

/// Checks a revision, commit, tag or instance id before it goes into an argument.
pub fn check_identifier(what: &str, value: &str) -> Result<(), UserError> {
    let ok = !value.is_empty()
        && value.len() <= 128
        && !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:/-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(UserError::new(format!(
            "`{value}` is not a valid {what}: use letters, digits and . _ : / - only, not starting with -."
        )))
    }
}

/// The template with each placeholder replaced by its value. Every placeholder the template
/// uses must have a value; the values must already be checked.
pub fn expand(
    template: &[String],
    values: &[(Placeholder, String)],
) -> Result<Vec<String>, String> {
    template
        .iter()
        .map(|arg| {
            let mut out = arg.clone();
            for (placeholder, value) in values {
                out = out.replace(placeholder.token(), value);
            }
            match Placeholder::ALL.iter().find(|p| out.contains(p.token())) {
                Some(missing) => Err(format!("no value for {}", missing.token())),
                None => Ok(out),
            }
        })
        .collect()
}

/// The template with each placeholder replaced by its value quoted for a POSIX shell, for SSM's
/// AWS-RunShellScript, where every command line is read by `sh` on the instance. Values are
/// checked before they get here; quoting means a value is one word to the shell whatever it
/// holds, so the check is not the only thing between a person's text and a remote shell.
pub fn expand_for_shell(
    template: &[String],
    values: &[(Placeholder, String)],
) -> Result<Vec<String>, String> {
    let quoted = values
        .iter()
        .map(|(placeholder, value)| {
            shlex::try_quote(value)
                .map(|q| (*placeholder, q.into_owned()))
                .map_err(|_| format!("{} holds a NUL character", placeholder.token()))
        })
        .collect::<Result<Vec<_>, String>>()?;
    expand(template, &quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn placeholders_fill_single_arguments() {
        let template = strings(&["kubectl", "scale", "--replicas={count}", "deployment/api"]);
        assert_eq!(
            expand(&template, &[(Placeholder::Count, "3".into())]).unwrap(),
            strings(&["kubectl", "scale", "--replicas=3", "deployment/api"])
        );
        assert_eq!(expand(&template, &[]).unwrap_err(), "no value for {count}");
    }

    #[test]
    fn shell_values_stay_one_word_for_a_real_shell() {
        let hostile = "v1'; touch /tmp/warroom-pwned; echo \"$(id)\" `id` $HOME";
        let template = strings(&["printf '%s\\n' {to}"]);
        let lines = expand_for_shell(&template, &[(Placeholder::To, hostile.into())]).unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&lines[0])
            .output()
            .expect("sh runs");
        assert!(out.status.success(), "{lines:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{hostile}\n"));
        // A checked identifier needs no quotes, so configured commands read as written.
        let plain = expand_for_shell(&template, &[(Placeholder::To, "api:41".into())]).unwrap();
        assert_eq!(plain, strings(&["printf '%s\\n' api:41"]));
        assert!(expand_for_shell(&template, &[(Placeholder::To, "a\0b".into())]).is_err());
    }

    #[test]
    fn identifiers_cannot_carry_options_or_shell() {
        assert!(check_identifier("revision", "v1.2.3").is_ok());
        assert!(check_identifier("revision", "api:41").is_ok());
        assert!(check_identifier("revision", "refs/tags/v1").is_ok());
        for bad in ["--force", "a b", "v1;rm", "$(id)", "", "a|b"] {
            assert!(check_identifier("revision", bad).is_err(), "{bad}");
        }
    }
}

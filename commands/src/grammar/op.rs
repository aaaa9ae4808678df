//! `/rollback`, `/restart`, `/scale`, `/logs`, `/version`, `/deploys`: a service, then the
//! options each one takes.

use chrono::{DateTime, Utc};

use super::{
    Command, DurationError, Lexer, MAX_DURATION_TEXT, OpArgs, SinceArg, Token, Word, parse_duration,
};
use crate::UserError;
use crate::services::{OpKind, check_identifier};

/// The longest pattern `--grep` accepts.
const MAX_PATTERN: usize = 200;
/// The most lines `--limit` asks for (the Discord registration offers the same bounds).
pub const MAX_LIMIT: usize = 5000;
/// The largest desired count `/scale` sets (the Discord registration offers the same bounds).
pub const MAX_COUNT: u32 = 1000;

/// An option of an operation command, typed after `--`. The parser accepts exactly these, each
/// on the operations [`Flag::takes`] names, so the usage lines, `/help` and the Discord
/// registration are checked against this one list (and a flag added here without a parse arm
/// does not compile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    DryRun,
    To,
    Instance,
    Since,
    Until,
    Grep,
    Level,
    Limit,
}

impl Flag {
    pub const ALL: [Flag; 8] = [
        Flag::DryRun,
        Flag::To,
        Flag::Instance,
        Flag::Since,
        Flag::Until,
        Flag::Grep,
        Flag::Level,
        Flag::Limit,
    ];

    /// The flag as typed, without its dashes.
    pub fn name(self) -> &'static str {
        match self {
            Flag::DryRun => "dry-run",
            Flag::To => "to",
            Flag::Instance => "instance",
            Flag::Since => "since",
            Flag::Until => "until",
            Flag::Grep => "grep",
            Flag::Level => "level",
            Flag::Limit => "limit",
        }
    }

    /// Whether the operation `kind` takes this flag.
    pub fn takes(self, kind: OpKind) -> bool {
        match self {
            Flag::DryRun => kind.risk() != crate::access::Risk::Read,
            Flag::To => kind == OpKind::Rollback,
            Flag::Instance => kind == OpKind::Restart,
            Flag::Since | Flag::Until | Flag::Grep | Flag::Level | Flag::Limit => {
                kind == OpKind::Logs
            }
        }
    }
}

/// The flags the operation `kind` accepts.
pub fn flags(kind: OpKind) -> impl Iterator<Item = Flag> {
    Flag::ALL.into_iter().filter(move |f| f.takes(kind))
}

/// The usage line of an operation command, for messages and for tests that build commands.
pub fn usage(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Rollback => "/rollback SERVICE [--to REVISION] [--dry-run]",
        OpKind::Restart => "/restart SERVICE [--instance ID] [--dry-run]",
        OpKind::Scale => "/scale SERVICE N [--dry-run]",
        OpKind::Logs => {
            "/logs SERVICE [--since 30m|2026-11-22T03:00:00Z] [--until ...] [--grep PATTERN] [--level error|warn] [--limit N]"
        }
        OpKind::Version => "/version SERVICE",
        OpKind::Deploys => "/deploys SERVICE",
    }
}

pub fn parse(lexer: &mut Lexer, verb: &Token, kind: OpKind) -> Result<Command, UserError> {
    let usage = usage(kind);
    let mut words: Vec<Token> = Vec::new();
    let mut args = OpArgs::default();
    let mut dry_run = false;
    while let Some(token) = lexer.next_token()? {
        let Some((name, inline)) = token.flag() else {
            words.push(token);
            continue;
        };
        let name = name.to_string();
        let inline = inline.map(str::to_string);
        let mut value = || -> Result<(String, Token), UserError> {
            match inline.clone() {
                Some(v) => Ok((v, token.clone())),
                None => lexer
                    .next_token()?
                    .map(|t| (t.text.clone(), t))
                    .ok_or_else(|| {
                        UserError::at(format!("`--{name}` needs a value: `{usage}`."), token.span)
                    }),
            }
        };
        let Some(flag) = flags(kind).find(|f| f.name() == name) else {
            return Err(UserError::at(
                format!("`{}` is not an option of `{usage}`.", token.text),
                token.span,
            ));
        };
        match flag {
            Flag::DryRun => dry_run = true,
            Flag::To => {
                let (v, at) = value()?;
                check_identifier("revision", &v).map_err(|e| UserError::at(e.message, at.span))?;
                args.to = Some(v);
            }
            Flag::Instance => {
                let (v, at) = value()?;
                check_identifier("instance id", &v)
                    .map_err(|e| UserError::at(e.message, at.span))?;
                args.instance = Some(v);
            }
            Flag::Since => {
                let (v, at) = value()?;
                args.since = Some(since("since", &v).map_err(|m| UserError::at(m, at.span))?);
            }
            Flag::Grep => {
                let (v, at) = value()?;
                check_pattern(&v).map_err(|m| UserError::at(m, at.span))?;
                args.grep = Some(v);
            }
            Flag::Level => {
                let (v, at) = value()?;
                let pattern = match v.to_ascii_lowercase().as_str() {
                    "error" => r"(?i)\b(error|fatal|critical|panic)\b",
                    "warn" | "warning" => r"(?i)\b(warn|warning|error|fatal|critical|panic)\b",
                    _ => {
                        return Err(UserError::at(
                            format!("`{v}` is not a level; use error or warn."),
                            at.span,
                        ));
                    }
                };
                args.grep = Some(pattern.to_string());
            }
            Flag::Until => {
                let (v, at) = value()?;
                args.until = Some(since("until", &v).map_err(|m| UserError::at(m, at.span))?);
            }
            Flag::Limit => {
                let (v, at) = value()?;
                let n: usize = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        UserError::at(
                            format!("`--limit` takes a number from 1 to {MAX_LIMIT}."),
                            at.span,
                        )
                    })?;
                args.limit = Some(n);
            }
        }
    }
    let mut words = words.into_iter();
    let Some(service) = words.next() else {
        return Err(UserError::at(
            format!("Name the service: `{usage}`."),
            verb.span,
        ));
    };
    if kind == OpKind::Scale {
        let count = words.next().ok_or_else(|| {
            UserError::at(
                format!("Give the desired count: `{usage}`, e.g. `/scale api 4`."),
                verb.span,
            )
        })?;
        let n: u32 = count
            .text
            .parse()
            .ok()
            .filter(|n| *n <= MAX_COUNT)
            .ok_or_else(|| {
                UserError::at(
                    format!(
                        "`{}` is not a count; give a whole number from 0 to {MAX_COUNT}.",
                        count.text
                    ),
                    count.span,
                )
            })?;
        args.count = Some(n);
    }
    if let Some(extra) = words.next() {
        return Err(UserError::at(
            format!("Unexpected `{}`; the command is `{usage}`.", extra.text),
            extra.span,
        ));
    }
    Ok(Command::Op {
        kind,
        service: Word {
            text: service.text.to_lowercase(),
            span: service.span,
        },
        args,
        dry_run,
    })
}

/// `--since` or `--until` (named by `flag`): a duration back from now, or a time.
fn since(flag: &str, text: &str) -> Result<SinceArg, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(SinceArg::At(at.with_timezone(&Utc)));
    }
    parse_duration(text).map(SinceArg::Ago).map_err(|e| match e {
        DurationError::TooLong(_) => too_far_back(flag, text),
        DurationError::NotADuration(_) => format!(
            "`{text}` is not a time; give a duration back from now (15m, 2h) or a time like 2026-11-22T03:00:00Z."
        ),
    })
}

/// The sentence for a `--since` or `--until` that reaches back past what a date can hold.
pub fn too_far_back(flag: &str, text: &str) -> String {
    format!(
        "--{flag} {text} is further back than warroom can look; give at most {MAX_DURATION_TEXT}, or a time like 2026-11-22T03:00:00Z."
    )
}

fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.chars().count() > MAX_PATTERN {
        return Err(format!(
            "A pattern can be at most {MAX_PATTERN} characters."
        ));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map(drop)
        .map_err(|e| {
            let first = e.to_string().lines().last().unwrap_or("invalid").trim().to_string();
            format!("`{pattern}` is not a valid pattern ({first}); fix it, or quote it if it has spaces.")
        })
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn op(text: &str) -> (OpKind, String, OpArgs, bool) {
        match parse(text) {
            Ok(Command::Op {
                kind,
                service,
                args,
                dry_run,
            }) => (kind, service.text, args, dry_run),
            other => panic!("{text}: {other:?}"),
        }
    }

    fn err(text: &str) -> String {
        parse(text).expect_err(text).message
    }

    #[test]
    fn parses_each_operation_with_its_options() {
        let (kind, service, args, dry) = op("/rollback api --to v41 --dry-run");
        assert_eq!(
            (kind, service.as_str(), args.to.as_deref(), dry),
            (OpKind::Rollback, "api", Some("v41"), true)
        );
        let (_, _, args, _) = op("/scale api 4");
        assert_eq!(args.count, Some(4));
        let (_, _, args, _) = op("/logs api —since 30m --grep \"ERROR|panic\" --limit=50");
        assert_eq!(
            args.since,
            Some(SinceArg::Ago(chrono::TimeDelta::minutes(30)))
        );
        assert_eq!(args.grep.as_deref(), Some("ERROR|panic"));
        assert_eq!(args.limit, Some(50));
        let (_, _, args, _) = op("/restart api --instance i-0abc123");
        assert_eq!(args.instance.as_deref(), Some("i-0abc123"));
        assert_eq!(op("/version api").0, OpKind::Version);
        assert_eq!(op("/warroom deploys api").0, OpKind::Deploys);
    }

    #[test]
    fn bad_values_are_refused_before_anything_runs() {
        assert!(err("/rollback api --to --force").contains("not a valid revision"));
        assert!(err("/rollback api --to 'v1;rm -rf /'").contains("not a valid revision"));
        assert!(err("/scale api many").contains("is not a count"));
        assert!(err("/scale api").contains("Give the desired count"));
        assert!(err("/logs api --grep (").contains("is not a valid pattern"));
        assert!(err("/logs api --since yesterday").contains("is not a time"));
        assert_eq!(
            err("/logs app --since 99999999999d"),
            "--since 99999999999d is further back than warroom can look; give at most 36500d (100 years), or a time like 2026-11-22T03:00:00Z."
        );
        assert!(
            err("/logs app --until=999999999999999999999999h")
                .starts_with("--until 999999999999999999999999h is further back")
        );
        assert!(err("/logs api --limit 0").contains("--limit"));
        assert!(err("/version api --to v1").contains("is not an option"));
        assert!(err("/rollback").contains("Name the service"));
        assert!(err("/restart api web").contains("Unexpected `web`"));
    }
}

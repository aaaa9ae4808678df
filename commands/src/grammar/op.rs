//! `/rollback`, `/restart`, `/scale`, `/logs`, `/version`, `/deploys`: a service, then the
//! options each one's declaration lists.

use chrono::{DateTime, Utc};

use super::parse::{Line, no_more, not_an_option, words_and_flags};
use super::spec::{COUNT, Flag, Kind, LIMIT, Opt, Spec};
use super::{
    Command, DurationError, Lexer, MAX_DURATION_TEXT, OpArgs, SinceArg, Token, Word, parse_duration,
};
use crate::UserError;
use crate::services::{OpKind, check_identifier};

/// The longest pattern `--grep` accepts.
const MAX_PATTERN: usize = 200;

/// Reads an operation command: the flags its declaration lists, then the service and, for
/// `/scale`, the count.
pub fn parse(
    lexer: &mut Lexer,
    verb: &Token,
    kind: OpKind,
    spec: &'static Spec,
) -> Result<Command, UserError> {
    let usage = spec.usage();
    let Line { words, flags } = words_and_flags(lexer, spec, &usage)?;
    let mut args = OpArgs::default();
    let mut dry_run = false;
    for (flag, at) in flags {
        let v = at.text.clone();
        let bad = |m: String| UserError::at(m, at.span);
        match flag {
            Flag::DryRun => dry_run = true,
            Flag::To => {
                check_identifier("revision", &v).map_err(|e| bad(e.message))?;
                args.to = Some(v);
            }
            Flag::Instance => {
                check_identifier("instance id", &v).map_err(|e| bad(e.message))?;
                args.instance = Some(v);
            }
            Flag::Since => args.since = Some(since("since", &v).map_err(bad)?),
            Flag::Until => args.until = Some(since("until", &v).map_err(bad)?),
            Flag::Grep => {
                check_pattern(&v).map_err(bad)?;
                args.grep = Some(v);
            }
            Flag::Level => {
                let pattern = match v.to_ascii_lowercase().as_str() {
                    "error" => r"(?i)\b(error|fatal|critical|panic)\b",
                    "warn" | "warning" => r"(?i)\b(warn|warning|error|fatal|critical|panic)\b",
                    _ => return Err(bad(format!("`{v}` is not a level; use error or warn."))),
                };
                args.grep = Some(pattern.to_string());
            }
            Flag::Limit => {
                let n = within(&LIMIT, &v).ok_or_else(|| {
                    bad(format!(
                        "`--limit` takes a number from {} to {}.",
                        bounds(&LIMIT).0,
                        bounds(&LIMIT).1
                    ))
                })?;
                args.limit = Some(n);
            }
            Flag::All => return Err(not_an_option(&at, &usage)),
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
        let n = within(&COUNT, &count.text).ok_or_else(|| {
            let (min, max) = bounds(&COUNT);
            UserError::at(
                format!(
                    "`{}` is not a count; give a whole number from {min} to {max}.",
                    count.text
                ),
                count.span,
            )
        })?;
        args.count = Some(n);
    }
    no_more(words, &usage)?;
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

/// The bounds an integer option declares (none for any other kind).
fn bounds(opt: &Opt) -> (i64, i64) {
    match opt.kind {
        Kind::Integer { min, max } => (min, max),
        _ => (0, -1),
    }
}

/// `text` as a whole number within `opt`'s declared bounds.
fn within<N: TryFrom<i64>>(opt: &Opt, text: &str) -> Option<N> {
    let (min, max) = bounds(opt);
    text.parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .and_then(|n| N::try_from(n).ok())
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

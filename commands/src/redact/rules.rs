//! The credential shapes warroom masks, and how much of each match survives.
//!
//! Three families, because secrets reach a channel in three ways:
//! - **named**: a value next to a name that says it is secret (`DB_PASSWORD=…`,
//!   `"SessionToken": "…"`, `--password …`), whatever the quoting or the case;
//! - **in a URL**: the password of `scheme://user:password@host`;
//! - **by shape**: tokens whose vendors made them recognisable on their own (AWS key ids, Slack,
//!   GitHub, GitLab, npm, Stripe, Google, Twilio, SendGrid, Azure, Discord, JWTs, PEM keys).
//!
//! Each rule keeps what a reader needs to follow the text (the name, the scheme and user, the
//! `Bearer` word) and replaces only the secret. A rule may also decide that a match is not a
//! secret after all (`monkey=3`, `cache_key=…`, a port in `http://host:3000/@x`), which regex
//! alone cannot say without look-around.

use regex::{Captures, Regex};

use super::MASK;

/// A compiled rule: what to look for and what to put in its place.
pub(super) struct Rule {
    pub(super) pattern: Regex,
    pub(super) replace: Replace,
}

/// What a match becomes.
pub(super) type Replace = fn(&Captures) -> String;

/// The words a secret's name ends with. `key` and `pass` need a word boundary in front (see
/// [`secret_name`]); the others count with any prefix (`PGPASSWORD`, `clientsecret`).
const NAME_SUFFIX: &str = r"(?i:password|passwd|secret|token|credentials?|key|pass)";

/// The value after a name: quoted (kept quoted), quoted inside a JSON string (`\"…\"`), or a
/// bare run up to whitespace, a quote or a list separator. A bare value never starts with `{`
/// or `[`: `"Credentials": {` opens an object, and `[redacted]` is already masked.
const VALUE: &str =
    r#"(?P<value>"[^"\n]*"|'[^'\n]*'|\\"[^"\\\n]*\\"|[^\s"'\\,;&{\[][^\s"'\\,;&]*)"#;

/// Every rule, in the order they run.
pub(super) fn rules() -> Vec<Rule> {
    let named = format!(
        r#"(?P<lead>^|[^A-Za-z0-9_.\-])(?P<name>[A-Za-z0-9_.\-]*?{NAME_SUFFIX})(?P<sep>\\?["']?[ \t]*(?::=|=>|=|:)[ \t]*){VALUE}"#
    );
    let flag = format!(
        r#"(?P<lead>^|[\s"'])(?P<name>--?[A-Za-z0-9_.\-]*?{NAME_SUFFIX})(?P<sep>[ \t]+)(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s"'\-][^\s"']*)"#
    );
    let table: Vec<(String, Replace)> = vec![
        // PEM private keys, whole; a key cut off before its END line is masked to the end.
        (
            r"(?P<keep>-----BEGIN[A-Z0-9 _-]*PRIVATE KEY(?: BLOCK)?-----)(?s:.*?)(?:-----END[A-Z0-9 _-]*PRIVATE KEY(?: BLOCK)?-----|\z)".into(),
            keep_prefix,
        ),
        // JSON Web Tokens: a header and a payload that are both base64 of a JSON object.
        (
            r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*".into(),
            whole,
        ),
        // The password of scheme://user:password@host, any scheme, an empty user too.
        (
            r#"(?P<keep>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@:"'<>]*:)(?P<secret>[^\s"'<>]*)@"#
                .into(),
            url_password,
        ),
        // Authorization headers in any scheme (Basic, Bearer, Token, Digest …).
        (
            r#"(?P<keep>(?i:\b(?:proxy-)?authorization)\\?["']?[ \t]*[:=][ \t]*\\?["']?(?:[A-Za-z]+[ \t]+)?)(?P<secret>[^\s"'\\,;]{6,})"#.into(),
            random_looking,
        ),
        // Bearer and Basic credentials on their own.
        (
            r"(?P<keep>(?i:\b(?:bearer|basic))[ \t]+)(?P<secret>[A-Za-z0-9._~+/=-]{8,})".into(),
            random_looking,
        ),
        (named, named_value),
        (flag, named_value),
        // AWS access key ids (long-lived and session).
        (
            r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16}\b".into(),
            whole,
        ),
        // Slack bot, user, app, configuration and refresh tokens.
        (
            r"\b(?:xox(?:e\.xox)?[abposre]|xapp)-[A-Za-z0-9-]{10,}".into(),
            whole,
        ),
        // Slack incoming webhooks and workflow triggers: the path is the credential.
        (
            r"(?P<keep>hooks\.slack\.com/(?:services|workflows|triggers)/)[A-Za-z0-9+/_-]{20,}"
                .into(),
            keep_prefix,
        ),
        // Discord bot tokens and webhook URLs.
        (
            r"\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}\b".into(),
            whole,
        ),
        (
            r"(?P<keep>discord(?:app)?\.com/api/webhooks/\d+/)[A-Za-z0-9_-]{20,}".into(),
            keep_prefix,
        ),
        // GitHub classic and fine-grained tokens.
        (
            r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})".into(),
            whole,
        ),
        // GitLab personal, project, deploy, runner, CI job, feed, mail, OAuth, SCIM, agent and
        // feature-flag tokens.
        (
            r"\bgl(?:pat|ptt|dt|rt|cbt|ft|imt|oas|soat|agent|ffct)-[A-Za-z0-9_.-]{20,}".into(),
            whole,
        ),
        // npm access tokens.
        (r"\bnpm_[A-Za-z0-9]{36}\b".into(), whole),
        // Stripe secret and restricted keys, webhook signing secrets.
        (
            r"\b(?:(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,})".into(),
            whole,
        ),
        // Google API keys, OAuth client secrets and access tokens.
        (
            r"\b(?:AIza[0-9A-Za-z_-]{35}|GOCSPX-[0-9A-Za-z_-]{20,}|ya29\.[0-9A-Za-z_-]{20,})"
                .into(),
            whole,
        ),
        // Twilio API key secrets' ids.
        (r"\bSK[0-9a-fA-F]{32}\b".into(), whole),
        // SendGrid API keys.
        (r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}".into(), whole),
        // Azure AD client secrets and storage SAS signatures.
        (r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}".into(), whole),
        (
            r"(?P<keep>[?&;]sig=)[A-Za-z0-9%/+=]{16,}".into(),
            keep_prefix,
        ),
    ];
    table
        .into_iter()
        .map(|(pattern, replace)| Rule {
            pattern: Regex::new(&pattern).expect("built-in redaction pattern"),
            replace,
        })
        .collect()
}

fn whole(_: &Captures) -> String {
    MASK.to_string()
}

/// The `keep` group, then the mask.
fn keep_prefix(caps: &Captures) -> String {
    format!("{}{MASK}", group(caps, "keep"))
}

/// A credential after a word that also occurs in prose (`basic authentication`): masked when
/// it looks generated, i.e. it has a digit or a symbol, or a capital after its first letter.
fn random_looking(caps: &Captures) -> String {
    let secret = group(caps, "secret");
    let generated = secret
        .chars()
        .enumerate()
        .any(|(i, c)| !c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_uppercase()));
    if generated {
        keep_prefix(caps)
    } else {
        caps[0].to_string()
    }
}

/// The password of a URL, unless the "password" is a port followed by a path
/// (`http://localhost:3000/@vite/client`), or empty.
fn url_password(caps: &Captures) -> String {
    let secret = group(caps, "secret");
    let digits = secret.bytes().take_while(u8::is_ascii_digit).count();
    let port = digits > 0 && matches!(secret.as_bytes().get(digits), None | Some(b'/'));
    if secret.is_empty() || port {
        caps[0].to_string()
    } else {
        format!("{}{MASK}@", group(caps, "keep"))
    }
}

/// A value after a secret's name, its quotes kept; the match unchanged when the name is not a
/// secret's, or follows a colon (`arn:aws:secretsmanager:…:secret:name` is a path, not an
/// assignment).
fn named_value(caps: &Captures) -> String {
    let lead = group(caps, "lead");
    let name = group(caps, "name");
    if lead == ":" || !secret_name(name) {
        return caps[0].to_string();
    }
    let value = group(caps, "value");
    let quote = ["\\\"", "\"", "'"]
        .into_iter()
        .find(|q| value.len() >= 2 * q.len() && value.starts_with(q) && value.ends_with(q));
    let masked = match quote {
        Some(q) if value.len() == 2 * q.len() => return caps[0].to_string(),
        Some(q) => format!("{q}{MASK}{q}"),
        None => MASK.to_string(),
    };
    format!("{lead}{name}{}{masked}", group(caps, "sep"))
}

/// Names of `key`s that are not secrets: database and cache keys, public keys.
const NOT_SECRET_KEYS: [&str; 13] = [
    "cache",
    "sort",
    "partition",
    "primary",
    "foreign",
    "idempotency",
    "routing",
    "public",
    "hash",
    "range",
    "object",
    "lookup",
    "dedup",
];

/// Keys whose names run the word into `key` (`apikey`, `SecretAccessKey` in any case).
const FUSED_KEYS: [&str; 9] = [
    "api",
    "access",
    "secret",
    "private",
    "auth",
    "signing",
    "master",
    "account",
    "encryption",
];

/// Whether `name` names a secret. `…password`, `…passwd`, `…secret`, `…token` and
/// `…credential(s)` always do. `key` and `pass` are parts of ordinary words (`monkey`,
/// `bypass`), so they count only as a word of their own: after `_`, `-` or `.`, as a capital
/// after a small letter (`SecretAccessKey`, `dbPass`), or fused with a word that makes them
/// secret (`apikey`). A bare `key` or `pass` is not a secret's name, and neither are keys
/// that index or verify rather than unlock (`cache_key`, `partition_key`, `public_key`).
pub(super) fn secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let short = ["key", "pass"].into_iter().find(|w| lower.ends_with(w));
    let Some(word) = short else {
        return true;
    };
    let stem = &name[..name.len() - word.len()];
    let before = stem.chars().last();
    let first = name[stem.len()..].chars().next();
    let camel = before.is_some_and(|c| c.is_ascii_lowercase())
        && first.is_some_and(|c| c.is_ascii_uppercase());
    let separated = before.is_some_and(|c| matches!(c, '_' | '-' | '.'));
    let last_word = last_word(stem);
    let fused = word == "key" && FUSED_KEYS.iter().any(|w| last_word.ends_with(w));
    (camel || separated || fused) && !NOT_SECRET_KEYS.contains(&last_word.as_str())
}

/// The last word of a name's stem, lower case: `ssh_public_` → `public`, `CacheKey`'s `Cache`
/// → `cache`.
fn last_word(stem: &str) -> String {
    let trimmed = stem.trim_end_matches(['_', '-', '.']);
    let start = trimmed
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            matches!(c, '_' | '-' | '.')
                || (c.is_ascii_uppercase()
                    && trimmed[..i]
                        .chars()
                        .last()
                        .is_some_and(|p| p.is_ascii_lowercase()))
        })
        .map_or(0, |(i, c)| if c.is_ascii_uppercase() { i } else { i + 1 });
    trimmed[start..].to_ascii_lowercase()
}

fn group<'t>(caps: &Captures<'t>, name: &str) -> &'t str {
    caps.name(name).map_or("", |m| m.as_str())
}

//! Secret redaction for everything warroom shows in chat.
//!
//! Command output (logs, argv results, health bodies) can carry credentials; a channel is not a
//! place for them, and a screenshot of a channel is forever. Every reply passes through one
//! [`Redactor`] in [`crate::Core::execute`], so no handler can forget: well-known credential
//! shapes are masked, and so is every literal secret the configuration holds (values that came
//! from `${ENV_VAR}` references).

use regex::Regex;

use crate::{Block, Reply};

/// What replaces a secret.
pub const MASK: &str = "[redacted]";

/// What of a match survives.
#[derive(Debug, Clone, Copy)]
enum Keep {
    /// Nothing: the whole match is the secret.
    Nothing,
    /// Group 1 (a key name, a scheme and user); the rest is the secret.
    Prefix,
    /// Group 1, then the mask, then the `@` that ends a URL's user info.
    PrefixAndAt,
}

/// Credential shapes and what of each match to keep.
const PATTERNS: [(&str, Keep); 8] = [
    // AWS access key ids.
    (r"\b(?:AKIA|ASIA|AROA|AIDA)[0-9A-Z]{16}\b", Keep::Nothing),
    // AWS secret keys and other `secret=...` style assignments.
    (
        r#"(?i)\b((?:aws_secret_access_key|secret_access_key|password|passwd|secret|token|api_key|apikey)\s*[=:]\s*"?)[^\s"',;]+"#,
        Keep::Prefix,
    ),
    // Slack tokens.
    (
        r"\b(?:xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,})",
        Keep::Nothing,
    ),
    // Discord bot tokens.
    (
        r"\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}\b",
        Keep::Nothing,
    ),
    // Bearer and basic authorization values.
    (
        r"(?i)\b((?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}",
        Keep::Prefix,
    ),
    // Private keys, whole.
    (
        r"(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----",
        Keep::Prefix,
    ),
    // Passwords in connection strings: scheme://user:password@host.
    (
        r"([a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@",
        Keep::PrefixAndAt,
    ),
    // GitHub tokens.
    (r"\bgh[pousr]_[A-Za-z0-9]{36,}\b", Keep::Nothing),
];

#[derive(Debug, Clone)]
pub struct Redactor {
    patterns: Vec<(Regex, Keep)>,
    literals: Vec<String>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new(Vec::new())
    }
}

impl Redactor {
    /// A redactor for the built-in shapes and these literal secrets (values shorter than 6
    /// characters are ignored: masking `prod` everywhere would hide more than it protects).
    pub fn new(literals: Vec<String>) -> Redactor {
        let mut literals: Vec<String> = literals.into_iter().filter(|s| s.len() >= 6).collect();
        // Longest first, so a secret containing another is masked whole.
        literals.sort_by_key(|s| std::cmp::Reverse(s.len()));
        literals.dedup();
        Redactor {
            patterns: PATTERNS
                .iter()
                .map(|(p, keep)| (Regex::new(p).expect("built-in redaction pattern"), *keep))
                .collect(),
            literals,
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for literal in &self.literals {
            if out.contains(literal.as_str()) {
                out = out.replace(literal.as_str(), MASK);
            }
        }
        for (pattern, keep) in &self.patterns {
            out = pattern
                .replace_all(&out, |caps: &regex::Captures| {
                    let kept = caps.get(1).map_or("", |m| m.as_str());
                    match keep {
                        Keep::Nothing => MASK.to_string(),
                        Keep::Prefix => format!("{kept}{MASK}"),
                        Keep::PrefixAndAt => format!("{kept}{MASK}@"),
                    }
                })
                .into_owned();
        }
        out
    }

    /// The reply with every piece of text redacted.
    pub fn reply(&self, mut reply: Reply) -> Reply {
        for block in &mut reply.blocks {
            match block {
                Block::Header(t) | Block::Text(t) | Block::Code(t) | Block::Context(t) => {
                    *t = self.redact(t);
                }
                Block::Fields(fields) => {
                    for (_, value) in fields {
                        *value = self.redact(value);
                    }
                }
                Block::Table { rows, .. } => {
                    for cell in rows.iter_mut().flatten() {
                        *cell = self.redact(cell);
                    }
                }
                Block::Attachment { content, .. } => *content = self.redact(content),
                Block::Buttons(_) => {}
            }
        }
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_well_known_credential_shapes() {
        let r = Redactor::default();
        let cases = [
            ("key AKIAIOSFODNN7EXAMPLE used", "key [redacted] used"),
            (
                "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "aws_secret_access_key=[redacted]",
            ),
            ("SLACK xoxb-1234567890-abcdefghij ok", "SLACK [redacted] ok"),
            ("app xapp-1-A0123-456-abcdef0123", "app [redacted]"),
            (
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc",
                "Authorization: Bearer [redacted]",
            ),
            (
                "postgres://warroom:hunter22@db:5432/w",
                "postgres://warroom:[redacted]@db:5432/w",
            ),
            ("password: \"tops3cret\"", "password: \"[redacted]\""),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\nafter",
                "-----BEGIN RSA PRIVATE KEY-----[redacted]\nafter",
            ),
            (
                "MTE4NDU2Nzg5MDEyMzQ1Njc4.GhJkLm.abcdefghijklmnopqrstuvwxyz0123",
                "[redacted]",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(r.redact(input), expected, "{input}");
        }
    }

    #[test]
    fn masks_configured_secrets_and_leaves_ordinary_text() {
        let r = Redactor::new(vec!["s3cr3t-signing".into(), "abc".into()]);
        assert_eq!(r.redact("sig s3cr3t-signing!"), "sig [redacted]!");
        assert_eq!(
            r.redact("abc stays, so do pods and 502s"),
            "abc stays, so do pods and 502s"
        );
    }

    #[test]
    fn every_block_of_a_reply_is_redacted() {
        let r = Redactor::default();
        let reply = Reply::channel()
            .text("AKIAIOSFODNN7EXAMPLE")
            .code("token=abcdef123")
            .fields([("k", "xoxb-1234567890-abcdefghij")])
            .table(&["x"], vec![vec!["Bearer abcdefghijkl".into()]]);
        let text = r.reply(reply).to_plain_text();
        assert!(
            !text.contains("AKIA") && !text.contains("abcdef123") && !text.contains("xoxb"),
            "{text}"
        );
        assert!(!text.contains("abcdefghijkl"), "{text}");
    }
}

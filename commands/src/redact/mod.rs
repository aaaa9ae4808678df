//! Secret redaction for everything warroom shows, posts, stores for display or logs.
//!
//! Command output (logs, argv results, health bodies) and what people type can carry
//! credentials; a channel is not a place for them, and a screenshot of a channel is forever.
//! One [`Redactor`] masks well-known credential shapes ([`rules`]) and every literal secret the
//! configuration holds (values that came from `${ENV_VAR}` references). It is applied once per
//! way out, so no handler can forget:
//! - every reply and card, in [`crate::Core::execute`] and [`crate::Core::incident_card`];
//! - every incident, timeline entry and audit entry on its way into the store ([`Redacting`]),
//!   so the incident pages, post-mortems, digests and channel topics drawn from the store show
//!   nothing that was not masked;
//! - every notification the scheduler posts (escalations, reminders, digests);
//! - warroom's own log lines (the bot's log writer).

#[cfg(any(test, feature = "fakes"))]
pub mod corpus;
mod rules;
mod store;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

pub use store::Redacting;

use self::rules::Rule;
use crate::{Block, Reply};

/// What replaces a secret.
pub const MASK: &str = "[redacted]";

/// The rules, compiled once per process: every redactor shares them.
static RULES: OnceLock<Arc<Vec<Rule>>> = OnceLock::new();

/// Masks secrets in text. Cheap to clone: the compiled rules are shared.
#[derive(Clone)]
pub struct Redactor {
    rules: Arc<Vec<Rule>>,
    literals: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The literals are the configuration's secrets: never print them.
        f.debug_struct("Redactor")
            .field("rules", &self.rules.len())
            .field("literals", &self.literals.len())
            .finish()
    }
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
            rules: RULES.get_or_init(|| Arc::new(rules::rules())).clone(),
            literals,
        }
    }

    /// `text` with the configured secrets, then every rule's matches, masked.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for literal in &self.literals {
            if out.contains(literal.as_str()) {
                out = out.replace(literal.as_str(), MASK);
            }
        }
        for rule in self.rules.iter() {
            if let Cow::Owned(changed) = rule.pattern.replace_all(&out, rule.replace) {
                out = changed;
            }
        }
        out
    }

    /// The reply with every piece of text redacted.
    pub fn reply(&self, mut reply: Reply) -> Reply {
        for block in &mut reply.blocks {
            match block {
                Block::Header(t) | Block::Code(t) => *t = self.redact(t),
                Block::Text(line) | Block::Context(line) => {
                    *line = std::mem::take(line).map_words(|w| self.redact(w));
                }
                Block::Fields(fields) => {
                    for (_, value) in fields {
                        *value = std::mem::take(value).map_words(|w| self.redact(w));
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

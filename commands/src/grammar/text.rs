//! Free text (titles, notes, follow-ups, summaries): checked before anything is stored.
//!
//! Limits keep every entry displayable in one chat message (Slack's section text holds 3000
//! characters) and keep a pasted log dump out of the timeline; control characters would corrupt
//! terminals and tables, so they are refused rather than silently dropped.

use super::Span;
use crate::UserError;

/// What a piece of text is, for messages, and how long it may be.
#[derive(Debug, Clone, Copy)]
pub struct TextLimit {
    /// `a title`, `a note`, ...
    pub what: &'static str,
    pub max_chars: usize,
}

impl TextLimit {
    pub const TITLE: TextLimit = TextLimit {
        what: "A title",
        max_chars: 200,
    };
    pub const NOTE: TextLimit = TextLimit {
        what: "A note",
        max_chars: 3000,
    };
    pub const FOLLOW_UP: TextLimit = TextLimit {
        what: "A follow-up item",
        max_chars: 3000,
    };
    pub const SUMMARY: TextLimit = TextLimit {
        what: "A summary",
        max_chars: 3000,
    };
    pub const NAME: TextLimit = TextLimit {
        what: "A name",
        max_chars: 100,
    };
}

/// At most `max_chars` characters, the last one an ellipsis when the text was cut: for text
/// that comes from elsewhere (a chat message, a platform's answer) and must fit a limit.
pub fn shortened(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Checks free text and unwraps it from one pair of quotes; `None` when it is empty.
pub fn free_text(raw: &str, span: Span, limit: TextLimit) -> Result<Option<String>, UserError> {
    let text = unquote(raw.trim()).trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        return Err(UserError::at(
            format!(
                "{} may not contain control characters (found U+{:04X}); remove it and send the command again.",
                limit.what, c as u32
            ),
            span,
        ));
    }
    let count = text.chars().count();
    if count > limit.max_chars {
        return Err(UserError::at(
            format!(
                "{} can be at most {} characters and this one has {count}; shorten it, or link to the details instead of pasting them.",
                limit.what, limit.max_chars
            ),
            span,
        ));
    }
    Ok(Some(text.to_string()))
}

fn unquote(text: &str) -> &str {
    for (open, close) in [('"', '"'), ('\'', '\''), ('\u{201C}', '\u{201D}')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && !inner.contains(close)
        {
            return inner;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPAN: Span = Span { start: 0, end: 1 };

    #[test]
    fn keeps_text_and_strips_one_pair_of_quotes() {
        let ok = |raw| free_text(raw, SPAN, TextLimit::NOTE).unwrap();
        assert_eq!(ok("  it's down "), Some("it's down".into()));
        assert_eq!(ok("\"quoted note\""), Some("quoted note".into()));
        assert_eq!(ok("\"a\" and \"b\""), Some("\"a\" and \"b\"".into()));
        assert_eq!(ok("   "), None);
    }

    #[test]
    fn refuses_control_characters_and_overlong_text() {
        let err = free_text("bell\u{7}", SPAN, TextLimit::NOTE).unwrap_err();
        assert!(err.message.contains("U+0007"), "{}", err.message);
        let big = "x".repeat(100 * 1024);
        let err = free_text(&big, SPAN, TextLimit::NOTE).unwrap_err();
        assert!(
            err.message
                .contains("at most 3000 characters and this one has 102400"),
            "{}",
            err.message
        );
    }
}

//! Splits typed text into words, quoted strings and flags, one at a time.
//!
//! The lexer is pulled word by word, not run to the end, because the tail of many commands is
//! free text (a title, a note) that must be kept exactly as typed, apostrophes and all:
//! [`Lexer::rest`] hands it over untouched.

use crate::UserError;

/// A byte range in the typed text, for pointing at a bad word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The column (in characters, from 0) where the span starts in `text`.
    pub fn column(&self, text: &str) -> usize {
        text.get(..self.start).map_or(0, |s| s.chars().count())
    }

    /// The span's width in characters (at least 1, so a caret is always drawn).
    pub fn width(&self, text: &str) -> usize {
        text.get(self.start..self.end)
            .map_or(1, |s| s.chars().count())
            .max(1)
    }
}

/// One word of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word with quotes removed and a leading unicode dash rewritten to `--`.
    pub text: String,
    pub span: Span,
    pub quoted: bool,
}

impl Token {
    /// `--name` or `--name=value` as `(name, value)`; quoted words are never flags.
    pub fn flag(&self) -> Option<(&str, Option<&str>)> {
        if self.quoted {
            return None;
        }
        let body = self.text.strip_prefix("--")?;
        if !body.starts_with(|c: char| c.is_alphabetic()) {
            return None;
        }
        Some(match body.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (body, None),
        })
    }
}

/// Phones turn `--` into an em or en dash; both mean `--`.
const DASHES: [char; 3] = ['\u{2014}', '\u{2013}', '\u{2015}'];

fn closing_quote(open: char) -> Option<&'static [char]> {
    match open {
        '"' => Some(&['"']),
        '\'' => Some(&['\'']),
        '\u{201C}' | '\u{201E}' => Some(&['\u{201D}', '\u{201C}', '"']),
        '\u{2018}' => Some(&['\u{2019}', '\'']),
        _ => None,
    }
}

pub struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        Lexer { text, pos: 0 }
    }

    /// The whole typed text, for error rendering.
    pub fn source(&self) -> &'a str {
        self.text
    }

    fn skip_space(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// The next word, or `None` at the end.
    pub fn next_token(&mut self) -> Result<Option<Token>, UserError> {
        self.skip_space();
        let start = self.pos;
        let rest = &self.text[start..];
        let Some(first) = rest.chars().next() else {
            return Ok(None);
        };
        if let Some(closers) = closing_quote(first) {
            let body_start = start + first.len_utf8();
            let body = &self.text[body_start..];
            let Some(close) = body.find(|c| closers.contains(&c)) else {
                return Err(UserError::at(
                    format!(
                        "The quote {first} at column {} is never closed; close it or remove it.",
                        Span { start, end: start }.column(self.text) + 1
                    ),
                    Span {
                        start,
                        end: body_start,
                    },
                ));
            };
            let close_char = body[close..].chars().next().unwrap_or('"');
            self.pos = body_start + close + close_char.len_utf8();
            return Ok(Some(Token {
                text: body[..close].to_string(),
                span: Span {
                    start,
                    end: self.pos,
                },
                quoted: true,
            }));
        }
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        self.pos = start + len;
        let word = &rest[..len];
        let text = match word.strip_prefix(DASHES) {
            Some(after) => format!("--{after}"),
            None => word.to_string(),
        };
        Ok(Some(Token {
            text,
            span: Span {
                start,
                end: self.pos,
            },
            quoted: false,
        }))
    }

    /// Everything not yet read, trimmed, with its span; the lexer is then at the end.
    pub fn rest(&mut self) -> (&'a str, Span) {
        self.skip_space();
        let start = self.pos;
        self.pos = self.text.len();
        let rest = self.text[start..].trim_end();
        (
            rest,
            Span {
                start,
                end: start + rest.len(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        while let Some(token) = lexer.next_token().unwrap() {
            out.push(token.text);
        }
        out
    }

    #[test]
    fn splits_words_and_quoted_strings() {
        assert_eq!(
            words(r#"note "two words" 'single one' plain"#),
            ["note", "two words", "single one", "plain"]
        );
        assert_eq!(words("“smart quotes” ok"), ["smart quotes", "ok"]);
    }

    #[test]
    fn unicode_dashes_read_as_double_dash() {
        assert_eq!(
            words("logs api —since 30m –grep x"),
            ["logs", "api", "--since", "30m", "--grep", "x"]
        );
    }

    #[test]
    fn flags_split_name_and_value() {
        let mut lexer = Lexer::new("--since=30m --all \"--quoted\"");
        let a = lexer.next_token().unwrap().unwrap();
        let b = lexer.next_token().unwrap().unwrap();
        let c = lexer.next_token().unwrap().unwrap();
        assert_eq!(a.flag(), Some(("since", Some("30m"))));
        assert_eq!(b.flag(), Some(("all", None)));
        assert_eq!(c.flag(), None);
    }

    #[test]
    fn unclosed_quote_points_at_the_quote() {
        let mut lexer = Lexer::new("note \"oops");
        lexer.next_token().unwrap();
        let err = lexer.next_token().unwrap_err();
        assert_eq!(err.span, Some(Span { start: 5, end: 6 }));
        assert!(err.message.contains("column 6"), "{}", err.message);
    }

    #[test]
    fn rest_keeps_free_text_as_typed() {
        let mut lexer = Lexer::new("/incident note  it's   down  ");
        lexer.next_token().unwrap();
        lexer.next_token().unwrap();
        let (rest, span) = lexer.rest();
        assert_eq!(rest, "it's   down");
        assert_eq!(span, Span { start: 16, end: 27 });
    }
}

//! A [`Reply`] as Block Kit: what Slack users see.
//!
//! Slack refuses a message over its limits instead of cutting it, so every limit is kept here:
//! header text 150 characters, section text 3000, ten fields of 2000, 50 blocks. Long text keeps
//! its head and tail with a line saying how much was left out; the whole of it travels as the
//! reply's attachment, which the transport uploads as a file.

use serde_json::{Value, json};
use warroom_commands::Reply;
use warroom_commands::grammar::shortened;
use warroom_commands::reply::{Block, Button, ButtonAction, Inline, Line, render_table};
use warroom_commands::timefmt;

const HEADER_LIMIT: usize = 150;
const SECTION_LIMIT: usize = 3000;
const FIELD_LIMIT: usize = 2000;
const FIELDS_PER_SECTION: usize = 10;
const BLOCK_LIMIT: usize = 50;

/// The `action_id` prefix of warroom's buttons; the rest is the verb (`warroom:confirm`).
pub const ACTION_PREFIX: &str = "warroom:";

/// The message: its blocks and the plain `text` Slack shows in notifications.
pub fn message(reply: &Reply) -> Value {
    let mut blocks: Vec<Value> = reply.blocks.iter().filter_map(block).flatten().collect();
    if blocks.len() > BLOCK_LIMIT {
        blocks.truncate(BLOCK_LIMIT - 1);
        blocks.push(context(
            "… more than Slack shows in one message; the rest is in the attached file.",
        ));
    }
    json!({ "text": fallback(reply), "blocks": blocks })
}

/// A message of one section of warroom's own mrkdwn (mentions, channel links), not escaped:
/// whatever user text it quotes must be passed through [`escape`] first.
pub fn mrkdwn(text: &str) -> Value {
    json!({ "text": shortened(text, HEADER_LIMIT), "blocks": [section(text)] })
}

/// The first line of the reply, for notifications and clients without blocks. Slack reads this
/// field as mrkdwn too, so it is escaped like every block: a title typed as `<!channel>` must
/// not ping the channel from a notification.
fn fallback(reply: &Reply) -> String {
    let first = reply.blocks.iter().find_map(|b| match b {
        Block::Header(t) => Some(t.clone()),
        Block::Text(line) | Block::Context(line) => Some(line.to_string()),
        _ => None,
    });
    let first = first.unwrap_or_else(|| "warroom".into());
    escape(&shortened(first.lines().next().unwrap_or(""), HEADER_LIMIT))
}

/// A line as mrkdwn: words escaped, a person as a mention (Slack shows the name the reader
/// knows), a time as a Slack date (shown in the reader's own time zone, with the UTC time as
/// the fallback for clients that cannot).
pub fn line(line: &Line) -> String {
    line.render(|piece| match piece {
        Inline::Words(words) => escape(words),
        Inline::Person(id) if is_user_id(id) => format!("<@{id}>"),
        Inline::Person(name) => escape(name),
        Inline::Time { at, seconds } => {
            let (clock, fallback) = if *seconds {
                ("{time_secs}", timefmt::at_seconds(*at))
            } else {
                ("{time}", timefmt::at(*at))
            };
            format!(
                "<!date^{}^{{date_short_pretty}} {clock}|{fallback}>",
                at.timestamp()
            )
        }
    })
}

/// A Slack user id (`U…` or, on Enterprise Grid, `W…`): the only thing written as a mention.
fn is_user_id(id: &str) -> bool {
    id.len() > 2
        && id.starts_with(['U', 'W'])
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn block(block: &Block) -> Option<Vec<Value>> {
    Some(match block {
        Block::Header(text) => vec![json!({
            "type": "header",
            "text": { "type": "plain_text", "text": shortened(&plain(text), HEADER_LIMIT), "emoji": true }
        })],
        Block::Text(text) => vec![section(&line(text))],
        Block::Fields(fields) => fields
            .chunks(FIELDS_PER_SECTION)
            .map(|chunk| {
                let fields: Vec<Value> = chunk
                    .iter()
                    .map(|(k, v)| {
                        json!({ "type": "mrkdwn", "text": shortened(&format!("*{}*\n{}", escape(k), line(v)), FIELD_LIMIT) })
                    })
                    .collect();
                json!({ "type": "section", "fields": fields })
            })
            .collect(),
        Block::Table { headers, rows } => vec![preformatted(&render_table(headers, rows))],
        Block::Code(text) => vec![preformatted(text)],
        Block::Context(text) => vec![context(&line(text))],
        Block::Buttons(buttons) => vec![json!({
            "type": "actions",
            "elements": buttons.iter().map(button).collect::<Vec<_>>()
        })],
        Block::Attachment { .. } => return None,
    })
}

fn section(mrkdwn: &str) -> Value {
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": shortened(mrkdwn, SECTION_LIMIT) } })
}

fn context(mrkdwn: &str) -> Value {
    json!({ "type": "context", "elements": [{ "type": "mrkdwn", "text": shortened(mrkdwn, SECTION_LIMIT) }] })
}

/// Monospace text in a code block: head and tail kept when it is too long for one section.
fn preformatted(text: &str) -> Value {
    let fence = 8; // "```\n" and "\n```"
    let body = escape(text.trim_end());
    section(&format!(
        "```\n{}\n```",
        head_and_tail(&body, SECTION_LIMIT - fence)
    ))
}

/// Slack's limits on a confirmation dialog's text.
const DIALOG_TEXT_LIMIT: usize = 300;

/// A button: red (`danger`) only on a destructive Confirm, which also asks once more in
/// Slack's confirmation dialog before the click is sent; green (`primary`) for going ahead
/// otherwise; Cancel, which only withdraws, in the default style.
fn button(button: &Button) -> Value {
    let mut element = json!({
        "type": "button",
        "text": { "type": "plain_text", "text": button.action.label() },
        "action_id": format!("{ACTION_PREFIX}{}", button.action.verb()),
        "value": button.token,
    });
    match (button.action, &button.danger) {
        (ButtonAction::Confirm, Some(what)) => {
            element["style"] = json!("danger");
            element["confirm"] = json!({
                "title": { "type": "plain_text", "text": "Run a destructive operation?" },
                "text": { "type": "plain_text", "text": shortened(&plain(what), DIALOG_TEXT_LIMIT) },
                "confirm": { "type": "plain_text", "text": "Run it" },
                "deny": { "type": "plain_text", "text": "Not yet" },
                "style": "danger",
            });
        }
        (ButtonAction::Confirm | ButtonAction::Acknowledge | ButtonAction::Resolve, _) => {
            element["style"] = json!("primary");
        }
        (ButtonAction::Cancel, _) => {}
    }
    element
}

/// Text for Slack's plain_text fields (headers, the confirmation dialog), which show markup
/// as typed: each run of backticks around a code span becomes a double quote.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if c == '`' {
            if !in_run {
                out.push('"');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

/// Slack's three control characters in mrkdwn.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text as the person typed it, from text as Slack sends it: Slack's clients escape `&`, `<`
/// and `>` before anything reaches warroom, so a stored note says `a & b`, not `a &amp; b`,
/// and [`escape`] on the way out shows it once. `&amp;` goes last, so `&amp;lt;` stays `&lt;`.
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The first and last lines of `text` that fit in `limit` characters, with a line between them
/// saying how many were left out.
fn head_and_tail(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let lines: Vec<&str> = text.lines().collect();
    let budget = limit.saturating_sub(60) / 2;
    let mut head = Vec::new();
    let mut used = 0;
    for line in &lines {
        let n = line.chars().count() + 1;
        if used + n > budget {
            break;
        }
        used += n;
        head.push(*line);
    }
    let mut tail = Vec::new();
    used = 0;
    for line in lines[head.len()..].iter().rev() {
        let n = line.chars().count() + 1;
        if used + n > budget {
            break;
        }
        used += n;
        tail.push(*line);
    }
    tail.reverse();
    let left_out = lines.len() - head.len() - tail.len();
    if head.is_empty() && tail.is_empty() {
        // One enormous line: keep its start.
        return shortened(text, limit);
    }
    format!(
        "{}\n… {left_out} more lines (the whole output is attached) …\n{}",
        head.join("\n"),
        tail.join("\n")
    )
}

#[cfg(test)]
mod tests;

//! A [`Reply`] as a Discord message: an embed coloured by its tone, fields, code blocks
//! and buttons, within Discord's limits (2000 characters of content, 4096 of embed description,
//! 25 fields of 1024, 256 for titles and field names). Long text keeps its head and tail.

use serde_json::{Value, json};
use warroom_commands::grammar::shortened;
use warroom_commands::reply::{Block, Button, ButtonAction, Inline, Line, render_table};
use warroom_commands::{Reply, Tone, Visibility};

const TITLE_LIMIT: usize = 256;
const DESCRIPTION_LIMIT: usize = 4096;
const FIELDS_LIMIT: usize = 25;
const FIELD_VALUE_LIMIT: usize = 1024;
const FOOTER_LIMIT: usize = 2048;

/// The `custom_id` prefix of warroom's buttons: `warroom:confirm:TOKEN`.
pub const BUTTON_PREFIX: &str = "warroom:";

/// Discord's flag for a message only the caller sees.
pub const EPHEMERAL: u64 = 64;

/// The embed's colour: what the reply reports, as the handler said it.
fn colour(tone: Tone) -> u32 {
    match tone {
        Tone::Danger => 0xD3_2F2F,
        Tone::Warning => 0xFB_C02D,
        Tone::Ok => 0x38_8E3C,
        Tone::Info => 0x58_65F2,
    }
}

/// Discord's button styles: green for going ahead, red for a destructive Confirm (Discord has
/// no are-you-sure dialog to add, so the colour and the card's plan are the warning), grey for
/// Cancel, which only withdraws.
fn button_style(button: &Button) -> u8 {
    const SECONDARY: u8 = 2;
    const SUCCESS: u8 = 3;
    const DANGER: u8 = 4;
    match button.action {
        ButtonAction::Confirm if button.danger.is_some() => DANGER,
        ButtonAction::Confirm | ButtonAction::Acknowledge | ButtonAction::Resolve => SUCCESS,
        ButtonAction::Cancel => SECONDARY,
    }
}

/// The message body for a webhook edit or followup.
pub fn message(reply: &Reply) -> Value {
    let mut embed = json!({ "color": colour(reply.tone) });
    let mut description = Vec::new();
    let mut fields = Vec::new();
    let mut footer = Vec::new();
    let mut buttons = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Header(h) => embed["title"] = json!(shortened(&inert(h), TITLE_LIMIT)),
            Block::Text(t) => description.push(line(t)),
            Block::Fields(f) => fields.extend(f.iter().map(|(k, v)| {
                json!({ "name": shortened(&inert(k), TITLE_LIMIT), "value": shortened(&line(v), FIELD_VALUE_LIMIT), "inline": true })
            })),
            Block::Table { headers, rows } => description.push(fenced(&render_table(headers, rows))),
            Block::Code(c) => description.push(fenced(c)),
            // A footer shows neither mentions nor timestamps: plain text, UTC.
            Block::Context(c) => footer.push(inert(&c.to_string())),
            Block::Buttons(b) => buttons.extend(b.iter().map(|b| {
                json!({ "type": 2, "style": button_style(b), "label": b.action.label(),
                        "custom_id": format!("{BUTTON_PREFIX}{}:{}", b.action.verb(), b.token) })
            })),
            Block::Attachment { .. } => {}
        }
    }
    if !description.is_empty() {
        embed["description"] = json!(fit(&description.join("\n"), DESCRIPTION_LIMIT));
    }
    fields.truncate(FIELDS_LIMIT);
    if !fields.is_empty() {
        embed["fields"] = json!(fields);
    }
    if !footer.is_empty() {
        embed["footer"] = json!({ "text": shortened(&footer.join(" · "), FOOTER_LIMIT) });
    }
    let mut body = json!({
        "content": "",
        "embeds": [embed],
        // Nothing a reply quotes may ping anyone.
        "allowed_mentions": { "parse": [] },
        "components": if buttons.is_empty() { json!([]) } else { json!([{ "type": 1, "components": buttons }]) },
    });
    if reply.visibility == Visibility::Ephemeral {
        body["flags"] = json!(EPHEMERAL);
    }
    body
}

/// A message of warroom's own markdown (a mention or a channel link built from ids), shown as
/// written: nothing people typed may be part of `text`. `allowed_mentions` still pings nobody.
pub fn own_words(text: &str) -> Value {
    let mut body = message(&Reply::channel());
    body["embeds"][0]["description"] = json!(text);
    body
}

/// A line as Discord markdown: words inert, a person as a mention (shown as their name;
/// `allowed_mentions` keeps it from pinging), a time as a timestamp Discord shows in the
/// reader's own time zone.
fn line(line: &Line) -> String {
    line.render(|piece| match piece {
        Inline::Words(words) => inert(words),
        Inline::Person(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            format!("<@{id}>")
        }
        Inline::Person(name) => inert(name),
        Inline::Time { at, seconds: false } => format!("<t:{}:f>", at.timestamp()),
        Inline::Time { at, seconds: true } => {
            format!("<t:{0}:d> <t:{0}:T>", at.timestamp())
        }
    })
}

/// Text from people, made inert for Discord's markdown: a backslash before each character that
/// could open a mention (`<@…>`, `<#…>`), a link that shows other text than its address
/// (`[click](https://…)`) or escape what follows. `allowed_mentions` already keeps a reply from
/// pinging anyone; this keeps it from *looking* like a mention or hiding where a link goes.
/// Code blocks are inert by themselves and are not passed through this.
pub fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn fenced(text: &str) -> String {
    format!("```\n{}\n```", text.trim_end().replace("```", "'''"))
}

/// Head and tail of `text` within `limit` characters, with how many lines were left out.
fn fit(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let lines: Vec<&str> = text.lines().collect();
    let budget = limit.saturating_sub(80) / 2;
    let take = |it: &mut dyn Iterator<Item = &&str>| {
        let mut used = 0;
        let mut kept = Vec::new();
        for line in it {
            used += line.chars().count() + 1;
            if used > budget {
                break;
            }
            kept.push(line.to_string());
        }
        kept
    };
    let head = take(&mut lines.iter());
    let mut tail = take(&mut lines.iter().rev());
    tail.reverse();
    let left = lines.len().saturating_sub(head.len() + tail.len());
    // Code fences cut in the middle would swallow the rest of the message: close and reopen.
    format!(
        "{}\n```\n… {left} more lines …\n```\n{}",
        head.join("\n"),
        tail.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_is_an_embed_with_fields_footer_and_buttons() {
        let reply = Reply::channel()
            .tone(Tone::Danger)
            .header("🔴 INC-1 P1 · checkout returns 502")
            .fields([("Status", "investigating"), ("Lead", "none yet")])
            .context("P1: respond within 15m")
            .buttons(vec![Button::new(ButtonAction::Confirm, "k3p7")]);
        let m = message(&reply);
        assert_eq!(m["embeds"][0]["color"], 0xD3_2F2F);
        assert_eq!(m["embeds"][0]["fields"].as_array().unwrap().len(), 2);
        assert_eq!(m["embeds"][0]["footer"]["text"], "P1: respond within 15m");
        assert_eq!(
            m["components"][0]["components"][0]["custom_id"],
            "warroom:confirm:k3p7"
        );
        assert!(m.get("flags").is_none());
        assert_eq!(message(&Reply::error("no"))["flags"], EPHEMERAL);
    }

    #[test]
    fn the_colour_is_the_tone_and_an_error_is_red_whatever_its_text() {
        let colour_of = |reply: &Reply| message(reply)["embeds"][0]["color"].clone();
        assert_eq!(colour_of(&Reply::error("✅ looks fine")), 0xD3_2F2F);
        assert_eq!(colour_of(&Reply::channel().header("🔴 help")), 0x58_65F2);
        assert_eq!(colour_of(&Reply::channel().tone(Tone::Ok)), 0x38_8E3C);
        assert_eq!(colour_of(&Reply::channel().tone(Tone::Warning)), 0xFB_C02D);
    }

    #[test]
    fn red_goes_on_the_destructive_confirm_and_cancel_is_grey() {
        let styles = |buttons: Vec<Button>| -> Vec<Value> {
            let m = message(&Reply::channel().buttons(buttons));
            m["components"][0]["components"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["style"].clone())
                .collect()
        };
        let destructive = Button::new(ButtonAction::Confirm, "k3p7").dangerous("roll api back");
        let cancel = Button::new(ButtonAction::Cancel, "k3p7");
        assert_eq!(
            styles(vec![destructive, cancel.clone()]),
            [json!(4), json!(2)]
        );
        let operate = Button::new(ButtonAction::Confirm, "k3p7");
        assert_eq!(styles(vec![operate, cancel]), [json!(3), json!(2)]);
        let ack = Button::new(ButtonAction::Acknowledge, "inc1");
        assert_eq!(styles(vec![ack]), [json!(3)]);
    }

    #[test]
    fn text_from_people_cannot_mention_or_disguise_a_link() {
        let typed = "see <@123> <@&456> <#789> [click](https://evil.example) a\\b";
        let reply = Reply::channel()
            .header(typed)
            .text(typed)
            .fields([("Note", typed)])
            .context(typed);
        let m = message(&reply);
        let embed = &m["embeds"][0];
        let escaped = r"see \<@123\> \<@&456\> \<#789\> \[click\](https://evil.example) a\\b";
        for shown in [
            &embed["title"],
            &embed["description"],
            &embed["fields"][0]["value"],
            &embed["footer"]["text"],
        ] {
            assert_eq!(shown, escaped);
        }
        assert_eq!(m["allowed_mentions"]["parse"], serde_json::json!([]));
    }

    #[test]
    fn people_are_mentions_and_times_are_timestamps_in_the_readers_zone() {
        let at = chrono::DateTime::from_timestamp(1_796_194_428, 0).unwrap();
        let said = Line::new()
            .person("2000000000000000001")
            .words(" at ")
            .time(at);
        let typed = Line::new().person("<@123>").words(" at ").time_seconds(at);
        let reply = Reply::channel()
            .text(said.clone())
            .fields([("By", typed)])
            .context(said);
        let embed = &message(&reply)["embeds"][0];
        assert_eq!(
            embed["description"],
            "<@2000000000000000001> at <t:1796194428:f>"
        );
        // Only a snowflake becomes a mention; anything else stays inert text.
        assert_eq!(
            embed["fields"][0]["value"],
            r"\<@123\> at <t:1796194428:d> <t:1796194428:T>"
        );
        // A footer renders neither, so it says the same in plain UTC.
        assert_eq!(
            embed["footer"]["text"],
            "2000000000000000001 at 2026-12-02 06:53 UTC"
        );
    }

    #[test]
    fn long_output_fits_the_description() {
        let output: String = (1..=3000).map(|n| format!("line {n}\n")).collect();
        let m = message(&Reply::channel().code(output));
        let d = m["embeds"][0]["description"].as_str().unwrap();
        assert!(d.chars().count() <= DESCRIPTION_LIMIT, "{}", d.len());
        assert!(
            d.starts_with("```\nline 1\n") && d.ends_with("line 3000\n```"),
            "{d}"
        );
        assert!(d.contains("more lines"));
    }
}

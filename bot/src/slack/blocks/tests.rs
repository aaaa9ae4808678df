use super::*;

fn texts(message: &Value) -> Vec<String> {
    message["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.to_string())
        .collect()
}

#[test]
fn long_output_keeps_head_and_tail_within_a_section() {
    let output: String = (1..=2000).map(|n| format!("line {n}\n")).collect();
    let reply = Reply::channel().header("✅ api/logs").code(output);
    let message = message(&reply);
    let section = message["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(
        section.chars().count() <= SECTION_LIMIT,
        "{}",
        section.len()
    );
    assert!(section.starts_with("```\nline 1\nline 2\n"), "{section}");
    assert!(section.ends_with("line 1999\nline 2000\n```"), "{section}");
    assert!(section.contains("more lines (the whole output is attached)"));
}

#[test]
fn blocks_stay_within_fifty_and_fields_within_ten_per_section() {
    let mut reply = Reply::channel();
    for n in 0..60 {
        reply = reply.text(format!("part {n}"));
    }
    let fields: Vec<(String, String)> = (0..12).map(|n| (format!("k{n}"), "v".into())).collect();
    let message = message(&reply.fields(fields));
    let blocks = message["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), BLOCK_LIMIT);
    assert!(
        blocks[49]
            .to_string()
            .contains("the rest is in the attached file")
    );

    let fields: Vec<(String, String)> = (0..12).map(|n| (format!("k{n}"), "v".into())).collect();
    let message = message_of_fields(fields);
    assert_eq!(message["blocks"][0]["fields"].as_array().unwrap().len(), 10);
    assert_eq!(message["blocks"][1]["fields"].as_array().unwrap().len(), 2);
}

fn message_of_fields(fields: Vec<(String, String)>) -> Value {
    message(&Reply::channel().fields(fields))
}

#[test]
fn user_text_cannot_mention_or_link() {
    let message = message(&Reply::channel().text("<!channel> see <http://x|here> & more"));
    assert_eq!(
        texts(&message)[0],
        r#"{"text":{"text":"&lt;!channel&gt; see &lt;http://x|here&gt; &amp; more","type":"mrkdwn"},"type":"section"}"#
    );
    // The notification text is mrkdwn as well.
    assert_eq!(
        message["text"],
        "&lt;!channel&gt; see &lt;http://x|here&gt; &amp; more"
    );
    let headed = super::message(&Reply::channel().header("<!here> down <@U0LEAD>"));
    assert_eq!(headed["text"], "&lt;!here&gt; down &lt;@U0LEAD&gt;");
}

#[test]
fn buttons_carry_the_verb_and_the_token_and_attachments_are_not_blocks() {
    let reply = Reply::channel()
        .buttons(vec![
            Button::new(ButtonAction::Confirm, "k3p7"),
            Button::new(ButtonAction::Cancel, "k3p7"),
        ])
        .attachment("out.txt", "all of it");
    let message = message(&reply);
    let blocks = message["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0]["elements"][0]["action_id"], "warroom:confirm");
    assert_eq!(blocks[0]["elements"][0]["value"], "k3p7");
    assert_eq!(message["text"], "warroom");
}

#[test]
fn red_and_a_dialog_go_on_the_destructive_confirm_never_on_cancel() {
    let buttons = |confirm: Button| {
        let reply =
            Reply::channel().buttons(vec![confirm, Button::new(ButtonAction::Cancel, "k3p7")]);
        message(&reply)["blocks"][0]["elements"].clone()
    };
    let plan = "api/rollback: run `kubectl rollout undo deployment/api` on api (production)";
    let destructive = buttons(Button::new(ButtonAction::Confirm, "k3p7").dangerous(plan));
    assert_eq!(destructive[0]["style"], "danger");
    let dialog = &destructive[0]["confirm"];
    for part in ["title", "text", "confirm", "deny"] {
        assert_eq!(dialog[part]["type"], "plain_text", "{part}");
    }
    assert_eq!(
        dialog["text"]["text"],
        "api/rollback: run \"kubectl rollout undo deployment/api\" on api (production)"
    );
    assert_eq!(dialog["style"], "danger");
    assert!(destructive[1].get("style").is_none() && destructive[1].get("confirm").is_none());
    // An operation confirmed by policy but not destructive goes ahead without red or dialog.
    let operate = buttons(Button::new(ButtonAction::Confirm, "k3p7"));
    assert_eq!(operate[0]["style"], "primary");
    assert!(operate[0].get("confirm").is_none());
    let long = buttons(Button::new(ButtonAction::Confirm, "k3p7").dangerous("x".repeat(500)));
    let text = long[0]["confirm"]["text"]["text"].as_str().unwrap();
    assert_eq!(text.chars().count(), DIALOG_TEXT_LIMIT);
}

#[test]
fn a_header_shows_no_literal_backticks() {
    let reply = Reply::channel().header("✅ api/rollback: run `kubectl rollout undo` on ```api```");
    let message = message(&reply);
    assert_eq!(
        message["blocks"][0]["text"]["text"],
        "✅ api/rollback: run \"kubectl rollout undo\" on \"api\""
    );
    // The notification text is mrkdwn, where a code span shows as one.
    assert_eq!(
        message["text"],
        "✅ api/rollback: run `kubectl rollout undo` on ```api```"
    );
}

#[test]
fn a_header_is_cut_to_its_limit() {
    let message = message(&Reply::channel().header("x".repeat(400)));
    let text = message["blocks"][0]["text"]["text"].as_str().unwrap();
    assert_eq!(text.chars().count(), HEADER_LIMIT);
    assert!(text.ends_with('…'));
}

#[test]
fn text_from_slack_is_stored_as_typed_and_shown_escaped_once() {
    for typed in [
        "a & b",
        "<!channel> <@U1>",
        "&lt; is how you write <",
        "&amp;",
    ] {
        assert_eq!(unescape(&escape(typed)), typed);
    }
    assert_eq!(unescape("x &amp;lt; y"), "x &lt; y");
}

#[test]
fn people_are_mentions_and_times_are_dates_in_the_readers_zone() {
    let at = chrono::DateTime::from_timestamp(1_796_194_428, 0).unwrap();
    let said = Line::new()
        .person("U0ALICE")
        .words(" at ")
        .time(at)
        .words(" & ")
        .time_seconds(at);
    assert_eq!(
        line(&said),
        "<@U0ALICE> at <!date^1796194428^{date_short_pretty} {time}|2026-12-02 06:53 UTC> &amp; \
         <!date^1796194428^{date_short_pretty} {time_secs}|2026-12-02 06:53:48 UTC>"
    );
    // Only a Slack user id becomes a mention; a console name or typed text stays words.
    assert_eq!(line(&Line::new().person("<!channel>")), "&lt;!channel&gt;");
    assert_eq!(line(&Line::new().person("alice")), "alice");
}

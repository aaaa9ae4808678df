//! How a mistake in the file is reported: every problem at once under its full key path, with
//! a sentence saying what to do, and no secret in the message.

use super::*;

#[test]
fn every_unknown_key_is_reported_at_once_with_its_full_path() {
    let problems = problems(
        r#"
        [server]
        lisen = "0.0.0.0:8080"
        [severity.p2]
        acknowlege = "30m"
        [teams]
        mode = "http"
        [services.api]
        environment = "production"
        health = { urls = ["http://127.0.0.1/health"], timout = "5s" }
        "#,
    );
    assert_eq!(
        problems,
        [
            Problem::new(
                "server.lisen",
                "unknown key (did you mean `server.listen`?); rename or remove it."
            ),
            Problem::new(
                "severity.p2.acknowlege",
                "unknown key (did you mean `severity.p2.acknowledge`?); rename or remove it."
            ),
            Problem::new(
                "teams",
                "unknown key; remove it or correct its name (config.example.toml lists every key)."
            ),
            Problem::new(
                "services.api.health.timout",
                "unknown key (did you mean `services.api.health.timeout`?); rename or remove it."
            ),
        ]
    );
}

#[test]
fn bad_values_are_reported_together_with_unknown_keys() {
    let err = load(
        r#"
        [server]
        listen = "localhost:8080"
        lisen = "0.0.0.0:8080"
        [database]
        url = "mysql://root:hunter2@db/warroom"
        [severity.p1]
        acknowledge = "5x"
        update_every = 30
        [severity.p4]
        respond = "none"
        "#,
    )
    .unwrap_err();
    assert_eq!(
        paths(&err.problems),
        [
            "server.lisen",
            "server.listen",
            "database.url",
            "severity.p1.acknowledge",
            "severity.p1.update_every",
            "severity.p4.respond",
        ]
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with("warroom.toml has 6 problems:\n  - server.lisen: "),
        "{shown}"
    );
    for line in [
        "  - server.listen: `localhost:8080` is not an IP address and port; write it like \
         127.0.0.1:8080, or 0.0.0.0:8080 to listen on every interface.",
        "  - database.url: `mysql://root:***@db/warroom` is not a database URL warroom can use; \
         write sqlite://warroom.db (a file) or postgres://USER:PASSWORD@HOST/DATABASE.",
        "  - severity.p1.acknowledge: `5x` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or \
         1h30m, or next-business-day.",
        "  - severity.p1.update_every: expected text but found an integer; write it in double \
         quotes, like \"30m\".",
        "  - severity.p4.respond: `none` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or \
         1h30m, or next-business-day.",
        "  - server.lisen: unknown key (did you mean `server.listen`?); rename or remove it.",
    ] {
        assert!(
            shown.lines().any(|l| l == line),
            "missing {line:?} in\n{shown}"
        );
    }
    assert!(!shown.contains("hunter2"), "a password leaked: {shown}");
}

#[test]
fn a_section_that_is_not_a_table_is_reported() {
    let problems = problems("server = \"0.0.0.0:8080\"\nseverity.p1 = \"15m\"\n");
    assert_eq!(paths(&problems), ["server", "severity.p1"]);
    assert!(
        problems[0]
            .message
            .starts_with("expected a table but found a string;")
    );
}

#[test]
fn every_message_says_what_to_do() {
    let err = load(
        r#"
        bogus = 1
        [server]
        listen = 8080
        [database]
        url = "${NOPE}"
        [severity.p1]
        respond = "0m"
        description = "${bad-name}"
        "#,
    )
    .unwrap_err();
    assert_eq!(err.problems.len(), 5, "{err}");
    for problem in &err.problems {
        let message = &problem.message;
        assert!(message.ends_with('.'), "not a sentence: {message}");
        assert!(
            ["write", "remove", "rename", "set", "fix", "check"]
                .iter()
                .any(|verb| message.contains(verb)),
            "says nothing to do: {message}"
        );
    }
}

#[test]
fn a_value_of_the_wrong_kind_is_reported_once_under_its_key_in_every_section() {
    let problems = problems(
        r#"
        [escalation]
        oncall = "slack:S0ONCALL"
        [services.api]
        environment = 5
        [services.api.actions.pods]
        argv = ["kubectl", 3]
        risk = "read"
        [access]
        confirm_operate = "yes"
        "#,
    );
    assert_eq!(
        problems,
        [
            Problem::new(
                "escalation.oncall",
                "expected a list but found a string; write it in square brackets, like [\"a\", \"b\"]."
            ),
            Problem::new(
                "services.api.environment",
                "expected text but found an integer; write it in double quotes, like \"production\"."
            ),
            Problem::new(
                "services.api.actions.pods.argv[1]",
                "expected text but found an integer; write it in double quotes."
            ),
            Problem::new(
                "access.confirm_operate",
                "expected true or false but found a string; write it without quotes."
            ),
        ],
        "the keys left empty are not reported again as missing"
    );
}

#[test]
fn a_value_whose_variable_is_not_set_is_reported_once() {
    let problems = problems(
        "[slack]\nbot_token = \"${SLACK_BOT_TOKEN}\"\n[services.api]\nenvironment = \"${ENV}\"\n",
    );
    assert_eq!(
        paths(&problems),
        ["slack.bot_token", "services.api.environment"],
        "{problems:?}"
    );
}

//! `${ENV_VAR}` references and `DATABASE_URL`: where secrets come from in a deployment, so a
//! missing variable is named under the key that needs it and the override is checked too.

use super::*;

#[test]
fn environment_references_are_replaced_anywhere() {
    let env = |name: &str| match name {
        "PGPASSWORD" => Some("s3cret".to_string()),
        "PGHOST" => Some("db.internal".to_string()),
        "PORT" => Some("9000".to_string()),
        "SERVICE_DOWN" => Some("Checkout down".to_string()),
        _ => None,
    };
    let config = load_str_with_env(
        r#"
        server.listen = "0.0.0.0:${PORT}"
        database.url = "postgres://warroom:${PGPASSWORD}@${PGHOST}/warroom"
        severity.p1.description = "${SERVICE_DOWN}"
        "#,
        "warroom.toml",
        &env,
    )
    .unwrap();
    assert_eq!(config.server.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(
        config.database.url,
        "postgres://warroom:s3cret@db.internal/warroom"
    );
    assert_eq!(config.severity.p1.description, "Checkout down");
}

#[test]
fn a_missing_variable_is_reported_under_its_key() {
    let problems = problems(
        r#"
        [database]
        url = "postgres://warroom:${PGPASSWORD}@db/warroom"
        [slack]
        bot_token = "${SLACK_BOT_TOKEN}"
        "#,
    );
    assert_eq!(paths(&problems), ["database.url", "slack.bot_token"]);
    assert!(
        problems[0]
            .to_string()
            .starts_with("database.url: environment variable PGPASSWORD is not set;"),
        "{problems:?}"
    );
    assert!(
        problems[1]
            .to_string()
            .starts_with("slack.bot_token: environment variable SLACK_BOT_TOKEN is not set;"),
        "{problems:?}"
    );
}

#[test]
fn database_url_in_the_environment_overrides_the_file() {
    let env = |name: &str| (name == "DATABASE_URL").then(|| "postgres://u:p@db/warroom".into());
    let config = load_str_with_env(
        "[database]\nurl = \"sqlite://other.db\"\n",
        "warroom.toml",
        &env,
    )
    .unwrap();
    assert_eq!(config.database.url, "postgres://u:p@db/warroom");

    let defaults = load_str_with_env("", BUILT_IN_DEFAULTS, &env).unwrap();
    assert_eq!(defaults.database.url, "postgres://u:p@db/warroom");
}

#[test]
fn an_empty_database_url_in_the_environment_is_ignored() {
    let env = |name: &str| (name == "DATABASE_URL").then(String::new);
    let config = load_str_with_env("", BUILT_IN_DEFAULTS, &env).unwrap();
    assert_eq!(config.database.url, "sqlite://warroom.db");
}

#[test]
fn a_database_url_in_the_environment_is_checked_too() {
    let env = |name: &str| (name == "DATABASE_URL").then(|| "mysql://u:pw@db/warroom".into());
    let err = load_str_with_env("", BUILT_IN_DEFAULTS, &env).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "The configuration (built-in defaults and the environment; no warroom.toml) has 1 problem:"
        ),
        "{err}"
    );
    assert_eq!(paths(&err.problems), ["DATABASE_URL"]);
    assert!(
        err.problems[0]
            .message
            .contains("`mysql://u:***@db/warroom`")
    );
}

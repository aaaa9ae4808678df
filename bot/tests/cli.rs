//! The command-line contract: subcommands, `--help` on each, exit statuses.

use std::process::Command;

fn warroom(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(args)
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .env_remove("WARROOM_CONFIG")
        .output()
        .expect("run warroom")
}

#[test]
fn version_names_the_build_and_help_starts_with_what_warroom_is_for() {
    let dir = tempfile::tempdir().unwrap();
    let version = String::from_utf8(warroom(&["--version"], dir.path()).stdout).unwrap();
    // `warroom 0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-02)`
    let inside = version
        .strip_prefix(concat!("warroom ", env!("CARGO_PKG_VERSION"), " (commit "))
        .and_then(|rest| rest.strip_suffix(")\n"))
        .and_then(|rest| rest.split_once(", built "));
    let Some((commit, built)) = inside else {
        panic!("{version:?}");
    };
    assert!(
        commit.len() == 12 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
        "{version:?}"
    );
    assert!(
        chrono::NaiveDate::parse_from_str(built, "%Y-%m-%d").is_ok(),
        "{version:?}"
    );
    let help = String::from_utf8(warroom(&["--help"], dir.path()).stdout).unwrap();
    assert!(
        help.starts_with("Declare and work incidents from Slack, Discord or this terminal"),
        "{help}"
    );
}

#[test]
fn warroom_config_names_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("elsewhere.toml");
    std::fs::write(&path, "[server]\nlisen = \"0.0.0.0:80\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("check-config")
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("WARROOM_CONFIG", &path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the file's problem was found");
    assert!(
        err.contains("elsewhere.toml") && err.contains("lisen"),
        "{err}"
    );
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let top = warroom(&["--help"], dir.path());
    assert!(top.status.success());
    let text = String::from_utf8_lossy(&top.stdout);
    for sub in ["console", "migrate", "check-config", "postmortem"] {
        assert!(text.contains(sub), "--help lists {sub}:\n{text}");
        let help = warroom(&[sub, "--help"], dir.path());
        assert!(help.status.success(), "{sub} --help");
        assert!(
            String::from_utf8_lossy(&help.stdout).contains("--config"),
            "{sub} takes --config"
        );
    }
}

#[test]
fn check_config_reports_every_problem_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[server]\nlisen = \"0.0.0.0:80\"\n[database]\nurl = \"mysql://x\"\n[severity.p1]\nacknowledge = \"5x\"\n",
    )
    .unwrap();
    let out = warroom(
        &["check-config", "--config", path.to_str().unwrap()],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("server.lisen"), "{err}");
    assert!(err.contains("database.url"), "{err}");
    assert!(err.contains("severity.p1.acknowledge"), "{err}");
}

#[test]
fn check_config_accepts_the_example_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../config.example.toml");
    let out = warroom(&["check-config", "--config", example], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let none = warroom(&["check-config"], dir.path());
    assert!(none.status.success());
    assert!(String::from_utf8_lossy(&none.stdout).contains("built-in defaults"));
}

#[test]
fn check_config_names_the_variables_each_service_passes_never_their_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warroom.toml");
    let service = "[services.api]\nenvironment = \"production\"\n[services.api.actions.pods]\nargv = [\"kubectl\", \"get\", \"pods\"]\nrisk = \"read\"\n";
    std::fs::write(
        &path,
        service.replace("environment", "env = [\"VAULT_ADDR\"]\nenvironment"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["check-config", "--config"])
        .arg(&path)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("VAULT_ADDR", "https://vault.internal:8200")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("  services.api: argv commands get "))
        .unwrap_or_else(|| panic!("{text}"));
    for name in [
        "PATH",
        "AWS_SESSION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "SSH_AUTH_SOCK",
        "HTTPS_PROXY",
        "VAULT_ADDR",
    ] {
        assert!(line.split(' ').any(|w| w == name), "{name} in {line}");
    }
    assert!(!text.contains("vault.internal"), "names only: {text}");

    std::fs::write(
        &path,
        service.replace("environment", "env = [\"VAULT_ADDR=x\"]\nenvironment"),
    )
    .unwrap();
    let bad = warroom(
        &["check-config", "--config", path.to_str().unwrap()],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success()
            && err.contains("services.api.env[0]")
            && err.contains("is not an environment variable name"),
        "{err}"
    );
}

#[test]
fn migrate_applies_once_then_reports_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let first = warroom(&["migrate"], dir.path());
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied 12 migrations"));
    let second = warroom(&["migrate"], dir.path());
    assert!(String::from_utf8_lossy(&second.stdout).contains("already up to date"));
}

#[test]
fn postmortem_of_an_unknown_incident_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = warroom(&["postmortem", "INC-9"], dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("There is no incident INC-9"));
    let bad = warroom(&["postmortem", "yesterday"], dir.path());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not an incident id"));
}

#[test]
fn check_config_reports_rules_that_name_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(
        &path,
        "[access.roles]\noncall = [\"console:alice\"]\n\
         [[access.rules]]\nrole = \"oncal\"\nallow = [\"destructive\"]\nservices = [\"payments\"]\n\
         [services.api]\nenvironment = \"production\"\n",
    )
    .unwrap();
    let out = warroom(
        &["check-config", "--config", path.to_str().unwrap()],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("role `oncal` is not defined"), "{err}");
    assert!(err.contains("did you mean `oncall`?"), "{err}");
    assert!(
        err.contains("service `payments` is not configured"),
        "{err}"
    );
}

#[test]
fn check_config_names_alert_routes_that_can_never_match_and_the_open_sources() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alerts.toml");
    let routes = "[services.api]\nenvironment = \"production\"\n\
         [alerts]\ntoken = \"t0ken\"\n\
         [[alerts.routes]]\nname = \"api\"\nmatch = ['service=\"api\"']\nchannel = \"slack:C0INC\"\n";
    std::fs::write(
        &path,
        format!(
            "{routes}[[alerts.routes]]\nname = \"api-critical\"\n\
             match = ['service=\"api\"', 'severity=\"critical\"']\nchannel = \"slack:C0INC\"\n\
             [[alerts.routes]]\nname = \"both\"\nmatch = ['env=\"prod\"', 'env=\"dev\"']\n\
             channel = \"slack:C0INC\"\nservice = \"payments\"\n\
             [[alerts.routes]]\nname = \"bad\"\nmatch = ['team=\"db\"']\n\
             channel = \"slack:C0INC\"\nseverity = \"p9\"\n"
        ),
    )
    .unwrap();
    let out = warroom(
        &["check-config", "--config", path.to_str().unwrap()],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for said in [
        "alerts.routes[1]: can never match: route `api` above it takes every alert it would; put `api-critical` above `api`",
        "alerts.routes[2]: can never match: `env=\"prod\"` and `env=\"dev\"` cannot both hold.",
        "alerts.routes[2].service: `payments` is not a configured service",
        "alerts.routes[3].severity: `p9` is not a severity",
    ] {
        assert!(err.contains(said), "{said} not in {err}");
    }
    std::fs::write(&path, routes).unwrap();
    let out = warroom(
        &["check-config", "--config", path.to_str().unwrap()],
        dir.path(),
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("  alerts: /alerts/alertmanager, /alerts/grafana open; 1 route(s)"),
        "{said}"
    );
}

#[test]
fn check_config_shows_who_each_schedule_has_on_call_now_and_next() {
    use warroom_commands::oncall::{Handoff, Layer, Rotation, Schedule, parse};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schedules.toml");
    std::fs::write(
        &path,
        "[escalation]\ntime_zone = \"Europe/Berlin\"\n\
         [[schedules.alone.layers]]\nmembers = [\"slack:U0ALICE\"]\nrotation = \"daily\"\n\
         handoff = \"09:00\"\nstart = \"2020-01-01\"\n\
         [[schedules.weekly.layers]]\nname = \"weekly\"\n\
         members = [\"slack:U0ALICE\", \"slack:U0BOB\", \"discord:user:80351110224678912\"]\n\
         rotation = \"weekly\"\nhandoff = \"monday 09:00\"\nstart = \"2020-01-06\"\n",
    )
    .unwrap();
    // The same weekly schedule, to say what it answers at the instants around the run.
    let weekly = Schedule {
        name: "weekly".into(),
        zone: warroom_commands::escalation::Zone::named("Europe/Berlin").unwrap(),
        layers: vec![Layer {
            name: "weekly".into(),
            members: [
                "slack:U0ALICE",
                "slack:U0BOB",
                "discord:user:80351110224678912",
            ]
            .iter()
            .map(|m| parse::person(m).unwrap())
            .collect(),
            every: Rotation::Weekly,
            handoff: Handoff::parse("monday 09:00", Rotation::Weekly).unwrap(),
            start: parse::start("2020-01-06").unwrap(),
            restriction: None,
        }],
        announce: None,
    };
    let before = chrono::Utc::now();
    let out = warroom(
        &["check-config", "--config", path.to_str().unwrap()],
        dir.path(),
    );
    let after = chrono::Utc::now();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(
            "  schedules.alone (Europe/Berlin): now slack:U0ALICE, with no hand-off within 366 days\n"
        ),
        "{said}"
    );
    let line = said
        .lines()
        .find(|l| l.starts_with("  schedules.weekly (Europe/Berlin): now "))
        .unwrap_or_else(|| panic!("{said}"));
    // A hand-off during the run makes the answer the one after it.
    let expected = [before, after].map(|at| {
        format!(
            "  schedules.weekly (Europe/Berlin): {}",
            weekly.summary(at, &[])
        )
    });
    assert!(expected.contains(&line.to_string()), "{line}\n{expected:?}");
    // Three hand-offs, each at Monday 09:00 on Berlin's clock.
    let (_, then) = line.split_once("; then ").unwrap();
    let handoffs: Vec<&str> = then.split(", ").collect();
    assert_eq!(handoffs.len(), 3, "{line}");
    for handoff in handoffs {
        assert!(
            handoff.contains(" from Mon ")
                && (handoff.ends_with(" 09:00 CET") || handoff.ends_with(" 09:00 CEST")),
            "{handoff}"
        );
    }
}

#[test]
fn check_config_names_a_bad_schedule_key_with_its_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schedules.toml");
    std::fs::write(
        &path,
        "[[schedules.primary.layers]]\nmembers = [\"slack:U0ALICE\", \"slack:S0ONCALL\"]\n\
         rotation = \"fortnightly\"\nhandoff = \"monday 09:00\"\nstart = \"2026-11-30\"\n",
    )
    .unwrap();
    let out = warroom(
        &["check-config", "--config", path.to_str().unwrap()],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for said in [
        "schedules.primary.layers[0].rotation: `fortnightly` is not a rotation; write daily, weekly or a number of days like 14d.",
        "schedules.primary.layers[0].members[1]: `slack:S0ONCALL` is a group, but a schedule hands each turn to one person; list its people instead.",
    ] {
        assert!(err.contains(said), "{said} not in {err}");
    }
}

//! `[schedules.NAME]`: the example's schedule loads once uncommented, the zone defaults to the
//! team's, and every mistake is reported under its own key.

use warroom_commands::oncall::{Restriction, Rotation};

use super::*;

/// The example file's schedule, with its leading `#   ` removed as its comment says.
fn example_schedule() -> String {
    let example = include_str!("../../../../config.example.toml");
    let lines: Vec<&str> = example
        .lines()
        .skip_while(|line| *line != "#   [schedules.primary]")
        .take_while(|line| line.starts_with("#   "))
        .map(|line| &line[4..])
        .collect();
    assert!(lines.len() > 10, "the example has a schedule: {lines:?}");
    lines.join("\n")
}

#[test]
fn the_examples_schedule_loads_once_uncommented() {
    let config = load(&example_schedule()).unwrap();
    let primary = config.schedules.get("primary").expect("the schedule");
    assert_eq!(primary.zone.to_string(), "Europe/Berlin");
    let names: Vec<&str> = primary.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["weekly", "business-hours"]);
    assert_eq!(primary.layers[0].members.len(), 3);
    assert_eq!(primary.layers[0].every, Rotation::Weekly);
    assert_eq!(
        primary.layers[1].restriction,
        Some(Restriction::parse("mon-fri 09:00-17:00").unwrap())
    );
    assert_eq!(config.schedules.names(), ["primary"]);
}

#[test]
fn a_schedule_without_a_zone_takes_the_teams_and_layers_are_numbered() {
    let layer = "members = [\"slack:U0ALICE\"]\nrotation = \"daily\"\nhandoff = \"09:00\"\nstart = \"2026-11-30\"\n";
    let config = load(&format!(
        "[escalation]\ntime_zone = \"America/New_York\"\n\
         [[schedules.primary.layers]]\n{layer}[[schedules.primary.layers]]\n{layer}\
         [[schedules.secondary.layers]]\n{layer}[schedules.secondary]\ntime_zone = \"Asia/Tokyo\"\n"
    ))
    .unwrap();
    let primary = config.schedules.get("primary").unwrap();
    assert_eq!(primary.zone.to_string(), "America/New_York");
    let names: Vec<&str> = primary.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["layer 1", "layer 2"]);
    assert_eq!(
        config.schedules.get("secondary").unwrap().zone.to_string(),
        "Asia/Tokyo"
    );
    // Without [escalation] time_zone, UTC.
    let config = load(&format!("[[schedules.primary.layers]]\n{layer}")).unwrap();
    assert_eq!(config.schedules.list[0].zone.to_string(), "UTC");
    // A date written as a TOML date, unquoted, is shown how to write it.
    let unquoted = problems(&format!(
        "[[schedules.primary.layers]]\n{}",
        layer.replace("\"2026-11-30\"", "2026-11-30")
    ));
    assert_eq!(
        unquoted[0].to_string(),
        "schedules.primary.layers[0].start: expected text but found a datetime; write it in double quotes."
    );
}

#[test]
fn every_mistake_in_a_schedule_is_named_with_its_key() {
    let found = problems(
        r#"
        [schedules.Primary]
        time_zone = "Berlin"
        [[schedules.Primary.layers]]
        members = ["slack:U0ALICE", "slack:S0ONCALL", "slack:U0ALICE"]
        rotation = "fortnightly"
        handoff = "noon"
        start = "30/11/2026"
        restrict = "weekdays"
        [[schedules.Primary.layers]]
        name = "layer 1"
        members = []
        rotation = "weekly"
        handoff = "09:00"
        start = "2026-11-30"
        [schedules.empty]
        [[schedules.other.layers]]
        members = ["slack:U0BOB"]
        rotation = "daily"
        handoff = "09:00"
        "#,
    );
    assert_eq!(
        paths(&found),
        [
            "schedules.other.layers[0].start",
            "schedules.Primary",
            "schedules.Primary.time_zone",
            "schedules.Primary.layers[0].members[1]",
            "schedules.Primary.layers[0].members[2]",
            "schedules.Primary.layers[0].rotation",
            "schedules.Primary.layers[0].handoff",
            "schedules.Primary.layers[0].start",
            "schedules.Primary.layers[0].restrict",
            "schedules.Primary.layers[1].name",
            "schedules.Primary.layers[1].members",
            "schedules.Primary.layers[1].handoff",
            "schedules.empty.layers",
        ],
        "{found:#?}"
    );
    let said = |path: &str| {
        found
            .iter()
            .find(|p| p.path == path)
            .map(|p| p.message.as_str())
            .unwrap()
    };
    assert_eq!(
        said("schedules.Primary.layers[0].rotation"),
        "`fortnightly` is not a rotation; write daily, weekly or a number of days like 14d."
    );
    assert!(said("schedules.Primary.layers[0].members[1]").contains("is a group"));
    assert!(said("schedules.Primary.layers[0].members[2]").contains("listed twice"));
    assert!(said("schedules.Primary.layers[1].handoff").contains("which day"));
    assert!(said("schedules.other.layers[0].start").contains("is required"));
    assert!(said("schedules.empty.layers").contains("[[schedules.empty.layers]]"));
}

//! How configuration writes rotations, hand-offs, restrictions and members, and the sentences
//! it gets back for mistakes.

use chrono::Weekday;

use super::*;

#[test]
fn rotations_are_daily_weekly_or_a_number_of_days() {
    assert_eq!(Rotation::parse("daily"), Ok(Rotation::Daily));
    assert_eq!(Rotation::parse(" Weekly "), Ok(Rotation::Weekly));
    assert_eq!(Rotation::parse("14d"), Ok(Rotation::Days(14)));
    assert_eq!(Rotation::Days(14).to_string(), "14d");
    assert_eq!(
        Rotation::parse("fortnightly").unwrap_err(),
        "`fortnightly` is not a rotation; write daily, weekly or a number of days like 14d."
    );
    assert!(
        Rotation::parse("0d")
            .unwrap_err()
            .contains("at least a day")
    );
    assert!(
        Rotation::parse("400d")
            .unwrap_err()
            .contains("longer than a year")
    );
    assert!(Rotation::parse("-3d").is_err());
}

#[test]
fn a_weekly_handoff_names_its_day_and_the_others_only_a_time() {
    assert_eq!(
        Handoff::parse("monday 09:00", Rotation::Weekly),
        Ok(Handoff {
            day: Some(Weekday::Mon),
            at: time("09:00")
        })
    );
    assert_eq!(
        Handoff::parse("fri 17:30", Rotation::Weekly)
            .unwrap()
            .to_string(),
        "Fri 17:30"
    );
    assert_eq!(
        Handoff::parse("09:00", Rotation::Days(3)),
        Ok(Handoff {
            day: None,
            at: time("09:00")
        })
    );
    assert_eq!(
        Handoff::parse("09:00", Rotation::Weekly).unwrap_err(),
        "`09:00` does not say which day a weekly rotation hands off; write it like \"monday 09:00\"."
    );
    assert_eq!(
        Handoff::parse("monday 09:00", Rotation::Daily).unwrap_err(),
        "`monday 09:00` names a day, but a daily rotation hands off every day from its start; write only the time, like \"09:00\"."
    );
    assert!(
        Handoff::parse("tue 08:00", Rotation::Days(14))
            .unwrap_err()
            .contains("every 14 days")
    );
    assert_eq!(
        Handoff::parse("noon", Rotation::Daily).unwrap_err(),
        "`noon` is not a hand-off; write it like \"09:00\"."
    );
    assert!(Handoff::parse("someday 09:00", Rotation::Weekly).is_err());
    assert!(Handoff::parse("monday 25:00", Rotation::Weekly).is_err());
}

#[test]
fn restrictions_name_days_and_hours_and_may_wrap() {
    use Weekday::*;
    let business = Restriction::parse("mon-fri 09:00-17:00").unwrap();
    assert_eq!(business.days, vec![Mon, Tue, Wed, Thu, Fri]);
    assert_eq!((business.from, business.to), (time("09:00"), time("17:00")));
    assert_eq!(business.to_string(), "mon,tue,wed,thu,fri 09:00-17:00");
    assert_eq!(
        Restriction::parse("fri-mon 22:00-06:00").unwrap().days,
        vec![Mon, Fri, Sat, Sun]
    );
    assert_eq!(
        Restriction::parse("sat,sunday,wed-thu 10:00-16:00")
            .unwrap()
            .days,
        vec![Wed, Thu, Sat, Sun]
    );
    assert_eq!(Restriction::parse("22:00-06:00").unwrap().days.len(), 7);
    assert_eq!(
        Restriction::parse("weekdays 9-5").unwrap_err(),
        "`weekdays 9-5` is not a restriction; write the days and hours a layer holds, like \"mon-fri 09:00-17:00\" or \"22:00-06:00\" (every night)."
    );
    assert!(
        Restriction::parse("mon 09:00-09:00")
            .unwrap_err()
            .contains("same time")
    );
    assert!(Restriction::parse("mon,,fri 09:00-17:00").is_err());
}

#[test]
fn members_are_people_each_listed_once() {
    let written = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        parse::members(&written(&[
            "slack:U0ALICE",
            "discord:user:80351110224678912"
        ]))
        .unwrap()
        .len(),
        2
    );
    assert_eq!(
        parse::members(&written(&[
            "slack:U0ALICE",
            "slack:S0ONCALL",
            "discord:role:41771983423143936",
            "slack:U0ALICE",
            "alice",
        ]))
        .unwrap_err(),
        vec![
            (
                Some(1),
                "`slack:S0ONCALL` is a group, but a schedule hands each turn to one person; list its people instead.".to_string()
            ),
            (
                Some(2),
                "`discord:role:41771983423143936` is a group, but a schedule hands each turn to one person; list its people instead.".to_string()
            ),
            (
                Some(3),
                "`slack:U0ALICE` is listed twice; a person takes one turn per round, so remove one.".to_string()
            ),
            (
                Some(4),
                "`alice` is not a person; write slack:U… (a Slack user) or discord:user:ID (a Discord user).".to_string()
            ),
        ]
    );
    assert_eq!(parse::members(&[]).unwrap_err()[0].0, None);
}

#[test]
fn a_start_is_a_date() {
    assert_eq!(
        parse::start("2026-11-30"),
        Ok(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
    );
    assert_eq!(
        parse::start("30/11/2026").unwrap_err(),
        "`30/11/2026` is not a date; write it like 2026-11-30."
    );
    assert!(parse::start("2026-02-30").is_err());
    assert!(parse::start("200000-01-01").is_err());
}

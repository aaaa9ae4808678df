//! Turns and hand-offs: weekly across both of 2026's daylight-saving changes in Berlin, daily,
//! every N days, and a hand-off at a local time the clocks skip.

use super::*;

#[test]
fn a_weekly_handoff_stays_at_nine_in_berlin_when_summer_time_starts() {
    // Monday 16 March 2026; the clocks go forward on Sunday 29 March.
    let primary = schedule(
        berlin(),
        vec![layer(
            "weekly",
            &["alice", "bob", "carol"],
            "weekly",
            "monday 09:00",
            "2026-03-16",
        )],
    );
    let shifts = primary.shifts(utc("2026-03-20T00:00:00Z"), 4, &[]);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            // 09:00 CET is 08:00 UTC; 09:00 CEST is 07:00 UTC.
            expect("alice", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z"),
            expect("bob", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z"),
            expect("carol", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z"),
            expect("alice", "2026-04-06T07:00:00Z", "2026-04-13T07:00:00Z"),
        ]
    );
    assert_eq!(
        shifts.iter().map(hours).collect::<Vec<_>>(),
        vec![168, 167, 168, 168]
    );
    for shift in &shifts {
        assert_eq!(berlin().local(shift.from).time(), time("09:00"));
    }
    // During the night the clocks change, Bob's turn is under way.
    let now = primary.on_call(utc("2026-03-29T01:30:00Z"), &[]).unwrap();
    assert_eq!(
        span(&now),
        expect("bob", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z")
    );
    assert_eq!(now.source, Source::Layer("weekly".into()));
}

#[test]
fn a_weekly_handoff_stays_at_nine_in_berlin_when_summer_time_ends() {
    // Monday 12 October 2026; the clocks go back on Sunday 25 October.
    let primary = schedule(
        berlin(),
        vec![layer(
            "weekly",
            &["alice", "bob", "carol"],
            "weekly",
            "mon 09:00",
            "2026-10-12",
        )],
    );
    let shifts = primary.shifts(utc("2026-10-12T07:00:00Z"), 3, &[]);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("alice", "2026-10-12T07:00:00Z", "2026-10-19T07:00:00Z"),
            expect("bob", "2026-10-19T07:00:00Z", "2026-10-26T08:00:00Z"),
            expect("carol", "2026-10-26T08:00:00Z", "2026-11-02T08:00:00Z"),
        ]
    );
    assert_eq!(hours(&shifts[1]), 169);
    // An instant in the repeated hour (02:30 CET, the second pass) is still Bob's.
    let repeated = primary.on_call(utc("2026-10-25T01:30:00Z"), &[]).unwrap();
    assert_eq!(repeated.who, person("bob"));
}

#[test]
fn a_weekly_rotation_begins_at_the_first_handoff_on_or_after_its_start() {
    // Wednesday 18 March: nobody until Monday 23 March at 09:00.
    let primary = schedule(
        berlin(),
        vec![layer(
            "weekly",
            &["alice", "bob"],
            "weekly",
            "monday 09:00",
            "2026-03-18",
        )],
    );
    assert_eq!(primary.on_call(utc("2026-03-20T12:00:00Z"), &[]), None);
    let next = primary
        .next_shift(utc("2026-03-20T12:00:00Z"), &[])
        .unwrap();
    assert_eq!(
        span(&next),
        expect("alice", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z")
    );
    assert_eq!(primary.layers[0].begins(berlin()), Some(next.from));
}

#[test]
fn a_daily_rotation_hands_off_every_day() {
    let primary = schedule(
        gmt(),
        vec![layer(
            "daily",
            &["alice", "bob"],
            "daily",
            "08:00",
            "2026-05-01",
        )],
    );
    let now = primary.on_call(utc("2026-05-02T12:00:00Z"), &[]).unwrap();
    assert_eq!(
        span(&now),
        expect("bob", "2026-05-02T08:00:00Z", "2026-05-03T08:00:00Z")
    );
    // Just before the hand-off, and at it.
    let before = primary.on_call(utc("2026-05-03T07:59:59Z"), &[]).unwrap();
    assert_eq!(before.who, person("bob"));
    let at = primary.on_call(utc("2026-05-03T08:00:00Z"), &[]).unwrap();
    assert_eq!(
        span(&at),
        expect("alice", "2026-05-03T08:00:00Z", "2026-05-04T08:00:00Z")
    );
}

#[test]
fn an_n_day_rotation_wraps_around_its_members() {
    let primary = schedule(
        gmt(),
        vec![layer(
            "three-day",
            &["alice", "bob", "carol"],
            "3d",
            "10:00",
            "2026-01-01",
        )],
    );
    let shifts = primary.shifts(utc("2026-01-01T10:00:00Z"), 5, &[]);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("alice", "2026-01-01T10:00:00Z", "2026-01-04T10:00:00Z"),
            expect("bob", "2026-01-04T10:00:00Z", "2026-01-07T10:00:00Z"),
            expect("carol", "2026-01-07T10:00:00Z", "2026-01-10T10:00:00Z"),
            expect("alice", "2026-01-10T10:00:00Z", "2026-01-13T10:00:00Z"),
            expect("bob", "2026-01-13T10:00:00Z", "2026-01-16T10:00:00Z"),
        ]
    );
    // A year on, the turn is still counted from the start: day 365 is turn 121, Bob's.
    let later = primary.on_call(utc("2027-01-01T12:00:00Z"), &[]).unwrap();
    assert_eq!(
        span(&later),
        expect("bob", "2026-12-30T10:00:00Z", "2027-01-02T10:00:00Z")
    );
}

#[test]
fn a_handoff_at_a_skipped_time_happens_when_the_clock_shows_it_after_the_jump() {
    // 02:30 does not exist in Berlin on 29 March 2026: Zone reads it as 03:30 CEST.
    let primary = schedule(
        berlin(),
        vec![layer(
            "nights",
            &["alice", "bob"],
            "daily",
            "02:30",
            "2026-03-27",
        )],
    );
    let shifts = primary.shifts(utc("2026-03-27T02:00:00Z"), 3, &[]);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("alice", "2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z"),
            expect("bob", "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z"),
            expect("alice", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"),
        ]
    );
    assert_eq!(berlin().local(shifts[2].from).time(), time("03:30"));
    assert_eq!(hours(&shifts[2]), 23);
    // 02:30 on 25 October happens twice: the hand-off is the first time.
    let autumn = schedule(
        berlin(),
        vec![layer(
            "nights",
            &["alice", "bob"],
            "daily",
            "02:30",
            "2026-10-24",
        )],
    );
    let shifts = autumn.shifts(utc("2026-10-24T01:00:00Z"), 2, &[]);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("alice", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z"),
            expect("bob", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
        ]
    );
    assert_eq!(date("2026-10-25"), berlin().local(shifts[1].from).date());
}

//! Layers stacked: the last one with someone wins; a restriction makes a layer hold only on
//! some days and hours; a layer that never holds answers nobody instead of looping.

use super::*;

/// A weekly 24/7 rotation in Berlin, with Carol on top in business hours.
fn business_hours_on_top() -> Schedule {
    let mut business = layer("business", &["carol"], "daily", "09:00", "2026-11-23");
    business.restriction = Some(Restriction::parse("mon-fri 09:00-17:00").unwrap());
    schedule(
        berlin(),
        vec![
            layer(
                "24/7",
                &["alice", "bob"],
                "weekly",
                "monday 09:00",
                "2026-11-23",
            ),
            business,
        ],
    )
}

#[test]
fn a_business_hours_layer_on_top_of_a_rotation_answers_in_business_hours_only() {
    let primary = business_hours_on_top();
    // Monday 30 November, 08:00 in Berlin (CET): Alice's week is ending, Carol is not in yet;
    // Alice's shift began when Carol left on Friday.
    let shifts = primary.shifts(utc("2026-11-30T07:00:00Z"), 5, &[]);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("alice", "2026-11-27T16:00:00Z", "2026-11-30T08:00:00Z"),
            expect("carol", "2026-11-30T08:00:00Z", "2026-11-30T16:00:00Z"),
            expect("bob", "2026-11-30T16:00:00Z", "2026-12-01T08:00:00Z"),
            expect("carol", "2026-12-01T08:00:00Z", "2026-12-01T16:00:00Z"),
            expect("bob", "2026-12-01T16:00:00Z", "2026-12-02T08:00:00Z"),
        ]
    );
    let sources: Vec<Source> = shifts.iter().map(|s| s.source.clone()).collect();
    assert_eq!(sources[1], Source::Layer("business".into()));
    assert_eq!(sources[2], Source::Layer("24/7".into()));
    // Friday evening to Monday morning is one shift of Bob's: the weekend has no business hours.
    let weekend = primary.on_call(utc("2026-12-05T12:00:00Z"), &[]).unwrap();
    assert_eq!(
        span(&weekend),
        expect("bob", "2026-12-04T16:00:00Z", "2026-12-07T08:00:00Z")
    );
    // The next one is Carol's Monday, and Alice's week begins under her.
    let next = primary
        .next_shift(utc("2026-12-05T12:00:00Z"), &[])
        .unwrap();
    assert_eq!(
        span(&next),
        expect("carol", "2026-12-07T08:00:00Z", "2026-12-07T16:00:00Z")
    );
    let evening = primary.on_call(utc("2026-12-07T17:00:00Z"), &[]).unwrap();
    assert_eq!(evening.who, person("alice"));
}

#[test]
fn the_last_layer_with_someone_wins_whatever_is_below() {
    // Dave is on top all the time: the rotation below never shows, and his shift has no end.
    let primary = schedule(
        gmt(),
        vec![
            layer(
                "rotation",
                &["alice", "bob"],
                "daily",
                "09:00",
                "2026-01-01",
            ),
            layer("dave", &["dave"], "weekly", "monday 09:00", "2026-01-05"),
        ],
    );
    let now = primary.on_call(utc("2026-06-10T12:00:00Z"), &[]).unwrap();
    assert_eq!(now.who, person("dave"));
    assert_eq!(now.from, utc("2026-01-05T09:00:00Z"));
    assert_eq!(now.until, None);
    assert_eq!(now.source, Source::Layer("dave".into()));
    // Before Dave's layer begins, the rotation below answers.
    let early = primary.on_call(utc("2026-01-02T12:00:00Z"), &[]).unwrap();
    assert_eq!(
        span(&early),
        expect("bob", "2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z")
    );
}

#[test]
fn a_night_restriction_wraps_past_midnight_on_the_days_it_opens() {
    let mut nights = layer("nights", &["alice"], "daily", "22:00", "2026-06-01");
    nights.restriction = Some(Restriction::parse("mon-fri 22:00-06:00").unwrap());
    let primary = schedule(gmt(), vec![nights]);
    // Friday night runs into Saturday morning; Saturday night has nobody.
    let friday = primary.on_call(utc("2026-06-06T03:00:00Z"), &[]).unwrap();
    assert_eq!(
        span(&friday),
        expect("alice", "2026-06-05T22:00:00Z", "2026-06-06T06:00:00Z")
    );
    assert_eq!(primary.on_call(utc("2026-06-06T23:00:00Z"), &[]), None);
    let next = primary
        .next_shift(utc("2026-06-06T23:00:00Z"), &[])
        .unwrap();
    assert_eq!(
        span(&next),
        expect("alice", "2026-06-08T22:00:00Z", "2026-06-09T06:00:00Z")
    );
}

#[test]
fn a_restriction_that_never_holds_has_nobody_and_ends_every_walk() {
    let mut never = layer("never", &["alice", "bob"], "daily", "09:00", "2026-01-01");
    never.restriction = Some(Restriction {
        days: Vec::new(),
        from: time("09:00"),
        to: time("17:00"),
    });
    let empty = layer("empty", &[], "weekly", "monday 09:00", "2026-01-01");
    let primary = schedule(berlin(), vec![never, empty]);
    let at = utc("2026-03-01T12:00:00Z");
    assert_eq!(primary.on_call(at, &[]), None);
    assert_eq!(primary.shifts(at, 3, &[]), Vec::new());
    assert_eq!(primary.next_shift(at, &[]), None);
    assert_eq!(primary.shifts_of(&person("alice"), at, 3, &[]), Vec::new());
    // Only an override puts someone on call.
    let covered = [cover(
        1,
        "carol",
        "2026-03-02T09:00:00Z",
        "2026-03-02T11:00:00Z",
    )];
    assert_eq!(
        primary
            .shifts(at, 3, &covered)
            .iter()
            .map(span)
            .collect::<Vec<_>>(),
        vec![expect(
            "carol",
            "2026-03-02T09:00:00Z",
            "2026-03-02T11:00:00Z"
        )]
    );
}

#[test]
fn every_instant_lies_in_the_shift_reported_for_it_across_a_clock_change() {
    // Three weeks around 29 March 2026 in Berlin, a night layer wrapping midnight on top, and
    // an override across a hand-off: each answer must agree with the answers at its own ends.
    let mut nights = layer("nights", &["dave", "erin"], "daily", "22:00", "2026-03-20");
    nights.restriction = Some(Restriction::parse("fri-sun 22:00-02:30").unwrap());
    let mut primary = business_hours_on_top();
    for l in &mut primary.layers {
        l.start = date("2026-03-16");
    }
    primary.layers.insert(1, nights);
    let covered = [cover(
        4,
        "frank",
        "2026-03-30T05:00:00Z",
        "2026-03-30T11:00:00Z",
    )];
    let mut at = utc("2026-03-18T00:00:00Z");
    let mut checked = 0;
    while at < utc("2026-04-08T00:00:00Z") {
        let shift = primary
            .on_call(at, &covered)
            .expect("the 24/7 layer has someone");
        let until = shift.until.expect("a rota with hand-offs");
        assert!(shift.from <= at && at < until, "{at}: {shift:?}");
        let at_start = primary.on_call(shift.from, &covered).unwrap();
        assert_eq!((&at_start.who, at_start.until), (&shift.who, shift.until));
        let last = until - chrono::TimeDelta::nanoseconds(1);
        assert_eq!(primary.on_call(last, &covered).unwrap().who, shift.who);
        let next = primary.on_call(until, &covered).unwrap();
        assert_ne!(
            next.who, shift.who,
            "{until}: a shift ends where its person changes"
        );
        assert_eq!(next.from, until);
        at += chrono::TimeDelta::minutes(37);
        checked += 1;
    }
    assert!(checked > 800);
}

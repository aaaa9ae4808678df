//! Overrides over the layers: one in the middle of a shift splits it, the latest of
//! overlapping ones wins, a swap covers exactly the next shift, and a person's own shifts.

use super::*;

/// Alice and Bob weekly from Monday 1 June 2026, 09:00 UTC.
fn weekly() -> Schedule {
    schedule(
        gmt(),
        vec![layer(
            "weekly",
            &["alice", "bob"],
            "weekly",
            "monday 09:00",
            "2026-06-01",
        )],
    )
}

#[test]
fn an_override_in_the_middle_of_a_shift_splits_it_in_three() {
    let covered = [cover(
        1,
        "carol",
        "2026-06-03T12:00:00Z",
        "2026-06-03T14:00:00Z",
    )];
    let shifts = weekly().shifts(utc("2026-06-01T09:00:00Z"), 4, &covered);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("alice", "2026-06-01T09:00:00Z", "2026-06-03T12:00:00Z"),
            expect("carol", "2026-06-03T12:00:00Z", "2026-06-03T14:00:00Z"),
            expect("alice", "2026-06-03T14:00:00Z", "2026-06-08T09:00:00Z"),
            expect("bob", "2026-06-08T09:00:00Z", "2026-06-15T09:00:00Z"),
        ]
    );
    assert_eq!(
        shifts[1].source,
        Source::Override {
            id: 1,
            by: "slack:U0LEAD".into()
        }
    );
    assert_eq!(shifts[2].source, Source::Layer("weekly".into()));
    // Overrides of another schedule change nothing here.
    let elsewhere = [Override {
        schedule: "secondary".into(),
        ..covered[0].clone()
    }];
    let now = weekly()
        .on_call(utc("2026-06-03T13:00:00Z"), &elsewhere)
        .unwrap();
    assert_eq!(
        span(&now),
        expect("alice", "2026-06-01T09:00:00Z", "2026-06-08T09:00:00Z")
    );
}

#[test]
fn of_overlapping_overrides_the_latest_created_wins() {
    let carol_then_dave = [
        cover(1, "carol", "2026-06-03T10:00:00Z", "2026-06-03T16:00:00Z"),
        cover(2, "dave", "2026-06-03T12:00:00Z", "2026-06-03T14:00:00Z"),
    ];
    let shifts = weekly().shifts(utc("2026-06-03T09:00:00Z"), 5, &carol_then_dave);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("alice", "2026-06-01T09:00:00Z", "2026-06-03T10:00:00Z"),
            expect("carol", "2026-06-03T10:00:00Z", "2026-06-03T12:00:00Z"),
            expect("dave", "2026-06-03T12:00:00Z", "2026-06-03T14:00:00Z"),
            expect("carol", "2026-06-03T14:00:00Z", "2026-06-03T16:00:00Z"),
            expect("alice", "2026-06-03T16:00:00Z", "2026-06-08T09:00:00Z"),
        ]
    );
    // Created the other way round, Carol's later override hides Dave's entirely.
    let dave_then_carol = [
        cover(2, "dave", "2026-06-03T12:00:00Z", "2026-06-03T14:00:00Z"),
        cover(3, "carol", "2026-06-03T10:00:00Z", "2026-06-03T16:00:00Z"),
    ];
    let now = weekly()
        .on_call(utc("2026-06-03T13:00:00Z"), &dave_then_carol)
        .unwrap();
    assert_eq!(
        span(&now),
        expect("carol", "2026-06-03T10:00:00Z", "2026-06-03T16:00:00Z")
    );
    assert_eq!(
        now.source,
        Source::Override {
            id: 3,
            by: "slack:U0LEAD".into()
        }
    );
}

#[test]
fn an_override_of_the_person_on_call_changes_nothing_and_an_empty_one_is_ignored() {
    let overrides = [
        cover(1, "alice", "2026-06-03T12:00:00Z", "2026-06-03T14:00:00Z"),
        cover(2, "carol", "2026-06-04T12:00:00Z", "2026-06-04T12:00:00Z"),
    ];
    let now = weekly()
        .on_call(utc("2026-06-03T13:00:00Z"), &overrides)
        .unwrap();
    assert_eq!(
        span(&now),
        expect("alice", "2026-06-01T09:00:00Z", "2026-06-08T09:00:00Z")
    );
}

#[test]
fn a_swap_stored_as_an_override_covers_exactly_the_next_shift() {
    let asked = utc("2026-06-03T13:00:00Z");
    let next = weekly().next_shift(asked, &[]).unwrap();
    assert_eq!(
        span(&next),
        expect("bob", "2026-06-08T09:00:00Z", "2026-06-15T09:00:00Z")
    );
    // Alice takes Bob's next week: with her own after it, her shift now runs for three.
    let swap = [Override {
        id: 7,
        schedule: "primary".into(),
        who: person("alice"),
        from: next.from,
        until: next.until.unwrap(),
        by: "slack:U0BOB".into(),
    }];
    let shifts = weekly().shifts(asked, 2, &swap);
    assert_eq!(
        shifts.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("alice", "2026-06-01T09:00:00Z", "2026-06-22T09:00:00Z"),
            expect("bob", "2026-06-22T09:00:00Z", "2026-06-29T09:00:00Z"),
        ]
    );
}

#[test]
fn a_persons_shifts_skip_everyone_elses() {
    let primary = schedule(
        gmt(),
        vec![layer(
            "weekly",
            &["alice", "bob", "carol"],
            "weekly",
            "monday 09:00",
            "2026-06-01",
        )],
    );
    let covered = [cover(
        1,
        "bob",
        "2026-06-02T09:00:00Z",
        "2026-06-02T11:00:00Z",
    )];
    let bobs = primary.shifts_of(&person("bob"), utc("2026-06-01T12:00:00Z"), 3, &covered);
    assert_eq!(
        bobs.iter().map(span).collect::<Vec<_>>(),
        vec![
            expect("bob", "2026-06-02T09:00:00Z", "2026-06-02T11:00:00Z"),
            expect("bob", "2026-06-08T09:00:00Z", "2026-06-15T09:00:00Z"),
            expect("bob", "2026-06-29T09:00:00Z", "2026-07-06T09:00:00Z"),
        ]
    );
    // Someone not in the schedule has none, and the walk ends.
    let nobody = primary.shifts_of(&person("erin"), utc("2026-06-01T12:00:00Z"), 3, &[]);
    assert_eq!(nobody, Vec::new());
}

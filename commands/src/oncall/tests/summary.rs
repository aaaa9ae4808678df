//! The line `check-config` prints for a schedule: now, and the next three hand-offs, in the
//! schedule's zone.

use super::*;

#[test]
fn a_weekly_schedule_reads_in_its_own_zone() {
    let primary = schedule(
        berlin(),
        vec![layer(
            "weekly",
            &["alice", "bob", "carol"],
            "weekly",
            "monday 09:00",
            "2026-11-30",
        )],
    );
    assert_eq!(
        primary.summary(utc("2026-12-02T12:00:00Z"), &[]),
        "now slack:U0ALICE until Mon 7 Dec 09:00 CET; then slack:U0BOB from Mon 7 Dec 09:00 CET, \
         slack:U0CAROL from Mon 14 Dec 09:00 CET, slack:U0ALICE from Mon 21 Dec 09:00 CET"
    );
    // Before it begins: nobody now, then its first turns.
    assert_eq!(
        primary.summary(utc("2026-11-25T12:00:00Z"), &[]),
        "now nobody; then slack:U0ALICE from Mon 30 Nov 09:00 CET, slack:U0BOB from Mon 7 Dec 09:00 CET, \
         slack:U0CAROL from Mon 14 Dec 09:00 CET"
    );
}

#[test]
fn a_handoff_to_nobody_counts_and_a_lone_member_has_none() {
    let mut business = layer("business", &["carol"], "daily", "09:00", "2026-11-30");
    business.restriction = Some(Restriction::parse("mon-fri 09:00-17:00").unwrap());
    let hours = schedule(berlin(), vec![business]);
    // Friday 4 December, 10:00 in Berlin.
    assert_eq!(
        hours.summary(utc("2026-12-04T09:00:00Z"), &[]),
        "now slack:U0CAROL until Fri 4 Dec 17:00 CET; then nobody from Fri 4 Dec 17:00 CET, \
         slack:U0CAROL from Mon 7 Dec 09:00 CET, nobody from Mon 7 Dec 17:00 CET"
    );
    let alone = schedule(
        gmt(),
        vec![layer("alone", &["alice"], "daily", "09:00", "2026-01-01")],
    );
    assert_eq!(
        alone.summary(utc("2026-06-01T00:00:00Z"), &[]),
        "now slack:U0ALICE, with no hand-off within 366 days"
    );
    // An override ending is a hand-off back.
    let covered = [cover(
        1,
        "bob",
        "2026-06-01T00:00:00Z",
        "2026-06-01T02:00:00Z",
    )];
    assert_eq!(
        alone.summary(utc("2026-06-01T01:00:00Z"), &covered),
        "now slack:U0BOB until Mon 1 Jun 02:00 UTC; then slack:U0ALICE from Mon 1 Jun 02:00 UTC"
    );
    let never = schedule(
        gmt(),
        vec![layer("empty", &[], "daily", "09:00", "2026-01-01")],
    );
    assert_eq!(
        never.summary(utc("2026-06-01T00:00:00Z"), &[]),
        "nobody is on call now or within 366 days"
    );
}

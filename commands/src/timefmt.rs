//! How times and durations are written everywhere warroom shows them.
//!
//! Always UTC and always with the date: an incident crosses midnight more often than not, and a
//! post-mortem is read days later by people in other time zones.

use chrono::{DateTime, TimeDelta, Utc};

/// `2026-11-22 03:14 UTC`.
pub fn at(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `2026-11-22 03:14:05 UTC`, for timelines where seconds order events.
pub fn at_seconds(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A compact human duration: `45s`, `12m`, `1h 05m`, `2d 3h`.
pub fn duration(delta: TimeDelta) -> String {
    let secs = delta.num_seconds().max(0);
    let (days, hours, mins) = (secs / 86_400, (secs % 86_400) / 3600, (secs % 3600) / 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 && mins == 0 {
        format!("{hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else if mins > 0 {
        format!("{mins}m")
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_compactly() {
        assert_eq!(duration(TimeDelta::seconds(45)), "45s");
        assert_eq!(duration(TimeDelta::minutes(12)), "12m");
        assert_eq!(duration(TimeDelta::minutes(65)), "1h 05m");
        assert_eq!(duration(TimeDelta::minutes(60)), "1h");
        assert_eq!(duration(TimeDelta::hours(51)), "2d 3h");
        assert_eq!(duration(TimeDelta::seconds(-5)), "0s");
    }

    #[test]
    fn times_carry_the_date_and_zone() {
        let t = DateTime::parse_from_rfc3339("2026-11-22T03:14:05Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(at(t), "2026-11-22 03:14 UTC");
        assert_eq!(at_seconds(t), "2026-11-22 03:14:05 UTC");
    }
}

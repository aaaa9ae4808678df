//! Durations as people type them: `500ms`, `30s`, `15m`, `2h`, `1d`, `1h30m`.

use chrono::TimeDelta;

/// Parses a duration; the error is a sentence naming the accepted forms.
pub fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    let bad =
        || format!("`{text}` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or 1h30m.");
    let mut total = TimeDelta::zero();
    let mut digits = String::new();
    let mut seen_unit = false;
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        let millis = c.eq_ignore_ascii_case(&'m')
            && chars.next_if(|n| n.eq_ignore_ascii_case(&'s')).is_some();
        let part = match c.to_ascii_lowercase() {
            'm' if millis => TimeDelta::try_milliseconds(n),
            's' => TimeDelta::try_seconds(n),
            'm' => TimeDelta::try_minutes(n),
            'h' => TimeDelta::try_hours(n),
            'd' => TimeDelta::try_days(n),
            'w' => TimeDelta::try_weeks(n),
            _ => None,
        }
        .ok_or_else(bad)?;
        total = total.checked_add(&part).ok_or_else(bad)?;
        seen_unit = true;
    }
    if !digits.is_empty() || !seen_unit {
        return Err(bad());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse_duration("30s"), Ok(TimeDelta::seconds(30)));
        assert_eq!(parse_duration("15m"), Ok(TimeDelta::minutes(15)));
        assert_eq!(parse_duration("48h"), Ok(TimeDelta::hours(48)));
        assert_eq!(parse_duration("1h30m"), Ok(TimeDelta::minutes(90)));
        assert_eq!(parse_duration("1d"), Ok(TimeDelta::days(1)));
        assert_eq!(parse_duration("500ms"), Ok(TimeDelta::milliseconds(500)));
        assert_eq!(parse_duration("1m30s"), Ok(TimeDelta::seconds(90)));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for text in ["", "15", "m", "15x", "1.5h", "h15"] {
            let err = parse_duration(text).unwrap_err();
            assert!(err.contains("not a duration"), "{text}: {err}");
        }
    }
}

//! How values are written in the file: durations, response targets, URLs. Each is parsed by one
//! function here, whichever section it is in, and its error is the sentence the operator sees.

use std::time::Duration;

use chrono::TimeDelta;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use warroom_commands::grammar::parse_duration;
use warroom_commands::incident::Target;
use warroom_commands::{ChannelRef, Platform};

/// How a target that falls on the next working day is written.
const NEXT_BUSINESS_DAY: &str = "next-business-day";
/// How "no update or post-mortem expected" is written.
const NONE: &str = "none";

/// For `#[serde(deserialize_with)]`: a string read by `parse`, whose error is the problem.
pub(super) fn read_text<'de, D: Deserializer<'de>, T>(
    d: D,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, D::Error> {
    parse(&String::deserialize(d)?).map_err(D::Error::custom)
}

/// A duration, as [`parse_duration`] reads it.
pub(super) fn duration(text: &str) -> Result<TimeDelta, String> {
    parse_duration(text).map_err(|e| e.to_string())
}

/// A duration longer than zero: a target, a grace, a link's lifetime.
pub(super) fn positive_duration(text: &str) -> Result<TimeDelta, String> {
    match duration(text)? {
        d if d > TimeDelta::zero() => Ok(d),
        _ => Err(format!(
            "`{text}` is no time at all; write a duration longer than zero, like 15m."
        )),
    }
}

/// `respond` and `acknowledge`: a duration longer than zero, or `next-business-day`.
pub(super) fn target(text: &str) -> Result<Target, String> {
    if text.trim().eq_ignore_ascii_case(NEXT_BUSINESS_DAY) {
        return Ok(Target::NextBusinessDay);
    }
    positive_duration_or(text, NEXT_BUSINESS_DAY).map(Target::Within)
}

/// `update_every`, `postmortem_due`, `repeat`: a duration longer than zero, or `none`.
pub(super) fn optional_duration(text: &str) -> Result<Option<TimeDelta>, String> {
    if text.trim().eq_ignore_ascii_case(NONE) {
        return Ok(None);
    }
    positive_duration_or(text, NONE).map(Some)
}

/// A duration, with `alternative` offered in the message when the text is not one.
fn positive_duration_or(text: &str, alternative: &str) -> Result<TimeDelta, String> {
    positive_duration(text).map_err(|message| {
        format!(
            "{}, or {alternative}.",
            message.strip_suffix('.').unwrap_or(&message)
        )
    })
}

/// A duration read from the file as the standard library counts it; it is never negative.
pub(super) fn std_duration(d: TimeDelta) -> Duration {
    Duration::from_millis(d.num_milliseconds().unsigned_abs())
}

/// An `http://` or `https://` URL that warroom calls: an API base, an emulator.
pub(super) fn endpoint(text: &str) -> Result<String, String> {
    if text.starts_with("http://") || text.starts_with("https://") {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{text}` is not an http:// or https:// URL; fix it or remove the key."
        ))
    }
}

/// For `#[serde(deserialize_with)]`: an API base URL.
pub(super) fn read_endpoint<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    read_text(d, endpoint)
}

/// One of the words a key may be, as `(word, meaning)`; any other is an error naming them.
pub(super) fn choice<T: Copy>(text: &str, what: &str, words: [(&str, T); 2]) -> Result<T, String> {
    let [(a, _), (b, _)] = words;
    words
        .iter()
        .find(|(word, _)| *word == text)
        .map(|(_, meaning)| *meaning)
        .ok_or_else(|| format!("`{text}` is not {what}; write \"{a}\" or \"{b}\"."))
}

/// A channel warroom posts in: `slack:C0123ABCD` or `discord:CHANNEL_ID`.
pub(super) fn channel(text: &str) -> Result<ChannelRef, String> {
    let bad = || format!("`{text}` is not a channel; write slack:C0123ABCD or discord:CHANNEL_ID.");
    let (platform, id) = text.split_once(':').ok_or_else(bad)?;
    match Platform::parse(platform) {
        Some(p @ (Platform::Slack | Platform::Discord))
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Ok(ChannelRef::new(p, "", id))
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_targets_as_written_in_the_runbooks() {
        assert_eq!(target("15m"), Ok(Target::Within(TimeDelta::minutes(15))));
        assert_eq!(target("48h"), Ok(Target::Within(TimeDelta::hours(48))));
        assert_eq!(target("next-business-day"), Ok(Target::NextBusinessDay));
        assert_eq!(optional_duration("none"), Ok(None));
        assert_eq!(optional_duration("1h30m"), Ok(Some(TimeDelta::minutes(90))));
    }

    #[test]
    fn says_what_to_write_instead() {
        assert_eq!(
            target("5x").unwrap_err(),
            "`5x` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or 1h30m, or next-business-day."
        );
        assert_eq!(
            optional_duration("never").unwrap_err(),
            "`never` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or 1h30m, or none."
        );
        assert!(target("0m").unwrap_err().contains("longer than zero"));
        assert!(
            target("none").is_err(),
            "an incident always has a response target"
        );
    }
}

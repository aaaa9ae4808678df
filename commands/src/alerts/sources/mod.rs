//! Reading what each alert source sends into [`Alert`]s.
//!
//! Everything a source sends is untrusted input: each reader takes raw bytes, refuses what is
//! not its documented shape with one sentence, and never panics. Bodies over the route's size
//! limit never get here; nesting deeper than serde_json's recursion limit is refused as
//! `too_deep`.

pub mod alertmanager;
pub mod cloudwatch;
pub mod events;

use serde::de::DeserializeOwned;

use super::{Alert, Unreadable};

/// Reads `body` as JSON of type `T`, naming `what` in the refusal.
pub(crate) fn json<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Unreadable> {
    serde_json::from_slice(body).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            Unreadable {
                reason: "too_deep",
                message: format!("{what} is nested too deeply to be an alert."),
            }
        } else {
            Unreadable::malformed(format!("{what} is not what its sender documents: {e}."))
        }
    })
}

/// The alerts of one request, at least one.
pub(crate) fn some(alerts: Vec<Alert>, what: &str) -> Result<Vec<Alert>, Unreadable> {
    if alerts.is_empty() {
        return Err(Unreadable::malformed(format!("{what} holds no alert.")));
    }
    Ok(alerts)
}

#[cfg(test)]
mod fuzz;

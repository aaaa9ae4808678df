//! Messages pinned to the timeline from the chat: a reaction (📌 by default) on a message in an
//! incident channel records the message with its own author and time, so the post-mortem shows
//! what was said when it was said. Taking the reaction back, or editing the message, adds an
//! entry saying so; nothing already on the timeline is changed.

use chrono::{DateTime, Utc};

use crate::grammar::{TextLimit, shortened};
use crate::incident::{EntryKind, IncidentId, NewEntry};
use crate::{ChannelRef, CommandError, Core};

/// What happened to a message in an incident channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinChange {
    Pinned,
    Unpinned,
    Edited,
}

/// A chat message, as the platform reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedMessage {
    pub author: String,
    pub at: DateTime<Utc>,
    pub text: String,
    /// Who pinned, unpinned or edited it.
    pub by: String,
}

/// Records the change on the open incident of `channel`; the incident, or `None` when the
/// channel has no open incident (a reaction elsewhere means nothing to warroom).
pub async fn record(
    core: &Core,
    channel: &ChannelRef,
    change: PinChange,
    message: &PinnedMessage,
) -> Result<Option<IncidentId>, CommandError> {
    let Some(incident) = core.store.open_in_channel(channel).await? else {
        return Ok(None);
    };
    // Masked before it is shortened: a token cut in half no longer has its shape.
    let text = core.redactor.redact(&message.text);
    let text = shortened(&text, TextLimit::NOTE.max_chars);
    let entry = match change {
        PinChange::Pinned => NewEntry::new(
            message.at,
            &message.author,
            EntryKind::Note,
            format!("{text} (pinned by {})", message.by),
        ),
        PinChange::Unpinned => NewEntry::new(
            core.clock.now(),
            &message.by,
            EntryKind::Note,
            format!(
                "unpinned the message of {} at {}: {text}",
                message.author,
                crate::timefmt::at_seconds(message.at)
            ),
        ),
        PinChange::Edited => NewEntry::new(
            core.clock.now(),
            &message.by,
            EntryKind::Note,
            format!(
                "edited the pinned message of {}: {text}",
                crate::timefmt::at_seconds(message.at)
            ),
        ),
    };
    core.store.append(incident.id, &[entry]).await?;
    Ok(Some(incident.id))
}

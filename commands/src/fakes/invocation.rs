//! Commands as tests type them: on the console, where the channel and the actor are plain
//! names, so a test reads like the session it stands for.

use crate::{ChannelRef, Invocation, Platform};

/// `text` typed by `actor` in console channel `channel`, with no platform groups.
pub fn console_invocation(channel: &str, actor: &str, text: &str) -> Invocation {
    Invocation {
        channel: ChannelRef {
            platform: Platform::Console,
            workspace: "local".into(),
            channel: channel.into(),
        },
        actor: actor.into(),
        groups: Vec::new(),
        text: text.into(),
    }
}

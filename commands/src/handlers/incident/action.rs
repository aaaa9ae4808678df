//! `/incident action TEXT`: a follow-up item; the post-mortem lists them as a checklist.

use crate::incident::EntryKind;
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(core: &Core, inv: &Invocation, text: String) -> Result<Reply, CommandError> {
    super::append_text(core, inv, EntryKind::FollowUp, text, "follow-up item").await
}

//! `/incident note TEXT`: records what someone saw or did, on the timeline.

use crate::incident::EntryKind;
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(core: &Core, inv: &Invocation, text: String) -> Result<Reply, CommandError> {
    super::append_text(core, inv, EntryKind::Note, text, "note").await
}

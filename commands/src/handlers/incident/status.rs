//! `/incident status STATUS`: moves the response along. `resolved` resolves.

use super::Field;
use crate::incident::{EntryKind, Status};
use crate::{CommandError, Core, Invocation, Reply};

pub async fn handle(core: &Core, inv: &Invocation, to: Status) -> Result<Reply, CommandError> {
    if to == Status::Resolved {
        return super::resolve::handle(core, inv, None).await;
    }
    let field = Field {
        kind: EntryKind::StatusChanged,
        name: "status",
        get: |i| i.status,
        set: |i, s| i.status = s,
        stored: Status::as_str,
    };
    super::set_field(core, inv, field, to).await
}

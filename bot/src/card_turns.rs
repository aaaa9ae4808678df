//! One redraw of an incident's card at a time.
//!
//! Two workers can finish changes to one incident together (two notes, a note and a status).
//! Each redraw reads the incident and then edits the card; if the older read's edit landed
//! last, the card would show a state the incident has left. A redraw therefore takes the
//! incident's turn before it reads and keeps it until its edit is done, so within a process
//! the last edit always shows the latest state. Turns of different incidents do not wait for
//! each other, and a turn nobody holds or waits for is forgotten.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::OwnedMutexGuard;
use warroom_commands::incident::IncidentId;

#[derive(Default)]
pub struct CardTurns {
    turns: Mutex<HashMap<IncidentId, Weak<tokio::sync::Mutex<()>>>>,
}

impl CardTurns {
    /// Waits for the incident's turn; it lasts until the guard is dropped.
    pub async fn take(&self, incident: IncidentId) -> OwnedMutexGuard<()> {
        let turn = {
            let mut turns = self.turns.lock().expect("never poisoned");
            turns.retain(|_, turn| turn.strong_count() > 0);
            match turns.get(&incident).and_then(Weak::upgrade) {
                Some(turn) => turn,
                None => {
                    let turn = Arc::new(tokio::sync::Mutex::new(()));
                    turns.insert(incident, Arc::downgrade(&turn));
                    turn
                }
            }
        };
        turn.lock_owned().await
    }

    /// How many incidents have a turn held or waited for.
    pub fn held(&self) -> usize {
        let mut turns = self.turns.lock().expect("never poisoned");
        turns.retain(|_, turn| turn.strong_count() > 0);
        turns.len()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_redraw_waits_for_the_one_before_it_and_only_for_its_own_incident() {
        let turns = CardTurns::default();
        let first = turns.take(IncidentId(1)).await;
        let other = tokio::time::timeout(Duration::from_secs(1), turns.take(IncidentId(2))).await;
        assert!(other.is_ok(), "another incident's card does not wait");
        drop(other);
        let waiting = tokio::time::timeout(Duration::from_secs(1), turns.take(IncidentId(1))).await;
        assert!(
            waiting.is_err(),
            "the same card waits for the redraw in progress"
        );
        drop(first);
        let next = tokio::time::timeout(Duration::from_secs(1), turns.take(IncidentId(1))).await;
        assert!(next.is_ok(), "and takes its turn once that redraw is done");
        drop(next);
        assert_eq!(turns.held(), 0, "turns nobody holds are forgotten");
    }
}

//! Writing a batch of alerts: recording what a source sent, and what warroom decided with the
//! timeline entries it causes, each in one transaction of a few statements.
//!
//! A batch is cut into runs of distinct keys of one source. Per run, one statement reads the
//! alerts already known (locking them on Postgres, so two replicas given the same alert at once
//! agree on which saw it first), one inserts the new ones, and a known one is updated on its
//! own (its values differ row by row). An insert that finds its key taken by a racing replica
//! reads that row and updates it, as if it had been known.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use warroom_commands::alerts::{Alert, AlertState};
use warroom_commands::incident::{IncidentId, NewEntry};
use warroom_commands::ports::{Before, Decision, Seen, StoreError};

use super::alerts::{UPDATE, json, links_json};
use super::errors::store_error;
use super::incidents::{insert_entries, mark_applied};
use super::{Store, on_pool, sql};

/// The most alerts one statement reads or inserts: 13 values each, well under SQLite's 32,766.
const ALERTS_AT_ONCE: usize = 1_000;

const KNOWN: &str = "SELECT id, key, state, incident_id, decision FROM alerts WHERE source = ";

const INSERT: &str = "INSERT INTO alerts (source, key, group_key, state, name, summary, labels, \
    annotations, links, route, decision, starts_at, ends_at, first_seen, last_seen) ";

const DECIDE: &str = "WITH d (id, route, incident_id, decision) AS (";

const DECIDE_SET: &str = ") UPDATE alerts SET route = d.route, incident_id = d.incident_id, \
    decision = d.decision FROM d WHERE alerts.id = d.id";

/// A known alert's row, as [`KNOWN`] reads it.
type KnownRow = (i64, String, String, Option<i64>, String);

/// An alert with its maps written as the row keeps them.
struct Encoded<'a> {
    alert: &'a Alert,
    labels: String,
    annotations: String,
    links: String,
}

/// The runs of `alerts`: consecutive, one source each, no key twice, at most
/// [`ALERTS_AT_ONCE`] long. A key sent twice starts a new run, so its second sending sees the
/// first as what was before.
fn runs(alerts: &[Alert]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut keys = std::collections::HashSet::new();
    for (i, alert) in alerts.iter().enumerate() {
        let ends = i - start == ALERTS_AT_ONCE
            || alerts[start].source != alert.source
            || keys.contains(alert.key.as_str());
        if ends {
            runs.push(start..i);
            start = i;
            keys.clear();
        }
        keys.insert(alert.key.as_str());
    }
    if start < alerts.len() {
        runs.push(start..alerts.len());
    }
    runs
}

/// Reads the known alerts of `$run` (one source) into a map by key, locking them on Postgres.
macro_rules! known {
    ($tx:expr, $run:expr, $lock:expr) => {{
        let mut select = sqlx::QueryBuilder::new(KNOWN);
        select.push_bind($run[0].alert.source.as_str());
        select.push(" AND key IN (");
        let mut keys = select.separated(", ");
        for e in $run {
            keys.push_bind(e.alert.key.as_str());
        }
        select.push(")");
        if $lock {
            select.push(" ORDER BY key FOR UPDATE");
        }
        let rows: Vec<KnownRow> = select.build_query_as().fetch_all(&mut *$tx).await?;
        rows.into_iter()
            .map(|row| (row.1.clone(), row))
            .collect::<HashMap<String, KnownRow>>()
    }};
}

impl Store {
    pub(super) async fn record_batch(
        &self,
        alerts: &[Alert],
        now: DateTime<Utc>,
    ) -> Result<Vec<Seen>, StoreError> {
        // The read decides what the write does, so on SQLite the transaction takes the write
        // lock at once: a deferred one would fail, not wait, when another process wrote first.
        let (lock, begin) = match self {
            Store::Sqlite(_) => (false, "BEGIN IMMEDIATE"),
            Store::Postgres(_) => (true, "BEGIN"),
        };
        let encoded: Vec<Encoded> = alerts
            .iter()
            .map(|alert| Encoded {
                alert,
                labels: json(&alert.labels),
                annotations: json(&alert.annotations),
                links: links_json(&alert.links),
            })
            .collect();
        on_pool!(self, pool => async {
            let mut tx = pool.begin_with(begin).await?;
            let mut seen = Vec::with_capacity(alerts.len());
            for run in runs(alerts) {
                let run = &encoded[run];
                let mut known = known!(tx, run, lock);
                let new: Vec<&Encoded> =
                    run.iter().filter(|e| !known.contains_key(&e.alert.key)).collect();
                let mut inserted: HashMap<String, i64> = HashMap::new();
                if !new.is_empty() {
                    let mut insert = sqlx::QueryBuilder::new(INSERT);
                    insert.push_values(&new, |mut row, e| {
                        let a = e.alert;
                        row.push_bind(a.source.as_str())
                            .push_bind(a.key.as_str())
                            .push_bind(a.group.as_str())
                            .push_bind(a.state.as_str())
                            .push_bind(a.name.as_str())
                            .push_bind(a.summary.as_str())
                            .push_bind(e.labels.as_str())
                            .push_bind(e.annotations.as_str())
                            .push_bind(e.links.as_str())
                            .push_bind("")
                            .push_bind("")
                            .push_bind(a.starts_at)
                            .push_bind(a.ends_at)
                            .push_bind(now)
                            .push_bind(now);
                    });
                    insert.push(" ON CONFLICT (source, key) DO NOTHING RETURNING id, key");
                    let rows: Vec<(i64, String)> =
                        insert.build_query_as().fetch_all(&mut *tx).await?;
                    inserted = rows.into_iter().map(|(id, key)| (key, id)).collect();
                    // Keys a racing replica inserted first: known now, so updated below.
                    let raced: Vec<&Encoded> = new
                        .into_iter()
                        .filter(|e| !inserted.contains_key(&e.alert.key))
                        .collect();
                    if !raced.is_empty() {
                        known.extend(known!(tx, raced, lock));
                    }
                }
                for e in run {
                    let a = e.alert;
                    if let Some(id) = inserted.get(&a.key) {
                        seen.push(Seen { id: *id, before: None });
                        continue;
                    }
                    let (id, _, state, incident, decision) = known
                        .get(&a.key)
                        .cloned()
                        .ok_or(sqlx::Error::RowNotFound)?;
                    sqlx::query(UPDATE)
                        .bind(a.source.as_str())
                        .bind(&a.key)
                        .bind(&a.group)
                        .bind(a.state.as_str())
                        .bind(&a.name)
                        .bind(&a.summary)
                        .bind(&e.labels)
                        .bind(&e.annotations)
                        .bind(&e.links)
                        .bind(a.starts_at)
                        .bind(a.ends_at)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    seen.push(Seen {
                        id,
                        before: Some(Before {
                            state: AlertState::parse(&state).unwrap_or(AlertState::Resolved),
                            incident: incident.map(IncidentId),
                            decided: !decision.is_empty(),
                        }),
                    });
                }
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(seen)
        }
        .await)
        .map_err(store_error)
    }

    pub(super) async fn decide_batch(
        &self,
        decisions: &[Decision],
        timeline: &[(IncidentId, Vec<NewEntry>)],
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            for chunk in decisions.chunks(ALERTS_AT_ONCE) {
                let mut decide = sqlx::QueryBuilder::new(DECIDE);
                decide.push_values(chunk, |mut row, d| {
                    row.push_bind(d.id)
                        .push_bind(d.route.as_str())
                        .push_bind(d.incident.map(|i| i.0))
                        .push_bind(d.why.as_str());
                });
                decide.push(DECIDE_SET);
                decide.build().execute(&mut *tx).await?;
            }
            // Incidents in order, so two batches telling the same incidents lock them alike.
            let mut told: Vec<&(IncidentId, Vec<NewEntry>)> = timeline.iter().collect();
            told.sort_by_key(|(id, _)| *id);
            for (id, entries) in told {
                let bumped = sqlx::query(sql::BUMP_VERSION).bind(id.0).execute(&mut *tx).await?;
                // Incidents are never deleted; one that is missing has nothing to be told.
                if bumped.rows_affected() == 1 {
                    insert_entries!(tx, id.0, entries)?;
                }
            }
            mark_applied!(tx)?;
            tx.commit().await
        }
        .await)
        .map_err(store_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warroom_commands::alerts::Source;

    fn alert(source: Source, key: &str) -> Alert {
        Alert {
            source,
            key: key.into(),
            group: String::new(),
            state: AlertState::Firing,
            name: key.into(),
            summary: String::new(),
            labels: Default::default(),
            annotations: Default::default(),
            starts_at: None,
            ends_at: None,
            links: Vec::new(),
        }
    }

    #[test]
    fn a_repeated_key_or_another_source_starts_a_new_run() {
        let am = |k| alert(Source::Alertmanager, k);
        let batch = [
            am("a"),
            am("b"),
            am("a"),
            am("c"),
            alert(Source::Grafana, "c"),
        ];
        assert_eq!(runs(&batch), vec![0..2, 2..4, 4..5]);
        assert_eq!(runs(&[]), Vec::<std::ops::Range<usize>>::new());
    }

    #[test]
    fn a_long_batch_is_cut_at_the_most_one_statement_takes() {
        let batch: Vec<Alert> = (0..ALERTS_AT_ONCE + 1)
            .map(|i| alert(Source::Alertmanager, &i.to_string()))
            .collect();
        assert_eq!(
            runs(&batch),
            vec![0..ALERTS_AT_ONCE, ALERTS_AT_ONCE..ALERTS_AT_ONCE + 1]
        );
    }
}

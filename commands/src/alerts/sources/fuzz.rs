//! Every reader fed seeded random bytes and mutations of the documented examples: each either
//! reads or refuses, and none panics.

use super::super::Source;

/// The documented bodies the mutations start from.
const SEEDS: [&str; 3] = [
    r#"{"version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{"alertname":"A"},"fingerprint":"f","startsAt":"2026-12-02T03:00:00Z","generatorURL":"http://x"}]}"#,
    r#"{"routing_key":"k","event_action":"trigger","dedup_key":"d","payload":{"summary":"s","source":"h","severity":"critical"}}"#,
    r#"{"AlarmName":"a","NewStateValue":"ALARM","NewStateReason":"r","StateChangeTime":"2026-12-02T03:00:00.000+0000"}"#,
];

fn mutate(rng: &mut fastrand::Rng, seed: &str) -> Vec<u8> {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..rng.usize(1..8) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.usize(..bytes.len());
        match rng.u8(..4) {
            0 => bytes[at] = rng.u8(..),
            1 => drop(bytes.remove(at)),
            2 => bytes.insert(at, b"{}[]\",:0\\"[rng.usize(..9)]),
            _ => bytes.truncate(at),
        }
    }
    bytes
}

#[test]
fn no_body_makes_a_reader_panic() {
    let mut rng = fastrand::Rng::with_seed(16);
    for round in 0..20_000 {
        let body = if round % 4 == 0 {
            (0..rng.usize(..64)).map(|_| rng.u8(..)).collect()
        } else {
            mutate(&mut rng, SEEDS[round % SEEDS.len()])
        };
        let _ = super::alertmanager::read(&body, Source::Alertmanager);
        let _ = super::alertmanager::read(&body, Source::Grafana);
        if let Ok(event) = super::events::read(&body) {
            let _ = event.alert();
        }
        let _ = super::cloudwatch::read(&String::from_utf8_lossy(&body));
    }
}

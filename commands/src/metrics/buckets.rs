//! Histogram buckets, one set per kind of latency, each spanning what that latency really is:
//! a request acknowledged in milliseconds, a command answered in well under a second or after a
//! rollback of minutes, a person confirming after seconds to half an hour.

use prometheus_client::metrics::histogram::Histogram;

/// Slack and Discord allow 3 s; the interesting part is 1 ms to 3 s.
pub fn acknowledge() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0,
    ])
}

/// From a parse error in microseconds to a rollback that waits for the deployment.
pub fn command() -> Histogram {
    Histogram::new([
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
    ])
}

/// A person reading a card and pressing Confirm.
pub fn confirmation() -> Histogram {
    Histogram::new([
        1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
    ])
}

/// A call to AWS, an HTTP health endpoint or a command: tens of milliseconds to minutes.
pub fn platform() -> Histogram {
    Histogram::new([
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
    ])
}

/// A call to the Slack or Discord API, a 429's wait included.
pub fn chat() -> Histogram {
    Histogram::new([0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0])
}

//! Judging health: one verdict per target and per service, from what the probes found.

use crate::ports::ProbeResult;

/// How a target or a service is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Healthy,
    Degraded,
    Down,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Healthy => "healthy",
            Verdict::Degraded => "degraded",
            Verdict::Down => "down",
        }
    }

    pub fn marker(self) -> &'static str {
        match self {
            Verdict::Healthy => "🟢",
            Verdict::Degraded => "🟡",
            Verdict::Down => "🔴",
        }
    }

    /// The tone of a health reply whose worst verdict this is.
    pub fn tone(self) -> crate::reply::Tone {
        use crate::reply::Tone;
        match self {
            Verdict::Healthy => Tone::Ok,
            Verdict::Degraded => Tone::Warning,
            Verdict::Down => Tone::Danger,
        }
    }
}

const GOOD: [&str; 6] = ["ok", "healthy", "pass", "up", "green", "true"];
const BAD: [&str; 8] = [
    "down",
    "fail",
    "failed",
    "error",
    "unhealthy",
    "critical",
    "red",
    "false",
];

fn word(text: &str) -> String {
    text.trim().to_ascii_lowercase()
}

/// A certificate that expires within this many days makes its target degraded: renewing takes
/// time, and an expired certificate takes the service down for every client at once.
pub const CERT_WARN_DAYS: i64 = 14;

/// A target is down without a 2xx/3xx answer or when its body says it is; degraded when its
/// body or one of its components says anything but healthy, or when its certificate expires
/// within [`CERT_WARN_DAYS`].
pub fn of_target(result: &ProbeResult) -> Verdict {
    match result.status {
        Some(code) if (200..400).contains(&code) => {}
        _ => return Verdict::Down,
    }
    match result.cert_days_left {
        Some(days) if days < 0 => return Verdict::Down,
        Some(days) if days < CERT_WARN_DAYS => return Verdict::Degraded,
        _ => {}
    }
    if let Some(reported) = &result.reported {
        let reported = word(reported);
        if BAD.contains(&reported.as_str()) {
            return Verdict::Down;
        }
        if !GOOD.contains(&reported.as_str()) {
            return Verdict::Degraded;
        }
    }
    if result
        .components
        .iter()
        .any(|(_, status)| !GOOD.contains(&word(status).as_str()))
    {
        return Verdict::Degraded;
    }
    Verdict::Healthy
}

/// What a health body says about itself, when it is a JSON object: the runbooks'
/// `/api/health` answers `{"status": "ok", "components": {"db": "ok", ...}}` (some name them
/// `checks`), and an instance's health command prints the same. Read here, so an HTTP probe
/// and an SSM command mean the same by it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// The body's own `status`.
    pub status: Option<String>,
    /// Its `components` or `checks`, as name → status.
    pub components: Vec<(String, String)>,
}

impl Body {
    /// The body, if it is a JSON object; anything else says nothing about health.
    pub fn read(body: &[u8]) -> Option<Body> {
        let Ok(serde_json::Value::Object(json)) = serde_json::from_slice(body) else {
            return None;
        };
        let mut read = Body {
            status: json.get("status").map(as_status),
            components: Vec::new(),
        };
        let parts = json.get("components").or_else(|| json.get("checks"));
        if let Some(serde_json::Value::Object(parts)) = parts {
            read.components = parts
                .iter()
                .map(|(name, value)| {
                    let status = match value {
                        serde_json::Value::Object(inner) => inner
                            .get("status")
                            .map_or_else(|| "unknown".into(), as_status),
                        other => as_status(other),
                    };
                    (name.clone(), status)
                })
                .collect();
        }
        Some(read)
    }
}

/// A status as written: a string as it is, anything else as JSON text.
fn as_status(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A service is healthy when every target is, down when every target is, degraded otherwise.
pub fn of_service(targets: &[Verdict]) -> Verdict {
    if targets.iter().all(|v| *v == Verdict::Healthy) {
        Verdict::Healthy
    } else if targets.iter().all(|v| *v == Verdict::Down) {
        Verdict::Down
    } else {
        Verdict::Degraded
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn result(
        status: Option<u16>,
        reported: Option<&str>,
        components: &[(&str, &str)],
    ) -> ProbeResult {
        ProbeResult {
            url: "http://x".into(),
            status,
            latency: Duration::from_millis(5),
            reported: reported.map(String::from),
            components: components
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            error: None,
            cert_days_left: None,
        }
    }

    #[test]
    fn targets_are_judged_by_status_body_and_components() {
        assert_eq!(of_target(&result(Some(200), None, &[])), Verdict::Healthy);
        assert_eq!(
            of_target(&result(Some(200), Some("OK"), &[("db", "ok")])),
            Verdict::Healthy
        );
        assert_eq!(
            of_target(&result(Some(200), Some("degraded"), &[])),
            Verdict::Degraded
        );
        assert_eq!(
            of_target(&result(Some(200), Some("ok"), &[("redis", "timeout")])),
            Verdict::Degraded
        );
        assert_eq!(
            of_target(&result(Some(200), Some("unhealthy"), &[])),
            Verdict::Down
        );
        assert_eq!(
            of_target(&result(Some(503), Some("ok"), &[])),
            Verdict::Down
        );
        assert_eq!(of_target(&result(None, None, &[])), Verdict::Down);
    }

    #[test]
    fn a_certificate_close_to_expiry_degrades_its_target() {
        let with_days = |days| ProbeResult {
            cert_days_left: Some(days),
            ..result(Some(200), Some("ok"), &[])
        };
        assert_eq!(of_target(&with_days(90)), Verdict::Healthy);
        assert_eq!(of_target(&with_days(CERT_WARN_DAYS)), Verdict::Healthy);
        assert_eq!(of_target(&with_days(CERT_WARN_DAYS - 1)), Verdict::Degraded);
        assert_eq!(of_target(&with_days(-1)), Verdict::Down);
    }

    #[test]
    fn a_service_is_as_healthy_as_all_its_targets() {
        use Verdict::*;
        assert_eq!(of_service(&[Healthy, Healthy]), Healthy);
        assert_eq!(of_service(&[Healthy, Down]), Degraded);
        assert_eq!(of_service(&[Down, Down]), Down);
    }
}

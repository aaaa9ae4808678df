//! A CloudWatch alarm's state change, the JSON an SNS `Notification` carries as its `Message`.
//!
//! The envelope (SNS's signature, topic and subscription) is checked by the route before this
//! reader runs. An alarm is keyed by its ARN, so every change of one alarm is one alert:
//! `ALARM` fires it, `OK` resolves it, and `INSUFFICIENT_DATA` resolves it too, because an
//! alarm with no data is no longer saying anything is wrong (the timeline records the reason).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::{Alert, AlertState, Source, Unreadable};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Alarm {
    alarm_name: String,
    #[serde(default)]
    alarm_description: Option<String>,
    #[serde(default, rename = "AWSAccountId")]
    account: String,
    #[serde(default)]
    region: String,
    #[serde(default, rename = "AlarmArn")]
    arn: String,
    new_state_value: String,
    #[serde(default)]
    new_state_reason: String,
    #[serde(default)]
    state_change_time: Option<String>,
    #[serde(default)]
    trigger: Option<Trigger>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Trigger {
    #[serde(default)]
    metric_name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

/// Reads the alarm in an SNS message.
pub fn read(message: &str) -> Result<Alert, Unreadable> {
    let alarm: Alarm = super::json(message.as_bytes(), "The CloudWatch alarm")?;
    let state = match alarm.new_state_value.as_str() {
        "ALARM" => AlertState::Firing,
        "OK" | "INSUFFICIENT_DATA" => AlertState::Resolved,
        other => {
            return Err(Unreadable::malformed(format!(
                "NewStateValue is {other:?}; it must be ALARM, OK or INSUFFICIENT_DATA."
            )));
        }
    };
    let key = if alarm.arn.is_empty() {
        format!("{}/{}/{}", alarm.account, alarm.region, alarm.alarm_name)
    } else {
        alarm.arn
    };
    let mut labels = BTreeMap::from([
        ("alertname".to_string(), alarm.alarm_name.clone()),
        ("state".to_string(), alarm.new_state_value.clone()),
    ]);
    for (label, value) in [("account", alarm.account), ("region", alarm.region)] {
        if !value.is_empty() {
            labels.insert(label.to_string(), value);
        }
    }
    if let Some(trigger) = alarm.trigger {
        for (label, value) in [
            ("metric", trigger.metric_name),
            ("namespace", trigger.namespace),
        ] {
            if let Some(value) = value {
                labels.insert(label.to_string(), value);
            }
        }
    }
    let mut annotations = BTreeMap::new();
    if let Some(description) = alarm.alarm_description.filter(|d| !d.is_empty()) {
        annotations.insert("description".to_string(), description);
    }
    annotations.insert("reason".to_string(), alarm.new_state_reason.clone());
    let at = alarm
        .state_change_time
        .and_then(|t| chrono::DateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S%.3f%z").ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    Ok(Alert {
        source: Source::Cloudwatch,
        group: key.clone(),
        key,
        state,
        summary: if alarm.new_state_reason.is_empty() {
            alarm.alarm_name.clone()
        } else {
            alarm.new_state_reason
        },
        name: alarm.alarm_name,
        labels,
        annotations,
        starts_at: if state == AlertState::Firing {
            at
        } else {
            None
        },
        ends_at: if state == AlertState::Resolved {
            at
        } else {
            None
        },
        links: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An alarm notification as CloudWatch publishes it to SNS.
    pub(crate) const ALARM: &str = r#"{
      "AlarmName": "api-5xx-high",
      "AlarmDescription": "api returns too many 5xx",
      "AWSAccountId": "123456789012",
      "AlarmConfigurationUpdatedTimestamp": "2026-12-01T10:00:00.000+0000",
      "NewStateValue": "ALARM",
      "NewStateReason": "Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).",
      "StateChangeTime": "2026-12-02T03:00:00.123+0000",
      "Region": "EU (Frankfurt)",
      "AlarmArn": "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:api-5xx-high",
      "OldStateValue": "OK",
      "Trigger": {"MetricName": "HTTPCode_Target_5XX_Count", "Namespace": "AWS/ApplicationELB",
                  "Statistic": "SUM", "Period": 60, "EvaluationPeriods": 1,
                  "ComparisonOperator": "GreaterThanThreshold", "Threshold": 10.0}
    }"#;

    #[test]
    fn an_alarm_fires_and_its_ok_resolves_the_same_alert() {
        let fired = read(ALARM).unwrap();
        assert_eq!(fired.state, AlertState::Firing);
        assert_eq!(fired.name, "api-5xx-high");
        assert_eq!(fired.labels["metric"], "HTTPCode_Target_5XX_Count");
        assert!(fired.starts_at.is_some());
        let ok = read(&ALARM.replace("\"NewStateValue\": \"ALARM\"", "\"NewStateValue\": \"OK\""))
            .unwrap();
        assert_eq!(ok.state, AlertState::Resolved);
        assert_eq!(ok.key, fired.key);
        assert!(read(&ALARM.replace("\"ALARM\"", "\"PANIC\"")).is_err());
    }
}

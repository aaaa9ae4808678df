//! `[aws]`: where AWS is. Credentials come from the standard chain (environment, profile,
//! instance role), never from this file.

use serde::{Deserialize, Deserializer};
use warroom_integrations::aws::AwsSettings;

use super::text::{endpoint, read_text};

/// `[aws]`, read straight into its settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AwsConfig {
    /// Default "us-east-1".
    #[serde(deserialize_with = "region")]
    pub region: String,
    /// An emulator or VPC endpoint, e.g. "http://127.0.0.1:5000"; absent for AWS itself.
    #[serde(deserialize_with = "some_endpoint")]
    pub endpoint_url: Option<String>,
}

impl Default for AwsConfig {
    fn default() -> Self {
        AwsConfig {
            region: "us-east-1".into(),
            endpoint_url: None,
        }
    }
}

impl AwsConfig {
    pub fn settings(&self) -> AwsSettings {
        AwsSettings {
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
        }
    }
}

fn region<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    read_text(d, |text| {
        let ok = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(text.to_string())
        } else {
            Err(format!(
                "`{text}` is not an AWS region; write it like \"us-east-2\"."
            ))
        }
    })
}

fn some_endpoint<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    read_text(d, endpoint).map(Some)
}

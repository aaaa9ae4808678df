//! `[aws]`: where AWS is. Credentials come from the standard chain (environment, profile,
//! instance role), never from this file.

use serde::Deserialize;
use warroom_integrations::aws::AwsSettings;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AwsConfig {
    /// Default "us-east-1".
    pub region: String,
    /// An emulator or VPC endpoint, e.g. "http://127.0.0.1:5000"; absent for AWS itself.
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

pub(super) fn check_region(text: &str) -> Result<(), String> {
    let ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not an AWS region; write it like \"us-east-2\"."
        ))
    }
}

pub(super) fn check_endpoint(text: &str) -> Result<(), String> {
    if text.starts_with("http://") || text.starts_with("https://") {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not an http:// or https:// URL; fix it or remove the key."
        ))
    }
}

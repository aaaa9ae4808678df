//! AWS integrations: one SDK configuration (region, endpoint, credentials from the standard
//! chain, retries with backoff for throttling, a deadline per call) shared by every client.

pub mod ecs;
mod errors;
pub mod logs;
pub mod ssm;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

/// `[aws]` settings, already checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsSettings {
    pub region: String,
    /// For a local emulator or a VPC endpoint; `None` for AWS itself.
    pub endpoint_url: Option<String>,
}

/// Loads the shared SDK configuration. Makes no network call: credentials are resolved on the
/// first request.
pub async fn sdk_config(settings: &AwsSettings) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(settings.region.clone()))
        // Standard retries back off on throttling and transient errors; five attempts ride out
        // a burst of API calls during an incident.
        .retry_config(RetryConfig::standard().with_max_attempts(5))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_timeout(Duration::from_secs(30))
                .build(),
        );
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

//! The logs port on CloudWatch Logs: FilterLogEvents, page by page, under an event budget.

use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use chrono::{DateTime, Utc};
use warroom_commands::ports::{LogLine, LogPage, LogQuery, LogsPort, OperationError};

use super::errors::explain;

pub struct AwsLogs {
    client: Client,
}

impl AwsLogs {
    pub fn new(config: &aws_config::SdkConfig) -> AwsLogs {
        AwsLogs {
            client: Client::new(config),
        }
    }
}

#[async_trait]
impl LogsPort for AwsLogs {
    async fn read(&self, query: &LogQuery) -> Result<LogPage, OperationError> {
        let mut lines = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut request = self
                .client
                .filter_log_events()
                .log_group_name(&query.group)
                .start_time(query.start.timestamp_millis())
                .set_next_token(token.take());
            if let Some(end) = query.end {
                request = request.end_time(end.timestamp_millis());
            }
            let page = request.send().await.map_err(|e| {
                explain(
                    e,
                    "logs:FilterLogEvents",
                    &format!("log group {}", query.group),
                )
            })?;
            for event in page.events() {
                let at = event
                    .timestamp()
                    .and_then(DateTime::<Utc>::from_timestamp_millis)
                    .unwrap_or(query.start);
                lines.push(LogLine {
                    at,
                    source: event.log_stream_name().unwrap_or_default().to_string(),
                    message: event.message().unwrap_or_default().trim_end().to_string(),
                });
            }
            if lines.len() >= query.budget {
                lines.truncate(query.budget);
                return Ok(LogPage {
                    lines,
                    truncated: true,
                });
            }
            match page.next_token() {
                Some(next) if !page.events().is_empty() => token = Some(next.to_string()),
                _ => break,
            }
        }
        // Newest last, whatever order the streams were interleaved in.
        lines.sort_by_key(|l| l.at);
        Ok(LogPage {
            lines,
            truncated: false,
        })
    }
}

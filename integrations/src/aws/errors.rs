//! AWS errors as one sentence naming the service, the call and what to do.

use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use warroom_commands::ports::OperationError;

/// Explains a failed call `action` (e.g. `ecs:UpdateService`) on `what`.
pub fn explain<E: ProvideErrorMetadata, R>(
    err: SdkError<E, R>,
    action: &str,
    what: &str,
) -> OperationError {
    let sentence = match &err {
        SdkError::TimeoutError(_) => format!(
            "AWS did not answer {action} on {what} in time; try again, and check the network path to AWS."
        ),
        SdkError::DispatchFailure(_) => format!(
            "AWS is unreachable for {action} on {what}; check aws.endpoint_url, the network, and the credentials warroom runs with."
        ),
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("Unknown");
            let message = e.message().unwrap_or("");
            match code {
                "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => format!(
                    "AWS denied {action} on {what}: grant {action} to the role warroom runs as."
                ),
                "ExpiredTokenException"
                | "ExpiredToken"
                | "UnrecognizedClientException"
                | "InvalidClientTokenId" => format!(
                    "AWS rejected warroom's credentials for {action} on {what} ({code}); renew them."
                ),
                "ClusterNotFoundException" | "ServiceNotFoundException" => format!(
                    "{what} does not exist ({code}); check [services.NAME.ecs] in the configuration."
                ),
                "ThrottlingException" | "Throttling" => format!(
                    "AWS throttled {action} on {what} even after retries; try again in a minute."
                ),
                _ => {
                    format!("AWS refused {action} on {what}: {code} {message}")
                        .trim_end()
                        .to_string()
                        + "."
                }
            }
        }
        other => format!("{action} on {what} failed: {other}."),
    };
    OperationError::Platform(sentence)
}

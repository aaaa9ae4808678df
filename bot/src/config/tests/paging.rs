//! A level that names a paging provider: read as one, and a problem under the level's `notify`
//! when warroom has no key for that provider.

use super::*;

const LEVELS: &str = r#"
[escalation.p1]
levels = [{ after = "0m", notify = ["oncall"] }, { after = "10m", notify = ["pagerduty", "opsgenie"] }]
"#;

#[test]
fn a_level_hands_off_to_a_configured_provider_and_an_unconfigured_one_is_a_problem() {
    let configured = load(&format!(
        "{LEVELS}\n[paging.pagerduty]\nrouting_key = \"pd-routing-key-0123456789abcdef\"\n[paging.opsgenie]\napi_key = \"og-key\"\n"
    ))
    .unwrap();
    let level = &configured.escalation.policy().p1.levels[1];
    let names: Vec<String> = level.notify.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["pagerduty", "opsgenie"]);

    let missing = problems(LEVELS);
    assert_eq!(
        paths(&missing),
        [
            "escalation.p1.levels[1].notify",
            "escalation.p1.levels[1].notify"
        ]
    );
    assert!(
        missing[0]
            .message
            .contains("`pagerduty` hands incidents to PagerDuty, which is not configured; set [paging.pagerduty] routing_key"),
        "{}",
        missing[0].message
    );
}

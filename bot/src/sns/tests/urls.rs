//! SNS's own hosts, as production trusts them: read from the URL alone, no request made.

use crate::sns::certificate::Hosts;

#[test]
fn certificates_come_only_from_sns_hosts_over_https() {
    let hosts = Hosts::new(None).expect("no extra prefix");
    for trusted in [
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem",
        "https://sns.eu-central-2.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-0123.pem",
        "https://SNS.US-EAST-1.AMAZONAWS.COM/SimpleNotificationService-0123.pem",
        "https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-0123.pem",
    ] {
        assert!(hosts.certificate_url(trusted).is_ok(), "{trusted}");
    }
    for refused in [
        "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-0123.pem",
        "https://sns.us-east-1.amazonaws.com@evil.example/SimpleNotificationService-0123.pem",
        "https://evil.example/sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://evil.example#@sns.us-east-1.amazonaws.com/x.pem",
        "https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0123.pem",
        "https://sns.us-east-1.amazonaws.com./SimpleNotificationService-0123.pem",
        "https://sns..amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.us_east_1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.us.east.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sqs.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://xsns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.txt",
        "https://sns.us-east-1.amazonaws.com/?file=SimpleNotificationService-0123.pem",
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem?x",
        "https://52.94.0.1/SimpleNotificationService-0123.pem",
        "https://127.0.0.1/SimpleNotificationService-0123.pem",
        "//sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem",
        "",
    ] {
        assert!(hosts.certificate_url(refused).is_err(), "{refused}");
    }
}

#[test]
fn subscribe_urls_are_visited_only_on_sns_hosts() {
    let hosts = Hosts::new(None).expect("no extra prefix");
    let confirm = "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37";
    assert!(hosts.check(confirm).is_ok());
    for refused in [
        "http://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription",
        "https://sns.us-west-2.amazonaws.com@169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/latest/meta-data/",
        "https://sns.us-west-2.amazonaws.com:80/?Action=ConfirmSubscription",
    ] {
        assert!(hosts.check(refused).is_err(), "{refused}");
    }
}

#[test]
fn the_extra_prefix_trusts_what_is_under_it_and_nothing_beside_it() {
    let hosts = Hosts::new(Some("https://127.0.0.1:8443/sns/")).expect("a prefix");
    assert!(
        hosts
            .certificate_url("https://127.0.0.1:8443/sns/SimpleNotificationService-1.pem")
            .is_ok()
    );
    for refused in [
        "https://127.0.0.1:8443/SimpleNotificationService-1.pem",
        "https://127.0.0.1:8443/snsx/SimpleNotificationService-1.pem",
        "https://127.0.0.1:84430/sns/SimpleNotificationService-1.pem",
        "http://127.0.0.1:8443/sns/SimpleNotificationService-1.pem",
        "https://a@127.0.0.1:8443/sns/SimpleNotificationService-1.pem",
        "https://127.0.0.1:8443@evil.example/sns/SimpleNotificationService-1.pem",
    ] {
        assert!(hosts.certificate_url(refused).is_err(), "{refused}");
    }
    // SNS's own hosts stay trusted beside it.
    assert!(
        hosts
            .certificate_url("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem")
            .is_ok()
    );
}

//! A moto server on loopback: the AWS emulator the AWS integrations are tested against.
//!
//! `.ci/run` installs `moto[server]` into a virtualenv and sets `WARROOM_MOTO_SERVER` to its
//! `moto_server`; without it the tests fail with a sentence saying how to install it.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Where moto's recorder writes the requests it received.
    recording: PathBuf,
}

fn server_path() -> PathBuf {
    if let Ok(path) = std::env::var("WARROOM_MOTO_SERVER") {
        return PathBuf::from(path);
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    PathBuf::from(home).join(".cache/warroom-moto/bin/moto_server")
}

/// Credentials the emulator accepts, for this process's SDK clients and for child processes.
pub const ENV: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
    ("AWS_REGION", "us-east-1"),
];

impl Moto {
    pub fn start() -> Moto {
        Moto::launch(None)
    }

    /// Starts moto with SSM invocations answering from the rules in `script` (see
    /// tests/support/moto_launcher.py); the file may be written after the start.
    pub fn start_scripted(script: &std::path::Path) -> Moto {
        Moto::launch(Some(script))
    }

    fn launch(script: Option<&std::path::Path>) -> Moto {
        let path = server_path();
        assert!(
            path.exists(),
            "moto_server not found at {}: run `python3 -m venv ~/.cache/warroom-moto && \
             ~/.cache/warroom-moto/bin/pip install 'moto[server]'` or set WARROOM_MOTO_SERVER",
            path.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        // The virtualenv's python runs the launcher, which patches SSM and then is moto_server.
        let python = path.with_file_name("python3");
        let launcher = concat!(env!("CARGO_MANIFEST_DIR"), "/support/moto_launcher.py");
        let mut command = Command::new(&python);
        if let Some(script) = script {
            command.env("WARROOM_SSM_SCRIPT", script);
        }
        // Requests are recorded (when a test asks, see `record`) into a file of this server's own.
        let recording = std::env::temp_dir().join(format!("warroom-moto-{port}.jsonl"));
        let mut child = command
            .args([launcher, "-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_RECORDER_FILEPATH", &recording)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "moto_server exited ({status}) before it listened: run {} {launcher} by hand to see why",
                    python.display()
                );
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not start within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            recording,
        }
    }

    /// Sends one plain HTTP/1.1 request to the emulator and returns the whole answer.
    fn request(&self, method: &str, path: &str, headers: &str, body: &str) -> String {
        use std::io::{Read, Write};
        let host = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(host).expect("connect to moto");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send a request to moto");
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .expect("read moto's answer");
        answer
    }

    /// Starts recording every request the emulator receives (moto's own recorder), from none.
    pub fn record(&self) {
        for step in ["reset-recording", "start-recording"] {
            let answer = self.request("POST", &format!("/moto-api/recorder/{step}"), "", "");
            assert!(answer.starts_with("HTTP/1.1 200"), "{step}: {answer}");
        }
    }

    /// The AWS operations received since `record`, in order: `AmazonEC2ContainerServiceV20141113.DescribeServices`,
    /// `AmazonSSM.SendCommand`, or a query request's `Action`.
    pub fn recorded(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.recording).unwrap_or_default();
        text.lines()
            .map(|line| {
                let entry: serde_json::Value =
                    serde_json::from_str(line).expect("a recorded request");
                let target = entry["headers"]["X-Amz-Target"].as_str().map(String::from);
                target.unwrap_or_else(|| entry["url"].as_str().unwrap_or_default().to_string())
            })
            .collect()
    }

    /// An SDK configuration pointed at this emulator.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&self.url)
            .credentials_provider(aws_sdk_ecs::config::Credentials::new(
                "testing", "testing", None, None, "moto",
            ))
            .load()
            .await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.recording);
    }
}

impl Moto {
    /// Launches `count` EC2 instances carrying `tags` in the emulator (EC2's RunInstances, sent
    /// as a plain query request; moto does not check signatures) and returns their ids.
    pub fn run_instances(&self, count: usize, tags: &[(&str, &str)]) -> Vec<String> {
        let mut form = format!(
            "Action=RunInstances&Version=2016-11-15&ImageId=ami-12c6146b&InstanceType=t3.micro&MinCount={count}&MaxCount={count}&TagSpecification.1.ResourceType=instance"
        );
        for (i, (key, value)) in tags.iter().enumerate() {
            let n = i + 1;
            form.push_str(&format!(
                "&TagSpecification.1.Tag.{n}.Key={key}&TagSpecification.1.Tag.{n}.Value={value}"
            ));
        }
        let answer = self.request(
            "POST",
            "/",
            "Content-Type: application/x-www-form-urlencoded\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0\r\n",
            &form,
        );
        let ids: Vec<String> = answer
            .split("<instanceId>")
            .skip(1)
            .filter_map(|rest| rest.split('<').next())
            .map(String::from)
            .collect();
        assert_eq!(ids.len(), count, "RunInstances answered: {answer}");
        ids
    }
}

impl Moto {
    /// A warroom.toml for tests against this emulator: `[aws]` pointed at it, the shared
    /// on-call policy, then `services`.
    pub fn warroom_toml(&self, services: &str) -> String {
        format!(
            "[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n{}\n{services}",
            self.url,
            crate::ONCALL_POLICY
        )
    }
}

impl Moto {
    /// ECS as the tests expect it: cluster `prod`, task definitions `api:1` to `api:3`
    /// (images `registry.example/api:v1`..`v3`), service `api` running `api:3` with 2 tasks.
    pub async fn seed_ecs(&self) -> aws_sdk_ecs::Client {
        let ecs = aws_sdk_ecs::Client::new(&self.sdk_config().await);
        ecs.create_cluster()
            .cluster_name("prod")
            .send()
            .await
            .unwrap();
        for n in 1..=3 {
            ecs.register_task_definition()
                .family("api")
                .container_definitions(
                    aws_sdk_ecs::types::ContainerDefinition::builder()
                        .name("api")
                        .image(format!("registry.example/api:v{n}"))
                        .memory(512)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        ecs.create_service()
            .cluster("prod")
            .service_name("api")
            .task_definition("api:3")
            .desired_count(2)
            .send()
            .await
            .unwrap();
        ecs
    }
}

impl Moto {
    /// The log group `/ecs/api` with stream `api/web/1` holding `events`, each given as
    /// (minutes ago, message).
    pub async fn seed_logs(&self, events: &[(i64, &str)]) {
        use aws_sdk_cloudwatchlogs::types::InputLogEvent;
        let logs = aws_sdk_cloudwatchlogs::Client::new(&self.sdk_config().await);
        let (group, stream) = ("/ecs/api", "api/web/1");
        logs.create_log_group()
            .log_group_name(group)
            .send()
            .await
            .unwrap();
        logs.create_log_stream()
            .log_group_name(group)
            .log_stream_name(stream)
            .send()
            .await
            .unwrap();
        let now = chrono::Utc::now();
        let events = events
            .iter()
            .map(|(minutes_ago, message)| {
                InputLogEvent::builder()
                    .timestamp((now - chrono::TimeDelta::minutes(*minutes_ago)).timestamp_millis())
                    .message(*message)
                    .build()
                    .unwrap()
            })
            .collect();
        logs.put_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_log_events(Some(events))
            .send()
            .await
            .unwrap();
    }

    /// The task definition the ECS service `api` in cluster `prod` runs now.
    pub async fn ecs_running(&self, ecs: &aws_sdk_ecs::Client) -> String {
        let described = ecs
            .describe_services()
            .cluster("prod")
            .services("api")
            .send()
            .await
            .unwrap();
        described.services()[0]
            .task_definition()
            .unwrap_or_default()
            .to_string()
    }
}

/// `warroom console --as ACTOR` in `dir` with the emulator's credentials: what it printed (see
/// [`crate::binary::answered`]).
pub fn console(dir: &std::path::Path, actor: &str, input: &str) -> String {
    let mut run = crate::binary::Run::new(dir, &["console", "--as", actor]).stdin(input);
    for (key, value) in ENV {
        run = run.env(key, value);
    }
    crate::binary::answered(&run.output())
}

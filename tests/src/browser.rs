//! A real browser for the incident pages' tests: Debian's chromium, headless.
//!
//! The pages promise things about what a person sees — a title typed as `<script>` stays text,
//! credentials in the URL open the list, the download link on a signed page saves the draft —
//! and whether they hold depends on how a browser parses, authenticates and follows, not on the
//! bytes an HTTP client reads. So those tests drive chromium itself, two ways:
//! [`dump_dom`] loads one URL and prints the document as the browser built it (the simplest
//! thing that can fail), and [`Browser`] speaks the DevTools protocol for what a command line
//! cannot do: send a header, click a link, wait for a download.
//!
//! chromium must be installed (`apt-get install -y chromium`, or `WARROOM_CHROMIUM` naming the
//! binary); a test that needs it fails without it, in CI and elsewhere. It never skips.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long one page may take to load, or one download to finish.
const PATIENCE: Duration = Duration::from_secs(60);

/// Flags for a browser with no sandbox (tests run as root in a container), no GPU, no
/// background traffic and a profile of its own.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
    "--no-default-browser-check",
];

/// The chromium binary: `WARROOM_CHROMIUM`, else `/usr/bin/chromium`.
pub fn chromium() -> PathBuf {
    let path = std::env::var_os("WARROOM_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !path.is_file() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        panic!(
            "chromium is not at {} (CI={ci}); install it with `apt-get install -y chromium` \
             or set WARROOM_CHROMIUM to the binary. Browser tests never skip.",
            path.display()
        );
    }
    path
}

/// Loads `url` in a fresh headless chromium and returns the document it built, serialized.
/// An empty string means the browser showed no document (a download, or a password prompt
/// nobody answered).
pub async fn dump_dom(url: &str) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let run = Command::new(chromium())
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(PATIENCE, run)
        .await
        .unwrap_or_else(|_| panic!("chromium did not finish loading {url} within a minute"))
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium --dump-dom {url} failed: {}",
        output.status
    );
    String::from_utf8(output.stdout).expect("chromium prints UTF-8")
}

/// A headless chromium driven over the DevTools protocol, with one tab.
pub struct Browser {
    child: Child,
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The tab's session; commands without it go to the browser itself.
    session: String,
    next_id: u64,
    /// Events that arrived while waiting for something else.
    events: VecDeque<Value>,
    downloads: TempDir,
    _profile: TempDir,
}

impl Browser {
    /// Starts chromium and opens a blank tab. Downloads go to a temp dir of their own.
    pub async fn launch() -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new(chromium())
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--remote-debugging-port=0")
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("chromium starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
        let endpoint = tokio::time::timeout(PATIENCE, async {
            while let Ok(Some(line)) = stderr.next_line().await {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return url.trim().to_string();
                }
            }
            panic!("chromium exited without opening its DevTools endpoint");
        })
        .await
        .expect("chromium opens its DevTools endpoint within a minute");
        // Keep reading, so chromium never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = stderr.next_line().await {} });
        let (socket, _) = tokio_tungstenite::connect_async(endpoint.as_str())
            .await
            .expect("connect to chromium's DevTools endpoint");
        let mut browser = Browser {
            child,
            socket,
            session: String::new(),
            next_id: 0,
            events: VecDeque::new(),
            downloads: tempfile::tempdir().expect("downloads dir"),
            _profile: profile,
        };
        let target = browser
            .browser_call("Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let attached = browser
            .browser_call(
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        browser.session = attached["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        let downloads = browser.downloads.path().display().to_string();
        browser
            .browser_call(
                "Browser.setDownloadBehavior",
                json!({ "behavior": "allowAndName", "downloadPath": downloads, "eventsEnabled": true }),
            )
            .await;
        browser.call("Page.enable", json!({})).await;
        browser
            .call("Page.setLifecycleEventsEnabled", json!({ "enabled": true }))
            .await;
        browser.call("Network.enable", json!({})).await;
        browser
    }

    /// Sends these headers with every request the tab makes from now on.
    pub async fn send_headers(&mut self, headers: &[(&str, &str)]) {
        let headers: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(name, value)| (name.to_string(), Value::from(*value)))
            .collect();
        self.call("Network.setExtraHTTPHeaders", json!({ "headers": headers }))
            .await;
    }

    /// Navigates to `url`, waits for the page to load and returns its document, serialized.
    pub async fn open(&mut self, url: &str) -> String {
        match self.navigate(url).await {
            Ok(document) => document,
            Err(error) => panic!("chromium could not open {url}: {error}"),
        }
    }

    /// Like [`Browser::open`], but a navigation the browser gives up on (a password prompt
    /// nobody answers is `net::ERR_INVALID_AUTH_CREDENTIALS`) is the error it names.
    pub async fn navigate(&mut self, url: &str) -> Result<String, String> {
        self.events.clear();
        let navigated = self.call("Page.navigate", json!({ "url": url })).await;
        if let Some(error) = navigated.get("errorText").and_then(Value::as_str) {
            return Err(error.to_string());
        }
        // The load of this navigation, not a late one from the page before it.
        let loader = navigated["loaderId"].clone();
        self.event(|e| {
            e["method"] == "Page.lifecycleEvent"
                && e["params"]["name"] == "load"
                && e["params"]["loaderId"] == loader
        })
        .await;
        Ok(self.document().await)
    }

    /// The current document, serialized as the browser holds it.
    pub async fn document(&mut self) -> String {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": "document.documentElement.outerHTML", "returnByValue": true }),
            )
            .await;
        result["result"]["value"]
            .as_str()
            .expect("the document as a string")
            .to_string()
    }

    /// Clicks the first element matching `selector` (as a person would, so the link's own
    /// `href` is followed) and waits for the download it starts. Returns the name the server
    /// suggested and the bytes saved.
    pub async fn click_to_download(&mut self, selector: &str) -> (String, Vec<u8>) {
        self.events.clear();
        let script = format!(
            "(() => {{ const a = document.querySelector({}); if (!a) return false; a.click(); return true; }})()",
            Value::from(selector)
        );
        let clicked = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": script, "returnByValue": true }),
            )
            .await;
        assert_eq!(
            clicked["result"]["value"],
            Value::Bool(true),
            "nothing on the page matches {selector}"
        );
        let begun = self
            .event(|e| e["method"] == "Browser.downloadWillBegin")
            .await;
        let guid = begun["params"]["guid"].clone();
        let name = begun["params"]["suggestedFilename"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let done = self
            .event(|e| {
                e["method"] == "Browser.downloadProgress"
                    && e["params"]["guid"] == guid
                    && e["params"]["state"] != "inProgress"
            })
            .await;
        assert_eq!(
            done["params"]["state"], "completed",
            "the download of {name} did not complete"
        );
        let saved = self.downloads.path().join(guid.as_str().expect("a guid"));
        (name, std::fs::read(&saved).expect("the downloaded file"))
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
        let _ = self.child.kill().await;
    }

    /// A command to the tab.
    async fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(method, params, Some(&session)).await
    }

    /// A command to the browser itself.
    async fn browser_call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None).await
    }

    async fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = Value::from(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("send to chromium");
        loop {
            let message = self.receive().await;
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    panic!("chromium refused {method}: {error}");
                }
                return message["result"].clone();
            }
            if message.get("method").is_some() {
                self.events.push_back(message);
            }
        }
    }

    /// The first event, already received or still to come, that `wanted` accepts.
    async fn event(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.events.iter().position(&wanted) {
            return self.events.remove(at).expect("the event found");
        }
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let message = tokio::time::timeout_at(deadline, self.receive())
                .await
                .expect("chromium sent the awaited event within a minute");
            if wanted(&message) {
                return message;
            }
            if message.get("method").is_some() {
                self.events.push_back(message);
            }
        }
    }

    async fn receive(&mut self) -> Value {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str(&text).expect("chromium sends JSON");
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => panic!("the DevTools connection failed: {e}"),
                None => panic!("chromium closed the DevTools connection"),
            }
        }
    }
}

//! A stand-in for Amazon SNS on loopback, for `POST /alerts/sns` end to end: an RSA signing
//! key whose certificate it serves over TLS (a CA of its own, which warroom is told to trust
//! with `alerts.sns_trust_root`), messages signed the way AWS documents, and a record of every
//! request warroom makes to it (the certificate fetch, the `SubscribeURL` visit).
//!
//! The string to sign is built here from the JSON, apart from warroom's verifier, so a mistake
//! there is not repeated here and hidden.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::KeyPair as _;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, PublicKeyData,
    SignatureAlgorithm,
};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::server::TlsStream;

/// The topic warroom is configured to take alarms from.
pub const TOPIC: &str = "arn:aws:sns:eu-central-1:123456789012:warroom-alarms";
/// Where the stand-in serves its signing certificate, named as SNS names its own.
const CERT_PATH: &str = "/SimpleNotificationService-0123456789abcdef.pem";

/// An RSA public key as rcgen puts it in a certificate.
struct RsaPublic(Vec<u8>);

impl PublicKeyData for RsaPublic {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

/// What the stand-in serves, by path, and the path and query of every request it answered.
struct Site {
    files: HashMap<&'static str, String>,
    requests: Mutex<Vec<String>>,
}

/// A stand-in SNS on `https://127.0.0.1:PORT`.
pub struct StandInSns {
    key: rsa::PrivateKey,
    /// A key of someone else's, for forgeries.
    forger: rsa::PrivateKey,
    site: Arc<Site>,
    /// `https://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    /// The CA its TLS certificate is signed by, as PEM.
    pub ca_pem: String,
}

/// A fresh 2048-bit RSA key (aws-lc makes it quickly; the `rsa` crate signs with it).
fn rsa_key() -> (rsa::PrivateKey, RsaPublic) {
    let pair = aws_lc_rs::rsa::KeyPair::generate(KeySize::Rsa2048).expect("an RSA key");
    let pkcs8 = pair.as_der().expect("the key as PKCS#8");
    let key = rsa::PrivateKey::from_pkcs8_der(pkcs8.as_ref()).expect("rsa reads the key");
    (key, RsaPublic(pair.public_key().as_ref().to_vec()))
}

impl StandInSns {
    pub async fn start() -> StandInSns {
        let (key, public) = rsa_key();
        let (forger, _) = rsa_key();

        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "stand-in SNS CA");
        let ca_pem = ca.self_signed(&ca_key).expect("CA certificate").pem();
        let issuer = Issuer::new(ca, ca_key);

        let mut signing = CertificateParams::new(Vec::<String>::new()).expect("params");
        signing
            .distinguished_name
            .push(DnType::CommonName, "sns.amazonaws.com");
        signing.not_before = rcgen::date_time_ymd(2020, 1, 1);
        signing.not_after = rcgen::date_time_ymd(3000, 1, 1);
        let signing = signing
            .signed_by(&public, &issuer)
            .expect("signing certificate")
            .pem();
        let files = HashMap::from([
            (CERT_PATH, signing),
            ("/", "<ConfirmSubscriptionResponse/>".to_string()),
        ]);

        let server_key = KeyPair::generate().expect("server key");
        let server = CertificateParams::new(vec!["127.0.0.1".to_string()])
            .expect("server params")
            .signed_by(&server_key, &issuer)
            .expect("server certificate");
        let config = ServerConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![server.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .expect("server certificate and key");

        let site = Arc::new(Site {
            files,
            requests: Mutex::default(),
        });
        let addr = serve(TlsAcceptor::from(Arc::new(config)), site.clone()).await;
        StandInSns {
            key,
            forger,
            site,
            base: format!("https://{addr}"),
            ca_pem,
        }
    }

    /// The paths (with queries) requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.site.requests.lock().expect("not poisoned").clone()
    }

    /// A Notification of `message` to `topic` as SNS POSTs it, signed (SignatureVersion 1).
    pub fn notification(&self, topic: &str, message_id: &str, message: &str) -> Value {
        let mut body = json!({
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": topic,
            "Subject": "ALARM: \"api-5xx-high\" in EU (Frankfurt)",
            "Message": message,
            "Timestamp": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "SignatureVersion": "1",
            "SigningCertURL": format!("{}{CERT_PATH}", self.base),
            "UnsubscribeURL": format!("{}/?Action=Unsubscribe&SubscriptionArn={topic}:1", self.base),
        });
        self.sign(&mut body);
        body
    }

    /// A `SubscriptionConfirmation` (sent when the subscription is made) or an
    /// `UnsubscribeConfirmation` (when it is removed), signed.
    pub fn confirmation(&self, kind: &str) -> Value {
        let mut body = json!({
            "Type": kind,
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a",
            "TopicArn": TOPIC,
            "Message": format!("You have chosen to subscribe to the topic {TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message."),
            "SubscribeURL": self.subscribe_url(),
            "Timestamp": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "SignatureVersion": "2",
            "SigningCertURL": format!("{}{CERT_PATH}", self.base),
        });
        self.sign(&mut body);
        body
    }

    /// The SubscribeURL, shaped like SNS's: `/?Action=ConfirmSubscription&…`.
    pub fn subscribe_url(&self) -> String {
        format!(
            "{}/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=2336412f37fb",
            self.base
        )
    }

    /// Sets `Signature` to SNS's signature of `body`.
    pub fn sign(&self, body: &mut Value) {
        body["Signature"] = json!(signature(&self.key, body));
    }

    /// Sets `Signature` to a signature of `body` made with a key that is not SNS's.
    pub fn forge(&self, body: &mut Value) {
        body["Signature"] = json!(signature(&self.forger, body));
    }
}

/// The signature SNS would make of `body`'s fields with `key`, as AWS documents: each signed
/// field present as `Key\nValue\n`, in the order for the message type, hashed with SHA-1 for
/// SignatureVersion 1 and SHA-256 for 2, in base64.
fn signature(key: &rsa::PrivateKey, body: &Value) -> String {
    let keys: &[&str] = if body["Type"] == "Notification" {
        &[
            "Message",
            "MessageId",
            "Subject",
            "Timestamp",
            "TopicArn",
            "Type",
        ]
    } else {
        &[
            "Message",
            "MessageId",
            "SubscribeURL",
            "Timestamp",
            "Token",
            "TopicArn",
            "Type",
        ]
    };
    let mut text = String::new();
    for name in keys {
        if let Some(value) = body[*name].as_str() {
            text.push_str(&format!("{name}\n{value}\n"));
        }
    }
    let signed = if body["SignatureVersion"] == "1" {
        SigningKey::<sha1::Sha1>::new(key.clone())
            .sign(text.as_bytes())
            .to_vec()
    } else {
        SigningKey::<rsa::sha2::Sha256>::new(key.clone())
            .sign(text.as_bytes())
            .to_vec()
    };
    STANDARD.encode(signed)
}

/// Serves `site` over TLS on a loopback port, recording every request.
async fn serve(acceptor: TlsAcceptor, site: Arc<Site>) -> SocketAddr {
    let tcp = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = tcp.local_addr().expect("local address");
    let app = Router::new()
        .fallback(|State(site): State<Arc<Site>>, uri: Uri| async move {
            site.requests
                .lock()
                .expect("not poisoned")
                .push(uri.to_string());
            match site.files.get(uri.path()) {
                Some(body) => (StatusCode::OK, body.clone()),
                None => (StatusCode::NOT_FOUND, String::new()),
            }
        })
        .with_state(site);
    tokio::spawn(async move { axum::serve(TlsListener { tcp, acceptor }, app).await });
    addr
}

/// TCP connections on loopback, after a TLS handshake.
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((socket, addr)) = self.tcp.accept().await else {
                continue;
            };
            // A client that refuses the certificate ends the handshake: nothing to serve.
            if let Ok(stream) = self.acceptor.accept(socket).await {
                return (stream, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

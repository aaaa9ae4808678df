//! A stand-in for SNS on loopback: an RSA signing key, its certificate (and an expired one)
//! served over TLS by a CA of the test's own, and messages signed the way AWS documents.
//!
//! The string to sign is built here again from the JSON, on purpose apart from
//! `signature.rs`, so a mistake there is not repeated here and hidden.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
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

use crate::sns::{SnsTrust, SnsVerifier};

/// The topic the verifier allows.
pub const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:warroom-alerts";
/// Where the stand-in serves the signing certificate, as SNS names its own.
pub const CERT_PATH: &str = "/SimpleNotificationService-0123456789abcdef.pem";
/// Where it serves a certificate for the same key that expired in 2001.
pub const EXPIRED_PATH: &str = "/SimpleNotificationService-expired.pem";
/// Where it serves a certificate for the same key that is valid from the year 4000.
pub const FUTURE_PATH: &str = "/SimpleNotificationService-future.pem";

/// The RSA public key as rcgen puts it in a certificate (the test never has rcgen sign with it).
struct RsaPublic(Vec<u8>);

impl PublicKeyData for RsaPublic {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

/// What the stand-in serves, by path, and what it was asked for: every request's path and
/// query, and every TLS connection.
struct Site {
    files: HashMap<&'static str, String>,
    requests: Mutex<Vec<String>>,
    connections: AtomicUsize,
}

/// A stand-in SNS and a verifier that trusts it (and allows [`TOPIC`]).
pub struct Sns {
    key: rsa::PrivateKey,
    site: Arc<Site>,
    /// `https://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    pub verifier: SnsVerifier,
}

impl Sns {
    pub async fn start() -> Sns {
        crate::server::install_crypto_provider();
        let signing = aws_lc_rs::rsa::KeyPair::generate(KeySize::Rsa2048).expect("an RSA key");
        let pkcs8 = signing.as_der().expect("the key as PKCS#8");
        let key = rsa::PrivateKey::from_pkcs8_der(pkcs8.as_ref()).expect("rsa reads the key");
        let public = RsaPublic(signing.public_key().as_ref().to_vec());

        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "warroom test CA");
        let ca_pem = ca.self_signed(&ca_key).expect("CA certificate").pem();
        let issuer = Issuer::new(ca, ca_key);

        let signing_cert = |from: (i32, u8, u8), until: (i32, u8, u8)| {
            let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
            params
                .distinguished_name
                .push(DnType::CommonName, "sns.amazonaws.com");
            params.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
            params.not_after = rcgen::date_time_ymd(until.0, until.1, until.2);
            params
                .signed_by(&public, &issuer)
                .expect("signing certificate")
                .pem()
        };
        let mut files = HashMap::new();
        files.insert(CERT_PATH, signing_cert((2020, 1, 1), (3000, 1, 1)));
        files.insert(EXPIRED_PATH, signing_cert((2000, 1, 1), (2001, 1, 1)));
        files.insert(FUTURE_PATH, signing_cert((4000, 1, 1), (4001, 1, 1)));
        files.insert("/", "<ConfirmSubscriptionResponse/>".to_string());

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
            connections: AtomicUsize::default(),
        });
        let addr = serve(TlsAcceptor::from(Arc::new(config)), site.clone()).await;
        let base = format!("https://{addr}");
        let verifier = SnsVerifier::new(SnsTrust {
            topics: vec![TOPIC.to_string()],
            extra_prefix: Some(format!("{base}/")),
            extra_root_pem: Some(ca_pem),
        })
        .expect("a verifier");
        Sns {
            key,
            site,
            base,
            verifier,
        }
    }

    /// The paths (with queries) requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.site.requests.lock().expect("not poisoned").clone()
    }

    /// TLS connections accepted so far.
    pub fn connections(&self) -> usize {
        self.site.connections.load(Ordering::SeqCst)
    }

    /// A notification as SNS POSTs it, signed with `version`.
    pub fn notification(&self, version: &str, subject: Option<&str>, message: &str) -> Value {
        let mut body = json!({
            "Type": "Notification",
            "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
            "TopicArn": TOPIC,
            "Message": message,
            "Timestamp": "2026-03-01T12:00:00.000Z",
            "SignatureVersion": version,
            "SigningCertURL": format!("{}{CERT_PATH}", self.base),
            "UnsubscribeURL": format!("{}/?Action=Unsubscribe&SubscriptionArn={TOPIC}:1", self.base),
        });
        if let Some(subject) = subject {
            body["Subject"] = json!(subject);
        }
        self.sign(&mut body);
        body
    }

    /// A SubscriptionConfirmation or UnsubscribeConfirmation, signed with `version`.
    pub fn confirmation(&self, kind: &str, version: &str) -> Value {
        let mut body = json!({
            "Type": kind,
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a",
            "TopicArn": TOPIC,
            "Message": format!("You have chosen to subscribe to the topic {TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message."),
            "SubscribeURL": self.subscribe_url(),
            "Timestamp": "2026-03-01T12:00:00.000Z",
            "SignatureVersion": version,
            "SigningCertURL": format!("{}{CERT_PATH}", self.base),
        });
        self.sign(&mut body);
        body
    }

    /// The stand-in's SubscribeURL, shaped like SNS's.
    pub fn subscribe_url(&self) -> String {
        format!(
            "{}/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=2336412f37fb",
            self.base
        )
    }

    /// Sets `Signature` to the signature SNS would make of `body`'s fields, as AWS documents:
    /// each signed field present as `Key\nValue\n`, in the order for the message type, hashed
    /// with SHA-1 for SignatureVersion 1 and SHA-256 otherwise.
    pub fn sign(&self, body: &mut Value) {
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
        for key in keys {
            if let Some(value) = body[*key].as_str() {
                text.push_str(&format!("{key}\n{value}\n"));
            }
        }
        let signature = if body["SignatureVersion"] == "1" {
            SigningKey::<sha1::Sha1>::new(self.key.clone())
                .sign(text.as_bytes())
                .to_vec()
        } else {
            SigningKey::<rsa::sha2::Sha256>::new(self.key.clone())
                .sign(text.as_bytes())
                .to_vec()
        };
        body["Signature"] = json!(STANDARD.encode(signature));
    }
}

/// Serves `site` over TLS on a loopback port, recording every request in it.
async fn serve(acceptor: TlsAcceptor, site: Arc<Site>) -> SocketAddr {
    let tcp = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = tcp.local_addr().expect("local address");
    let listener = TlsListener {
        tcp,
        acceptor,
        site: site.clone(),
    };
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
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// TCP connections on loopback after a TLS handshake, counted.
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    site: Arc<Site>,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((socket, addr)) = self.tcp.accept().await else {
                continue;
            };
            self.site.connections.fetch_add(1, Ordering::SeqCst);
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

//! Certificates for TLS health targets: a test CA and a server certificate for 127.0.0.1
//! with a chosen lifetime, made fresh for each test.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A server certificate for 127.0.0.1 signed by a CA of its own.
pub struct ServerCerts {
    /// The CA certificate as PEM: what a client must trust to accept the server.
    pub ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
}

impl ServerCerts {
    /// A CA and a server certificate that expires `days` days from now.
    pub fn expiring_in(days: i64) -> ServerCerts {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "warroom test CA");
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca, ca_key);

        let key = KeyPair::generate().expect("server key");
        let mut server = CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
        // An hour past the whole days, so "days left" reads `days` for the next hour.
        let end = Utc::now() + TimeDelta::days(days) + TimeDelta::hours(1);
        server.not_after = rcgen::date_time_ymd(1970, 1, 1)
            + std::time::Duration::from_secs(end.timestamp().try_into().expect("after 1970"));
        let cert = server.signed_by(&key, &issuer).expect("server certificate");
        ServerCerts {
            ca_pem: ca_cert.pem(),
            chain: vec![cert.der().clone()],
            key: key.serialize_der(),
        }
    }

    pub fn acceptor(&self) -> TlsAcceptor {
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.clone()));
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), key)
            .expect("server certificate and key");
        TlsAcceptor::from(Arc::new(config))
    }
}

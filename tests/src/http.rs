//! Small HTTP servers on loopback that stand in for services' health endpoints.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How a stand-in endpoint answers every request.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
    /// Never answer at all (reads the request, then holds the connection).
    pub hang: bool,
}

impl Answer {
    pub fn json(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.to_string(),
            delay: Duration::ZERO,
            hang: false,
        }
    }

    pub fn after(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }

    pub fn hung() -> Answer {
        Answer {
            hang: true,
            ..Answer::json(200, "{}")
        }
    }
}

/// Starts a server on 127.0.0.1 answering every request with `answer`; it lives as long as
/// the runtime that started it.
pub async fn serve(answer: Answer) -> SocketAddr {
    listen(move |socket| respond(socket, answer.clone())).await
}

/// Like [`serve`], over TLS with the given certificate chain and key.
pub async fn serve_tls(answer: Answer, certs: &crate::tls::ServerCerts) -> SocketAddr {
    let acceptor = certs.acceptor();
    listen(move |socket| {
        let (acceptor, answer) = (acceptor.clone(), answer.clone());
        async move {
            // A client that refuses the certificate ends the handshake: nothing to answer.
            if let Ok(stream) = acceptor.accept(socket).await {
                respond(stream, answer).await;
            }
        }
    })
    .await
}

/// Binds a loopback port and runs `connection` on a task for every connection.
async fn listen<F, Fut>(connection: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(connection(socket));
        }
    });
    addr
}

/// Reads one request and writes `answer` (or holds the connection, for a hung endpoint).
async fn respond<S: AsyncRead + AsyncWrite + Unpin>(mut socket: S, answer: Answer) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    if answer.hang {
        tokio::time::sleep(Duration::from_secs(600)).await;
        return;
    }
    tokio::time::sleep(answer.delay).await;
    let response = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        answer.status,
        answer.body.len(),
        answer.body
    );
    let _ = socket.write_all(response.as_bytes()).await;
    let _ = socket.shutdown().await;
}

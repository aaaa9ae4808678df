//! Who may read incident pages. Nothing is public.
//!
//! A post-mortem names people, systems and mistakes, so every request carries either the
//! operator's credentials (a bearer token or basic auth, for people who review incidents
//! regularly; they open everything) or a signed link that warroom posts in the incident
//! channel. A signed link opens one incident — its page and its two downloads — until it
//! expires, and nothing else, so a link forwarded beyond the channel exposes one incident for a
//! bounded time.
//!
//! The link's `sig` parameter is `EXPIRY.SIG`: EXPIRY in unix seconds and SIG the hex HMAC-SHA256 of
//! `"{number}:{expiry}"` keyed by `link_secret`. warroom keeps no table of issued links, so a
//! restart does not revoke them; rotating `link_secret` does. Every secret comparison takes the
//! same time whatever the guess, so timing a refusal tells an attacker nothing.

use std::fmt;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2_next::{Digest, Sha256};
use warroom_commands::incident::IncidentId;

/// How incident pages are opened. With none of the three set every request is refused.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PageAuth {
    /// Keys signed links; without it no link is accepted.
    pub link_secret: Option<String>,
    /// `Authorization: Bearer <token>` opens every page.
    pub bearer_token: Option<String>,
    /// `Authorization: Basic` with this user and password opens every page.
    pub basic: Option<(String, String)>,
}

/// Secrets stay out of logs and panics.
impl fmt::Debug for PageAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |on: bool| if on { "set" } else { "unset" };
        f.debug_struct("PageAuth")
            .field("link_secret", &set(self.link_secret().is_some()))
            .field("bearer_token", &set(self.bearer_token().is_some()))
            .field("basic", &set(self.basic().is_some()))
            .finish()
    }
}

/// What a request asks to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The list of incidents, or anything that is not one incident: credentials only.
    List,
    /// One incident's page or downloads: credentials, or a link signed for it.
    Incident(IncidentId),
}

/// Why a request was let in; a page opened by a link carries the link's token into its own
/// links, so the downloads work for the same reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    Credentials,
    SignedLink,
}

/// Why a request was refused, as the sentence the reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("This page needs a signed link from warroom or the configured credentials.")]
    NotAllowed,
    #[error("This link has expired; ask warroom for a new one (/incident postmortem posts one).")]
    Expired,
}

/// Why a token does not open an incident. Only [`TokenError::Expired`] is told to the reader:
/// the others all mean "not a link warroom made for this incident".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    BadSignature,
    Expired,
}

impl PageAuth {
    /// Empty settings count as unset: an empty HMAC key would let anyone sign links, and an
    /// empty bearer token would match `Authorization: Bearer `.
    fn link_secret(&self) -> Option<&str> {
        self.link_secret.as_deref().filter(|s| !s.is_empty())
    }

    fn bearer_token(&self) -> Option<&str> {
        self.bearer_token.as_deref().filter(|s| !s.is_empty())
    }

    fn basic(&self) -> Option<(&str, &str)> {
        self.basic
            .as_ref()
            .filter(|(user, password)| !user.is_empty() && !password.is_empty())
            .map(|(user, password)| (user.as_str(), password.as_str()))
    }

    /// Whether a refusal should invite the browser to ask for a user name and password.
    pub fn offers_basic(&self) -> bool {
        self.basic().is_some()
    }

    /// Lets a request in by its `Authorization` header, or by the `token` of a signed link
    /// when it asks for the incident the link was signed for.
    pub fn check(
        &self,
        authorization: Option<&str>,
        token: Option<&str>,
        resource: Resource,
        now: DateTime<Utc>,
    ) -> Result<Grant, Refusal> {
        if authorization.is_some_and(|header| self.credentials_match(header)) {
            return Ok(Grant::Credentials);
        }
        let (Some(token), Resource::Incident(id), Some(secret)) =
            (token, resource, self.link_secret())
        else {
            return Err(Refusal::NotAllowed);
        };
        match verify_token(secret, id, token, now) {
            Ok(()) => Ok(Grant::SignedLink),
            Err(TokenError::Expired) => Err(Refusal::Expired),
            Err(TokenError::Malformed | TokenError::BadSignature) => Err(Refusal::NotAllowed),
        }
    }

    fn credentials_match(&self, header: &str) -> bool {
        let Some((scheme, value)) = header.trim().split_once(' ') else {
            return false;
        };
        let value = value.trim();
        if scheme.eq_ignore_ascii_case("bearer") {
            self.bearer_token()
                .is_some_and(|token| same(token.as_bytes(), value.as_bytes()))
        } else if scheme.eq_ignore_ascii_case("basic") {
            self.basic().is_some_and(|(user, password)| {
                let expected = base64(format!("{user}:{password}").as_bytes());
                same(expected.as_bytes(), value.as_bytes())
            })
        } else {
            false
        }
    }
}

/// The `token` query value that opens incident `id` until `expires`.
pub fn sign_token(secret: &str, id: IncidentId, expires: DateTime<Utc>) -> String {
    let expiry = expires.timestamp();
    let signature = signer(secret, id, expiry).finalize().into_bytes();
    format!("{expiry}.{}", hex(&signature))
}

/// A link that opens incident `id` until `expires`: `{base_url}/incidents/{number}?sig=…`.
pub fn signed_link(base_url: &str, secret: &str, id: IncidentId, expires: DateTime<Utc>) -> String {
    format!(
        "{}/incidents/{}?sig={}",
        base_url.trim_end_matches('/'),
        id.0,
        sign_token(secret, id, expires)
    )
}

/// Accepts a token that `secret` signed for `id` and that has not expired at `now`. The
/// signature is checked first, so "expired" is only ever said about a genuine link.
pub fn verify_token(
    secret: &str,
    id: IncidentId,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), TokenError> {
    let (expiry, signature) = token.split_once('.').ok_or(TokenError::Malformed)?;
    // Digits only, so one expiry has exactly one spelling.
    if expiry.is_empty() || !expiry.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TokenError::Malformed);
    }
    let expiry: i64 = expiry.parse().map_err(|_| TokenError::Malformed)?;
    let signature = unhex(signature).ok_or(TokenError::Malformed)?;
    signer(secret, id, expiry)
        .verify_slice(&signature)
        .map_err(|_| TokenError::BadSignature)?;
    if now.timestamp() >= expiry {
        return Err(TokenError::Expired);
    }
    Ok(())
}

fn signer(secret: &str, id: IncidentId, expiry: i64) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{}:{expiry}", id.0).as_bytes());
    mac
}

/// Compares two secrets in time that depends on neither: both are hashed to 32 bytes first, so
/// not even a length difference returns early.
fn same(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |diff, (x, y)| diff | (x ^ y))
        == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// Standard base64 with padding, as browsers and HTTP clients write basic credentials.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    const SECRET: &str = "link-secret";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-22T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn auth() -> PageAuth {
        PageAuth {
            link_secret: Some(SECRET.into()),
            bearer_token: Some("reviewer-token".into()),
            basic: Some(("ops".into(), "hunter2".into())),
        }
    }

    #[test]
    fn a_signed_token_opens_its_incident_until_it_expires() {
        let token = sign_token(SECRET, IncidentId(7), now() + TimeDelta::hours(1));
        assert_eq!(verify_token(SECRET, IncidentId(7), &token, now()), Ok(()));
        let later = now() + TimeDelta::hours(1);
        assert_eq!(
            verify_token(SECRET, IncidentId(7), &token, later),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn a_token_opens_no_other_incident_and_no_other_secret_signs_it() {
        let token = sign_token(SECRET, IncidentId(7), now() + TimeDelta::hours(1));
        assert_eq!(
            verify_token(SECRET, IncidentId(8), &token, now()),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            verify_token("another secret", IncidentId(7), &token, now()),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let token = sign_token(SECRET, IncidentId(7), now() + TimeDelta::hours(1));
        let (expiry, signature) = token.split_once('.').unwrap();
        let later: i64 = expiry.parse::<i64>().unwrap() + 86_400;
        let extended = format!("{later}.{signature}");
        assert_eq!(
            verify_token(SECRET, IncidentId(7), &extended, now()),
            Err(TokenError::BadSignature),
            "moving the expiry breaks the signature"
        );
        let mut flipped = token.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(
            verify_token(SECRET, IncidentId(7), &flipped, now()),
            Err(TokenError::BadSignature)
        );
        for malformed in ["", "123", ".abcd", "+123.ab", "123.xyz", "123.abc", "1.é"] {
            assert_eq!(
                verify_token(SECRET, IncidentId(7), malformed, now()),
                Err(TokenError::Malformed),
                "{malformed:?}"
            );
        }
    }

    #[test]
    fn signed_links_join_the_base_url_either_way() {
        let expires = now() + TimeDelta::hours(1);
        let token = sign_token(SECRET, IncidentId(7), expires);
        let want = format!("https://warroom.example/incidents/7?sig={token}");
        assert_eq!(
            signed_link("https://warroom.example", SECRET, IncidentId(7), expires),
            want
        );
        assert_eq!(
            signed_link("https://warroom.example/", SECRET, IncidentId(7), expires),
            want
        );
    }

    #[test]
    fn credentials_open_everything_and_links_open_one_incident() {
        let auth = auth();
        let token = sign_token(SECRET, IncidentId(7), now() + TimeDelta::hours(1));
        let basic = format!("Basic {}", base64(b"ops:hunter2"));
        for resource in [Resource::List, Resource::Incident(IncidentId(9))] {
            assert_eq!(
                auth.check(Some("Bearer reviewer-token"), None, resource, now()),
                Ok(Grant::Credentials)
            );
            assert_eq!(
                auth.check(Some(&basic), None, resource, now()),
                Ok(Grant::Credentials)
            );
        }
        assert_eq!(
            auth.check(None, Some(&token), Resource::Incident(IncidentId(7)), now()),
            Ok(Grant::SignedLink)
        );
        assert_eq!(
            auth.check(None, Some(&token), Resource::List, now()),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            auth.check(None, Some(&token), Resource::Incident(IncidentId(8)), now()),
            Err(Refusal::NotAllowed)
        );
        let late = now() + TimeDelta::days(1);
        assert_eq!(
            auth.check(None, Some(&token), Resource::Incident(IncidentId(7)), late),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn wrong_or_missing_credentials_are_refused() {
        let auth = auth();
        let wrong_password = format!("Basic {}", base64(b"ops:hunter3"));
        for header in [
            "Bearer reviewer-tokeN",
            "Bearer ",
            "Bearer",
            "reviewer-token",
            "Token reviewer-token",
            wrong_password.as_str(),
        ] {
            assert_eq!(
                auth.check(Some(header), None, Resource::List, now()),
                Err(Refusal::NotAllowed),
                "{header:?}"
            );
        }
        assert_eq!(
            auth.check(None, None, Resource::Incident(IncidentId(7)), now()),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn with_nothing_configured_nothing_opens() {
        let empty = PageAuth {
            link_secret: Some(String::new()),
            bearer_token: Some(String::new()),
            basic: Some((String::new(), String::new())),
        };
        for auth in [PageAuth::default(), empty] {
            let forged = sign_token("", IncidentId(7), now() + TimeDelta::hours(1));
            assert_eq!(
                auth.check(
                    Some("Bearer "),
                    Some(&forged),
                    Resource::Incident(IncidentId(7)),
                    now()
                ),
                Err(Refusal::NotAllowed)
            );
            let basic = format!("Basic {}", base64(b":"));
            assert_eq!(
                auth.check(Some(&basic), None, Resource::List, now()),
                Err(Refusal::NotAllowed)
            );
            assert!(!auth.offers_basic());
        }
    }

    #[test]
    fn base64_matches_what_http_clients_send() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(
            base64(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn debug_output_keeps_secrets_out() {
        let shown = format!("{:?}", auth());
        assert!(!shown.contains("hunter2") && !shown.contains("reviewer-token"));
        assert!(!shown.contains(SECRET));
    }
}

//! The page frame every incident page shares, and the escaping all of them rely on.
//!
//! Pages are read on a phone in the middle of an incident or days later in a review, on
//! machines that may be offline, so a page is one HTML document: no scripts, no fonts, no
//! external stylesheets, one narrow column. They are built as strings rather than with a
//! template engine because there are few of them and they are small; the rule that keeps that
//! safe is that every value that came from a person (titles, names, notes, summaries) passes
//! through [`escape`] on its way into markup, and nothing else is allowed to.
//!
//! The response headers here keep the pages private: signed links carry their token in the
//! URL, so no referrer leaves a page and no cache keeps one, and the content security policy
//! refuses anything but the inline style even if an escape were ever missed.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::auth::{PageAuth, Refusal};

/// Only the page's own inline `<style>`: no script, image, frame or connection of any kind.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

const STYLE: &str = r#"
:root { color-scheme: light dark; --line: #8888; --muted: #777; --key: #c0392b; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 1em; }
main { max-width: 40em; margin: 0 auto; overflow-wrap: break-word; }
h1 { font-size: 1.35em; line-height: 1.25; margin: 0.2em 0 0.6em; }
h2 { font-size: 1.15em; margin: 1.6em 0 0.5em; }
h3, h4 { font-size: 1em; margin: 1.2em 0 0.4em; }
a { color: inherit; }
.muted, .meta, time { color: var(--muted); font-size: 0.9em; }
nav { margin: 0.5em 0 1em; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.5em; align-items: end; margin-bottom: 1em; }
form.filters label { display: flex; flex-direction: column; font-size: 0.85em; }
form.filters input, form.filters select, form.filters button { font: inherit; }
ol.incidents { list-style: none; padding: 0; margin: 0; }
ol.incidents li { border-bottom: 1px solid var(--line); padding: 0.6em 0; }
ol.incidents a { display: block; text-decoration: none; }
ol.incidents .id { font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 1.2em; border-left: 2px solid var(--line); }
ol.timeline li { position: relative; margin: 0 0 0.9em; }
ol.timeline li.entry::before { content: ""; position: absolute; left: calc(-1.2em - 6px); top: 0.45em;
  width: 10px; height: 10px; border-radius: 50%; background: var(--line); }
ol.timeline li.key::before { background: var(--key); }
ol.timeline .kind { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
ol.timeline li.key .kind { color: var(--key); font-weight: 600; }
ol.timeline .text { margin: 0.1em 0 0; white-space: pre-wrap; }
ol.timeline li.gap { color: var(--muted); font-style: italic; font-size: 0.9em; }
.postmortem table { border-collapse: collapse; width: 100%; font-size: 0.9em; display: block; overflow-x: auto; }
.postmortem th, .postmortem td { border: 1px solid var(--line); padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
code { font-family: ui-monospace, monospace; font-size: 0.9em; }
"#;

/// Makes text safe anywhere in an HTML body or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole document around `body`, which must already be markup (its parts escaped).
pub fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// An HTML page with `status`.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        document(title, body),
    )
        .into_response()
}

/// A page that says one thing.
pub fn sentence(status: StatusCode, title: &str, sentence: &str) -> Response {
    page(
        status,
        title,
        &format!("<h1>{}</h1>\n<p>{}</p>", escape(title), escape(sentence)),
    )
}

/// 401 with the reason; the browser is invited to ask for a password only when one would work.
pub fn refused(auth: &PageAuth, refusal: Refusal) -> Response {
    let mut response = sentence(
        StatusCode::UNAUTHORIZED,
        "Not allowed",
        &refusal.to_string(),
    );
    if auth.offers_basic() {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"warroom\""),
        );
    }
    response
}

pub fn not_found(what: &str) -> Response {
    sentence(StatusCode::NOT_FOUND, "Not found", what)
}

/// Adds the privacy headers to every response of the incident pages, refusals included.
pub async fn privacy_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (HeaderName::from_static("x-frame-options"), "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_open_markup() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("P1 🔴 plain"), "P1 🔴 plain");
    }

    #[test]
    fn the_title_is_escaped_in_the_frame() {
        let html = document("<b>", "<p>body</p>");
        assert!(html.contains("<title>&lt;b&gt;</title>"));
        assert!(html.contains("<main>\n<p>body</p>\n</main>"));
        assert!(html.contains("width=device-width"));
    }
}

//! Hiding secrets in database URLs before they reach a message or a log line.

/// The URL with its password replaced by `***`, for messages and logs:
/// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db`. A `password=`
/// query parameter is hidden too. Anything that is not a URL with a password is returned as is.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let authority_start = scheme_end + 3;
    // The last `@` ends the user info, even when an unencoded password holds `/`, `?` or `@`:
    // hiding too much is better than showing a password.
    let mut redacted = String::with_capacity(url.len());
    redacted.push_str(&url[..authority_start]);
    let host_start = match url[authority_start..].rfind('@') {
        Some(at) => {
            let userinfo = &url[authority_start..authority_start + at];
            match userinfo.split_once(':') {
                Some((user, _password)) => {
                    redacted.push_str(user);
                    redacted.push_str(":***");
                }
                None => redacted.push_str(userinfo),
            }
            authority_start + at
        }
        None => authority_start,
    };
    let rest = &url[host_start..];
    let query_start = rest.find(['?', '#']).unwrap_or(rest.len());
    redacted.push_str(&rest[..query_start]);
    redacted.push_str(&redact_query(&rest[query_start..]));
    redacted
}

/// `?sslmode=require&password=x` → `?sslmode=require&password=***`.
fn redact_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut start = 0;
    for (i, c) in query.char_indices() {
        if matches!(c, '?' | '&' | '#') {
            out.push_str(&redact_param(&query[start..i]));
            out.push(c);
            start = i + 1;
        }
    }
    out.push_str(&redact_param(&query[start..]));
    out
}

fn redact_param(param: &str) -> String {
    match param.split_once('=') {
        Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
        _ => param.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact as redact_url;

    #[test]
    fn redacts_the_password_and_nothing_else() {
        assert_eq!(
            redact_url("postgres://user:secret@host/db"),
            "postgres://user:***@host/db"
        );
        assert_eq!(
            redact_url("postgresql://user:p@ss/w0?rd@host:5432/db?sslmode=require"),
            "postgresql://user:***@host:5432/db?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://host/db?user=me&password=secret&sslmode=require"),
            "postgres://host/db?user=me&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://user@host/db"),
            "postgres://user@host/db"
        );
        assert_eq!(redact_url("sqlite://warroom.db"), "sqlite://warroom.db");
        assert_eq!(redact_url("sqlite:warroom.db"), "sqlite:warroom.db");
        assert_eq!(redact_url("not a url"), "not a url");
    }
}

//! Secrets out of anything that is echoed: URLs, and strings that only look
//! like one.

/// Replace every secret in a URL, or in a string that merely looks like one,
/// with `***`: the password (all of the user info up to the last `@` is
/// suspect, since an unencoded `@` or `/` in a password would otherwise split
/// it; a lone user info is the password, as redis-cli reads it) and the
/// values of query parameters (`?pass=…`), except harmless ones like `db`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let at = rest.rfind('@');
    let query = rest.find('?');
    if let (Some(at), Some(q)) = (at, query) {
        if q < at {
            // `?` before the last `@`: in the password, or an `@` in the query.
            // Either way nothing after the scheme can be shown safely.
            return format!("{scheme}***");
        }
    }
    let (userinfo, hostpart) = match at {
        Some(at) => {
            let userinfo = &rest[..at];
            let redacted = match userinfo.split_once(':') {
                Some((user, _)) if !user.contains('/') => format!("{user}:***@"),
                _ => "***@".to_string(),
            };
            (redacted, &rest[at + 1..])
        }
        None => (String::new(), rest),
    };
    let unix = scheme.contains("unix");
    let hostpart = match hostpart.split_once('?') {
        Some((host, query)) => format!("{}?{}", redact_location(host, unix), redact_query(query)),
        None => redact_location(hostpart, unix),
    };
    format!("{scheme}{userinfo}{hostpart}")
}

/// `host[:port][/db]` is shown; anything else there (a password typed where
/// the host goes, `;password=…` after the db) is hidden. A socket path is shown.
pub(super) fn redact_location(location: &str, unix: bool) -> String {
    if unix {
        return location.to_string();
    }
    let (authority, path) = match location.find('/') {
        Some(i) => location.split_at(i),
        None => (location, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, _)) if !h.ends_with(']') && h.contains(':') => (authority, None),
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let host_ok = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    let port_ok = port.is_none_or(|p| p.chars().all(|c| c.is_ascii_digit()));
    let authority = if host_ok && port_ok { authority } else { "***" };
    let path_ok = path.len() <= 1 || path[1..].chars().all(|c| c.is_ascii_digit() || c == '-');
    format!("{authority}{}", if path_ok { path } else { "/***" })
}

/// `k=v&k2=v2` with every value but the harmless ones replaced by `***`.
pub(super) fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if matches!(k, "db" | "protocol" | "insecure") && !v.is_empty() => {
                format!("{k}={v}")
            }
            Some((k, _)) => format!("{k}=***"),
            // A bare word could be anything, a password included.
            None if pair.is_empty() => String::new(),
            None => "***".to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction() {
        assert_eq!(redact_url("redis://u:secret@h:1/2"), "redis://u:***@h:1/2");
        assert_eq!(redact_url("redis://:secret@h:1"), "redis://:***@h:1");
        assert_eq!(redact_url("redis://secret@h:1"), "redis://***@h:1");
        assert_eq!(redact_url("redis://h:1"), "redis://h:1");
        assert_eq!(redact_url("rediss://u:p@ss@h"), "rediss://u:***@h");
        assert_eq!(redact_url("redis://u:p@ss/x@h:1"), "redis://u:***@h:1");
        assert!(!redact_url("redis://u:p@ss/x@h:1").contains("ss/x"));
        assert_eq!(
            redact_url("redis+unix:///s?pass=SECRET&db=x"),
            "redis+unix:///s?pass=***&db=x"
        );
        assert_eq!(
            redact_url("app:S3cret@10.0.0.5:6379"),
            "app:***@10.0.0.5:6379"
        );
        assert_eq!(redact_url("S3cret@h"), "***@h");
        assert_eq!(redact_url("redis://u:pa?ss@h"), "redis://***");
        assert_eq!(redact_url("redis://h?pass=a@b"), "redis://***");
        assert_eq!(redact_url("redis://h?SECRET&db=1"), "redis://h?***&db=1");
        assert_eq!(redact_url("plain-host"), "plain-host");
        // A password where the host goes, or after the db, is hidden too.
        assert_eq!(redact_url("redis://pw:S3CRET"), "redis://***");
        assert_eq!(
            redact_url("redis://127.0.0.1:1/;password=S3CRET"),
            "redis://127.0.0.1:1/***"
        );
        assert_eq!(redact_url("redis://[::1]:6379/2"), "redis://[::1]:6379/2");
        assert_eq!(redact_url("redis://h:1/-1"), "redis://h:1/-1");
        assert_eq!(
            redact_url("redis+unix:///run/redis.sock"),
            "redis+unix:///run/redis.sock"
        );
    }
}

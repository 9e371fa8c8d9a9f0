//! The two response headers the connection rules read: `Content-Type` and
//! `Retry-After`.

use core::time::Duration;

/// Whether a `Content-Type` header value's MIME type essence is
/// `text/event-stream`, by the WHATWG rules: Fetch's "extract a MIME type"
/// (values combined with commas: the last one that parses counts, `*/*`
/// skipped) and MIME Sniffing's "parse a MIME type" (HTTP whitespace
/// trimmed, type and subtype HTTP tokens compared case-insensitively,
/// parameters such as `charset=utf-8` allowed).
///
/// ```
/// use ssekit::connection::is_event_stream;
/// assert!(is_event_stream("text/event-stream"));
/// assert!(is_event_stream(" Text/Event-Stream ;charset=UTF-8"));
/// assert!(!is_event_stream("text/event-stream-x"));
/// assert!(!is_event_stream("text/plain, text/event-stream/"));
/// ```
pub fn is_event_stream(content_type: &str) -> bool {
    let bytes = content_type.as_bytes();
    let (mut last, mut start, mut quoted, mut escaped) = (None, 0, false, false);
    for i in 0..=bytes.len() {
        match bytes.get(i) {
            _ if escaped => escaped = false,
            Some(b'\\') if quoted => escaped = true,
            Some(b'"') => quoted = !quoted,
            Some(b',') if quoted => {}
            Some(b',') | None => {
                match essence(bytes.get(start..i).unwrap_or_default()) {
                    Some((b"*", b"*")) | None => {}
                    found => last = found,
                }
                start = i + 1;
            }
            Some(_) => {}
        }
    }
    last.is_some_and(|(ty, sub)| {
        ty.eq_ignore_ascii_case(b"text") && sub.eq_ignore_ascii_case(b"event-stream")
    })
}

/// MIME Sniffing's "parse a MIME type", up to the essence: `(type, subtype)`.
fn essence(value: &[u8]) -> Option<(&[u8], &[u8])> {
    let value = trim_http_whitespace(value);
    let slash = value.iter().position(|&b| b == b'/')?;
    let (ty, rest) = value.split_at(slash);
    let sub = trim_end(rest.get(1..)?.split(|&b| b == b';').next()?);
    let token = |s: &[u8]| {
        !s.is_empty()
            && s.iter().all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    (token(ty) && token(sub)).then_some((ty, sub))
}

/// HTTP whitespace: tab, LF, CR, space (not form feed).
fn is_http_whitespace(b: &u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

fn trim_end(s: &[u8]) -> &[u8] {
    let end = s.iter().rposition(|b| !is_http_whitespace(b)).map_or(0, |i| i + 1);
    s.get(..end).unwrap_or_default()
}

fn trim_http_whitespace(s: &[u8]) -> &[u8] {
    let s = trim_end(s);
    s.get(s.iter().position(|b| !is_http_whitespace(b)).unwrap_or(s.len())..).unwrap_or_default()
}

/// Parses a `Retry-After` value in its delta-seconds form (`"120"`); `None`
/// for anything else, the HTTP-date form included.
///
/// ```
/// use core::time::Duration;
/// assert_eq!(ssekit::connection::parse_retry_after(" 120 "), Some(Duration::from_secs(120)));
/// assert_eq!(ssekit::connection::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let digits = value.trim_matches([' ', '\t']);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs =
        digits.bytes().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    Some(Duration::from_secs(secs))
}

//! Layer 2: a line → a comment, a blank line, or a field (name and value).
//!
//! From the WHATWG processing rules ("Interpreting an event stream"):
//!
//! > If the line is empty (a blank line): dispatch the event.
//! > If the line starts with a U+003A COLON character (:): ignore the line.
//! > If the line contains a U+003A COLON character (:): collect the
//! > characters on the line before the first U+003A COLON character (:), and
//! > let field be that string. Collect the characters on the line after the
//! > first U+003A COLON character (:), and let value be that string. If value
//! > starts with a U+0020 SPACE character, remove it from value.
//! > Otherwise, the string is not empty but does not contain a U+003A COLON
//! > character (:): use the whole line as the field name, and the empty
//! > string as the field value.
//!
//! Everything here works on raw bytes: `:`, space and the field names are
//! ASCII, and a UTF-8 decoder never turns other bytes into them, so deciding
//! on bytes and decoding values afterwards gives the same result as decoding
//! first.

/// The four field names the specification gives a meaning to; names are
/// compared exactly (case-sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Name {
    Event,
    Data,
    Id,
    Retry,
    /// Any other name: the field is ignored.
    Other,
}

impl Name {
    fn of(name: &[u8]) -> Self {
        match name {
            b"data" => Self::Data,
            b"event" => Self::Event,
            b"id" => Self::Id,
            b"retry" => Self::Retry,
            _ => Self::Other,
        }
    }
}

/// A classified line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind<'a> {
    /// An empty line: dispatch.
    Blank,
    /// A comment: everything after the leading colon, untouched.
    Comment(&'a [u8]),
    /// A field, with one leading space removed from its value.
    Field { name: Name, value: &'a [u8] },
}

/// Splits one complete line (without its terminator).
pub(crate) fn split(line: &[u8]) -> Kind<'_> {
    // Fast paths first: the blank line that ends every event, and `data:`,
    // most lines of most streams; both skip the search for the colon.
    let Some(&first) = line.first() else {
        return Kind::Blank;
    };
    if let Some(value) = line.strip_prefix(b"data:") {
        return Kind::Field { name: Name::Data, value: strip_space(value) };
    }
    if first == b':' {
        return Kind::Comment(&line[1..]);
    }
    match memchr::memchr(b':', line) {
        None => Kind::Field { name: Name::of(line), value: &[] },
        Some(colon) => {
            Kind::Field { name: Name::of(&line[..colon]), value: strip_space(&line[colon + 1..]) }
        }
    }
}

/// "If value starts with a U+0020 SPACE character, remove it from value."
fn strip_space(value: &[u8]) -> &[u8] {
    value.strip_prefix(b" ").unwrap_or(value)
}

/// The `retry` rule: "If the field value consists of only ASCII digits, then
/// interpret the field value as an integer in base ten, and set the event
/// stream's reconnection time to that integer. Otherwise, ignore the field."
///
/// An empty value is ignored. A value too large for `u64` saturates at
/// `u64::MAX` milliseconds: the specification's integer is unbounded, and the
/// nearest representable reading of "a very long time" is the largest one.
/// (Chromium ignores such a value instead, and resets to its default on an
/// empty one.)
pub(crate) fn parse_retry(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        value
            .iter()
            .fold(0u64, |n, digit| n.saturating_mul(10).saturating_add(u64::from(digit - b'0'))),
    )
}

/// The `id` rule: "If the field value does not contain U+0000 NULL, then set
/// the last event ID buffer to the field value. Otherwise, ignore the field."
pub(crate) fn id_is_valid(value: &[u8]) -> bool {
    memchr::memchr(0, value).is_none()
}

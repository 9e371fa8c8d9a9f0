//! Writing event streams: the [`Encoder`].
//!
//! The encoder is the parser's mirror image: whatever it writes, the parser
//! reads back as the same events (with CR and CRLF inside data normalised to
//! LF, the only line end a parsed value can contain). It writes into any
//! [`BufMut`] (a `BytesMut`, a `Vec<u8>`) and allocates nothing itself.
//!
//! It refuses, with a typed [`EncodeError`] and without writing anything,
//! what cannot be encoded faithfully: an event type or id with a line break
//! (newline injection through these fields is a known class of SSE server
//! vulnerability: a `\n` in an attacker-controlled id would let them forge
//! events), and an id with NUL (which the parser must ignore).
//!
//! ```
//! use bytes::BytesMut;
//! use ssekit::{Encoder, Event};
//!
//! let mut out = BytesMut::new();
//! let mut encoder = Encoder::new();
//! encoder.retry(&mut out, 3000);
//! encoder.comment(&mut out, " keep-alive");
//! encoder.event(&mut out, &Event::new("update", "line 1\nline 2", "7")).unwrap();
//! assert_eq!(
//!     &out[..],
//!     b"retry: 3000\n: keep-alive\nevent: update\nid: 7\ndata: line 1\ndata: line 2\n\n"
//! );
//! // Newline injection is refused, and nothing is written.
//! assert!(encoder.event(&mut out, &Event::new("x\ndata: forged", "", "")).is_err());
//! ```

use crate::{Event, Str};
use bytes::BufMut;

/// Why the [`Encoder`] refused to write an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The event type contains CR or LF, which would end the `event:` line
    /// early and let the rest be read as further fields.
    #[error("event type contains a line break")]
    EventTypeLineBreak,
    /// The id contains CR or LF.
    #[error("event id contains a line break")]
    IdLineBreak,
    /// The id contains NUL: the parser would ignore the `id` field.
    #[error("event id contains NUL")]
    IdNul,
}

/// Writes events, comments and `retry` fields as event-stream bytes.
///
/// The encoder remembers the last id it wrote, because an event's
/// [`id`](Event::id) is the stream's *last event ID* at that point, which
/// carries over from earlier events: it writes an `id` field only when the
/// id changes (an empty one as a bare `id` line, which resets it). Use one
/// encoder per stream.
#[derive(Debug, Clone, Default)]
pub struct Encoder {
    last_id: Str,
}

impl Encoder {
    /// An encoder for a new stream (last event ID `""`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes one event: `event:` (omitted for `"message"` or an empty
    /// type), `id:` when it changed, one `data:` line per line of data
    /// (split at CR, LF and CRLF; the space after the colon is always
    /// written, so data starting with a space keeps it), and the blank line
    /// that dispatches it. Empty data still makes an event (`data: `).
    ///
    /// # Errors
    ///
    /// [`EncodeError`] if the type or id contains a line break or the id
    /// contains NUL; nothing is written then.
    pub fn event(&mut self, buf: &mut impl BufMut, event: &Event) -> Result<(), EncodeError> {
        let (event_type, id) = (event.event_type().as_bytes(), event.id().as_bytes());
        if has_line_break(event_type) {
            return Err(EncodeError::EventTypeLineBreak);
        }
        if has_line_break(id) {
            return Err(EncodeError::IdLineBreak);
        }
        if memchr::memchr(0, id).is_some() {
            return Err(EncodeError::IdNul);
        }
        if !event_type.is_empty() && event_type != b"message" {
            field(buf, b"event", event_type);
        }
        if self.last_id != *event.id() {
            if id.is_empty() {
                buf.put_slice(b"id\n");
            } else {
                field(buf, b"id", id);
            }
            self.last_id.clone_from(event.id());
        }
        for line in lines(event.data().as_bytes()) {
            field(buf, b"data", line);
        }
        buf.put_u8(b'\n');
        Ok(())
    }

    /// Writes a comment: `:` and the text, one comment line per line of
    /// text. The text is written as is, so include the customary leading
    /// space yourself (`" keep-alive"` becomes `: keep-alive`); this way a
    /// comment the parser reported is forwarded byte for byte.
    pub fn comment(&mut self, buf: &mut impl BufMut, text: &str) {
        for line in lines(text.as_bytes()) {
            buf.put_u8(b':');
            buf.put_slice(line);
            buf.put_u8(b'\n');
        }
    }

    /// Writes a `retry` field: the client should wait this many
    /// milliseconds before reconnecting.
    pub fn retry(&mut self, buf: &mut impl BufMut, ms: u64) {
        buf.put_slice(b"retry: ");
        let mut digits = [0u8; 20];
        let mut n = ms;
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        buf.put_slice(&digits[at..]);
        buf.put_u8(b'\n');
    }

    /// The id the next event is compared with: the last one written.
    pub fn last_event_id(&self) -> &Str {
        &self.last_id
    }
}

fn has_line_break(value: &[u8]) -> bool {
    memchr::memchr2(b'\n', b'\r', value).is_some()
}

fn field(buf: &mut impl BufMut, name: &[u8], value: &[u8]) {
    buf.put_slice(name);
    buf.put_slice(b": ");
    buf.put_slice(value);
    buf.put_u8(b'\n');
}

/// The lines of `text`, split at CRLF, LF and lone CR. Always at least one.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let text = rest?;
        match memchr::memchr2(b'\n', b'\r', text) {
            None => {
                rest = None;
                Some(text)
            }
            Some(at) => {
                let skip =
                    if text[at] == b'\r' && text.get(at + 1) == Some(&b'\n') { 2 } else { 1 };
                rest = Some(&text[at + skip..]);
                Some(&text[..at])
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn encode(events: &[Event]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = Encoder::new();
        for event in events {
            encoder.event(&mut out, event).unwrap();
        }
        out
    }

    #[test]
    fn data_lines_split_at_every_line_end() {
        assert_eq!(
            encode(&[Event::new("", "a\r\nb\rc\nd", "")]),
            b"data: a\ndata: b\ndata: c\ndata: d\n\n"
        );
        assert_eq!(encode(&[Event::new("", "", "")]), b"data: \n\n");
        assert_eq!(encode(&[Event::new("", "\n", "")]), b"data: \ndata: \n\n");
        assert_eq!(encode(&[Event::new("", " x", "")]), b"data:  x\n\n");
    }

    #[test]
    fn ids_are_written_when_they_change() {
        let events =
            [Event::new("t", "1", "a"), Event::new("t", "2", "a"), Event::new("t", "3", "")];
        assert_eq!(
            encode(&events),
            b"event: t\nid: a\ndata: 1\n\nevent: t\ndata: 2\n\nevent: t\nid\ndata: 3\n\n"
        );
    }

    #[test]
    fn injection_is_refused_without_writing() {
        let mut out = Vec::new();
        let mut encoder = Encoder::new();
        for (event, err) in [
            (Event::new("a\rb", "", ""), EncodeError::EventTypeLineBreak),
            (Event::new("", "", "1\ndata: x"), EncodeError::IdLineBreak),
            (Event::new("", "", "1\0"), EncodeError::IdNul),
        ] {
            assert_eq!(encoder.event(&mut out, &event), Err(err));
        }
        assert!(out.is_empty());
    }

    #[test]
    fn comments_and_retry() {
        let mut out = Vec::new();
        let mut encoder = Encoder::new();
        encoder.comment(&mut out, "a\nb");
        encoder.retry(&mut out, 0);
        encoder.retry(&mut out, u64::MAX);
        assert_eq!(out, b":a\n:b\nretry: 0\nretry: 18446744073709551615\n");
    }
}

//! The one error type of the parser: a limit was exceeded, or (in strict
//! mode) a line was not valid UTF-8.
//!
//! Malformed syntax is never an error: the event-stream format gives every
//! byte sequence a meaning, so the parser always prefers *a* parse over *no*
//! parse. Each error drops exactly one event (the block of lines it occurred
//! in) and parsing continues with the next block.

/// Why the parser dropped an event.
///
/// Returned by [`Parser::next_item`](crate::Parser::next_item) and
/// [`Parser::next_event`](crate::Parser::next_event) in stream order, at the
/// point where the offending line completes. After an error the parser
/// ignores the rest of the current block (up to the next blank line), then
/// parses normally again: keep calling `next_item`.
///
/// What "dropped" means precisely: no event is dispatched for the block. Its
/// fields processed *before* the offending line have taken effect (an `id`
/// there updates the last event ID at the block's blank line, as it would
/// for any block; a `retry` there was reported); its fields *after* it are
/// ignored, `id` and `retry` included, because nothing in a block is
/// trusted once part of it has been lost. The rule is the same whatever the
/// chunking, and the reference model in `tests/` implements it too.
///
/// Every offset is a byte offset into the stream (counted from its first
/// byte, a byte-order mark included) of the first byte of the offending line,
/// so errors are the same whatever way the input was chunked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line was longer than the configured
    /// [`max_line_len`](crate::ParserBuilder::max_line_len).
    ///
    /// The line was skipped as it streamed in, never buffered whole; `size`
    /// is its full length, so you know what limit would have admitted it.
    #[error("line of {size} bytes at offset {offset} exceeds the line limit of {limit} bytes")]
    LineTooLong {
        /// The configured limit, in bytes.
        limit: usize,
        /// The length of the line, in bytes, without its terminator.
        size: u64,
        /// Stream offset of the line's first byte.
        offset: u64,
    },
    /// The data of one event would have grown past the configured
    /// [`max_event_size`](crate::ParserBuilder::max_event_size).
    ///
    /// `size` is the length the event's data would have had with this `data`
    /// line included, counting the `\n` that joins data lines.
    #[error(
        "event data of {size} bytes at offset {offset} exceeds the event limit of {limit} bytes"
    )]
    EventTooLarge {
        /// The configured limit, in bytes.
        limit: usize,
        /// The data size the event would have had, in bytes.
        size: u64,
        /// Stream offset of the first byte of the `data` line that crossed the
        /// limit.
        offset: u64,
    },
    /// A line was not valid UTF-8 and the parser was built with
    /// [`strict_utf8(true)`](crate::ParserBuilder::strict_utf8).
    ///
    /// (By default invalid bytes are replaced with U+FFFD, as the
    /// specification requires, and this error never occurs.)
    #[error("invalid UTF-8 in the line at offset {offset}")]
    InvalidUtf8 {
        /// Stream offset of the line's first byte.
        offset: u64,
    },
}

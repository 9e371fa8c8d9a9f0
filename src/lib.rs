//! A sans-IO parser for `text/event-stream` (Server-Sent Events), the format
//! behind streaming LLM APIs, live dashboards and notification feeds.
//!
//! # Overview
//!
//! You feed bytes as they arrive, in whatever chunks your transport gives
//! you, and pull what they complete:
//!
//! ```text
//! bytes ──feed──▶ line scanner ──▶ field splitter ──▶ event assembly ──next_item──▶ Item
//!                 (line.rs)        (field.rs)         (parser.rs)
//! ```
//!
//! The [`Parser`] does no IO, starts no threads and reads no clock, so it
//! works the same under tokio, in a blocking client, in a proxy, in a test
//! or in `no_std` firmware. It follows the WHATWG rules exactly: a leading
//! BOM, CR / LF / CRLF line ends (also a CRLF split across two chunks),
//! multi-byte UTF-8 split across chunks, `id` with NUL, `retry` with digits
//! only, events split across any number of chunks.
//!
//! # Example: feeding chunks
//!
//! ```
//! use ssekit::{Item, Parser};
//!
//! let mut parser = Parser::new();
//! let mut seen = Vec::new();
//! // The stream arrives in arbitrary pieces: here, mid-field and mid-CRLF.
//! for chunk in [&b"retry: 3000\r\nid: 1\r\nevent: delta\r\nda"[..], b"ta: {\"text\":\"Hi\"}\r", b"\n\r\n"] {
//!     parser.feed(chunk);
//!     while let Some(item) = parser.next_item() {
//!         match item {
//!             Ok(Item::Event(event)) => seen.push((event.event_type().to_string(), event.data().to_string())),
//!             Ok(Item::Retry(ms)) => assert_eq!(ms, 3000),
//!             Ok(_) => {}
//!             Err(err) => eprintln!("dropped an event: {err}"),
//!         }
//!     }
//! }
//! assert_eq!(seen, [("delta".to_string(), "{\"text\":\"Hi\"}".to_string())]);
//! assert_eq!(parser.last_event_id(), "1");
//! ```
//!
//! # Example: end of stream
//!
//! Call [`Parser::finish`] when the connection closes. A partial last event
//! is discarded, as the specification requires, and
//! [`Parser::last_event_id`] and [`Parser::retry`] tell a client how to
//! reconnect.
//!
//! ```
//! let mut parser = ssekit::Parser::new();
//! parser.feed(b"id: 41\ndata: complete\n\nid: 42\ndata: cut off");
//! parser.finish();
//! let events: Vec<_> = parser.items().collect::<Result<_, _>>().unwrap();
//! assert_eq!(events.len(), 1);
//! // Send `Last-Event-ID: 41` when reconnecting, after `retry` ms.
//! assert_eq!(parser.last_event_id(), "41");
//! assert_eq!(parser.retry(), None);
//! ```
//!
//! # Example: zero-copy with `Bytes`
//!
//! [`Parser::feed_bytes`] takes the chunk by reference count; a value that
//! lies inside it is handed out as a view, not a copy.
//!
//! ```
//! use bytes::Bytes;
//!
//! let chunk = Bytes::from(format!("data: {}\n\n", "x".repeat(1000)));
//! let mut parser = ssekit::Parser::new();
//! parser.feed_bytes(chunk.clone());
//! let event = parser.next_event().unwrap().unwrap();
//! assert_eq!(event.data().as_bytes().as_ptr(), chunk[6..].as_ptr());
//! ```
//!
//! # Example: borrowed events, the fastest way through a stream
//!
//! A caller that looks at each event and lets it go (a proxy that filters
//! or forwards, a client that parses the JSON in place) can borrow events
//! instead of owning them: [`Parser::next_event_ref`] and
//! [`Parser::next_item_ref`] lend an [`EventRef`] / [`ItemRef`] valid until
//! the next call on the parser. No reference count is touched and nothing
//! is allocated, even for events cut by a chunk boundary;
//! [`EventRef::to_event`] keeps one when needed.
//!
//! ```
//! let mut parser = ssekit::Parser::new();
//! let mut total = 0;
//! for chunk in [&b"data: {\"n\":1}\n\ndata: {\"n\""[..], b":2}\n\n"] {
//!     parser.feed(chunk);
//!     while let Some(event) = parser.next_event_ref() {
//!         let event = event.expect("no limit is hit here");
//!         // e.g. serde_json::from_slice(event.data_bytes())
//!         total += event.data_bytes().len();
//!     }
//! }
//! assert_eq!(total, 14);
//! ```
//!
//! # Limits and errors
//!
//! No input makes the parser panic, loop or grow without bound. Lines longer
//! than [`ParserBuilder::max_line_len`] and events larger than
//! [`ParserBuilder::max_event_size`] are skipped as they stream in and
//! reported as an [`Error`] that names the limit, the size and the stream
//! offset; only the offending event is dropped and parsing continues.
//!
//! ```
//! let mut parser = ssekit::Parser::builder().max_line_len(16).build();
//! parser.feed(b"data: this line is far too long\n\ndata: ok\n\n");
//! assert!(matches!(
//!     parser.next_event(),
//!     Some(Err(ssekit::Error::LineTooLong { size: 31, offset: 0, .. }))
//! ));
//! assert_eq!(parser.next_event().unwrap().unwrap().data(), "ok");
//! ```
//!
//! # UTF-8
//!
//! The stream is decoded as UTF-8 with replacement (each maximal invalid
//! sequence becomes U+FFFD), allocating only when bytes really are invalid.
//! [`ParserBuilder::strict_utf8`] makes invalid UTF-8 an
//! [`Error::InvalidUtf8`] instead. Event fields are [`Str`]s: cheap to clone,
//! stored inline when short.
//!
//! # Conformance
//!
//! The rules are those of the WHATWG HTML standard, section "Server-sent
//! events" (<https://html.spec.whatwg.org/multipage/server-sent-events.html>),
//! "Parsing an event stream" and "Interpreting an event stream". Choices the
//! standard leaves open: a `retry` value too large for `u64` saturates at
//! `u64::MAX`, an empty `retry` is ignored. The repository's `spec-vectors/`
//! hold the conformance vectors, each run under every chunking.
//!
//! # Beyond the parser
//!
//! * [`Encoder`] writes events, comments and `retry` fields; what it writes
//!   parses back to the same events, and it refuses ([`EncodeError`]) types
//!   and ids that would inject line breaks.
//! * Adapters that only move bytes in and items out: [`io::EventReader`]
//!   over any [`std::io::Read`], `stream::EventStream` over a stream of
//!   chunks (e.g. `reqwest::Response::bytes_stream()`), `codec::SseCodec`
//!   for `tokio_util`'s `FramedRead` / `FramedWrite`.
//! * [`Connection`], the other half of an `EventSource`: the WHATWG
//!   connection rules (which request, which response, when to reconnect,
//!   with which `Last-Event-ID`) as a sans-IO state machine, and
//!   `client::EventSource`, that machine over reqwest and tokio. The
//!   [`connection`] module documents both.
//!
//! # Crate features
//!
//! * `std` (default): `std::error::Error` for [`Error`], std support in
//!   `bytes` and `memchr`, and the [`io`] adapter. Without it the crate is
//!   `#![no_std]` and needs only `alloc`.
//! * `simd-utf8`: values of 64 bytes and more are checked to be UTF-8 by
//!   the `simdutf8` crate, with the widest vector instructions the CPU has,
//!   instead of the standard library (adds `simdutf8`; implies `std`, for
//!   the run-time CPU detection). Results are the same; LLM streams and
//!   long multi-line events are parsed about 15–50 % faster.
//! * `stream`: the `futures_core::Stream` adapter (adds `futures-core`).
//! * `codec`: the `tokio_util::codec` adapter (adds `tokio-util`).
//! * `reqwest`: `client::EventSource`, a reconnecting client over reqwest
//!   (adds `reqwest` without default features, `tokio` with timers, and
//!   `futures-core`).
//! * `cli`: the `ssekit` command-line tool (adds `lexopt`, `serde_json`,
//!   `rustls` and the `reqwest` feature, with https through rustls and a
//!   tokio runtime). Build it with `cargo install ssekit --features cli`.
//!
//! The library builds with Rust 1.85 (`rust-version`); the `reqwest` and
//! `cli` features need 1.88, for reqwest's own dependencies.
//!
//! # The one `unsafe`
//!
//! The crate is `#![deny(unsafe_code)]`. One private function in
//! `src/text.rs` turns bytes that were just checked to be UTF-8, or that a
//! [`Str`] was built from, into a `&str` without checking them again, so
//! that [`Str::as_str`] and the [`EventRef`] accessors are free. Its
//! invariant is argued there, re-checked by a debug assertion, and the
//! tests run under Miri in CI.

#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
// The library is `no_std`: reach for `core`/`alloc` first (tests may use std).
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]
#![doc(test(attr(deny(warnings))))]
// docs.rs builds with `--cfg docsrs` (Cargo.toml): label feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod encode;
mod error;
mod event;
mod field;
mod line;
mod parser;
mod text;

#[cfg(feature = "reqwest")]
pub mod client;
#[cfg(feature = "codec")]
pub mod codec;
pub mod connection;
#[cfg(feature = "std")]
pub mod io;
#[cfg(feature = "stream")]
pub mod stream;

pub use crate::connection::{Connection, ConnectionBuilder, ReadyState};
pub use crate::encode::{EncodeError, Encoder};
pub use crate::error::Error;
pub use crate::event::{Event, EventRef, Item, ItemRef};
pub use crate::parser::{
    Items, Parser, ParserBuilder, DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_LEN,
};
pub use crate::text::Str;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

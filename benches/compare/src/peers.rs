//! One driver per parser: each pushes the prepared chunks through the
//! parser's own API, pulls every event and reads it the way that parser's
//! users do: data, id and event type as the `&str` its public API gives
//! (for ssekit: `Event::data().as_str()` and friends on owned events, the
//! `&str` accessors of `EventRef` on borrowed ones), each consumed by
//! [`read_str`] and tallied. The ssekit rows that read bytes instead are
//! diagnostics ([`Kind::SsekitBytes`]) and are never compared with a peer.
//!
//! Async-only parsers are driven by [`drain`]: a poll loop with a no-op
//! waker over an in-memory source that is always ready, so no executor,
//! timer or channel is involved and what is timed is the parser.

use crate::workloads::{read_bytes, read_str, Expected};
use bytes::Bytes;
use core::cell::Cell;
use core::convert::Infallible;
use core::pin::{pin, Pin};
use core::task::{Context, Poll, Waker};
use futures_core::Stream;
use futures_io::{AsyncBufRead, AsyncRead};
use std::io;
use std::time::Instant;

/// What one pass produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Events, and bytes of their data as read: what the checking pass
    /// compares with the generator's count.
    pub(crate) tally: Expected,
    /// Bytes of id and event type read (not checked: parsers differ on
    /// whether the id carries over and how a default type is given).
    pub(crate) meta_bytes: u64,
    /// Errors the parser reported (none is expected on these workloads).
    pub(crate) errors: u64,
}

impl Outcome {
    /// An event read as text: its data, id and type.
    #[inline]
    fn text(&mut self, data: &str, id: &str, event_type: &str) {
        self.tally.events += 1;
        self.tally.data_bytes += read_str(data);
        self.meta_bytes += read_str(id) + read_str(event_type);
    }

    /// An event read as bytes: the diagnostic rows only.
    #[inline]
    fn bytes(&mut self, data: &[u8], id: &[u8], event_type: &[u8]) {
        self.tally.events += 1;
        self.tally.data_bytes += read_bytes(data);
        self.meta_bytes += read_bytes(id) + read_bytes(event_type);
    }
}

/// An optional field as the `&str` a user would match on.
#[inline]
fn or_empty(field: Option<&str>) -> &str {
    field.unwrap_or_default()
}

/// A time limit for the checking pass, so that a parser that is quadratic
/// on some feeding is reported as too slow instead of stalling the run.
/// Checked every 256 chunks (a pass with one chunk cannot be cut short,
/// but then nothing is quadratic either).
#[derive(Debug)]
pub(crate) struct Budget {
    deadline: Option<Instant>,
    expired: Cell<bool>,
}

impl Budget {
    pub(crate) fn new(deadline: Option<Instant>) -> Self {
        Self { deadline, expired: Cell::new(false) }
    }

    /// Whether chunk `i` may still be fed.
    #[inline]
    pub(crate) fn go(&self, i: usize) -> bool {
        if i % 256 == 0 {
            if let Some(deadline) = self.deadline {
                if Instant::now() > deadline {
                    self.expired.set(true);
                }
            }
        }
        !self.expired.get()
    }

    pub(crate) fn expired(&self) -> bool {
        self.expired.get()
    }
}

/// How a parser takes its input.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Run {
    /// Borrowed chunks.
    Slices(fn(&[&[u8]], &Budget) -> Outcome),
    /// Owned `Bytes` chunks (views of one shared buffer, made before the
    /// clock starts).
    Bytes(fn(Vec<Bytes>, &Budget) -> Outcome),
}

/// How ssekit's events are pulled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pull {
    /// `next_event()`: owned `Event`s.
    Owned,
    /// `next_event_ref()`: borrowed `EventRef`s.
    Borrowed,
}

impl Pull {
    pub(crate) fn call(self) -> &'static str {
        match self {
            Self::Owned => "next_event",
            Self::Borrowed => "next_event_ref",
        }
    }
}

/// What a row of the report is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// ssekit, events read as `&str`: the figures compared with the peers.
    Ssekit(Pull),
    /// ssekit, events read as bytes (`as_bytes()`, `data_bytes()`): a
    /// diagnostic of what reading text costs; never compared with a peer.
    SsekitBytes(Pull),
    Peer,
    /// The `memchr2` floor: not a parser, not checked.
    Limit,
}

/// One parser, driven one way.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Contender {
    /// The crate.
    pub(crate) name: &'static str,
    /// The API driven, for the report.
    pub(crate) api: &'static str,
    pub(crate) kind: Kind,
    /// For ssekit: the feeding call, as the report names it.
    pub(crate) label: &'static str,
    pub(crate) run: Run,
}

/// Every parser compared, ssekit first, the `limit` last.
pub(crate) fn contenders() -> Vec<Contender> {
    vec![
        Contender {
            name: "ssekit",
            api: "`Parser::feed(&[u8])` + `next_event()`; `event.data().as_str()`, `.id().as_str()`, `.event_type().as_str()`",
            kind: Kind::Ssekit(Pull::Owned),
            label: "feed",
            run: Run::Slices(ssekit_feed),
        },
        Contender {
            name: "ssekit",
            api: "`Parser::feed_bytes(Bytes)` + `next_event()`; `event.data().as_str()`, `.id().as_str()`, `.event_type().as_str()`",
            kind: Kind::Ssekit(Pull::Owned),
            label: "feed_bytes",
            run: Run::Bytes(ssekit_feed_bytes),
        },
        Contender {
            name: "ssekit",
            api: "`Parser::feed(&[u8])` + `next_event_ref()`; `event.data()`, `.id()`, `.event_type()` (`&str`)",
            kind: Kind::Ssekit(Pull::Borrowed),
            label: "feed",
            run: Run::Slices(ssekit_feed_ref),
        },
        Contender {
            name: "ssekit",
            api: "`Parser::feed_bytes(Bytes)` + `next_event_ref()`; `event.data()`, `.id()`, `.event_type()` (`&str`)",
            kind: Kind::Ssekit(Pull::Borrowed),
            label: "feed_bytes",
            run: Run::Bytes(ssekit_feed_bytes_ref),
        },
        Contender {
            name: "ssekit",
            api: "diagnostic: `Parser::feed_bytes(Bytes)` + `next_event()`; `event.data().as_bytes()`, `.id().as_bytes()`, `.event_type().as_bytes()`",
            kind: Kind::SsekitBytes(Pull::Owned),
            label: "feed_bytes",
            run: Run::Bytes(ssekit_feed_bytes_raw),
        },
        Contender {
            name: "ssekit",
            api: "diagnostic: `Parser::feed_bytes(Bytes)` + `next_event_ref()`; `event.data_bytes()`, `.id_bytes()`, `.event_type_bytes()`",
            kind: Kind::SsekitBytes(Pull::Borrowed),
            label: "feed_bytes",
            run: Run::Bytes(ssekit_feed_bytes_ref_raw),
        },
        Contender {
            name: "sse-core",
            api: "`SseDecoder::next(&mut &[u8])` (sans-IO); `message.data`, `.last_event_id` (`Option<Arc<str>>`), `.event` (`Cow<str>`)",
            kind: Kind::Peer,
            label: "",
            run: Run::Slices(sse_core),
        },
        Contender {
            name: "sse-parse",
            api: "`SseParser::feed(&[u8])` + `next_event()` (sans-IO); `event.data`, `.id`, `.event` (`String`)",
            kind: Kind::Peer,
            label: "",
            run: Run::Slices(sse_parse),
        },
        Contender {
            name: "sse-stream",
            api: "`SseByteStream` over a stream of `&[u8]`; `sse.data`, `.id`, `.event` (`Option<String>`)",
            kind: Kind::Peer,
            label: "",
            run: Run::Slices(sse_stream),
        },
        Contender {
            name: "sseer",
            api: "`event_stream::EventStream` over a stream of `Bytes`; `event.data`, `.id`, `.event` (`bytes_utils::Str`, deref to `&str`)",
            kind: Kind::Peer,
            label: "",
            run: Run::Bytes(sseer),
        },
        Contender {
            name: "eventsource-stream",
            api: "`EventStream` over a stream of `&[u8]`; `event.data`, `.id`, `.event` (`String`)",
            kind: Kind::Peer,
            label: "",
            run: Run::Slices(eventsource_stream),
        },
        Contender {
            name: "async-sse",
            api: "`decode(AsyncBufRead)`, the reader yielding the chunks; `str::from_utf8(message.data())` (its data is `&[u8]` only), `.id()`, `.name()` (`String`)",
            kind: Kind::Peer,
            label: "",
            run: Run::Slices(async_sse),
        },
        Contender {
            name: "sse-codec",
            api: "`SSECodec` as a `futures_codec::Decoder` on a `BytesMut` (what `FramedRead` does); `data`, `id` (`Option<String>`), `event` (`String`)",
            kind: Kind::Peer,
            label: "",
            run: Run::Slices(sse_codec),
        },
        Contender {
            name: "limit",
            api: "`memchr::memchr2(b'\\n', b'\\r', ..)` counting line ends",
            kind: Kind::Limit,
            label: "",
            run: Run::Slices(limit),
        },
    ]
}

/// Polls a stream to its end with a no-op waker; the sources here are
/// always ready. Stops early when the budget runs out (a parser can be
/// quadratic in its own buffer even when fed one chunk).
fn drain<S: Stream>(stream: S, budget: &Budget, mut each: impl FnMut(S::Item)) {
    let mut stream = pin!(stream);
    let mut cx = Context::from_waker(Waker::noop());
    for polls in 0usize.. {
        if !budget.go(polls) {
            return;
        }
        match stream.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(item)) => each(item),
            Poll::Ready(None) => return,
            Poll::Pending => panic!("an in-memory source never pends"),
        }
    }
}

/// An iterator as an always-ready stream of `Ok` items.
struct Source<I>(I);

impl<I: Iterator + Unpin> Stream for Source<I> {
    type Item = Result<I::Item, Infallible>;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.next().map(Ok))
    }
}

/// The chunks, while the budget lasts.
fn budgeted<'a, T: 'a, I>(chunks: I, budget: &'a Budget) -> impl Iterator<Item = T> + Unpin + 'a
where
    I: IntoIterator<Item = T> + 'a,
    I::IntoIter: Unpin,
{
    chunks.into_iter().enumerate().take_while(|(i, _)| budget.go(*i)).map(|(_, c)| c)
}

// ---------------------------------------------------------------- ssekit

// Each drain reads the fields through the accessor a user calls: on an
// owned `Event`, `data()` is a `&Str` and `as_str()` gives the `&str`
// (`Str::len` would skip the text and must not be used here).

#[inline]
fn ssekit_drain(parser: &mut ssekit::Parser, out: &mut Outcome) {
    while let Some(item) = parser.next_event() {
        match item {
            Ok(event) => {
                out.text(event.data().as_str(), event.id().as_str(), event.event_type().as_str());
            }
            Err(_) => out.errors += 1,
        }
    }
}

#[inline]
fn ssekit_drain_ref(parser: &mut ssekit::Parser, out: &mut Outcome) {
    while let Some(item) = parser.next_event_ref() {
        match item {
            Ok(event) => out.text(event.data(), event.id(), event.event_type()),
            Err(_) => out.errors += 1,
        }
    }
}

/// Diagnostic: owned events read as bytes.
#[inline]
fn ssekit_drain_raw(parser: &mut ssekit::Parser, out: &mut Outcome) {
    while let Some(item) = parser.next_event() {
        match item {
            Ok(event) => out.bytes(
                event.data().as_bytes(),
                event.id().as_bytes(),
                event.event_type().as_bytes(),
            ),
            Err(_) => out.errors += 1,
        }
    }
}

/// Diagnostic: borrowed events read as bytes.
#[inline]
fn ssekit_drain_ref_raw(parser: &mut ssekit::Parser, out: &mut Outcome) {
    while let Some(item) = parser.next_event_ref() {
        match item {
            Ok(event) => {
                out.bytes(event.data_bytes(), event.id_bytes(), event.event_type_bytes());
            }
            Err(_) => out.errors += 1,
        }
    }
}

// How ssekit's events are pulled (owned or borrowed) is a type parameter,
// not a function pointer: a pointer kept the pull loop from being inlined
// into the feeding loop, a call per chunk that no peer's loop pays.

fn ssekit_slices<D>(chunks: &[&[u8]], budget: &Budget, drain: D) -> Outcome
where
    D: Fn(&mut ssekit::Parser, &mut Outcome),
{
    let mut out = Outcome::default();
    let mut parser = ssekit::Parser::new();
    for chunk in budgeted(chunks.iter().copied(), budget) {
        parser.feed(chunk);
        drain(&mut parser, &mut out);
    }
    parser.finish();
    drain(&mut parser, &mut out);
    out
}

fn ssekit_bytes<D>(chunks: Vec<Bytes>, budget: &Budget, drain: D) -> Outcome
where
    D: Fn(&mut ssekit::Parser, &mut Outcome),
{
    let mut out = Outcome::default();
    let mut parser = ssekit::Parser::new();
    for chunk in budgeted(chunks, budget) {
        parser.feed_bytes(chunk);
        drain(&mut parser, &mut out);
    }
    parser.finish();
    drain(&mut parser, &mut out);
    out
}

fn ssekit_feed(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    ssekit_slices(chunks, budget, ssekit_drain)
}

fn ssekit_feed_bytes(chunks: Vec<Bytes>, budget: &Budget) -> Outcome {
    ssekit_bytes(chunks, budget, ssekit_drain)
}

fn ssekit_feed_ref(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    ssekit_slices(chunks, budget, ssekit_drain_ref)
}

fn ssekit_feed_bytes_ref(chunks: Vec<Bytes>, budget: &Budget) -> Outcome {
    ssekit_bytes(chunks, budget, ssekit_drain_ref)
}

fn ssekit_feed_bytes_raw(chunks: Vec<Bytes>, budget: &Budget) -> Outcome {
    ssekit_bytes(chunks, budget, ssekit_drain_raw)
}

fn ssekit_feed_bytes_ref_raw(chunks: Vec<Bytes>, budget: &Budget) -> Outcome {
    ssekit_bytes(chunks, budget, ssekit_drain_ref_raw)
}

// ---------------------------------------------------------------- peers

/// sse-core: `SseDecoder::next(&mut impl Buf)` consumes the chunk and keeps
/// partial state itself. Its default payload limit (512 KiB) is raised to
/// ssekit's 16 MiB event limit.
fn sse_core(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    use sse_core::{SseDecoder, SseEvent};
    let mut out = Outcome::default();
    let limit = core::num::NonZeroUsize::new(ssekit::DEFAULT_MAX_EVENT_SIZE).unwrap();
    let mut decoder = SseDecoder::with_limit(limit);
    for chunk in budgeted(chunks.iter().copied(), budget) {
        let mut buf = chunk;
        while let Some(item) = decoder.next(&mut buf) {
            match item {
                Ok(SseEvent::Message(message)) => out.text(
                    &message.data,
                    or_empty(message.last_event_id.as_deref()),
                    &message.event,
                ),
                Ok(SseEvent::Retry(_)) => {}
                Err(_) => out.errors += 1,
            }
        }
    }
    out
}

/// sse-parse: `feed` scans the chunk and queues the events it completes.
fn sse_parse(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    let mut out = Outcome::default();
    let mut parser = sse_parse::SseParser::new();
    for chunk in budgeted(chunks.iter().copied(), budget) {
        parser.feed(chunk);
        while let Some(event) = parser.next_event() {
            out.text(&event.data, &event.id, &event.event);
        }
    }
    parser.finish();
    while let Some(event) = parser.next_event() {
        out.text(&event.data, &event.id, &event.event);
    }
    out
}

/// sse-stream: yields raw blocks, metadata-only ones included; an event is
/// a block with `data`.
fn sse_stream(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    let mut out = Outcome::default();
    let stream = sse_stream::SseByteStream::new(Source(budgeted(chunks.iter().copied(), budget)));
    drain(stream, budget, |item| match item {
        Ok(sse) => {
            if let Some(data) = &sse.data {
                out.text(data, or_empty(sse.id.as_deref()), or_empty(sse.event.as_deref()));
            }
        }
        Err(_) => out.errors += 1,
    });
    out
}

/// sseer: its stream takes `Into<Bytes>` items and slices values out of them.
fn sseer(chunks: Vec<Bytes>, budget: &Budget) -> Outcome {
    let mut out = Outcome::default();
    let stream = sseer::event_stream::EventStream::new(Source(budgeted(chunks, budget)));
    drain(stream, budget, |item| match item {
        Ok(event) => out.text(&event.data, &event.id, &event.event),
        Err(_) => out.errors += 1,
    });
    out
}

fn eventsource_stream(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    let mut out = Outcome::default();
    let stream =
        eventsource_stream::EventStream::new(Source(budgeted(chunks.iter().copied(), budget)));
    drain(stream, budget, |item| match item {
        Ok(event) => out.text(&event.data, &event.id, &event.event),
        Err(_) => out.errors += 1,
    });
    out
}

/// An `AsyncBufRead` whose `fill_buf` hands out the chunks one by one, as
/// a socket reader would.
struct ChunkReader<'a, I> {
    chunks: I,
    current: &'a [u8],
}

impl<'a, I: Iterator<Item = &'a [u8]> + Unpin> AsyncBufRead for ChunkReader<'a, I> {
    fn poll_fill_buf(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        while this.current.is_empty() {
            match this.chunks.next() {
                Some(chunk) => this.current = chunk,
                None => break,
            }
        }
        Poll::Ready(Ok(this.current))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        this.current = &this.current[amt..];
    }
}

impl<'a, I: Iterator<Item = &'a [u8]> + Unpin> AsyncRead for ChunkReader<'a, I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let Poll::Ready(Ok(available)) = self.as_mut().poll_fill_buf(cx) else {
            unreachable!("always ready");
        };
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

/// async-sse: `decode` reads lines from an `AsyncBufRead`.
fn async_sse(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    let mut out = Outcome::default();
    let reader = ChunkReader { chunks: budgeted(chunks.iter().copied(), budget), current: &[] };
    drain(async_sse::decode(reader), budget, |item| match item {
        // Its data is bytes only: a user who wants the text checks it again.
        Ok(async_sse::Event::Message(message)) => match core::str::from_utf8(message.data()) {
            Ok(data) => out.text(data, or_empty(message.id().as_deref()), message.name()),
            Err(_) => out.errors += 1,
        },
        Ok(async_sse::Event::Retry(_)) => {}
        Err(_) => out.errors += 1,
    });
    out
}

/// sse-codec: the `Decoder` half of its codec, fed the way `FramedRead`
/// feeds it (append to a `BytesMut`, decode until `None`), without the
/// `AsyncRead` copy in between.
fn sse_codec(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    use futures_codec::{BytesMut, Decoder};
    use sse_codec::{Event, SSECodec};
    let mut out = Outcome::default();
    let mut codec = SSECodec::default();
    let mut buf = BytesMut::new();
    for chunk in budgeted(chunks.iter().copied(), budget) {
        buf.extend_from_slice(chunk);
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(Event::Message { data, id, event })) => {
                    out.text(&data, or_empty(id.as_deref()), &event);
                }
                Ok(Some(Event::Retry { .. })) => {}
                Ok(None) => break,
                Err(_) => out.errors += 1,
            }
        }
    }
    // The end of the stream: a partial last line is discarded.
    while let Ok(Some(Event::Message { data, id, event })) = codec.decode_eof(&mut buf) {
        out.text(&data, or_empty(id.as_deref()), &event);
    }
    out
}

// ---------------------------------------------------------------- limit

/// Line ends found by `memchr2`, chunk by chunk, in `events`.
fn limit(chunks: &[&[u8]], budget: &Budget) -> Outcome {
    let mut out = Outcome::default();
    for chunk in budgeted(chunks.iter().copied(), budget) {
        let mut rest = chunk;
        while let Some(i) = memchr::memchr2(b'\n', b'\r', rest) {
            out.tally.events += 1;
            rest = &rest[i + 1..];
        }
    }
    out
}

//! The checks behind the fuzz targets, shared with `tests/fuzz_regressions.rs`.
//!
//! One file, included with `#[path]` by every fuzz target (`fuzz/fuzz_targets/*.rs`) and by the
//! main crate's regression test, so that a committed corpus or crash input is replayed by plain
//! `cargo test` through exactly the checks the fuzzer ran. The including crate must also include
//! the reference model, `tests/common/model.rs`, as `crate::model`.
//!
//! Every `check_*` function takes the raw fuzz input, reads its options from the first bytes
//! (see [`Options`], [`Plan`], [`Adversary`]) and panics on the first violation. Any byte string
//! is a valid input for every check.

use crate::model::{self, ModelConfig, ModelItem};
use bytes::Bytes;
use ssekit::{Error, Event, Item, Parser, Str, DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_LEN};

/// Limits chosen by the selector bytes `0xC0..=0xFF` (cycled); `0..=0xBF` stand for themselves.
const LARGE_LIMITS: [usize; 8] = [
    usize::MAX,
    DEFAULT_MAX_LINE_LEN,
    DEFAULT_MAX_EVENT_SIZE,
    255,
    256,
    4096,
    65536,
    usize::MAX - 1,
];

fn limit(selector: u8) -> usize {
    match selector {
        0..=0xBF => usize::from(selector),
        _ => LARGE_LIMITS[usize::from(selector - 0xC0) % LARGE_LIMITS.len()],
    }
}

/// Parser options, read from the first [`Options::LEN`] bytes of an input.
///
/// * byte 0, flags: bit 0 `emit_comments`, bit 1 `strict_utf8`, bit 2 feed with `feed_bytes`
///   (zero-copy) instead of `feed`;
/// * byte 1, `max_line_len`; byte 2, `max_event_size`: `0..=0xBF` is the limit itself (small
///   limits), `0xC0..=0xFF` picks a large one (`usize::MAX`, the defaults, 255, 256, 4096, ...).
///
/// Missing bytes read as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Options {
    pub(crate) max_line_len: usize,
    pub(crate) max_event_size: usize,
    pub(crate) emit_comments: bool,
    pub(crate) strict_utf8: bool,
    /// Feed with `Parser::feed_bytes` rather than `Parser::feed`.
    pub(crate) feed_bytes: bool,
}

impl Options {
    /// Header length in bytes.
    pub(crate) const LEN: usize = 3;

    /// The options and the rest of the input.
    pub(crate) fn split(data: &[u8]) -> (Self, &[u8]) {
        let byte = |i: usize| data.get(i).copied().unwrap_or(0);
        let flags = byte(0);
        let options = Self {
            max_line_len: limit(byte(1)),
            max_event_size: limit(byte(2)),
            emit_comments: flags & 1 != 0,
            strict_utf8: flags & 2 != 0,
            feed_bytes: flags & 4 != 0,
        };
        (options, data.get(Self::LEN..).unwrap_or_default())
    }

    /// A parser built with these options.
    pub(crate) fn parser(&self) -> Parser {
        Parser::builder()
            .max_line_len(self.max_line_len)
            .max_event_size(self.max_event_size)
            .emit_comments(self.emit_comments)
            .strict_utf8(self.strict_utf8)
            .build()
    }

    /// The same options for the reference model.
    pub(crate) fn model(&self) -> ModelConfig {
        ModelConfig {
            max_line_len: self.max_line_len,
            max_event_size: self.max_event_size,
            comments: self.emit_comments,
            strict_utf8: self.strict_utf8,
        }
    }
}

/// Feeds `chunk` through `feed_bytes` (as a view into `whole`, which holds it) or `feed`.
fn push(parser: &mut Parser, whole: &Bytes, range: core::ops::Range<usize>, zero_copy: bool) {
    if zero_copy {
        parser.feed_bytes(whole.slice(range));
    } else {
        parser.feed(&whole[range]);
    }
}

/// Everything a parser reports for one stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) items: Vec<Result<Item, Error>>,
    pub(crate) last_event_id: Str,
    pub(crate) retry: Option<u64>,
}

impl Outcome {
    fn of(parser: &Parser, items: Vec<Result<Item, Error>>) -> Self {
        Self { items, last_event_id: parser.last_event_id().clone(), retry: parser.retry() }
    }
}

/// Length of `s` counting each U+FFFD as one byte: a lower bound on the raw bytes it was decoded
/// from (a replacement character stands for at least one raw byte, every other byte for itself).
fn raw_len_bound(s: &Str) -> usize {
    s.len() - 2 * s.as_str().matches('\u{FFFD}').count()
}

/// Checks that a `Str` is valid UTF-8 and has no CR (and, if `no_lf`, no LF).
fn check_text(what: &str, s: &Str, no_lf: bool) {
    assert!(core::str::from_utf8(s.as_bytes()).is_ok(), "{what} is not UTF-8: {s:?}");
    assert_eq!(s.as_str().len(), s.len(), "{what}: as_str and len disagree");
    assert!(!s.as_bytes().contains(&b'\r'), "{what} contains CR: {s:?}");
    assert!(!(no_lf && s.as_bytes().contains(&b'\n')), "{what} contains LF: {s:?}");
}

/// Checks every item as it is pulled from a parser reading one stream of `stream_len` bytes.
#[derive(Debug)]
pub(crate) struct Invariants {
    options: Options,
    stream_len: u64,
    /// Offset of the last error: errors come in stream order, one per line at most.
    last_error: Option<u64>,
    /// The reconnection time the parser must report.
    retry: Option<u64>,
}

impl Invariants {
    /// For a new parser, or (with its current `retry`) one that starts a new stream.
    pub(crate) fn new(options: Options, stream_len: usize, retry: Option<u64>) -> Self {
        Self { options, stream_len: stream_len as u64, last_error: None, retry }
    }

    /// Pulls one item and checks it and the parser's state.
    pub(crate) fn pull(&mut self, parser: &mut Parser) -> Option<Result<Item, Error>> {
        let item = parser.next_item();
        if let Some(item) = &item {
            self.check(parser, item);
        }
        self.check_state(parser);
        item
    }

    /// Pulls every available item into `items`.
    pub(crate) fn drain(&mut self, parser: &mut Parser, items: &mut Vec<Result<Item, Error>>) {
        while let Some(item) = self.pull(parser) {
            items.push(item);
        }
    }

    /// Checks the state of a parser after `finish` and a full drain.
    pub(crate) fn finished(&self, parser: &Parser) {
        assert_eq!(parser.retry(), self.retry, "final retry differs from the last Retry item");
        assert_eq!(parser.pending_len(), 0, "input left after finish");
        assert_eq!(parser.buffered_len(), 0, "bytes buffered after finish");
        assert_eq!(parser.offset(), 0, "offset not reset by finish");
    }

    fn check_state(&self, parser: &Parser) {
        let Options { max_line_len, max_event_size, .. } = self.options;
        let buffered = parser.buffered_len();
        assert!(
            buffered <= max_line_len.saturating_add(max_event_size),
            "buffered_len {buffered} exceeds max_line_len {max_line_len} + max_event_size \
             {max_event_size}"
        );
        assert!(parser.offset() <= self.stream_len, "offset past the input");
        assert_eq!(parser.retry(), self.retry, "retry() differs from the last Retry item");
    }

    fn check(&mut self, parser: &Parser, item: &Result<Item, Error>) {
        let Options { max_line_len, max_event_size, .. } = self.options;
        match item {
            Ok(Item::Event(event)) => {
                let (event_type, data, id) = (event.event_type(), event.data(), event.id());
                check_text("event type", event_type, true);
                check_text("data", data, false);
                check_text("id", id, true);
                assert!(!event_type.is_empty(), "empty event type");
                assert!(!id.as_bytes().contains(&0), "id contains NUL: {id:?}");
                assert!(
                    raw_len_bound(data) <= max_event_size,
                    "data of {} bytes exceeds max_event_size {max_event_size}",
                    data.len()
                );
                assert!(
                    event_type == "message" || raw_len_bound(event_type) <= max_line_len,
                    "event type longer than a line"
                );
                assert!(raw_len_bound(id) <= max_line_len, "id longer than a line");
                assert_eq!(id, parser.last_event_id(), "event id is not the last event ID");
            }
            Ok(Item::Retry(ms)) => self.retry = Some(*ms),
            Ok(Item::Comment(comment)) => {
                assert!(self.options.emit_comments, "comment item without emit_comments");
                check_text("comment", comment, true);
                assert!(raw_len_bound(comment) <= max_line_len, "comment longer than a line");
            }
            Ok(other) => panic!("unknown item {other:?}"),
            Err(error) => {
                assert!(!error.to_string().is_empty());
                let offset = match *error {
                    Error::LineTooLong { limit, size, offset } => {
                        assert_eq!(limit, max_line_len, "{error}");
                        assert!(size > limit as u64, "{error}");
                        // The line and its terminator lie inside the stream.
                        assert!(offset + size < self.stream_len, "{error}: past the input");
                        offset
                    }
                    Error::EventTooLarge { limit, size, offset } => {
                        assert_eq!(limit, max_event_size, "{error}");
                        assert!(size > limit as u64, "{error}");
                        offset
                    }
                    Error::InvalidUtf8 { offset } => {
                        assert!(self.options.strict_utf8, "{error} without strict_utf8");
                        offset
                    }
                    _ => panic!("unknown error {error:?}"),
                };
                assert!(offset < self.stream_len, "{error}: offset past the input");
                assert!(
                    !matches!(self.last_error, Some(last) if last >= offset),
                    "{error}: errors out of stream order (previous at {:?})",
                    self.last_error
                );
                self.last_error = Some(offset);
            }
        }
    }
}

/// Parses `input` fed whole, checking every item; `finish`es and drains.
pub(crate) fn run_whole(options: &Options, input: &[u8]) -> Outcome {
    let whole = Bytes::copy_from_slice(input);
    let mut parser = options.parser();
    let mut invariants = Invariants::new(*options, input.len(), None);
    let mut items = Vec::new();
    push(&mut parser, &whole, 0..input.len(), options.feed_bytes);
    invariants.drain(&mut parser, &mut items);
    parser.finish();
    invariants.drain(&mut parser, &mut items);
    invariants.finished(&parser);
    Outcome::of(&parser, items)
}

/// Target `parse`: no panic, the invariants on every item (see [`Invariants`]), and a parser
/// reused after `finish` or `reset` parses the same stream the same way.
pub(crate) fn check_parse(data: &[u8]) {
    let (options, input) = Options::split(data);
    let fresh = run_whole(&options, input);

    // Reuse: half the stream, `reset`, the whole stream, `finish`, the whole stream again.
    let whole = Bytes::copy_from_slice(input);
    let mut parser = options.parser();
    let mut items = Vec::new();
    let mut invariants = Invariants::new(options, input.len(), None);
    push(&mut parser, &whole, 0..input.len() / 2, !options.feed_bytes);
    invariants.drain(&mut parser, &mut items);
    parser.reset();
    assert_eq!((parser.pending_len(), parser.buffered_len(), parser.offset()), (0, 0, 0));
    for round in ["after reset", "after finish"] {
        parser.set_last_event_id("");
        let mut invariants = Invariants::new(options, input.len(), parser.retry());
        let mut items = Vec::new();
        push(&mut parser, &whole, 0..input.len(), options.feed_bytes);
        parser.finish();
        invariants.drain(&mut parser, &mut items);
        invariants.finished(&parser);
        let again = Outcome::of(&parser, items);
        assert_eq!(fresh.items, again.items, "{round}");
        assert_eq!(fresh.last_event_id, again.last_event_id, "{round}");
        if fresh.retry.is_some() {
            assert_eq!(fresh.retry, again.retry, "{round}");
        }
    }
}

/// How `chunked` splits and feeds its input: [`Plan::LEN`] bytes after the [`Options`].
///
/// * byte 0, mode: bits 0-1 the push path (0 `feed`, 1 `feed_bytes`, 2 and 3 alternating,
///   starting with `feed` or `feed_bytes`); bits 2-3 when to pull (0 everything after every
///   chunk, 1 one item per chunk, 2 and 3 nothing until the end);
/// * bytes 1-4: chunk sizes, used in turn (0 is an empty chunk; all four 0 means byte by byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    mode: u8,
    sizes: [u8; 4],
}

impl Plan {
    /// Plan length in bytes.
    pub(crate) const LEN: usize = 5;

    /// The plan and the rest of the input.
    pub(crate) fn split(data: &[u8]) -> (Self, &[u8]) {
        let byte = |i: usize| data.get(i).copied().unwrap_or(0);
        let plan = Self { mode: byte(0), sizes: [byte(1), byte(2), byte(3), byte(4)] };
        (plan, data.get(Self::LEN..).unwrap_or_default())
    }

    fn size(&self, chunk: usize) -> usize {
        if self.sizes == [0; 4] {
            1
        } else {
            usize::from(self.sizes[chunk % 4])
        }
    }

    fn zero_copy(&self, chunk: usize) -> bool {
        match self.mode & 3 {
            0 => false,
            1 => true,
            start => (chunk & 1 == 0) == (start == 3),
        }
    }
}

/// Parses `input` in the chunks `plan` says, checking every item.
pub(crate) fn run_chunked(options: &Options, plan: &Plan, input: &[u8]) -> Outcome {
    let whole = Bytes::copy_from_slice(input);
    let mut parser = options.parser();
    let mut invariants = Invariants::new(*options, input.len(), None);
    let mut items = Vec::new();
    let (mut start, mut chunk) = (0, 0);
    while start < input.len() {
        let end = input.len().min(start + plan.size(chunk));
        push(&mut parser, &whole, start..end, plan.zero_copy(chunk));
        match (plan.mode >> 2) & 3 {
            0 => invariants.drain(&mut parser, &mut items),
            1 => items.extend(invariants.pull(&mut parser)),
            _ => {}
        }
        (start, chunk) = (end, chunk + 1);
    }
    parser.finish();
    invariants.drain(&mut parser, &mut items);
    invariants.finished(&parser);
    Outcome::of(&parser, items)
}

/// Target `chunked`: the input fed in the chunks of a [`Plan`] gives exactly what it gives fed
/// whole (items, errors with their offsets, last event ID, retry), through both push paths.
pub(crate) fn check_chunked(data: &[u8]) {
    let (options, rest) = Options::split(data);
    let (plan, input) = Plan::split(rest);
    let whole = run_whole(&options, input);
    let chunked = run_chunked(&options, &plan, input);
    assert_eq!(whole, chunked, "chunked ({plan:?}) differs from whole");
}

/// The reference model's output for `input`, as parser items.
pub(crate) fn run_model(options: &Options, input: &[u8]) -> Outcome {
    let output = model::run(input, &options.model());
    let items = output
        .items
        .into_iter()
        .map(|item| match item {
            ModelItem::Event { event_type, data, id } => {
                Ok(Item::Event(Event::new(event_type, data, id)))
            }
            ModelItem::Retry(ms) => Ok(Item::Retry(ms)),
            ModelItem::Comment(text) => Ok(Item::Comment(Str::from(text))),
            ModelItem::LineTooLong { limit, size, offset } => {
                Err(Error::LineTooLong { limit, size, offset })
            }
            ModelItem::EventTooLarge { limit, size, offset } => {
                Err(Error::EventTooLarge { limit, size, offset })
            }
            ModelItem::InvalidUtf8 { offset } => Err(Error::InvalidUtf8 { offset }),
        })
        .collect();
    Outcome { items, last_event_id: Str::from(output.last_event_id), retry: output.retry }
}

/// Target `differential`: the parser and the reference model (`tests/common/model.rs`) agree
/// on every item, the last event ID and the retry, under the same limits and options.
pub(crate) fn check_differential(data: &[u8]) {
    let (options, input) = Options::split(data);
    let parser = run_whole(&options, input);
    let model = run_model(&options, input);
    assert_eq!(parser, model, "parser (left) and model (right) differ");
}

/// Reads the live heap bytes of the process (a counting global allocator; fuzz targets only).
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeapProbe {
    /// Bytes allocated and not yet freed.
    pub(crate) live: fn() -> usize,
    /// The most `live` has been since the last `reset_peak`.
    pub(crate) peak: fn() -> usize,
    /// Sets the peak to the current `live`.
    pub(crate) reset_peak: fn(),
}

/// Heap bytes a parser may use besides what grows with its limits and chunks: its queue, the
/// headers of shared buffers, allocator bookkeeping. Over the `limits` campaign the peak never
/// exceeded the rest of [`heap_bound`] by more than 232 bytes (see `fuzz/README.md`).
pub(crate) const HEAP_SLACK: usize = 1024;

/// The bound [`check_limits`] enforces on the parser's peak heap use, in bytes, for limits `line`
/// and `event` and chunks of `chunk` bytes. Nothing in it grows with the length of the stream:
///
/// * `12 * line`: the carried partial line (its buffer grows by doubling) and the values taken
///   from a line (event type, id buffer, last event ID, a comment or event in hand), each up to
///   three times its raw length after U+FFFD replacement, one of them briefly twice while it
///   is reallocated;
/// * `6 * event`: the data buffer (growing by doubling) and the dispatched data, up to three
///   times the raw bytes after U+FFFD replacement;
/// * `8 * chunk`: the chunk being parsed, those still pinned by zero-copy views (the values
///   above) and the reused `feed` buffer;
/// * [`HEAP_SLACK`].
pub(crate) fn heap_bound(line: usize, event: usize, chunk: usize) -> usize {
    12 * line + 6 * event + 8 * chunk + HEAP_SLACK
}

/// Adversarial streams for `limits`, read from [`Adversary::LEN`] bytes after the [`Options`].
///
/// * byte 0, the shape: 0 the unit repeated; 1 one endless `data:` line; 2 a flood of empty
///   `data:` lines (the unit picks each line end: LF, CR or CRLF); 3 one endless comment;
///   4 the unit as a line, repeated; 5 the unit as an event, repeated;
/// * bytes 1-2, the repeat count (little endian);
/// * byte 3, the chunk size minus one;
/// * the rest, the unit.
///
/// Every shape but 0 ends with a blank line and `data: ok`, an event that must get through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Adversary {
    shape: u8,
    count: u16,
    chunk: usize,
}

impl Adversary {
    /// Header length in bytes.
    pub(crate) const LEN: usize = 4;
    /// Streams are cut at this length.
    pub(crate) const MAX_STREAM: usize = 1 << 14;
    /// The recovery event every shape but 0 ends with.
    const TAIL: &'static [u8] = b"\n\ndata: ok\n\n";

    /// The adversary and the unit.
    pub(crate) fn split(data: &[u8]) -> (Self, &[u8]) {
        let byte = |i: usize| data.get(i).copied().unwrap_or(0);
        let adversary = Self {
            shape: byte(0) % 6,
            count: u16::from_le_bytes([byte(1), byte(2)]),
            chunk: usize::from(byte(3)) + 1,
        };
        (adversary, data.get(Self::LEN..).unwrap_or_default())
    }

    /// The stream: at most [`Self::MAX_STREAM`] bytes plus the tail.
    pub(crate) fn stream(&self, unit: &[u8]) -> Vec<u8> {
        let no_newlines: Vec<u8> =
            unit.iter().copied().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
        let no_newlines = if no_newlines.is_empty() { b"x".to_vec() } else { no_newlines };
        let mut out = Vec::new();
        let count = usize::from(self.count);
        let repeat = |out: &mut Vec<u8>, part: &[u8]| {
            for _ in 0..count {
                if out.len() >= Self::MAX_STREAM {
                    break;
                }
                out.extend_from_slice(part);
            }
            out.truncate(Self::MAX_STREAM);
        };
        match self.shape {
            0 => repeat(&mut out, unit),
            1 => {
                out.extend_from_slice(b"data: ");
                repeat(&mut out, &no_newlines);
            }
            2 => {
                let ends = if unit.is_empty() { &[0][..] } else { unit };
                for i in 0..count {
                    if out.len() >= Self::MAX_STREAM {
                        break;
                    }
                    out.extend_from_slice(b"data:");
                    out.extend_from_slice(match ends[i % ends.len()] % 3 {
                        0 => b"\n",
                        1 => b"\r",
                        _ => b"\r\n",
                    });
                }
            }
            3 => {
                out.push(b':');
                repeat(&mut out, &no_newlines);
            }
            4 => repeat(&mut out, &[unit, b"\n"].concat()),
            _ => repeat(&mut out, &[unit, b"\n\n"].concat()),
        }
        if self.shape != 0 {
            out.extend_from_slice(Self::TAIL);
        }
        out
    }
}

/// Target `limits`: tiny limits (below 64 bytes) against an [`Adversary`]'s stream fed in
/// chunks; after every pull `buffered_len() <= max_line_len + max_event_size`, the invariants
/// hold and, given a `heap` probe, the parser's peak heap use stays within [`heap_bound`]. The
/// stream's recovery event gets through whenever the limits admit it.
pub(crate) fn check_limits(data: &[u8], heap: Option<&HeapProbe>) {
    let (mut options, rest) = Options::split(data);
    options.max_line_len %= 64;
    options.max_event_size %= 64;
    let (adversary, unit) = Adversary::split(rest);
    let stream = Bytes::from(adversary.stream(unit));
    let bound = heap_bound(options.max_line_len, options.max_event_size, adversary.chunk);
    let mut invariants = Invariants::new(options, stream.len(), None);
    let mut last_was_ok = false;

    let base = heap.map(|heap| {
        (heap.reset_peak)();
        (heap.live)()
    });
    let mut parser = options.parser();
    let mut pull_all = |parser: &mut Parser| {
        while let Some(item) = invariants.pull(parser) {
            last_was_ok = matches!(&item, Ok(Item::Event(event)) if event.data() == "ok");
            drop(item);
            if let (Some(heap), Some(base)) = (heap, base) {
                let used = (heap.peak)().saturating_sub(base);
                assert!(used <= bound, "parser heap use {used} exceeds the bound {bound}");
            }
        }
    };
    let mut start = 0;
    while start < stream.len() {
        let end = stream.len().min(start + adversary.chunk);
        push(&mut parser, &stream, start..end, options.feed_bytes);
        pull_all(&mut parser);
        start = end;
    }
    parser.finish();
    pull_all(&mut parser);
    invariants.finished(&parser);
    if adversary.shape != 0 && options.max_line_len >= 8 && options.max_event_size >= 2 {
        assert!(last_was_ok, "the recovery event did not get through");
    }
}

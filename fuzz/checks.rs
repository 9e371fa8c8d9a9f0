//! The checks behind the fuzz targets, shared with `tests/fuzz_regressions.rs`.
//!
//! One file, included with `#[path]` by every fuzz target (`fuzz/fuzz_targets/*.rs`) and by the
//! main crate's regression test, so that a committed corpus or crash input is replayed by plain
//! `cargo test` through exactly the checks the fuzzer ran. The including crate must also include
//! the reference model, `tests/common/model.rs`, as `crate::model`.
//!
//! Every `check_*` function takes the raw fuzz input, reads its options from the first bytes
//! (see [`Options`], [`Plan`], [`Adversary`], [`check_roundtrip`], [`AdapterPlan`]) and panics
//! on the first violation. Any byte string is a valid input for every check.

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
///   (zero-copy) instead of `feed`, bit 3 the scanner's fast paths off
///   (`ParserBuilder::fast_paths(false)`), so every target runs both ways;
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
    /// `ParserBuilder::fast_paths`.
    pub(crate) fast_paths: bool,
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
            fast_paths: flags & 8 == 0,
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
            .fast_paths(self.fast_paths)
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
    /// Pull with `next_item_ref` (and copy) instead of `next_item`.
    pub(crate) borrowed: bool,
}

impl Invariants {
    /// For a new parser, or (with its current `retry`) one that starts a new stream.
    pub(crate) fn new(options: Options, stream_len: usize, retry: Option<u64>) -> Self {
        Self { options, stream_len: stream_len as u64, last_error: None, retry, borrowed: false }
    }

    /// Pulls one item and checks it and the parser's state.
    pub(crate) fn pull(&mut self, parser: &mut Parser) -> Option<Result<Item, Error>> {
        let item = if self.borrowed {
            parser.next_item_ref().map(|item| item.map(|item| item.to_item()))
        } else {
            parser.next_item()
        };
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
    run_whole_pulling(options, input, false)
}

/// [`run_whole`], pulling owned items or (`borrowed`) lent ones.
pub(crate) fn run_whole_pulling(options: &Options, input: &[u8], borrowed: bool) -> Outcome {
    let whole = Bytes::copy_from_slice(input);
    let mut parser = options.parser();
    let mut invariants = Invariants::new(*options, input.len(), None);
    invariants.borrowed = borrowed;
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
///   chunk, 1 one item per chunk, 2 and 3 nothing until the end); bit 4 pull borrowed items
///   (`next_item_ref`, copied) instead of owned ones;
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
    invariants.borrowed = plan.mode & 16 != 0;
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
/// on every item, the last event ID and the retry, under the same limits and options, whether
/// the items are pulled owned (`next_item`) or lent (`next_item_ref`).
pub(crate) fn check_differential(data: &[u8]) {
    let (options, input) = Options::split(data);
    let model = run_model(&options, input);
    let parser = run_whole(&options, input);
    assert_eq!(parser, model, "parser (left) and model (right) differ");
    let borrowed = run_whole_pulling(&options, input, true);
    assert_eq!(borrowed, model, "parser pulling lent items (left) and model (right) differ");
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

// Targets `roundtrip` and `adapters`.

use bytes::BytesMut;
use core::fmt::Debug;
use ssekit::{EncodeError, Encoder};

/// Panics, naming the first difference, unless `got` and `want` are equal.
fn assert_same<T: PartialEq + Debug>(what: &str, got: &[T], want: &[T]) {
    if let Some(at) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
        panic!(
            "{what}: first difference at #{at} ({} got, {} expected):\n  got      {:?}\n  \
             expected {:?}",
            got.len(),
            want.len(),
            got.get(at),
            want.get(at)
        );
    }
}

/// Reads the operations of a `roundtrip` input; bytes past the end read as 0.
#[derive(Debug, Clone)]
struct ByteReader<'a> {
    data: &'a [u8],
}

/// What the bytes `0xF8..=0xFF` stand for in [`ByteReader::text`].
const TEXT_TOKENS: [&str; 8] = ["\r\n", "\n\n", "\r\r\n", "\u{FFFD}", "é", "€", "😀", "\u{FEFF}"];

impl<'a> ByteReader<'a> {
    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn byte(&mut self) -> u8 {
        let (&byte, rest) = self.data.split_first().unwrap_or((&0, &[]));
        self.data = rest;
        byte
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        taken
    }

    /// A length byte, then that many bytes: `0xF8..=0xFF` are [`TEXT_TOKENS`] (line ends, empty
    /// lines, U+FFFD, multi-byte characters, a BOM), the runs of other bytes are decoded as
    /// UTF-8 with replacement (so valid UTF-8 stands for itself, CR, LF and NUL included).
    fn text(&mut self) -> String {
        let len = usize::from(self.byte());
        let raw = self.take(len);
        let mut text = String::new();
        let mut start = 0;
        for (at, &byte) in raw.iter().enumerate() {
            if byte >= 0xF8 {
                text.push_str(&String::from_utf8_lossy(&raw[start..at]));
                text.push_str(TEXT_TOKENS[usize::from(byte - 0xF8)]);
                start = at + 1;
            }
        }
        text.push_str(&String::from_utf8_lossy(&raw[start..]));
        text
    }

    /// A count byte `n`, then `n % 9` bytes of a little-endian `u64`.
    fn u64(&mut self) -> u64 {
        let len = usize::from(self.byte() % 9);
        let mut bytes = [0; 8];
        let taken = self.take(len);
        bytes[..taken.len()].copy_from_slice(taken);
        u64::from_le_bytes(bytes)
    }
}

/// One thing `roundtrip` writes with the [`Encoder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    /// An event; `id: None` repeats the stream's last event ID (no `id` line is due then).
    Event {
        event_type: String,
        data: String,
        id: Option<String>,
    },
    Comment(String),
    Retry(u64),
}

impl Op {
    /// The operations of a `roundtrip` input (after its header), until the input runs out.
    ///
    /// Each starts with an op byte: bits 0-1 the kind (0 and 1 an event, 2 a comment, 3 a
    /// retry). An event: bits 2-3 its type (0 empty, 1 `"message"`, 2-3 a text), bits 4-5 its
    /// id (0 the current last event ID, 1 empty, 2-3 a text), bit 6 empty data (else a text
    /// follows); its type's text, then its id's, then its data's. A comment: its text. A
    /// retry: a `u64` (see [`ByteReader`]).
    pub(crate) fn read_all(data: &[u8]) -> Vec<Self> {
        let mut reader = ByteReader { data };
        let mut ops = Vec::new();
        while !reader.is_empty() {
            let op = reader.byte();
            ops.push(match op & 3 {
                0 | 1 => {
                    let event_type = match (op >> 2) & 3 {
                        0 => String::new(),
                        1 => "message".to_owned(),
                        _ => reader.text(),
                    };
                    let id = match (op >> 4) & 3 {
                        0 => None,
                        1 => Some(String::new()),
                        _ => Some(reader.text()),
                    };
                    let data = if op & 0x40 != 0 { String::new() } else { reader.text() };
                    Self::Event { event_type, data, id }
                }
                2 => Self::Comment(reader.text()),
                _ => Self::Retry(reader.u64()),
            });
        }
        ops
    }
}

/// `text` with each CRLF and each lone CR replaced by LF.
fn lf_only(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The errors the encoder docs promise for `event` (any of them may be reported).
fn refusals(event: &Event) -> Vec<EncodeError> {
    let line_break = |s: &Str| s.as_bytes().iter().any(|b| matches!(b, b'\r' | b'\n'));
    let mut errors = Vec::new();
    if line_break(event.event_type()) {
        errors.push(EncodeError::EventTypeLineBreak);
    }
    if line_break(event.id()) {
        errors.push(EncodeError::IdLineBreak);
    }
    if event.id().as_bytes().contains(&0) {
        errors.push(EncodeError::IdNul);
    }
    errors
}

/// What the encoder docs say it writes for an accepted `event` after last event ID `last_id`:
/// `event:` unless the type is empty or `"message"`, `id:` only when the id changes (a bare
/// `id` line for an empty one), one `data:` line per line of data (split at CR, LF and CRLF,
/// with the space after the colon always), then the blank line. The line layout is the one the
/// examples in `src/encode.rs` and the README show.
fn expected_event_bytes(out: &mut Vec<u8>, event: &Event, last_id: &Str) {
    let (event_type, id) = (event.event_type().as_str(), event.id().as_str());
    if !event_type.is_empty() && event_type != "message" {
        out.extend_from_slice(format!("event: {event_type}\n").as_bytes());
    }
    if id != last_id.as_str() {
        if id.is_empty() {
            out.extend_from_slice(b"id\n");
        } else {
            out.extend_from_slice(format!("id: {id}\n").as_bytes());
        }
    }
    for line in lf_only(event.data()).split('\n') {
        out.extend_from_slice(format!("data: {line}\n").as_bytes());
    }
    out.push(b'\n');
}

/// Target `roundtrip`: what the [`Encoder`] writes parses back to what was encoded.
///
/// Input: byte 0, flags (bit 0 `strict_utf8`, bit 1 the whole-stream parse uses
/// `feed_bytes`, bit 2 the scanner's fast paths off); then a [`Plan`] (how the stream is chunked for the second parse); then the
/// operations ([`Op::read_all`]). Each operation goes to one encoder writing into a `BytesMut`.
///
/// Checks, per operation: an event with a line break in its type or id or a NUL in its id is
/// refused with one of the matching [`EncodeError`]s and writes nothing; any other event, a
/// comment or a retry writes exactly the bytes the encoder docs describe (see
/// `expected_event_bytes`; a comment is `:` + text per line of text, a retry `retry: <ms>`);
/// `Encoder::last_event_id` is the id of the last event written; with feature `codec`,
/// `SseCodec`'s `Encoder<Item>` writes the same bytes and refuses the same events
/// (`InvalidInput` wrapping the same `EncodeError`). Then the stream is parsed whole without
/// comments and in the plan's chunks with comments (through `feed`, `feed_bytes` or both), each
/// with the per-item invariants: the items are exactly the encoded ones in order (events with
/// type `"message"` for an empty one, data with CR and CRLF turned into LF, the id given;
/// retries; one comment per line of comment text), and the final last event ID and retry are
/// the last ones written.
pub(crate) fn check_roundtrip(data: &[u8]) {
    let flags = data.first().copied().unwrap_or(0);
    let (plan, ops) = Plan::split(data.get(1..).unwrap_or_default());
    let ops = Op::read_all(ops);

    let mut encoder = Encoder::new();
    let mut out = BytesMut::new();
    let mut want_bytes = Vec::new();
    let mut want_items = Vec::new();
    let mut last_id = Str::default();
    let mut retry = None;
    #[cfg(feature = "codec")]
    let (mut codec, mut codec_out) = (ssekit::codec::SseCodec::new(), BytesMut::new());
    for op in ops {
        let start = out.len();
        match op {
            Op::Event { event_type, data, id } => {
                let id = id.map_or_else(|| last_id.clone(), Str::from);
                let event = Event::new(event_type, data, id);
                let refusals = refusals(&event);
                let result = encoder.event(&mut out, &event);
                match &result {
                    Ok(()) => {
                        assert!(
                            refusals.is_empty(),
                            "accepted {event:?}, must refuse {refusals:?}"
                        );
                        expected_event_bytes(&mut want_bytes, &event, &last_id);
                        last_id = event.id().clone();
                        let event_type = match event.event_type().as_str() {
                            "" => "message",
                            other => other,
                        };
                        let data = lf_only(event.data());
                        want_items.push(Item::Event(Event::new(event_type, data, last_id.clone())));
                    }
                    Err(err) => {
                        assert!(refusals.contains(err), "refused {event:?} with {err:?}");
                        assert_eq!(out.len(), start, "refusing {event:?} wrote bytes");
                    }
                }
                #[cfg(feature = "codec")]
                {
                    use tokio_util::codec::Encoder as _;
                    let codec_result = codec.encode(Item::Event(event.clone()), &mut codec_out);
                    match (codec_result, result) {
                        (Ok(()), Ok(())) => {}
                        (Err(err), Err(want)) => {
                            assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
                            let inner = err.get_ref().and_then(|e| e.downcast_ref::<EncodeError>());
                            assert_eq!(inner, Some(&want), "SseCodec error for {event:?}");
                        }
                        (got, want) => panic!("SseCodec: {got:?}, Encoder: {want:?}, {event:?}"),
                    }
                }
            }
            Op::Comment(text) => {
                encoder.comment(&mut out, &text);
                for line in lf_only(&text).split('\n') {
                    want_bytes.extend_from_slice(format!(":{line}\n").as_bytes());
                    want_items.push(Item::Comment(Str::from(line)));
                }
                #[cfg(feature = "codec")]
                {
                    use tokio_util::codec::Encoder as _;
                    let result = codec.encode(Item::Comment(Str::from(text)), &mut codec_out);
                    assert!(result.is_ok(), "SseCodec refused a comment: {result:?}");
                }
            }
            Op::Retry(ms) => {
                encoder.retry(&mut out, ms);
                want_bytes.extend_from_slice(format!("retry: {ms}\n").as_bytes());
                want_items.push(Item::Retry(ms));
                retry = Some(ms);
                #[cfg(feature = "codec")]
                {
                    use tokio_util::codec::Encoder as _;
                    let result = codec.encode(Item::Retry(ms), &mut codec_out);
                    assert!(result.is_ok(), "SseCodec refused a retry: {result:?}");
                }
            }
        }
        assert!(
            out[start..] == want_bytes[start.min(want_bytes.len())..],
            "encoder wrote {:?}, expected {:?}",
            String::from_utf8_lossy(&out[start..]),
            String::from_utf8_lossy(&want_bytes[start.min(want_bytes.len())..])
        );
        assert_eq!(encoder.last_event_id(), &last_id, "Encoder::last_event_id");
        #[cfg(feature = "codec")]
        assert!(
            codec_out.len() == out.len() && codec_out[start..] == out[start..],
            "SseCodec wrote {:?}, Encoder {:?}",
            String::from_utf8_lossy(&codec_out[start.min(codec_out.len())..]),
            String::from_utf8_lossy(&out[start..])
        );
    }

    let stream = out.freeze();
    let options = Options {
        max_line_len: usize::MAX,
        max_event_size: usize::MAX,
        emit_comments: false,
        strict_utf8: flags & 1 != 0,
        feed_bytes: flags & 2 != 0,
        fast_paths: flags & 4 == 0,
    };
    let want_events: Vec<Result<Item, Error>> = want_items
        .iter()
        .filter(|item| !matches!(item, Item::Comment(_)))
        .cloned()
        .map(Ok)
        .collect();
    let whole = run_whole(&options, &stream);
    assert_same("parsed whole, without comments", &whole.items, &want_events);
    assert_eq!(whole.last_event_id, last_id, "last event ID, parsed whole");
    assert_eq!(whole.retry, retry, "retry, parsed whole");

    let options = Options { emit_comments: true, ..options };
    let want_items: Vec<Result<Item, Error>> = want_items.into_iter().map(Ok).collect();
    let chunked = run_chunked(&options, &plan, &stream);
    assert_same(
        &format!("parsed in chunks ({plan:?}), with comments"),
        &chunked.items,
        &want_items,
    );
    assert_eq!(chunked.last_event_id, last_id, "last event ID, parsed in chunks");
    assert_eq!(chunked.retry, retry, "retry, parsed in chunks");
}

/// How `adapters` delivers its input: [`AdapterPlan::LEN`] bytes after the [`Options`].
///
/// * byte 0, flags: bits 0-1 what a gap step is to the stream (0 an empty chunk, 1 `Pending`,
///   2 a transport error, 3 the three in turn); bit 2 the reader's read at step `fail_at`
///   fails (`ConnectionReset`), which must end its iteration; bit 3 the codec is asked for
///   one item per piece appended instead of all of them; bit 4 the codec then reads the
///   stream a second time, as a new stream after `decode_eof`;
/// * bytes 1-4: step sizes, used in turn: `n > 0` delivers the next `n` bytes, 0 is a gap (no
///   bytes: an `Interrupted` read for the reader, see bits 0-1 for the stream, a `decode` with
///   nothing appended for the codec); all four 0 means byte by byte;
/// * byte 5, `fail_at`: see bit 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AdapterPlan {
    flags: u8,
    sizes: [u8; 4],
    fail_at: u8,
}

/// One delivery from a scripted source: some bytes of the input, or a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Data(core::ops::Range<usize>),
    Gap,
}

impl AdapterPlan {
    /// Plan length in bytes.
    pub(crate) const LEN: usize = 6;

    /// The plan and the rest of the input.
    pub(crate) fn split(data: &[u8]) -> (Self, &[u8]) {
        let byte = |i: usize| data.get(i).copied().unwrap_or(0);
        let plan =
            Self { flags: byte(0), sizes: [byte(1), byte(2), byte(3), byte(4)], fail_at: byte(5) };
        (plan, data.get(Self::LEN..).unwrap_or_default())
    }

    /// The steps delivering `len` bytes (no gap after the last byte).
    fn steps(&self, len: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        let (mut start, mut turn) = (0, 0);
        while start < len {
            let size = if self.sizes == [0; 4] { 1 } else { usize::from(self.sizes[turn % 4]) };
            if size == 0 {
                steps.push(Step::Gap);
            } else {
                let end = len.min(start + size);
                steps.push(Step::Data(start..end));
                start = end;
            }
            turn += 1;
        }
        steps
    }

    /// The step at which the reader's read fails, if any.
    fn read_failure(&self, steps: usize) -> Option<usize> {
        let at = usize::from(self.fail_at);
        (self.flags & 4 != 0 && at < steps).then_some(at)
    }
}

/// What an adapter yields (or, for the stream, returns), in a comparable form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    /// An item or a parse error.
    Item(Result<Item, Error>),
    /// `EventReader`: the scripted read error.
    ReadFailed,
    /// `EventStream`: `Poll::Pending`.
    Pending,
    /// `EventStream`: the transport error the body returned at this step.
    Transport(usize),
}

/// A plain parser fed the steps one by one: each item with the number of deliveries it needed
/// (step `s` is delivery `s + 1`, the end of input delivery `steps.len() + 1`), and the last
/// event ID and retry after each number of deliveries (`states[0]` before any).
#[derive(Debug)]
struct Timeline {
    items: Vec<(usize, Seen)>,
    states: Vec<(Str, Option<u64>)>,
}

impl Timeline {
    fn of(parser: &mut Parser, input: &[u8], steps: &[Step]) -> Self {
        let state = |parser: &Parser| (parser.last_event_id().clone(), parser.retry());
        let mut timeline = Self { items: Vec::new(), states: vec![state(parser)] };
        for (at, step) in steps.iter().enumerate() {
            if let Step::Data(range) = step {
                parser.feed(&input[range.clone()]);
            }
            while let Some(item) = parser.next_item() {
                timeline.items.push((at + 1, Seen::Item(item)));
            }
            timeline.states.push(state(parser));
        }
        parser.finish();
        while let Some(item) = parser.next_item() {
            timeline.items.push((steps.len() + 1, Seen::Item(item)));
        }
        timeline.states.push(state(parser));
        timeline
    }

    /// The final last event ID and retry.
    fn end(&self) -> &(Str, Option<u64>) {
        &self.states[self.states.len() - 1]
    }
}

/// A `Read` that hands out the steps, one per read (a gap is an `Interrupted` error), fails
/// at step `fail`, and counts its deliveries (every read that returns or fails, EOF included).
#[derive(Debug)]
struct ScriptedRead<'a> {
    input: &'a [u8],
    steps: &'a [Step],
    fail: Option<usize>,
    next: usize,
    /// Bytes of step `next` already read (a read into a buffer smaller than the step).
    within: usize,
    delivered: std::rc::Rc<core::cell::Cell<usize>>,
    ended: bool,
}

impl std::io::Read for ScriptedRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        assert!(!self.ended, "EventReader read again after the end of input or a read error");
        let Some(step) = self.steps.get(self.next) else {
            self.ended = true;
            self.delivered.set(self.delivered.get() + 1);
            return Ok(0);
        };
        if self.fail == Some(self.next) {
            self.ended = true;
            self.delivered.set(self.delivered.get() + 1);
            return Err(std::io::ErrorKind::ConnectionReset.into());
        }
        match step {
            Step::Gap => {
                self.next += 1;
                self.delivered.set(self.delivered.get() + 1);
                Err(std::io::ErrorKind::Interrupted.into())
            }
            Step::Data(range) => {
                let rest = &self.input[range.start + self.within..range.end];
                let n = rest.len().min(buf.len());
                buf[..n].copy_from_slice(&rest[..n]);
                self.within += n;
                if self.within == range.len() {
                    (self.next, self.within) = (self.next + 1, 0);
                    self.delivered.set(self.delivered.get() + 1);
                }
                Ok(n)
            }
        }
    }
}

/// `EventReader` over a [`ScriptedRead`]: yields each item (a parse error as an
/// `InvalidData` error wrapping it) as soon as the read that completes it returned, retries
/// `Interrupted`, yields a read error once and then ends, applies the end-of-input rule at
/// EOF; then no more reads, and its parser has the plain parser's last event ID and retry
/// (and, after EOF, holds no partial event).
fn check_reader(options: &Options, plan: &AdapterPlan, input: &[u8], steps: &[Step], t: &Timeline) {
    use std::io::ErrorKind;

    let fail = plan.read_failure(steps.len());
    let delivered = std::rc::Rc::new(core::cell::Cell::new(0));
    let source = ScriptedRead {
        input,
        steps,
        fail,
        next: 0,
        within: 0,
        delivered: std::rc::Rc::clone(&delivered),
        ended: false,
    };
    let (want, state, deliveries) = match fail {
        Some(at) => {
            let mut want: Vec<(usize, Seen)> =
                t.items.iter().filter(|(when, _)| *when <= at).cloned().collect();
            want.push((at + 1, Seen::ReadFailed));
            (want, &t.states[at], at + 1)
        }
        None => (t.items.clone(), t.end(), steps.len() + 1),
    };

    let mut reader = ssekit::io::EventReader::with_parser(source, options.parser());
    let mut got = Vec::new();
    while got.len() <= want.len() {
        let Some(result) = reader.next() else { break };
        let seen = match result {
            Ok(item) => Seen::Item(Ok(item)),
            Err(err) if err.kind() == ErrorKind::InvalidData => {
                let inner = err.get_ref().and_then(|e| e.downcast_ref::<Error>());
                Seen::Item(Err(inner.unwrap_or_else(|| panic!("InvalidData {err:?}")).clone()))
            }
            Err(err) if err.kind() == ErrorKind::ConnectionReset => Seen::ReadFailed,
            Err(err) => panic!("EventReader yielded an unexpected error: {err:?}"),
        };
        got.push((delivered.get(), seen));
    }
    assert_same("EventReader (reads, item)", &got, &want);
    assert!(reader.next().is_none(), "EventReader yielded after its end");
    assert_eq!(delivered.get(), deliveries, "EventReader reads");
    let parser = reader.parser();
    assert_eq!(&(parser.last_event_id().clone(), parser.retry()), state, "EventReader's parser");
    if fail.is_none() {
        assert_eq!(parser.buffered_len(), 0, "EventReader: partial event kept after the end");
    }
}

/// The body `check_stream` hands to `EventStream`: the steps, each data step as a
/// non-contiguous `Buf` (two `Bytes` chained), a gap as the plan says; counts its polls.
#[cfg(feature = "stream")]
#[derive(Debug)]
struct ScriptedBody {
    input: Bytes,
    steps: Vec<Step>,
    gaps: u8,
    next: usize,
    delivered: std::rc::Rc<core::cell::Cell<usize>>,
    ended: bool,
}

#[cfg(feature = "stream")]
impl ScriptedBody {
    /// What the gap at step `at` is: 0 an empty chunk, 1 `Pending`, 2 a transport error.
    fn gap(gaps: u8, at: usize) -> usize {
        match gaps & 3 {
            3 => at % 3,
            kind => usize::from(kind),
        }
    }
}

#[cfg(feature = "stream")]
impl futures_core::Stream for ScriptedBody {
    type Item = Result<bytes::buf::Chain<Bytes, Bytes>, usize>;

    fn poll_next(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Option<Self::Item>> {
        use bytes::Buf;
        use core::task::Poll;

        let this = &mut *self;
        assert!(!this.ended, "EventStream polled its body after the end");
        this.delivered.set(this.delivered.get() + 1);
        let at = this.next;
        let Some(step) = this.steps.get(at) else {
            this.ended = true;
            return Poll::Ready(None);
        };
        this.next += 1;
        match step {
            Step::Data(range) => {
                let mid = range.start + range.len() / 2;
                let (head, tail) =
                    (this.input.slice(range.start..mid), this.input.slice(mid..range.end));
                Poll::Ready(Some(Ok(head.chain(tail))))
            }
            Step::Gap => match Self::gap(this.gaps, at) {
                0 => Poll::Ready(Some(Ok(Bytes::new().chain(Bytes::new())))),
                1 => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                _ => Poll::Ready(Some(Err(at))),
            },
        }
    }
}

/// `EventStream` over a [`ScriptedBody`], polled with a no-op waker: returns each item as soon
/// as the chunk that completes it was polled (a parse error as `StreamError::Parse`),
/// `Pending` exactly when the body is pending, the body's errors as `StreamError::Transport` in
/// place and goes on after them, ends after the end-of-input rule without polling the ended
/// body again; then its parser has the plain parser's last event ID and retry and holds no
/// partial event.
#[cfg(feature = "stream")]
fn check_stream(options: &Options, plan: &AdapterPlan, input: &[u8], steps: &[Step], t: &Timeline) {
    use core::pin::Pin;
    use core::task::{Context, Poll, Waker};
    use futures_core::Stream;
    use ssekit::stream::{EventStream, StreamError};

    let mut want = Vec::new();
    let mut items = t.items.iter().peekable();
    for when in 1..=steps.len() + 1 {
        if steps.get(when - 1) == Some(&Step::Gap) {
            match ScriptedBody::gap(plan.flags, when - 1) {
                0 => {}
                1 => want.push((when, Seen::Pending)),
                _ => want.push((when, Seen::Transport(when - 1))),
            }
        }
        while let Some(item) = items.next_if(|(at, _)| *at == when) {
            want.push(item.clone());
        }
    }

    let delivered = std::rc::Rc::new(core::cell::Cell::new(0));
    let body = ScriptedBody {
        input: Bytes::copy_from_slice(input),
        steps: steps.to_vec(),
        gaps: plan.flags,
        next: 0,
        delivered: std::rc::Rc::clone(&delivered),
        ended: false,
    };
    let mut stream = EventStream::with_parser(body, options.parser());
    let mut cx = Context::from_waker(Waker::noop());
    let mut got = Vec::new();
    while got.len() <= want.len() {
        let seen = match Pin::new(&mut stream).poll_next(&mut cx) {
            Poll::Ready(None) => break,
            Poll::Pending => Seen::Pending,
            Poll::Ready(Some(Ok(item))) => Seen::Item(Ok(item)),
            Poll::Ready(Some(Err(StreamError::Parse(err)))) => Seen::Item(Err(err)),
            Poll::Ready(Some(Err(StreamError::Transport(at)))) => Seen::Transport(at),
            Poll::Ready(Some(Err(err))) => panic!("EventStream: unknown error {err:?}"),
        };
        got.push((delivered.get(), seen));
    }
    assert_same("EventStream (polls of the body, item)", &got, &want);
    assert_eq!(delivered.get(), steps.len() + 1, "EventStream polls of the body");
    let parser = stream.parser();
    assert_eq!(&(parser.last_event_id().clone(), parser.retry()), t.end(), "EventStream's parser");
    assert_eq!(parser.buffered_len(), 0, "EventStream: partial event kept after the end");
}

/// `SseCodec` decoding the steps appended to a `BytesMut`: `decode` takes all of the buffer
/// and returns each item as soon as the piece that completes it was appended (or, asked for one
/// item per piece, the same items in the same order), `decode_eof` returns the rest and then
/// `None` after the end-of-input rule; never an IO error; then its parser has the plain
/// parser's last event ID and retry and holds no input or partial event. Optionally the codec then reads the
/// stream again as a new stream, as the plain parser does after `finish`.
#[cfg(feature = "codec")]
fn check_codec(
    options: &Options,
    plan: &AdapterPlan,
    input: &[u8],
    steps: &[Step],
    plain: &mut Parser,
    t: &Timeline,
) {
    use tokio_util::codec::Decoder;

    let one_per_piece = plan.flags & 8 != 0;
    let mut codec = ssekit::codec::SseCodec::with_parser(options.parser());
    let rounds = if plan.flags & 16 != 0 { 2 } else { 1 };
    for round in 1..=rounds {
        let second;
        let t = if round == 1 {
            t
        } else {
            second = Timeline::of(plain, input, steps);
            &second
        };
        let mut src = BytesMut::new();
        let mut got = Vec::new();
        let mut decode = |src: &mut BytesMut, when: usize, at_eof: bool| loop {
            let result = if at_eof { codec.decode_eof(src) } else { codec.decode(src) };
            let item = result.unwrap_or_else(|err| panic!("SseCodec: IO error {err:?}"));
            assert!(src.is_empty(), "SseCodec left {} bytes in the buffer", src.len());
            let Some(item) = item else { return };
            got.push((when, Seen::Item(item)));
            if (one_per_piece && !at_eof) || got.len() > t.items.len() {
                return;
            }
        };
        for (at, step) in steps.iter().enumerate() {
            if let Step::Data(range) = step {
                src.extend_from_slice(&input[range.clone()]);
            }
            decode(&mut src, at + 1, false);
        }
        decode(&mut src, steps.len() + 1, true);
        let what = format!("SseCodec, stream {round} of {rounds}");
        if one_per_piece {
            let got: Vec<&Seen> = got.iter().map(|(_, seen)| seen).collect();
            let want: Vec<&Seen> = t.items.iter().map(|(_, seen)| seen).collect();
            assert_same(&format!("{what} (item)"), &got, &want);
        } else {
            assert_same(&format!("{what} (pieces appended, item)"), &got, &t.items);
        }
        let parser = codec.parser();
        assert_eq!(&(parser.last_event_id().clone(), parser.retry()), t.end(), "{what}: parser");
        assert_eq!(parser.pending_len(), 0, "{what}: input left in the parser");
        assert_eq!(parser.buffered_len(), 0, "{what}: partial event kept after the end");
    }
}

/// Target `adapters`: `EventReader`, `EventStream` (feature `stream`) and `SseCodec` (feature
/// `codec`) fed one stream in the steps of an [`AdapterPlan`] yield exactly what a plain parser
/// fed the stream whole and `finish`ed yields, each at the step that completes it (see
/// `check_reader`, `check_stream` and `check_codec` for each adapter's contract), and end
/// with its last event ID and retry.
pub(crate) fn check_adapters(data: &[u8]) {
    let (options, rest) = Options::split(data);
    let (plan, input) = AdapterPlan::split(rest);
    let steps = plan.steps(input.len());
    let whole = run_whole(&options, input);
    let mut plain = options.parser();
    let timeline = Timeline::of(&mut plain, input, &steps);
    let items: Vec<Seen> = whole.items.iter().cloned().map(Seen::Item).collect();
    let stepped: Vec<Seen> = timeline.items.iter().map(|(_, seen)| seen.clone()).collect();
    assert_same("plain parser, stepped vs whole", &stepped, &items);
    assert_eq!(timeline.end(), &(whole.last_event_id, whole.retry), "stepped vs whole");

    check_reader(&options, &plan, input, &steps, &timeline);
    #[cfg(feature = "stream")]
    check_stream(&options, &plan, input, &steps, &timeline);
    #[cfg(feature = "codec")]
    check_codec(&options, &plan, input, &steps, &mut plain, &timeline);
}

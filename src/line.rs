//! Layer 1: bytes → lines.
//!
//! The [`LineScanner`] owns the input that has been fed but not yet parsed
//! (a queue of [`Bytes`] chunks) and hands out one complete line at a time.
//! It knows nothing of fields or events.
//!
//! # The state machine
//!
//! ```text
//! stream      = [ bom ] *event                 ; WHATWG "Parsing an event stream"
//! end-of-line = ( cr lf / cr / lf )
//! ```
//!
//! * `bom`: how many bytes of a leading `EF BB BF` have been seen. The BOM
//!   is stripped only at the very start of a stream, even when its bytes
//!   arrive in separate chunks; bytes that turn out not to be one are line
//!   content.
//! * `after_cr`: the previous line ended at a CR. A CR ends its line at once
//!   (we never wait for the next chunk to decide), so an event is available
//!   the moment the byte that completes it arrives; an LF that follows, even
//!   as the first byte of the next chunk, is then skipped.
//! * `carry`: the beginning of a line that straddles chunks. A line wholly
//!   inside one chunk is handed out as a view into that chunk; only a
//!   straddling line is copied, once, into this reused buffer. A long one
//!   is then frozen (`frozen`) so that its values can be views too.
//! * `held`: where the line handed out last lies. It stays valid until the
//!   next call that scans or feeds, so the parser can build or lend an
//!   event from it after the rules have run.
//!
//! # Fast paths
//!
//! Two, both switched off by `fast = false` (and tested both ways):
//!
//! * *A blank line right after a line* in the same chunk is consumed with it
//!   and reported as [`Line::Text::blank_follows`], so that a one-line event
//!   is dispatched straight from the chunk instead of being buffered first.
//! * *Absorbing*: with nothing else pending, a small chunk with no line end,
//!   or one only as its last byte, goes straight into `carry` when fed
//!   (the terminator is kept in `pending_end`), which is what scanning it
//!   would do, minus queueing and copying it. Byte-by-byte feeding and
//!   line-by-line readers produce such chunks.
//!
//! # Invariants
//!
//! * Each byte is looked at by one line-end search, plus the copy into
//!   `carry` for a straddling line.
//! * `carry` never holds more than `max_line_len` bytes: a longer line is
//!   counted, not kept, and reported as [`Line::TooLong`] when it ends.
//! * Chunking never changes the lines, nor any reported size or offset.

use alloc::collections::VecDeque;
use bytes::{BufMut, Bytes, BytesMut};

use crate::Str;

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// A line carried over no longer than this is handed out without freezing
/// it: every value of it is stored inline, so none needs a view.
const SHORT_LINE: usize = Str::INLINE_CAPACITY;

/// One unit of pending input.
#[derive(Debug, Clone)]
enum Input {
    Chunk(Bytes),
    /// The caller called `finish`: the stream ends here.
    End,
}

/// What [`LineScanner::next_line`] found.
#[derive(Debug)]
pub(crate) enum Line<'a> {
    /// A complete line (terminator excluded) and the stream offset of its
    /// first byte. `owner` is the storage the line lies in, when a value
    /// of it can be a view; `blank_follows`: a blank line came right after
    /// it and was consumed with it.
    Text { text: &'a [u8], owner: Option<&'a Bytes>, offset: u64, blank_follows: bool },
    /// A complete line longer than the limit; its bytes were skipped.
    TooLong { size: u64, offset: u64 },
    /// The end of the stream (`finish`): the next line starts a new stream.
    End,
}

/// Where the line handed out last lies.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Held {
    #[default]
    Nothing,
    /// `chunk[start..end]`.
    Chunk { start: usize, end: usize },
    /// `carry.buf`.
    Carry,
    /// `carry.frozen`.
    Frozen,
}

/// The beginning of a line that straddles chunks.
#[derive(Debug, Default, Clone)]
struct Carry {
    buf: BytesMut,
    /// Length of the line so far; past the limit its bytes are counted,
    /// not kept.
    len: u64,
    /// The last long line completed here, frozen so values can be views.
    frozen: Bytes,
}

impl Carry {
    #[inline]
    fn push(&mut self, part: &[u8], max: usize) {
        self.len += part.len() as u64;
        if self.len <= max as u64 {
            match *part {
                // One byte (byte-by-byte feeding) without a call to memcpy.
                [] => {}
                [byte] => self.buf.put_u8(byte),
                _ => self.buf.extend_from_slice(part),
            }
        } else if !self.buf.is_empty() {
            self.buf.clear();
        }
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.len = 0;
        // Once a frozen line is dropped, the storage it was frozen out of
        // is free: take it back now, while there is nothing to move, rather
        // than grow (and move) the next long line piece by piece. (Only a
        // line that was frozen is dropped: not a call per short line.)
        let room = self.frozen.len();
        if room > 0 {
            self.frozen = Bytes::new();
            self.buf.reserve(room);
        }
    }
}

/// Splits fed chunks into lines (see the module documentation).
#[derive(Debug, Default, Clone)]
pub(crate) struct LineScanner {
    /// The chunk being scanned; `pos` is the cursor in it.
    chunk: Bytes,
    pos: usize,
    /// Input fed after `chunk`, in order.
    queue: VecDeque<Input>,
    /// Reused buffer that `feed(&[u8])` copies into.
    owned: BytesMut,
    carry: Carry,
    held: Held,
    /// `carry` holds a complete line, absorbed with this terminator (already
    /// counted in `offset`), not yet handed out.
    pending_end: Option<u8>,
    after_cr: bool,
    bom: usize,
    /// Stream offset of `chunk[pos]`.
    offset: u64,
    /// Stream offset of the first byte of the line being scanned.
    line_start: u64,
    max_line_len: usize,
    fast: bool,
}

impl LineScanner {
    pub(crate) fn new(max_line_len: usize, fast: bool) -> Self {
        Self { max_line_len, fast, ..Self::default() }
    }

    /// Queues a chunk without copying it.
    // Both pushes are inlined up to absorbing one byte: fed byte by byte,
    // a call per byte cost more than the absorb (RESULTS.md).
    #[inline(always)]
    pub(crate) fn push_bytes(&mut self, chunk: Bytes) {
        if !matches!(*chunk, [byte] if self.absorb(&[byte])) {
            self.push_bytes_rest(chunk);
        }
    }

    #[inline(never)]
    fn push_bytes_rest(&mut self, chunk: Bytes) {
        self.release();
        if !chunk.is_empty() && !self.absorb(&chunk) {
            self.enqueue(chunk);
        }
    }

    /// Queues a copy of a borrowed chunk, made in a buffer that is reused
    /// once the items made from the previous copy are dropped.
    #[inline(always)]
    pub(crate) fn push_slice(&mut self, chunk: &[u8]) {
        if !matches!(*chunk, [byte] if self.absorb(&[byte])) {
            self.push_slice_rest(chunk);
        }
    }

    #[inline(never)]
    fn push_slice_rest(&mut self, chunk: &[u8]) {
        self.release();
        if !chunk.is_empty() && !self.absorb(chunk) {
            self.owned.extend_from_slice(chunk);
            let chunk = self.owned.split().freeze();
            self.enqueue(chunk);
        }
    }

    /// Marks the end of the stream after everything queued so far.
    pub(crate) fn push_end(&mut self) {
        self.queue.push_back(Input::End);
    }

    fn enqueue(&mut self, chunk: Bytes) {
        if self.pos == self.chunk.len() && self.queue.is_empty() {
            self.chunk = chunk;
            self.pos = 0;
        } else {
            self.queue.push_back(Input::Chunk(chunk));
        }
    }

    /// The absorbing fast path (see the module documentation). Returns
    /// whether it took `chunk`.
    #[inline(always)]
    fn absorb(&mut self, chunk: &[u8]) -> bool {
        // (`release` drops a chunk scanned to its end.)
        let nothing_pending = self.chunk.is_empty() && self.queue.is_empty();
        if !self.fast || !nothing_pending || self.pending_end.is_some() || self.bom < BOM.len() {
            return false;
        }
        if self.held != Held::Nothing {
            self.release();
        }
        if self.after_cr {
            match chunk {
                // The LF of a CRLF whose CR ended the last line: skip it.
                [b'\n'] => {
                    self.after_cr = false;
                    self.offset += 1;
                    self.line_start = self.offset;
                    return true;
                }
                [b'\n', ..] => return false,
                _ => self.after_cr = false,
            }
        }
        let (line, end) = match find_line_end(chunk) {
            None => (chunk, None),
            Some(at) if at + 1 == chunk.len() => (&chunk[..at], Some(chunk[at])),
            Some(_) => return false,
        };
        self.carry.push(line, self.max_line_len);
        self.pending_end = end;
        self.offset += chunk.len() as u64;
        true
    }

    /// Lets go of the line handed out last (no one borrows it any more),
    /// and of a chunk scanned to its end, so that the buffer `push_slice`
    /// copies into can be reused.
    #[inline]
    fn release(&mut self) {
        if matches!(self.held, Held::Carry | Held::Frozen) {
            self.carry.clear();
        }
        self.held = Held::Nothing;
        if self.pos == self.chunk.len() && !self.chunk.is_empty() {
            self.chunk = Bytes::new();
            self.pos = 0;
        }
    }

    /// Hands out the complete line in `carry`, which started at `offset`.
    #[inline]
    fn carried_line(&mut self, offset: u64, blank_follows: bool) -> Line<'_> {
        self.held = Held::Carry;
        let carry = &mut self.carry;
        if carry.len > self.max_line_len as u64 {
            return Line::TooLong { size: carry.len, offset };
        }
        if carry.buf.len() <= SHORT_LINE {
            return Line::Text { text: &carry.buf, owner: None, offset, blank_follows };
        }
        self.held = Held::Frozen;
        carry.frozen = carry.buf.split().freeze();
        Line::Text { text: &carry.frozen, owner: Some(&carry.frozen), offset, blank_follows }
    }

    /// The line handed out last and its owner, as [`next_line`]
    /// (Self::next_line) gave them: for reading it again once the rules
    /// have run.
    pub(crate) fn last_line(&self) -> (&[u8], Option<&Bytes>) {
        match self.held {
            Held::Chunk { start, end } => (&self.chunk[start..end], Some(&self.chunk)),
            Held::Carry => (&self.carry.buf, None),
            Held::Frozen => (&self.carry.frozen, Some(&self.carry.frozen)),
            Held::Nothing => unreachable!("no line was handed out"),
        }
    }

    /// Whether there is certainly nothing to scan: a cheap test for callers
    /// that pull after every small chunk. (The line handed out last is then
    /// released by the next feed.)
    #[inline]
    pub(crate) fn is_idle(&self) -> bool {
        self.pending_end.is_none() && self.pos == self.chunk.len() && self.queue.is_empty()
    }

    /// The next complete line, or `None` when the queued input holds none.
    pub(crate) fn next_line(&mut self) -> Option<Line<'_>> {
        self.release();
        if let Some(end) = self.pending_end.take() {
            self.after_cr = end == b'\r';
            let offset = core::mem::replace(&mut self.line_start, self.offset);
            return Some(self.carried_line(offset, false));
        }
        loop {
            let Some(&first) = self.chunk.get(self.pos) else {
                match self.queue.pop_front() {
                    Some(Input::Chunk(chunk)) => {
                        self.chunk = chunk;
                        self.pos = 0;
                        continue;
                    }
                    Some(Input::End) => {
                        self.start_stream();
                        return Some(Line::End);
                    }
                    None => {
                        // Drop our reference, so `push_slice` can reuse it.
                        self.chunk = Bytes::new();
                        self.pos = 0;
                        return None;
                    }
                }
            };
            if core::mem::take(&mut self.after_cr) && first == b'\n' {
                self.skip(1);
                self.line_start = self.offset;
                continue;
            }
            if self.bom < BOM.len() {
                if first == BOM[self.bom] {
                    self.bom += 1;
                    self.skip(1);
                    if self.bom == BOM.len() {
                        self.line_start = self.offset;
                    }
                    continue;
                }
                // Not a BOM after all: the bytes matched so far are content.
                self.carry.push(&BOM[..self.bom], self.max_line_len);
                self.bom = BOM.len();
            }
            let rest = &self.chunk[self.pos..];
            // A blank line (one per event) needs no search.
            let found =
                if first == b'\n' || first == b'\r' { Some(0) } else { find_line_end(rest) };
            let Some(at) = found else {
                self.carry.push(rest, self.max_line_len);
                self.skip(rest.len());
                continue;
            };
            let (start, end) = (self.pos, self.pos + at);
            let (mut used, cr_at_end) = terminator(rest, at);
            used += at;
            let too_long = self.carry.len + at as u64 > self.max_line_len as u64;
            let mut blank_follows = false;
            // (An empty line followed by another is left as two: the
            // second is a no-op after a dispatch, and the rules say so.)
            if self.fast && at > 0 && !too_long && !cr_at_end {
                let (blank, cr) = terminator(rest, used);
                (used, blank_follows, self.after_cr) = (used + blank, blank > 0, cr);
            } else {
                self.after_cr = cr_at_end;
            }
            self.skip(used);
            let offset = core::mem::replace(&mut self.line_start, self.offset);
            if self.carry.len == 0 {
                if too_long {
                    return Some(Line::TooLong { size: at as u64, offset });
                }
                self.held = Held::Chunk { start, end };
                let text = &self.chunk[start..end];
                return Some(Line::Text { text, owner: Some(&self.chunk), offset, blank_follows });
            }
            self.carry.push(&self.chunk[start..end], self.max_line_len);
            return Some(self.carried_line(offset, blank_follows));
        }
    }

    fn skip(&mut self, n: usize) {
        self.pos += n;
        self.offset += n as u64;
    }

    /// Bytes fed but not yet scanned (excluding a partial line in `carry`).
    pub(crate) fn pending(&self) -> usize {
        let queued = self.queue.iter().map(|input| match input {
            Input::Chunk(chunk) => chunk.len(),
            Input::End => 0,
        });
        self.chunk.len() - self.pos + queued.sum::<usize>()
    }

    /// Bytes of the line held in the carry (a partial line, or the last
    /// line assembled there).
    pub(crate) fn carried(&self) -> usize {
        self.carry.buf.len() + self.carry.frozen.len()
    }

    /// Stream offset of the next byte to be scanned.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Forgets all input and starts a new stream.
    pub(crate) fn reset(&mut self) {
        self.chunk = Bytes::new();
        self.pos = 0;
        self.queue.clear();
        self.start_stream();
    }

    fn start_stream(&mut self) {
        self.carry.clear();
        self.held = Held::Nothing;
        self.pending_end = None;
        self.after_cr = false;
        self.bom = 0;
        self.offset = 0;
        self.line_start = 0;
    }
}

/// The length of the line terminator at `rest[at]` (0 if there is none):
/// 1 for LF or CR, 2 for CRLF; and whether it is a CR that ends `rest`, so
/// that an LF starting the next chunk must be skipped.
fn terminator(rest: &[u8], at: usize) -> (usize, bool) {
    match rest.get(at..) {
        Some([b'\n', ..]) => (1, false),
        Some([b'\r', b'\n', ..]) => (2, false),
        Some([b'\r']) => (1, true),
        Some([b'\r', ..]) => (1, false),
        _ => (0, false),
    }
}

/// The first CR or LF. (For a few bytes, a call into memchr costs more
/// than the search: byte-by-byte feeding absorbs one-byte chunks.)
#[inline]
pub(crate) fn find_line_end(haystack: &[u8]) -> Option<usize> {
    if haystack.len() < 16 {
        return haystack.iter().position(|&b| b == b'\n' || b == b'\r');
    }
    memchr::memchr2(b'\n', b'\r', haystack)
}

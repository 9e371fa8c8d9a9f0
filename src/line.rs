//! Layer 1: bytes → lines.
//!
//! The [`LineScanner`] owns the input that has been fed but not yet parsed
//! (a queue of [`Bytes`] chunks) and hands out one complete line at a time.
//!
//! # The state machine
//!
//! ```text
//! end-of-line = ( cr lf / cr / lf )        ; WHATWG "Parsing an event stream"
//! stream      = [ bom ] *event
//! ```
//!
//! * `bom_matched`: how many bytes of a leading `EF BB BF` have been seen.
//!   The BOM is stripped only at the very start of a stream, even when its
//!   three bytes arrive in separate chunks; if the bytes turn out not to be a
//!   BOM they become ordinary line content.
//! * `after_cr`: the previous line ended at a CR. A CR ends its line at once
//!   (we never wait for the next chunk to decide), so an event is available
//!   the moment the byte that completes it arrives; an LF that follows, even
//!   as the first byte of the next chunk, is then skipped.
//! * `carry`: the beginning of a line that straddles chunks. A line wholly
//!   inside one chunk is handed out as a view into that chunk, without a copy;
//!   only a straddling line is copied, once, into this reused buffer.
//! * `pending_end`: a small chunk whose only line end is its last byte (what
//!   byte-by-byte feeding and line-by-line readers produce) goes straight
//!   into `carry` when fed, terminator noted here; the line is handed out
//!   from `carry` by the next pull. Nothing is queued or copied twice.
//!
//! The parser's fast path reads whole lines straight from the chunk through
//! [`LineScanner::plain_rest`] and [`LineScanner::consume`], bypassing
//! [`LineScanner::next_line`] when the scanner has no state to settle.
//!
//! # Invariants
//!
//! * Never rescan more than once: each byte is looked at by one line-end
//!   search (plus the copy into `carry` for straddling lines), or by two
//!   when the parser's fast path looks at a line and declines it.
//! * Memory is bounded: `carry` never holds more than `max_line_len` bytes.
//!   A longer line is skipped as it streams in; only its length is counted,
//!   and it is reported as [`Line::TooLong`] when its terminator arrives.
//! * Chunking never changes the result, nor any reported size or offset.
//!
//! # Advice for hackers
//!
//! Every branch here runs under the conformance runner at every split point
//! of every vector and under the chunking property tests: change freely, then
//! run `cargo test`. Keep the common path (line inside the chunk, no carry)
//! first and cheap.

use alloc::collections::VecDeque;
use bytes::{BufMut, Bytes, BytesMut};

use crate::Str;

/// Lines no longer than this are handed out from the carry without
/// freezing it: none of their values can need a view.
const INLINE_CAPACITY: usize = Str::INLINE_CAPACITY;

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// One unit of pending input.
#[derive(Debug)]
enum Input {
    Chunk(Bytes),
    /// The caller called `finish`: the stream ends here.
    End,
}

/// What [`LineScanner::next_line`] found.
#[derive(Debug)]
pub(crate) enum Line<'a> {
    /// A complete line (terminator excluded) and the stream offset of its
    /// first byte. `owner` is the chunk the line lies in, when it lies wholly
    /// in one, so values can be handed out as views into it.
    Text { text: &'a [u8], owner: Option<&'a Bytes>, offset: u64 },
    /// A complete line longer than the limit; its bytes were skipped.
    TooLong { size: u64, offset: u64 },
    /// The end of the stream (`finish`): the next line starts a new stream.
    End,
}

/// A line completed in the carry, for an owned event
/// ([`LineScanner::take_carried_line_owned`]).
pub(crate) enum CarriedLine<'a> {
    /// Short enough for every value to be stored inline.
    Short(&'a [u8]),
    /// Frozen out of the carry, handed over.
    Long(Bytes),
}

/// The beginning of a line that straddles chunks.
///
/// A line of up to [`INLINE_CAPACITY`] bytes (what byte-by-byte feeding
/// builds for most lines) stays in a fixed array: a byte is appended with
/// one store, and values are copied out inline. A longer line moves to
/// `buf`, which can be frozen and shared.
#[derive(Debug)]
struct Carry {
    short: [u8; INLINE_CAPACITY],
    buf: BytesMut,
    /// Length of the line so far; may exceed what is kept once over the
    /// limit. Up to `INLINE_CAPACITY` the bytes are in `short`, past it in
    /// `buf`.
    len: u64,
    /// The line is already too long: its bytes are counted, not kept.
    overflow: bool,
    /// Length of the last line frozen out of `buf`: the room to ask for
    /// when the next long line starts.
    last_frozen: usize,
}

impl Default for Carry {
    fn default() -> Self {
        Self {
            short: [0; INLINE_CAPACITY],
            buf: BytesMut::new(),
            len: 0,
            overflow: false,
            last_frozen: 0,
        }
    }
}

impl Carry {
    /// Appends one byte (the byte-by-byte path).
    #[inline(always)]
    fn push_byte(&mut self, byte: u8, max: usize) {
        let len = self.len as usize;
        if !self.overflow && len < max {
            if len < INLINE_CAPACITY {
                if let Some(slot) = self.short.get_mut(len) {
                    *slot = byte;
                    self.len += 1;
                    return;
                }
            } else if len > INLINE_CAPACITY {
                // Already moved to `buf`.
                self.buf.put_u8(byte);
                self.len += 1;
                return;
            }
        }
        self.push(&[byte], max);
    }

    fn push(&mut self, part: &[u8], max: usize) {
        let before = self.len;
        self.len += part.len() as u64;
        if self.overflow {
            return;
        }
        if self.len > max as u64 {
            self.overflow = true;
            self.buf.clear();
            return;
        }
        let (before, after) = (before as usize, self.len as usize);
        if after <= INLINE_CAPACITY {
            if let Some(room) = self.short.get_mut(before..after) {
                room.copy_from_slice(part);
            }
            return;
        }
        if before <= INLINE_CAPACITY {
            // The line outgrows `short`: move it to `buf`.
            if self.last_frozen > after {
                // A new line after a long one: take room for as much again
                // now, while there is little to move. Once the frozen line
                // is dropped this reclaims its storage; growing by doubling
                // later would move the partial line each time.
                self.buf.reserve(self.last_frozen);
                self.last_frozen = 0;
            }
            self.buf.extend_from_slice(self.short.get(..before).unwrap_or_default());
        }
        self.buf.extend_from_slice(part);
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.len = 0;
        self.overflow = false;
    }

    /// The bytes of the line kept so far.
    fn kept(&self) -> &[u8] {
        if self.overflow {
            return &[];
        }
        match self.short.get(..self.len as usize) {
            Some(short) if self.len as usize <= INLINE_CAPACITY => short,
            _ => &self.buf,
        }
    }

    /// The short line held here (`None` if long or too long).
    fn short_line(&self) -> Option<&[u8]> {
        if self.overflow {
            return None;
        }
        self.short.get(..self.len as usize)
    }

    /// Hands out the complete line held here, which starts at `offset`,
    /// freezing it into `frozen` if its values may need views. (Not a method
    /// of the scanner so that it borrows only these fields.)
    fn line<'a>(&'a mut self, frozen: &'a mut Bytes, offset: u64) -> Line<'a> {
        if self.overflow {
            return Line::TooLong { size: self.len, offset };
        }
        if self.len as usize <= INLINE_CAPACITY {
            // Every value of so short a line is stored inline: no view is
            // needed.
            let text = self.short.get(..self.len as usize).unwrap_or_default();
            return Line::Text { text, owner: None, offset };
        }
        *frozen = self.freeze();
        Line::Text { text: frozen, owner: Some(frozen), offset }
    }

    /// Hands over the long line held in `buf`, remembering its size for
    /// the next long line (see [`last_frozen`](Self::last_frozen)).
    fn freeze(&mut self) -> Bytes {
        self.last_frozen = self.buf.len();
        self.buf.split().freeze()
    }
}

/// Splits fed chunks into lines (see the module documentation).
#[derive(Debug)]
pub(crate) struct LineScanner {
    /// The chunk being scanned; `pos` is the cursor in it.
    chunk: Bytes,
    pos: usize,
    /// Input fed after `chunk`, in order.
    queue: VecDeque<Input>,
    /// Reused buffer that `feed(&[u8])` copies into.
    owned: BytesMut,
    carry: Carry,
    /// The last line assembled in `carry`, frozen so that its values can be
    /// handed out as views (no second copy); dropped before scanning on so
    /// `carry` can reclaim its storage.
    carry_line: Bytes,
    /// `carry` holds the line handed out last; clear it before scanning on.
    carry_used: bool,
    /// The scanner sits in a partial line with nothing else to do: no chunk
    /// (not even a used-up one), nothing queued, no line pending or handed
    /// out, no LF to skip, the BOM settled. Then a plain byte is appended
    /// with one test and [`is_idle`](Self::is_idle) holds. Set only where
    /// that state is reached; cleared by everything else that can change
    /// it (the byte-by-byte fast path's one test).
    plain: bool,
    /// `carry` holds a complete line, absorbed with its terminator (this
    /// byte, already counted in `offset`), not yet handed out.
    pending_end: Option<u8>,
    after_cr: bool,
    bom_matched: u8,
    /// Stream offset of `chunk[pos]`.
    offset: u64,
    /// Stream offset of the first byte of the line being scanned.
    line_start: u64,
    max_line_len: usize,
}

impl LineScanner {
    pub(crate) fn new(max_line_len: usize) -> Self {
        Self {
            chunk: Bytes::new(),
            pos: 0,
            queue: VecDeque::new(),
            owned: BytesMut::new(),
            carry: Carry::default(),
            carry_line: Bytes::new(),
            carry_used: false,
            plain: false,
            pending_end: None,
            after_cr: false,
            bom_matched: 0,
            offset: 0,
            line_start: 0,
            max_line_len,
        }
    }

    /// Queues a chunk without copying it.
    #[inline]
    pub(crate) fn push_bytes(&mut self, chunk: Bytes) {
        if let [byte] = *chunk {
            if self.push_plain_byte(byte) || self.push_line_end_byte(byte) {
                return;
            }
        }
        self.push_bytes_in_general(chunk);
    }

    fn push_bytes_in_general(&mut self, chunk: Bytes) {
        self.plain = false;
        if chunk.is_empty() || self.absorb_partial(&chunk) {
            return;
        }
        self.enqueue(chunk);
    }

    /// The byte-by-byte fast path: appends `byte` to the partial line if it
    /// is neither CR nor LF and nothing but appending is to be done (no
    /// other input pending, no state to settle).
    /// Returns whether it did.
    #[inline(always)]
    fn push_plain_byte(&mut self, byte: u8) -> bool {
        if byte == b'\n' || byte == b'\r' {
            self.plain = false;
            return false;
        }
        if !self.plain {
            if !self.only_appending() {
                return false;
            }
            self.plain = self.chunk.is_empty();
        }
        self.carry.push_byte(byte, self.max_line_len);
        self.offset += 1;
        true
    }

    /// The byte-by-byte path for a CR or LF: what
    /// [`absorb_partial`](Self::absorb_partial) does with a one-byte chunk
    /// (the carried line becomes complete, or the LF of a CRLF is skipped),
    /// without its search. Returns whether it took the byte.
    #[inline(never)]
    fn push_line_end_byte(&mut self, byte: u8) -> bool {
        if (byte != b'\n' && byte != b'\r') || !self.may_absorb() {
            return false;
        }
        self.plain = false;
        self.offset += 1;
        if self.after_cr {
            self.after_cr = false;
            if byte == b'\n' {
                self.line_start = self.offset;
                return true;
            }
        }
        if self.carry_used {
            self.clear_carry();
        }
        self.pending_end = Some(byte);
        true
    }

    /// The current chunk is scanned to its end and nothing is queued after it.
    #[inline]
    fn nothing_queued(&self) -> bool {
        self.pos == self.chunk.len() && self.queue.is_empty()
    }

    /// A small chunk may go straight into the carry: nothing is queued, no
    /// complete line waits there, the BOM is settled.
    #[inline]
    fn may_absorb(&self) -> bool {
        self.nothing_queued()
            && self.pending_end.is_none()
            && usize::from(self.bom_matched) == BOM.len()
    }

    /// Everything [`plain`](Self::plain) asks for but the chunk being gone:
    /// besides [`may_absorb`](Self::may_absorb), no line handed out from the
    /// carry and no LF to skip.
    #[inline]
    fn only_appending(&self) -> bool {
        self.may_absorb() && !self.carry_used && !self.after_cr
    }

    /// Queues a chunk that [`absorb_partial`](Self::absorb_partial) declined.
    fn enqueue(&mut self, chunk: Bytes) {
        if self.nothing_queued() {
            self.chunk = chunk;
            self.pos = 0;
        } else {
            self.queue.push_back(Input::Chunk(chunk));
        }
    }

    /// Queues a copy of a borrowed chunk. The copy goes into a buffer that
    /// is reused once the items made from the previous copy are dropped.
    #[inline]
    pub(crate) fn push_slice(&mut self, chunk: &[u8]) {
        if let [byte] = *chunk {
            if self.push_plain_byte(byte) || self.push_line_end_byte(byte) {
                return;
            }
        }
        self.push_slice_in_general(chunk);
    }

    fn push_slice_in_general(&mut self, chunk: &[u8]) {
        self.plain = false;
        if chunk.is_empty() || self.absorb_partial(chunk) {
            return;
        }
        self.owned.extend_from_slice(chunk);
        let chunk = self.owned.split().freeze();
        self.enqueue(chunk);
    }

    /// Takes `chunk` straight into the carry when nothing else is pending
    /// and it holds no line end, or one only as its last byte (then the
    /// carry holds a complete line, handed out by the next `next_line`).
    /// This is exactly what scanning it later would do, minus the cost of
    /// queueing (and, for `feed`, copying) it; it makes small chunks cheap,
    /// byte-by-byte feeding above all. Returns whether `chunk` was absorbed.
    fn absorb_partial(&mut self, chunk: &[u8]) -> bool {
        if !self.may_absorb() {
            return false;
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
                // Anything else starts a line: no LF left to skip.
                _ => self.after_cr = false,
            }
        }
        let (line, end) = match find_line_end(chunk) {
            None => (chunk, None),
            Some(at) if at + 1 == chunk.len() => (&chunk[..at], Some(chunk[at])),
            Some(_) => return false,
        };
        if self.carry_used {
            self.clear_carry();
        }
        if !line.is_empty() {
            self.carry.push(line, self.max_line_len);
        }
        self.pending_end = end;
        self.offset += chunk.len() as u64;
        // Everything `plain` asks for holds here but, perhaps, the chunk.
        self.plain = end.is_none() && self.chunk.is_empty();
        true
    }

    fn clear_carry(&mut self) {
        self.carry.clear();
        self.carry_line = Bytes::new();
        self.carry_used = false;
    }

    /// Whether there is certainly nothing to scan: no input is pending and
    /// no line handed out needs clearing. A cheap test for the caller that
    /// pulls after every small chunk. (`next_line` releases a used-up chunk
    /// before it returns `None`, so this never holds one alive.)
    #[inline]
    pub(crate) fn is_idle(&self) -> bool {
        self.plain
            || self.chunk.is_empty()
                && self.queue.is_empty()
                && !self.carry_used
                && self.pending_end.is_none()
    }

    /// The unscanned rest of the current chunk and the chunk itself, when
    /// the scanner sits at the start of a line with nothing carried over, so
    /// the caller may read whole lines straight from the chunk; see
    /// [`consume`](Self::consume).
    ///
    /// A line handed out from the carry is released and a pending "skip
    /// the LF after a CR" is settled first, as `next_line` would do.
    #[inline]
    pub(crate) fn plain_rest(&mut self) -> Option<(&[u8], &Bytes)> {
        self.plain = false;
        if self.carry_used {
            self.clear_carry();
        }
        if self.carry.len != 0
            || self.pending_end.is_some()
            || usize::from(self.bom_matched) < BOM.len()
        {
            return None;
        }
        if self.after_cr {
            match self.chunk.get(self.pos) {
                Some(b'\n') => {
                    self.advance(1);
                    self.line_start = self.offset;
                }
                Some(_) => {}
                None => return None,
            }
            self.after_cr = false;
        }
        let rest = self.chunk.get(self.pos..)?;
        Some((rest, &self.chunk))
    }

    /// Marks the first `n` bytes of [`plain_rest`](Self::plain_rest) as
    /// scanned. They must end with a line terminator, and a CR may end
    /// them only if it is not followed by an LF that remains unscanned.
    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        self.plain = false;
        self.advance(n);
        self.line_start = self.offset;
    }

    /// [`consume`](Self::consume), returning the bytes consumed: they stay
    /// in the current chunk, which is only released by the next scan.
    #[inline]
    pub(crate) fn consume_plain(&mut self, n: usize) -> &[u8] {
        let start = self.pos;
        self.consume(n);
        self.chunk.get(start..self.pos).unwrap_or_default()
    }

    /// The unscanned rest of the current chunk and the chunk, with no state
    /// settled: for reading again what [`plain_rest`](Self::plain_rest)
    /// returned.
    #[inline]
    pub(crate) fn current_rest(&self) -> (&[u8], &Bytes) {
        (self.chunk.get(self.pos..).unwrap_or_default(), &self.chunk)
    }

    /// A line begun in the carry whose end, followed by a blank line, lies
    /// in the current chunk: the part carried, the rest of the line in the
    /// chunk, and the bytes of the chunk that the line and the blank line
    /// take (terminators included; each an LF or a complete CRLF). Nothing
    /// changes; see [`take_carried_line`](Self::take_carried_line). This is
    /// how an event cut by a chunk boundary looks once the next chunk
    /// comes.
    #[inline]
    pub(crate) fn peek_carried_line(&self) -> Option<(&[u8], &[u8], usize)> {
        if self.carry.len == 0
            || self.carry.overflow
            || self.carry_used
            || self.pending_end.is_some()
            || self.after_cr
            || usize::from(self.bom_matched) < BOM.len()
        {
            return None;
        }
        let rest = self.chunk.get(self.pos..)?;
        let at = find_line_end(rest)?;
        let end = match rest.get(at..)? {
            [b'\n', ..] => at + 1,
            [b'\r', b'\n', ..] => at + 2,
            _ => return None,
        };
        let used = match rest.get(end..)? {
            [b'\n', ..] => end + 1,
            [b'\r', b'\n', ..] => end + 2,
            _ => return None,
        };
        Some((self.carry.kept(), rest.get(..at)?, used))
    }

    /// Completes the line [`peek_carried_line`](Self::peek_carried_line)
    /// found (`tail` bytes of the chunk, `used` with the blank line) in the
    /// carry, consumes the bytes, and returns the whole line. The carry is
    /// cleared at the next scan. The caller checks the line limit first.
    #[inline]
    pub(crate) fn take_carried_line(&mut self, tail: usize, used: usize) -> &[u8] {
        self.plain = false;
        let part = self.chunk.get(self.pos..self.pos + tail).unwrap_or_default();
        self.carry.push(part, self.max_line_len);
        self.advance(used);
        self.line_start = self.offset;
        self.carry_used = true;
        self.carry.kept()
    }

    /// [`take_carried_line`](Self::take_carried_line) for an owned event:
    /// a long line is frozen out of the carry and handed over whole (its
    /// values need no view, so no reference is counted for them).
    pub(crate) fn take_carried_line_owned(&mut self, tail: usize, used: usize) -> CarriedLine<'_> {
        self.take_carried_line(tail, used);
        if self.carry.len as usize <= INLINE_CAPACITY {
            return CarriedLine::Short(self.carry.kept());
        }
        CarriedLine::Long(self.carry.freeze())
    }

    /// Whether a complete line absorbed into the carry awaits (see
    /// [`pending_short_line`](Self::pending_short_line)).
    #[inline]
    pub(crate) fn has_pending_line(&self) -> bool {
        self.pending_end.is_some()
    }

    /// The complete line absorbed into the carry with its terminator and
    /// not yet handed out, when it is short enough to be copied inline
    /// (byte-by-byte feeding leaves every line there); see
    /// [`skip_pending_line`](Self::skip_pending_line).
    #[inline]
    pub(crate) fn pending_short_line(&self) -> Option<&[u8]> {
        self.pending_end?;
        // `absorb_partial` cleared a used carry before absorbing into it.
        debug_assert!(!self.carry_used);
        self.carry.short_line()
    }

    /// Marks the line [`pending_short_line`](Self::pending_short_line)
    /// returned as read: what `next_line` does when it hands it out, with
    /// the carry cleared at once since nothing borrows it.
    #[inline]
    pub(crate) fn skip_pending_line(&mut self) {
        if let Some(end) = self.pending_end.take() {
            self.after_cr = end == b'\r';
            self.line_start = self.offset;
            self.carry.clear();
            self.plain = self.chunk.is_empty() && self.only_appending();
        }
    }

    /// Marks the end of the stream after everything queued so far.
    pub(crate) fn push_end(&mut self) {
        self.plain = false;
        self.queue.push_back(Input::End);
    }

    /// Bytes fed but not yet scanned (excluding a partial line in `carry`).
    pub(crate) fn pending(&self) -> usize {
        let queued: usize = self
            .queue
            .iter()
            .map(|input| match input {
                Input::Chunk(chunk) => chunk.len(),
                Input::End => 0,
            })
            .sum();
        self.chunk.len() - self.pos + queued
    }

    /// Bytes of the line held in the carry buffer (a partial line, or the
    /// last line assembled there).
    pub(crate) fn carried(&self) -> usize {
        self.carry.kept().len() + self.carry_line.len()
    }

    /// Stream offset of the next byte to be scanned.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Forgets all input and starts a new stream.
    pub(crate) fn reset(&mut self) {
        self.plain = false;
        self.chunk = Bytes::new();
        self.pos = 0;
        self.queue.clear();
        self.start_stream();
    }

    fn start_stream(&mut self) {
        self.clear_carry();
        self.pending_end = None;
        self.after_cr = false;
        self.bom_matched = 0;
        self.offset = 0;
        self.line_start = 0;
    }

    /// The next complete line, or `None` when the queued input holds none.
    pub(crate) fn next_line(&mut self) -> Option<Line<'_>> {
        self.plain = false;
        if self.carry_used {
            self.clear_carry();
        }
        if let Some(end) = self.pending_end.take() {
            self.after_cr = end == b'\r';
            let offset = core::mem::replace(&mut self.line_start, self.offset);
            self.carry_used = true;
            return Some(self.carry.line(&mut self.carry_line, offset));
        }
        loop {
            let Some(rest) = self.chunk.get(self.pos..).filter(|rest| !rest.is_empty()) else {
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
                        // Drop our reference so `push_slice` can reuse it.
                        self.chunk = Bytes::new();
                        self.pos = 0;
                        return None;
                    }
                }
            };
            let first = rest[0];
            if self.after_cr {
                self.after_cr = false;
                if first == b'\n' {
                    self.advance(1);
                    self.line_start = self.offset;
                    continue;
                }
            }
            if usize::from(self.bom_matched) < BOM.len() {
                let matched = usize::from(self.bom_matched);
                if Some(&first) == BOM.get(matched) {
                    self.bom_matched += 1;
                    self.advance(1);
                    if usize::from(self.bom_matched) == BOM.len() {
                        self.line_start = self.offset;
                    }
                    continue;
                }
                // Not a BOM after all: the bytes matched so far are content.
                self.bom_matched = BOM.len() as u8;
                self.carry.push(&BOM[..matched], self.max_line_len);
                continue;
            }

            // A blank line (one per event) needs no search.
            let found =
                if first == b'\n' || first == b'\r' { Some(0) } else { find_line_end(rest) };
            let Some(at) = found else {
                self.carry.push(rest, self.max_line_len);
                let len = rest.len();
                self.advance(len);
                continue;
            };
            let start = self.pos;
            self.after_cr = rest[at] == b'\r';
            self.advance(at + 1);
            let offset = core::mem::replace(&mut self.line_start, self.offset);
            let text = &self.chunk[start..start + at];
            if self.carry.len == 0 {
                if at > self.max_line_len {
                    return Some(Line::TooLong { size: at as u64, offset });
                }
                return Some(Line::Text { text, owner: Some(&self.chunk), offset });
            }
            self.carry.push(text, self.max_line_len);
            self.carry_used = true;
            return Some(self.carry.line(&mut self.carry_line, offset));
        }
    }

    fn advance(&mut self, n: usize) {
        self.pos += n;
        self.offset += n as u64;
    }
}

/// The first CR or LF.
///
/// Below a few dozen bytes the call into memchr costs more than the search,
/// so short haystacks are scanned inline. A long one has its first eight
/// bytes tested as one word (a blank line, or the end of a short line in
/// the middle of a chunk), then memchr takes over: testing four words first
/// cost long lines more than it saved short ones (callgrind, borrowed pulls
/// from 2 MiB in chunks, one word against four: `llm` 5.24M against 5.64M
/// instructions, `multiline` 19.35M against 19.56M, `tiny` 61.9M against
/// 65.4M).
pub(crate) fn find_line_end(haystack: &[u8]) -> Option<usize> {
    let (Some(head), Some(tail)) = (haystack.first_chunk::<32>(), haystack.get(8..)) else {
        return haystack.iter().position(|&b| b == b'\n' || b == b'\r');
    };
    let mut word = [0; 8];
    word.copy_from_slice(&head[..8]);
    if let Some(found) = line_end_in_word(u64::from_le_bytes(word)) {
        return Some(found);
    }
    memchr::memchr2(b'\n', b'\r', tail).map(|at| 8 + at)
}

/// Index of the first CR or LF among the eight bytes of `word` (read
/// little-endian), with the classic "has a zero byte" bit trick: a byte of
/// `x - 0x01…01` has its top bit set where the byte of `x` was zero, or where
/// a borrow came in from a lower zero byte, so the lowest flagged byte is
/// always a true match.
#[inline]
fn line_end_in_word(word: u64) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_at = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let found =
        zero_at(word ^ (ONES * u64::from(b'\n'))) | zero_at(word ^ (ONES * u64::from(b'\r')));
    (found != 0).then(|| (found.trailing_zeros() / 8) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{format, string::String, vec, vec::Vec};

    /// Renders a line, e.g. `"abc@0"`, `"TooLong(5)@3"`.
    fn render(line: Line<'_>) -> String {
        match line {
            Line::Text { text, offset, .. } => {
                format!("{}@{offset}", String::from_utf8_lossy(text))
            }
            Line::TooLong { size, offset } => format!("TooLong({size})@{offset}"),
            Line::End => String::from("End"),
        }
    }

    /// Scans `chunks`, pulling every line after each, and renders the lines.
    fn scan(chunks: &[&[u8]], max: usize) -> Vec<String> {
        let mut scanner = LineScanner::new(max);
        let mut out = Vec::new();
        for chunk in chunks {
            scanner.push_slice(chunk);
            while let Some(line) = scanner.next_line() {
                out.push(render(line));
            }
        }
        out
    }

    macro_rules! scans_to {
        ($name:ident, $chunks:expr, $max:expr, [$($want:expr),* $(,)?]) => {
            #[test]
            fn $name() {
                let chunks: &[&[u8]] = &$chunks;
                let want: Vec<&str> = alloc::vec![$($want),*];
                assert_eq!(scan(chunks, $max), want, "chunks {:?}", chunks);
                // Whatever the chunking, the lines are the same.
                let whole: Vec<u8> = chunks.concat();
                assert_eq!(scan(&[&whole], $max), want, "whole");
                let bytes: Vec<&[u8]> = whole.chunks(1).collect();
                assert_eq!(scan(&bytes, $max), want, "byte by byte");
            }
        };
    }

    scans_to!(lf, [b"a\nb\n"], 100, ["a@0", "b@2"]);
    scans_to!(cr, [b"a\rb\r"], 100, ["a@0", "b@2"]);
    scans_to!(crlf, [b"a\r\nb\r\n"], 100, ["a@0", "b@3"]);
    scans_to!(crlf_split, [b"a\r", b"\nb\r\n"], 100, ["a@0", "b@3"]);
    scans_to!(cr_cr_is_two_lines, [b"a\r\r"], 100, ["a@0", "@2"]);
    scans_to!(lf_cr_is_two_lines, [b"a\n\r"], 100, ["a@0", "@2"]);
    scans_to!(crlf_lf, [b"a\r\n\n"], 100, ["a@0", "@3"]);
    scans_to!(partial_line_is_held, [b"abc", b"def"], 100, []);
    scans_to!(straddling_line, [b"ab", b"c\nd", b"e\n"], 100, ["abc@0", "de@4"]);
    scans_to!(bom_stripped, [b"\xEF\xBB\xBFa\n"], 100, ["a@3"]);
    scans_to!(bom_split, [b"\xEF", b"", b"\xBB", b"\xBFa\n"], 100, ["a@3"]);
    scans_to!(second_bom_kept, [b"\xEF\xBB\xBF\xEF\xBB\xBFa\n"], 100, ["\u{FEFF}a@3"]);
    scans_to!(partial_bom_is_content, [b"\xEF\xBBa\n"], 100, ["\u{FFFD}a@0"]);
    scans_to!(bom_then_cr, [b"\xEF\xBB\xBF\r\n"], 100, ["@3"]);
    scans_to!(too_long_in_chunk, [b"abcdef\nab\n"], 3, ["TooLong(6)@0", "ab@7"]);
    scans_to!(too_long_straddling, [b"ab", b"cdef", b"gh\nab\n"], 3, ["TooLong(8)@0", "ab@9"]);
    scans_to!(exactly_the_limit, [b"ab", b"c\n"], 3, ["abc@0"]);

    #[test]
    fn the_line_end_search_agrees_with_a_plain_scan() {
        // Every length across the inline, one-word and memchr ranges, with a
        // CR or an LF (or both, or neither) at every position.
        for len in 0..80 {
            for at in 0..=len {
                for (end, other) in [(b'\n', None), (b'\r', None), (b'\r', Some(b'\n'))] {
                    let mut haystack = vec![b'a'; len];
                    if let Some(slot) = haystack.get_mut(at) {
                        *slot = end;
                    }
                    if let (Some(other), Some(slot)) = (other, haystack.get_mut(at + 1)) {
                        *slot = other;
                    }
                    let want = haystack.iter().position(|&b| b == b'\n' || b == b'\r');
                    assert_eq!(find_line_end(&haystack), want, "len {len}, at {at}");
                }
            }
        }
    }

    #[test]
    fn a_line_is_available_the_moment_its_cr_arrives() {
        let mut scanner = LineScanner::new(100);
        scanner.push_slice(b"data: x\r");
        assert!(matches!(scanner.next_line(), Some(Line::Text { text: b"data: x", .. })));
        assert!(scanner.next_line().is_none());
        scanner.push_slice(b"\n\r");
        assert!(matches!(scanner.next_line(), Some(Line::Text { text: b"", offset: 9, .. })));
    }

    /// Pushes every chunk before pulling anything (the `scans_to!` cases
    /// pull after each chunk), so chunks absorbed into the carry with their
    /// line end and chunks queued behind them meet.
    fn scan_all_then_pull(chunks: &[&[u8]], max: usize) -> Vec<String> {
        let mut scanner = LineScanner::new(max);
        for chunk in chunks {
            scanner.push_slice(chunk);
        }
        let mut out = Vec::new();
        while let Some(line) = scanner.next_line() {
            out.push(render(line));
        }
        out
    }

    #[test]
    fn small_chunks_with_line_ends_are_absorbed_in_order() {
        let cases: [(&[&[u8]], &[&str]); 6] = [
            (&[b"a", b"b\r", b"\n", b"c\n"], &["ab@0", "c@4"]),
            (&[b"a\r", b"\n\n"], &["a@0", "@3"]),
            (&[b"a\r", b"\r"], &["a@0", "@2"]),
            (&[b"\r", b"\n", b"\n"], &["@0", "@2"]),
            (&[b"abcd", b"e\n", b"x\n"], &["TooLong(5)@0", "x@6"]),
            (&[b"ab", b"cd\n", b"e"], &["TooLong(4)@0"]),
        ];
        for (chunks, want) in cases {
            assert_eq!(scan_all_then_pull(chunks, 3), want, "chunks {chunks:?}");
            assert_eq!(scan(chunks, 3), want, "pulling after each of {chunks:?}");
        }
    }

    #[test]
    fn lines_inside_a_chunk_are_views_into_it() {
        let mut scanner = LineScanner::new(100);
        let chunk = Bytes::from_static(b"hello\nworld\n");
        scanner.push_bytes(chunk.clone());
        let Some(Line::Text { text, owner: Some(owner), .. }) = scanner.next_line() else {
            panic!("expected a line in the chunk")
        };
        assert_eq!(text.as_ptr(), chunk.as_ptr());
        assert_eq!(owner.as_ptr(), chunk.as_ptr());
    }

    #[test]
    fn carry_never_exceeds_the_limit() {
        let mut scanner = LineScanner::new(10);
        for _ in 0..1000 {
            scanner.push_slice(&[b'x'; 7]);
            assert!(scanner.next_line().is_none());
            assert!(scanner.carry.kept().len() <= 10);
            assert!(scanner.carry.buf.capacity() <= 64);
        }
        scanner.push_slice(b"\n");
        assert!(matches!(scanner.next_line(), Some(Line::TooLong { size: 7000, offset: 0 })));
    }

    #[test]
    fn end_starts_a_new_stream() {
        let mut scanner = LineScanner::new(100);
        scanner.push_slice(b"a\npartial");
        scanner.push_end();
        scanner.push_slice(b"\xEF\xBB\xBFb\n");
        assert!(matches!(scanner.next_line(), Some(Line::Text { text: b"a", .. })));
        assert!(matches!(scanner.next_line(), Some(Line::End)));
        assert!(matches!(scanner.next_line(), Some(Line::Text { text: b"b", offset: 3, .. })));
        assert_eq!(scanner.pending(), 0);
    }
}

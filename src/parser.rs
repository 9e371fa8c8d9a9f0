//! Layer 3: fields → events. The [`Parser`] and its [`ParserBuilder`].
//!
//! # The state machine
//!
//! Per the WHATWG rules, the parser keeps a *data buffer*, an *event type
//! buffer* and a *last event ID buffer* for the block being read, plus the
//! *last event ID string* (set at every blank line, rule 5a) and the
//! *reconnection time*. Input waits in the [`LineScanner`]'s queue until
//! you pull: each [`Parser::next_item`] call parses exactly as far as the
//! next item and no further, so finished items are never queued.
//!
//! # The fast path
//!
//! Most events of most streams are one `data` line (perhaps after an
//! `event` line) and a blank line. When such an event lies whole in the
//! chunk being scanned and the block is fresh, [`Parser::next_item`] builds
//! it straight from the chunk without walking the state machine; in every
//! other case (a limit to report, invalid UTF-8, a CR whose LF may follow,
//! any other field) it declines and the general path below runs. Both give
//! the same result, which the conformance vectors check at every split
//! point and the `differential` fuzz target checks against the reference
//! model.
//!
//! Two more shortcuts serve the other common shapes: with one byte per
//! chunk every line arrives whole in the scanner's carry, and
//! [`Parser::carry_step`] applies the simple ones (first `data`, `event`,
//! `id`, blank) straight to the block; and an event cut by a chunk boundary
//! is completed in the carry and lent from there by the borrowing pull
//! ([`Parser::carried_scan`]).
//!
//! # Borrowed items
//!
//! [`Parser::next_item_ref`] lends what [`Parser::next_item`] would hand
//! over. A fast-path event is lent straight from the chunk or the carry; a
//! short byte-by-byte one from the block itself, which is then marked
//! `lent` and cleared at the next pull that parses; anything else is built
//! as an owned item, kept in `held` until the next call, and lent from
//! there.
//!
//! # Invariants
//!
//! * Memory: the scanner's carry holds at most `max_line_len` bytes and the
//!   data buffer at most `max_event_size` bytes; both are checked *before*
//!   growing. Everything else is one value per buffer (type, id).
//! * Zero-copy: a value that lies wholly in one fed chunk is a view into it
//!   (or inline, if short); only data of several lines is joined in a reused
//!   buffer.
//! * Errors are per block: after one, `discarding` ignores the rest of the
//!   block and the next blank line dispatches nothing.
//!
//! # Advice for hackers
//!
//! The conformance vectors, the chunking properties and the reference model
//! in `tests/` pin all of this down; the rule numbers in comments refer to
//! `SPEC.md` / the WHATWG "Interpreting an event stream" steps.

use crate::field::{self, Kind, Name};
use crate::line::{find_line_end, CarriedLine, Line, LineScanner};
use crate::text::is_utf8;
use crate::{Error, Event, EventRef, Item, ItemRef, Str};
use bytes::{Buf, BufMut, Bytes, BytesMut};
use core::mem;

/// Default for [`ParserBuilder::max_line_len`]: 16 MiB (a single-line event
/// may be as large as [`DEFAULT_MAX_EVENT_SIZE`] allows).
pub const DEFAULT_MAX_LINE_LEN: usize = 16 << 20;
/// Default for [`ParserBuilder::max_event_size`]: 16 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 << 20;

/// Configures and builds a [`Parser`].
///
/// ```
/// let parser = ssekit::Parser::builder()
///     .max_line_len(64 * 1024)
///     .max_event_size(1024 * 1024)
///     .emit_comments(true)
///     .build();
/// # drop(parser);
/// ```
#[derive(Debug, Clone)]
pub struct ParserBuilder {
    max_line_len: usize,
    max_event_size: usize,
    emit_comments: bool,
    strict_utf8: bool,
}

impl Default for ParserBuilder {
    fn default() -> Self {
        Self {
            max_line_len: DEFAULT_MAX_LINE_LEN,
            max_event_size: DEFAULT_MAX_EVENT_SIZE,
            emit_comments: false,
            strict_utf8: false,
        }
    }
}

impl ParserBuilder {
    /// A builder with the default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// The longest line accepted, in bytes, not counting its terminator.
    ///
    /// A longer line is skipped as it streams in (never buffered), reported
    /// as [`Error::LineTooLong`] when it ends, and drops the event it is part
    /// of. Use `usize::MAX` for no limit. The default is 16 MiB
    /// ([`DEFAULT_MAX_LINE_LEN`]).
    pub fn max_line_len(&mut self, bytes: usize) -> &mut Self {
        self.max_line_len = bytes;
        self
    }

    /// The largest event data accepted, in bytes: the values of the event's
    /// `data` lines plus the `\n` between them, measured on the raw bytes.
    ///
    /// The `data` line that would cross it is reported as
    /// [`Error::EventTooLarge`] and drops the event. A flood of empty `data:`
    /// lines hits it too, since each adds a `\n`. Use `usize::MAX` for no
    /// limit. The default is 16 MiB ([`DEFAULT_MAX_EVENT_SIZE`]).
    pub fn max_event_size(&mut self, bytes: usize) -> &mut Self {
        self.max_event_size = bytes;
        self
    }

    /// Whether comment lines are reported as [`Item::Comment`] (useful to
    /// proxies that forward keep-alives). The default is `false`.
    pub fn emit_comments(&mut self, yes: bool) -> &mut Self {
        self.emit_comments = yes;
        self
    }

    /// Whether a line that is not valid UTF-8 is an error
    /// ([`Error::InvalidUtf8`], which drops its event) instead of being
    /// decoded with U+FFFD replacement as the specification says. The default
    /// is `false`.
    pub fn strict_utf8(&mut self, yes: bool) -> &mut Self {
        self.strict_utf8 = yes;
        self
    }

    /// Builds a parser with these settings.
    pub fn build(&self) -> Parser {
        Parser {
            lines: LineScanner::new(self.max_line_len),
            config: self.clone(),
            block: Block::default(),
            last_event_id: Str::EMPTY,
            retry: None,
            held: None,
        }
    }
}

/// The data buffer (rule 4 `data`), kept without its trailing `\n`.
#[derive(Debug, Default)]
enum Data {
    /// No `data` field yet: a blank line dispatches nothing (rule 5b).
    #[default]
    None,
    /// Exactly one `data` field, valid UTF-8: its value, not yet copied.
    One(Str),
    /// Several, or one that is not valid UTF-8: the raw bytes, joined with
    /// `\n` in `Block::data_buf`, decoded at dispatch.
    Joined,
}

/// The buffers of the block being read.
#[derive(Debug, Default)]
struct Block {
    data: Data,
    /// Size the data would have if dispatched now (raw bytes).
    data_len: u64,
    data_buf: BytesMut,
    event_type: Str,
    /// The last event ID buffer.
    id: Str,
    /// `id` changed since the last blank line.
    id_changed: bool,
    /// An error happened in this block: ignore lines until a blank one.
    discarding: bool,
    /// The block was dispatched by lending its event in place
    /// ([`Parser::next_item_ref`]); clear it before parsing on.
    lent: bool,
}

impl Block {
    /// Rule 4 `data`: append the value and a `\n` to the data buffer.
    fn push_data(&mut self, value: &[u8], owner: Option<&Bytes>, limit: usize) -> Result<(), u64> {
        let size = match self.data {
            Data::None => value.len() as u64,
            _ => self.data_len + 1 + value.len() as u64,
        };
        if size > limit as u64 {
            return Err(size);
        }
        self.data_len = size;
        // Matched in place: the commonest case, a line appended to joined
        // data, leaves the state as it is.
        match &self.data {
            Data::Joined => {
                self.data_buf.reserve(1 + value.len());
                self.data_buf.put_u8(b'\n');
                self.data_buf.extend_from_slice(value);
            }
            Data::None => match Str::decode_valid(value, owner) {
                Some(data) => self.data = Data::One(data),
                // Invalid UTF-8 is decoded at dispatch, so that what the
                // parser holds is the raw bytes the limit counts, not up to
                // three times as many after U+FFFD replacement.
                None => {
                    self.data_buf.clear();
                    self.data_buf.extend_from_slice(value);
                    self.data = Data::Joined;
                }
            },
            Data::One(first) => {
                self.data_buf.clear();
                self.data_buf.extend_from_slice(first.as_bytes());
                self.data_buf.put_u8(b'\n');
                self.data_buf.extend_from_slice(value);
                self.data = Data::Joined;
            }
        }
        Ok(())
    }

    /// The event of a block marked lent, borrowed from it: its type (or
    /// `"message"`), its one data value, and the last event ID string.
    fn lend<'a>(&'a self, last_event_id: &'a Str) -> EventRef<'a> {
        let event_type = match self.event_type.as_bytes() {
            b"" => b"message",
            event_type => event_type,
        };
        let data = match &self.data {
            Data::One(data) => data.as_bytes(),
            _ => b"",
        };
        EventRef::new(event_type, data, last_event_id.as_bytes())
    }

    /// Finishes the dispatch of a block that was lent: the buffers are
    /// cleared as [`dispatch`](Self::dispatch) clears them.
    #[inline]
    fn settle_lent(&mut self) {
        if mem::take(&mut self.lent) {
            self.event_type = Str::EMPTY;
            self.data = Data::None;
            self.data_len = 0;
        }
    }

    /// The event type buffer, emptied, or `"message"` if it was empty
    /// (rule 5, step 6).
    #[inline(always)]
    fn take_event_type(&mut self) -> Str {
        match mem::take(&mut self.event_type) {
            event_type if event_type.is_empty() => Str::MESSAGE,
            event_type => event_type,
        }
    }

    /// Rule 5a: the last event ID string takes the buffer's value.
    fn commit_id(&mut self, last_event_id: &mut Str) {
        if mem::take(&mut self.id_changed) {
            last_event_id.clone_from(&self.id);
        }
    }

    /// Rule 5 (a blank line): dispatch the event, if there is data.
    /// (Inlined so that the event is built where the caller returns it:
    /// moved through temporaries, its reloads stalled on store forwarding.)
    #[inline(always)]
    fn dispatch(&mut self, last_event_id: &mut Str) -> Option<Event> {
        self.commit_id(last_event_id);
        let event_type = self.take_event_type();
        self.data_len = 0;
        let data = match mem::take(&mut self.data) {
            Data::None => return None,
            Data::One(data) => data,
            Data::Joined if self.data_buf.len() <= Str::INLINE_CAPACITY => {
                let data = Str::decode(&self.data_buf, None);
                self.data_buf.clear();
                data
            }
            Data::Joined => Str::from_utf8_lossy(self.data_buf.split().freeze()),
        };
        Some(Event::new(event_type, data, last_event_id.clone()))
    }

    /// An error: drop the event, ignore the rest of the block.
    fn discard(&mut self) {
        self.lent = false;
        self.data = Data::None;
        self.data_len = 0;
        self.data_buf.clear();
        self.event_type = Str::EMPTY;
        self.discarding = true;
    }

    /// Rule 6 (end of stream): drop the pending event and the pending id.
    fn end_of_stream(&mut self, last_event_id: &Str) {
        self.discard();
        self.discarding = false;
        self.id.clone_from(last_event_id);
        self.id_changed = false;
    }
}

/// A `name:value` line read by the fast path ([`Parser::simple_scan`]).
struct SimpleLine {
    /// Where the value starts (one leading space removed), from the start
    /// of the line.
    value_start: usize,
    value_len: usize,
    /// Bytes the line takes, terminator included.
    used: usize,
}

impl SimpleLine {
    /// The line at the start of `text` if it is field `name` (colon
    /// included), within the line limit, and ends with an LF or a complete
    /// CRLF.
    #[inline]
    fn read<const N: usize>(text: &[u8], name: &[u8; N], max_line_len: usize) -> Option<Self> {
        // A fixed-size comparison: a few instructions, no loop.
        let after_name = match text.split_first_chunk::<N>() {
            Some((head, after_name)) if head == name => after_name,
            _ => return None,
        };
        let at = find_line_end(after_name)?;
        if N + at > max_line_len {
            return None;
        }
        let terminator = match after_name.get(at..)? {
            [b'\n', ..] => 1,
            [b'\r', b'\n', ..] => 2,
            _ => return None,
        };
        // A space is neither CR nor LF, so `at >= 1` when there is one.
        let (value_start, value_len) = match after_name {
            [b' ', ..] => (N + 1, at - 1),
            _ => (N, at),
        };
        Some(Self { value_start, value_len, used: N + at + terminator })
    }
}

/// What [`Parser::carry_step`] did with a line. (Small on purpose: an
/// event inside made every step a copy of it.)
#[derive(Clone, Copy)]
enum Step {
    /// Applied it to the block; nothing to return.
    Nothing,
    /// A blank line: the caller dispatches the block.
    Blank,
    /// It ended the block, whose event is to be lent from it.
    Lent,
}

/// What [`Parser::simple_scan`] found: an event the fast path can build.
/// Positions are from the start of [`LineScanner::plain_rest`].
struct Scan {
    /// Start and length of a non-empty `event` value.
    event_type: Option<(usize, usize)>,
    /// Start and length of the `data` value.
    data: (usize, usize),
    /// Bytes the event takes, blank line included.
    used: usize,
}

impl Scan {
    /// The `event` value (if any) and the `data` value in `text`, which
    /// starts where the scan did.
    fn values<'a>(&self, text: &'a [u8]) -> (Option<&'a [u8]>, &'a [u8]) {
        let value = |(start, len): (usize, usize)| {
            text.get(start..).and_then(|v| v.get(..len)).unwrap_or_default()
        };
        (self.event_type.map(value), value(self.data))
    }
}

/// The incremental, sans-IO event-stream parser.
///
/// Feed it bytes as they arrive, in any chunking, with [`feed`](Self::feed)
/// or [`feed_bytes`](Self::feed_bytes); pull what they complete with
/// [`next_item`](Self::next_item) (or [`next_event`](Self::next_event))
/// until it returns `None`; call [`finish`](Self::finish) when the stream
/// ends. See the [crate documentation](crate) for a tour.
///
/// # Memory
///
/// Besides the input you have fed and not yet pulled through, a parser holds
/// at most about `max_line_len + max_event_size` bytes (see
/// [`buffered_len`](Self::buffered_len)). It never parses ahead of your
/// pulls, so finished items never pile up inside it.
///
/// # Panics
///
/// Never, whatever the input.
#[derive(Debug)]
pub struct Parser {
    lines: LineScanner,
    config: ParserBuilder,
    block: Block,
    last_event_id: Str,
    retry: Option<u64>,
    /// The item [`next_item_ref`](Parser::next_item_ref) lent out last, when
    /// the general path built it; dropped at the next call.
    held: Option<Item>,
}

impl Default for Parser {
    fn default() -> Self {
        Self::new()
    }
}

impl Parser {
    /// A parser with the default settings (see [`ParserBuilder`]).
    pub fn new() -> Self {
        ParserBuilder::new().build()
    }

    /// A builder to set limits and options.
    pub fn builder() -> ParserBuilder {
        ParserBuilder::new()
    }

    /// Feeds the next chunk of the stream.
    ///
    /// The bytes are copied into a buffer that is reused once the items made
    /// from it are dropped. Use [`feed_bytes`](Self::feed_bytes) to avoid the
    /// copy when you already hold [`Bytes`].
    ///
    /// Then call [`next_item`](Self::next_item) until it returns `None`.
    #[inline]
    pub fn feed(&mut self, chunk: &[u8]) {
        self.lines.push_slice(chunk);
    }

    /// Feeds the next chunk of the stream without copying it.
    ///
    /// A value that lies wholly inside this chunk is handed out as a view
    /// into it: an event whose data is one long line costs no copy and no
    /// allocation. (Such views keep the chunk's storage alive while you hold
    /// them.)
    ///
    /// Then call [`next_item`](Self::next_item) until it returns `None`.
    #[inline]
    pub fn feed_bytes(&mut self, chunk: Bytes) {
        self.lines.push_bytes(chunk);
    }

    /// Marks the end of the stream.
    ///
    /// Items that the input fed so far completes are still returned by
    /// [`next_item`](Self::next_item); after them, as the specification's
    /// end-of-file rule says, a partial last line and an event not yet ended
    /// by a blank line are discarded, and an `id` field after the last blank
    /// line does not count. [`last_event_id`](Self::last_event_id) then holds
    /// what a client sends as `Last-Event-ID` when it reconnects.
    ///
    /// Input fed after `finish` is a new stream (a byte-order mark is
    /// stripped again; offsets restart at 0); the last event ID and the
    /// reconnection time carry over, as they do for a reconnecting client.
    pub fn finish(&mut self) {
        self.lines.push_end();
    }

    /// Forgets all pending input and any partial event, for a new
    /// connection. Keeps the last event ID and the reconnection time.
    pub fn reset(&mut self) {
        self.lines.reset();
        self.block.end_of_stream(&self.last_event_id);
    }

    /// Parses up to the next item and returns it, or `None` when the input
    /// fed so far holds no further complete item.
    ///
    /// `None` is not the end: feed more input, then call again. Each call
    /// parses only as far as the next item.
    ///
    /// # Errors
    ///
    /// An [`Error`] when a limit was exceeded (or, in strict mode, a line was
    /// not valid UTF-8). The offending event is dropped; keep calling, the
    /// stream goes on.
    #[must_use = "items are only produced when pulled; call until it returns None"]
    #[inline]
    pub fn next_item(&mut self) -> Option<Result<Item, Error>> {
        // Pulling after every small chunk is common (byte-by-byte feeding
        // pulls after every byte): answer "nothing yet" without the cost of
        // a call into the state machine.
        if self.lines.is_idle() {
            return None;
        }
        self.parse_next_item()
    }

    /// [`next_item`](Self::next_item) past its idle test: kept out of line
    /// so that the test is inlined into the caller's loop.
    #[inline(never)]
    fn parse_next_item(&mut self) -> Option<Result<Item, Error>> {
        self.block.settle_lent();
        while let Some(step) = self.carry_step(false) {
            if let Step::Blank = step {
                if let Some(event) = self.block.dispatch(&mut self.last_event_id) {
                    return Some(Ok(Item::Event(event)));
                }
            }
            if self.lines.is_idle() {
                return None;
            }
        }
        if let Some(event) = self.simple_event() {
            return Some(Ok(Item::Event(event)));
        }
        // Strict mode must see invalid UTF-8 before anything is consumed.
        if !self.config.strict_utf8 {
            if let Some(scan) = self.carried_scan() {
                return Some(Ok(Item::Event(self.take_carried_event(scan))));
            }
        }
        self.parse_item()
    }

    /// The fast path for the commonest events of all: an optional `event`
    /// line, one `data` line and a blank line, all three lying in the chunk
    /// being scanned, at the start of a block. Declines (`None`, nothing
    /// consumed) whenever the general path could do anything else: a limit
    /// to report, a CR whose LF (if any) has not been fed yet, any other
    /// line. Does not look at UTF-8: the callers do.
    #[inline]
    fn simple_scan(&mut self) -> Option<Scan> {
        let block = &self.block;
        if !matches!(block.data, Data::None)
            || !block.event_type.is_empty()
            || block.id_changed
            || block.discarding
        {
            return None;
        }
        let max_line_len = self.config.max_line_len;
        let (rest, _) = self.lines.plain_rest()?;
        let mut used = 0;
        let mut event_type = None;
        // `data` first: most events have no `event` line.
        let line = match SimpleLine::read(rest, b"data:", max_line_len) {
            Some(line) => line,
            None => {
                let line = SimpleLine::read(rest, b"event:", max_line_len)?;
                if line.value_len > 0 {
                    event_type = Some((line.value_start, line.value_len));
                }
                used = line.used;
                SimpleLine::read(rest.get(used..)?, b"data:", max_line_len)?
            }
        };
        if line.value_len > self.config.max_event_size {
            return None;
        }
        let data = (used + line.value_start, line.value_len);
        used += line.used;
        used += match rest.get(used..)? {
            [b'\n', ..] => 1,
            [b'\r', b'\n', ..] => 2,
            _ => return None,
        };
        Some(Scan { event_type, data, used })
    }

    /// The fast path of [`next_item`](Self::next_item): the event
    /// [`simple_scan`](Self::simple_scan) found, if its values are valid
    /// UTF-8 (so the whole lines are too, for strict mode); else `None`,
    /// nothing consumed.
    #[inline]
    fn simple_event(&mut self) -> Option<Event> {
        let scan = self.simple_scan()?;
        let (rest, chunk) = self.lines.current_rest();
        let event_type = match scan.event_type {
            Some((start, len)) => Str::decode_valid_prefix(rest.get(start..)?, len, Some(chunk))?,
            None => Str::MESSAGE,
        };
        let (start, len) = scan.data;
        let data = Str::decode_valid_prefix(rest.get(start..)?, len, Some(chunk))?;
        self.lines.consume(scan.used);
        Some(Event::new(event_type, data, self.last_event_id.clone()))
    }

    /// Like [`next_item`](Self::next_item), but lends the item instead of
    /// handing it over: valid until the next call on the parser.
    ///
    /// For a caller that looks at each event and lets it go (a proxy that
    /// filters or forwards, a client that parses the JSON in place), this is
    /// the fastest way through a stream: an event read straight from the
    /// chunk touches no reference count and allocates nothing, and its
    /// fields are `&str`s checked once. Use [`next_item`](Self::next_item)
    /// to keep items, or [`ItemRef::to_item`] to keep one.
    ///
    /// ```
    /// use ssekit::{ItemRef, Parser};
    ///
    /// let mut parser = Parser::new();
    /// parser.feed(b"data: 1\n\n: keep-alive\nretry: 500\ndata: 2\n\n");
    /// let mut sum = 0;
    /// while let Some(item) = parser.next_item_ref() {
    ///     if let Ok(ItemRef::Event(event)) = item {
    ///         sum += event.data().parse::<u32>().unwrap();
    ///     }
    /// }
    /// assert_eq!(sum, 3);
    /// assert_eq!(parser.retry(), Some(500));
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`next_item`](Self::next_item).
    #[must_use = "items are only produced when pulled; call until it returns None"]
    #[inline]
    pub fn next_item_ref(&mut self) -> Option<Result<ItemRef<'_>, Error>> {
        if self.lines.is_idle() {
            self.held = None;
            return None;
        }
        self.parse_next_item_ref(false)
    }

    /// [`next_item_ref`](Self::next_item_ref) past its idle test; with
    /// `events_only`, retry and comment items are skipped.
    #[inline(never)]
    fn parse_next_item_ref(&mut self, events_only: bool) -> Option<Result<ItemRef<'_>, Error>> {
        self.held = None;
        self.block.settle_lent();
        loop {
            if let Some(step) = self.carry_step(true) {
                match step {
                    Step::Lent => {
                        return Some(Ok(ItemRef::Event(self.block.lend(&self.last_event_id))))
                    }
                    Step::Blank => {
                        if let Some(event) = self.block.dispatch(&mut self.last_event_id) {
                            return Some(Ok(ItemRef::from(&*self.held.insert(Item::Event(event)))));
                        }
                    }
                    Step::Nothing => {}
                }
                if self.lines.is_idle() {
                    return None;
                }
                continue;
            }
            // Strict mode must see invalid UTF-8 before anything is
            // consumed, which the borrowing fast paths do not do.
            if !self.config.strict_utf8 {
                if let Some(scan) = self.simple_scan() {
                    return Some(Ok(ItemRef::Event(self.lend_simple_event(&scan))));
                }
                if let Some(scan) = self.carried_scan() {
                    return Some(Ok(ItemRef::Event(self.lend_carried_event(scan))));
                }
            }
            match self.parse_item()? {
                Ok(Item::Retry(_) | Item::Comment(_)) if events_only => {}
                Ok(item) => return Some(Ok(ItemRef::from(&*self.held.insert(item)))),
                Err(err) => return Some(Err(err)),
            }
        }
    }

    /// The borrowing fast path for an event cut by a chunk boundary: a
    /// `data` line begun in the carry, ended in the current chunk and
    /// followed there by a blank line, at the start of a block with no data
    /// (an `event` or `id` line before it is fine). Returns the length of
    /// the line's rest in the chunk, the bytes the event takes there, and
    /// where the value starts in the line; `None` (nothing consumed) when a
    /// limit is to be reported or anything else is there.
    #[inline]
    fn carried_scan(&self) -> Option<(usize, usize, usize)> {
        if !matches!(self.block.data, Data::None) || self.block.discarding {
            return None;
        }
        let (carried, tail, used) = self.lines.peek_carried_line()?;
        carried.strip_prefix(b"data:")?;
        // One leading space is not part of the value; it may be the first
        // byte of the chunk.
        let space = match carried.get(5) {
            Some(&byte) => byte == b' ',
            None => tail.first() == Some(&b' '),
        };
        let value_start = if space { 6 } else { 5 };
        let line_len = carried.len() + tail.len();
        if line_len > self.config.max_line_len
            || line_len - value_start > self.config.max_event_size
        {
            return None;
        }
        Some((tail.len(), used, value_start))
    }

    /// The owned counterpart of [`lend_carried_event`]
    /// (Self::lend_carried_event): the completed line is frozen out of the
    /// carry and becomes the event's data as it is (past the field name),
    /// without a view of it. Data that is not valid UTF-8 is decoded with
    /// replacement.
    fn take_carried_event(&mut self, (tail, used, value_start): (usize, usize, usize)) -> Event {
        let Self { lines, block, last_event_id, .. } = self;
        block.commit_id(last_event_id);
        let data = match lines.take_carried_line_owned(tail, used) {
            CarriedLine::Short(line) => {
                Str::decode(line.get(value_start..).unwrap_or_default(), None)
            }
            CarriedLine::Long(mut line) => {
                line.advance(value_start.min(line.len()));
                Str::from_utf8_lossy(line)
            }
        };
        Event::new(block.take_event_type(), data, last_event_id.clone())
    }

    /// Completes the line [`carried_scan`](Self::carried_scan) found in the
    /// carry and lends the event from there: no view, no reference count,
    /// no owned event. The block is marked lent (its event type is read
    /// from it). Data that is not valid UTF-8 is decoded with replacement
    /// into `held` instead.
    fn lend_carried_event(
        &mut self,
        (tail, used, value_start): (usize, usize, usize),
    ) -> EventRef<'_> {
        let Self { lines, block, last_event_id, held, .. } = self;
        block.commit_id(last_event_id);
        let line = lines.take_carried_line(tail, used);
        let data = line.get(value_start..).unwrap_or_default();
        if is_utf8(data) {
            block.lent = true;
            let event_type = match block.event_type.as_bytes() {
                b"" => b"message",
                event_type => event_type,
            };
            return EventRef::new(event_type, data, last_event_id.as_bytes());
        }
        let event =
            Event::new(block.take_event_type(), Str::decode(data, None), last_event_id.clone());
        match held.insert(Item::Event(event)) {
            Item::Event(event) => EventRef::from(&*event),
            // Just inserted as an event.
            _ => EventRef::new(b"message", b"", b""),
        }
    }

    /// Consumes the event [`simple_scan`](Self::simple_scan) found and lends
    /// it straight from the chunk. Values that are not valid UTF-8 are
    /// decoded with replacement into `held` instead.
    fn lend_simple_event(&mut self, scan: &Scan) -> EventRef<'_> {
        let Self { lines, held, last_event_id, .. } = self;
        let (event_type, data) = scan.values(lines.consume_plain(scan.used));
        let id = last_event_id.as_bytes();
        let event_type_ok = event_type.is_none_or(is_utf8);
        if event_type_ok && is_utf8(data) {
            return EventRef::new(event_type.unwrap_or(b"message"), data, id);
        }
        let event_type = event_type.map_or(Str::MESSAGE, |value| Str::decode(value, None));
        let event = Event::new(event_type, Str::decode(data, None), last_event_id.clone());
        match held.insert(Item::Event(event)) {
            Item::Event(event) => EventRef::from(&*event),
            // Just inserted as an event.
            _ => EventRef::new(b"message", b"", id),
        }
    }

    /// Like [`next_event`](Self::next_event), but lends the event: see
    /// [`next_item_ref`](Self::next_item_ref).
    ///
    /// # Errors
    ///
    /// As for [`next_item`](Self::next_item).
    #[must_use = "events are only produced when pulled; call until it returns None"]
    pub fn next_event_ref(&mut self) -> Option<Result<EventRef<'_>, Error>> {
        if self.lines.is_idle() {
            self.held = None;
            return None;
        }
        match self.parse_next_item_ref(true)? {
            Ok(ItemRef::Event(event)) => Some(Ok(event)),
            // Only events are returned with `events_only`.
            Ok(_) => None,
            Err(err) => Some(Err(err)),
        }
    }

    /// The byte-by-byte fast path: reads a short line that was absorbed
    /// whole into the scanner's carry (see
    /// [`LineScanner::pending_short_line`]) and applies it straight to the
    /// block, for the lines that need no more than that: the first `data`
    /// line of a block, `event`, `id`, and the blank line, which it reports
    /// ([`Step::Blank`]) for the caller to dispatch. `None` (nothing
    /// consumed) for anything else: a block being discarded, a second
    /// `data` line, another field, a comment, a value that is not valid
    /// UTF-8, strict mode, a limit to report.
    ///
    /// With `lend`, a blank line that ends a block of one short `data` line
    /// leaves the block as it is, marked lent ([`Step::Lent`]): the event
    /// is lent from it, and it is cleared at the next pull that parses.
    ///
    /// Kept out of line, behind an inlined test for a pending line, so that
    /// pulls from whole chunks do not pay for it.
    #[inline]
    fn carry_step(&mut self, lend: bool) -> Option<Step> {
        if !self.lines.has_pending_line() {
            return None;
        }
        self.apply_pending_line(lend)
    }

    /// [`carry_step`](Self::carry_step) past its test.
    #[inline(never)]
    fn apply_pending_line(&mut self, lend: bool) -> Option<Step> {
        if self.block.discarding || self.config.strict_utf8 {
            return None;
        }
        let line = self.lines.pending_short_line()?;
        // The line's bytes were stored one at a time just now: values are
        // copied out byte by byte (see `Str::copied_bytewise`).
        let step = match field::split(line) {
            // Only inline data is lent in place: a view would keep its
            // chunk (or the carry's storage) until the next pull that
            // parses, which byte-by-byte feeding defers for a whole line.
            Kind::Blank
                if lend && matches!(&self.block.data, Data::One(data) if !data.is_shared()) =>
            {
                self.block.commit_id(&mut self.last_event_id);
                self.block.lent = true;
                Step::Lent
            }
            Kind::Blank => Step::Blank,
            Kind::Field { name: Name::Data, value } => {
                if !matches!(self.block.data, Data::None)
                    || value.len() > self.config.max_event_size
                {
                    return None;
                }
                if !is_utf8(value) {
                    return None;
                }
                self.block.data = Data::One(Str::copied_bytewise(value));
                self.block.data_len = value.len() as u64;
                Step::Nothing
            }
            Kind::Field { name: Name::Event, value } => {
                if !is_utf8(value) {
                    return None;
                }
                self.block.event_type = Str::copied_bytewise(value);
                Step::Nothing
            }
            Kind::Field { name: Name::Id, value } if field::id_is_valid(value) => {
                if !is_utf8(value) {
                    return None;
                }
                self.block.id = Str::copied_bytewise(value);
                self.block.id_changed = true;
                Step::Nothing
            }
            _ => return None,
        };
        self.lines.skip_pending_line();
        Some(step)
    }

    /// After a `data` line: appends the `data` lines that follow it in the
    /// chunk being scanned, each with one test of its name and one search
    /// for its end. Stops, leaving the line to the general path, at anything
    /// else: another field, a line not ended by LF or a complete CRLF, a
    /// limit to report, invalid UTF-8 in strict mode.
    fn data_run(&mut self) {
        let max_line_len = self.config.max_line_len;
        let limit = self.config.max_event_size;
        while let Some((rest, _)) = self.lines.plain_rest() {
            let Some(line) = SimpleLine::read(rest, b"data:", max_line_len) else {
                return;
            };
            let value = rest.get(line.value_start..).and_then(|v| v.get(..line.value_len));
            let (Some(value), used) = (value, line.used) else {
                return;
            };
            if self.config.strict_utf8 && !is_utf8(value) {
                return;
            }
            // Data is held already, so no view into the chunk is needed.
            if self.block.push_data(value, None, limit).is_err() {
                return;
            }
            self.lines.consume(used);
        }
    }

    /// The general path: the WHATWG state machine, one line at a time.
    fn parse_item(&mut self) -> Option<Result<Item, Error>> {
        loop {
            let (text, owner, offset) = match self.lines.next_line()? {
                Line::Text { text, owner, offset } => (text, owner, offset),
                Line::TooLong { size, offset } => {
                    if self.block.discarding {
                        continue;
                    }
                    self.block.discard();
                    let limit = self.config.max_line_len;
                    return Some(Err(Error::LineTooLong { limit, size, offset }));
                }
                Line::End => {
                    self.block.end_of_stream(&self.last_event_id);
                    continue;
                }
            };
            if self.block.discarding {
                if text.is_empty() {
                    self.block.discarding = false;
                    self.block.commit_id(&mut self.last_event_id);
                }
                continue;
            }
            if self.config.strict_utf8 && core::str::from_utf8(text).is_err() {
                self.block.discard();
                return Some(Err(Error::InvalidUtf8 { offset }));
            }
            match field::split(text) {
                Kind::Blank => {
                    if let Some(event) = self.block.dispatch(&mut self.last_event_id) {
                        return Some(Ok(Item::Event(event)));
                    }
                }
                Kind::Comment(comment) => {
                    if self.config.emit_comments {
                        return Some(Ok(Item::Comment(Str::decode(comment, owner))));
                    }
                }
                Kind::Field { name: Name::Data, value } => {
                    let limit = self.config.max_event_size;
                    if let Err(size) = self.block.push_data(value, owner, limit) {
                        self.block.discard();
                        return Some(Err(Error::EventTooLarge { limit, size, offset }));
                    }
                    self.data_run();
                }
                Kind::Field { name: Name::Event, value } => {
                    self.block.event_type = Str::decode(value, owner);
                }
                Kind::Field { name: Name::Id, value } => {
                    if field::id_is_valid(value) {
                        self.block.id = Str::decode(value, owner);
                        self.block.id_changed = true;
                    }
                }
                Kind::Field { name: Name::Retry, value } => {
                    if let Some(ms) = field::parse_retry(value) {
                        self.retry = Some(ms);
                        return Some(Ok(Item::Retry(ms)));
                    }
                }
                Kind::Field { name: Name::Other, .. } => {}
            }
        }
    }

    /// Like [`next_item`](Self::next_item), but skips retry and comment
    /// items (the reconnection time is still kept, see
    /// [`retry`](Self::retry)).
    ///
    /// # Errors
    ///
    /// As for [`next_item`](Self::next_item).
    #[must_use = "events are only produced when pulled; call until it returns None"]
    pub fn next_event(&mut self) -> Option<Result<Event, Error>> {
        loop {
            match self.next_item()? {
                Ok(Item::Event(event)) => return Some(Ok(event)),
                Ok(_) => {}
                Err(err) => return Some(Err(err)),
            }
        }
    }

    /// An iterator over [`next_item`](Self::next_item): it ends when the
    /// input fed so far is used up, so you can feed more and iterate again.
    ///
    /// ```
    /// let mut parser = ssekit::Parser::new();
    /// parser.feed(b"retry: 10\ndata: a\n\n");
    /// assert_eq!(parser.items().count(), 2);
    /// ```
    pub fn items(&mut self) -> Items<'_> {
        Items { parser: self }
    }

    /// The last event ID string: what a reconnecting client sends as the
    /// `Last-Event-ID` header (rule 5a: set at each blank line from the most
    /// recent valid `id` field; `""` if there was none or it was empty).
    pub fn last_event_id(&self) -> &Str {
        &self.last_event_id
    }

    /// Restores the last event ID, e.g. one a client persisted before a
    /// restart, so events without an `id` field carry it again.
    pub fn set_last_event_id(&mut self, id: impl Into<Str>) {
        self.last_event_id = id.into();
        self.block.id.clone_from(&self.last_event_id);
        self.block.id_changed = false;
    }

    /// The reconnection time in milliseconds set by the latest valid `retry`
    /// field, or `None` if the stream has set none (use your default then).
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// [`retry`](Self::retry) as a [`Duration`](core::time::Duration).
    pub fn retry_duration(&self) -> Option<core::time::Duration> {
        self.retry.map(core::time::Duration::from_millis)
    }

    /// Stream offset of the next byte to be parsed: how many bytes of the
    /// current stream have been consumed (a byte-order mark included).
    pub fn offset(&self) -> u64 {
        self.lines.offset()
    }

    /// Bytes fed but not yet parsed (parsing happens as you pull).
    pub fn pending_len(&self) -> usize {
        self.lines.pending()
    }

    /// Bytes the parser holds for the line and event in progress: the
    /// partial line that straddles chunks plus the event's data. Bounded by
    /// the configured limits.
    pub fn buffered_len(&self) -> usize {
        let data = match &self.block.data {
            _ if self.block.lent => 0,
            Data::None => 0,
            Data::One(data) => data.len(),
            Data::Joined => self.block.data_buf.len(),
        };
        self.lines.carried() + data
    }
}

/// Iterator returned by [`Parser::items`].
#[derive(Debug)]
pub struct Items<'a> {
    parser: &'a mut Parser,
}

impl Iterator for Items<'_> {
    type Item = Result<Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.parser.next_item()
    }
}

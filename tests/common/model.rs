//! A plain reference model of the event-stream rules (see `/work/shared/SPEC.md` and the WHATWG
//! HTML "Interpreting an event stream" section).
//!
//! It works on the whole input at once: no streaming, no buffering tricks, no optimisation, and
//! no code shared with `src/`. Property tests compare the real parser against it item by item,
//! so it also models the parser's limits and options:
//!
//! * `max_line_len`: a complete line whose raw length (terminator excluded, BOM excluded) is
//!   larger than the limit yields [`ModelItem::LineTooLong`] and the rest of the block is
//!   discarded.
//! * `max_event_size`: a `data` field that would make the event's data larger than the limit
//!   (in raw bytes) yields [`ModelItem::EventTooLarge`] and the rest of the block is discarded.
//! * `strict_utf8`: a complete line whose raw bytes are not valid UTF-8 yields
//!   [`ModelItem::InvalidUtf8`] and the rest of the block is discarded.
//! * `comments`: comment lines are reported as [`ModelItem::Comment`].
//!
//! "Discarded" means: every later line up to the next blank line is ignored silently; the blank
//! line then performs step 5a (last event ID string := last event ID buffer), resets the data
//! and event type buffers and dispatches nothing.

/// Options and limits of the model (mirrors the parser's configuration).
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// Largest allowed line length in raw bytes, terminator excluded.
    pub max_line_len: usize,
    /// Largest allowed size, in raw bytes, of an event's data (after joining with "\n").
    pub max_event_size: usize,
    /// Report comment lines.
    pub comments: bool,
    /// Reject complete lines that are not valid UTF-8.
    pub strict_utf8: bool,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            max_line_len: usize::MAX,
            max_event_size: usize::MAX,
            comments: false,
            strict_utf8: false,
        }
    }
}

/// One thing the model reports, in stream order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelItem {
    /// A dispatched event.
    Event { event_type: String, data: String, id: String },
    /// A valid `retry` field was processed (value in milliseconds, saturating at `u64::MAX`).
    Retry(u64),
    /// A comment line (only when `cfg.comments`): everything after the ':', no space stripping.
    Comment(String),
    /// A complete line longer than `limit` raw bytes; `offset` is its first byte in the stream.
    LineTooLong { limit: usize, size: u64, offset: u64 },
    /// A `data` field that would make the data `size` bytes, more than `limit`.
    EventTooLarge { limit: usize, size: u64, offset: u64 },
    /// A complete line that is not valid UTF-8 (only when `cfg.strict_utf8`).
    InvalidUtf8 { offset: u64 },
}

/// Everything the model reports for one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelOutput {
    /// Items in stream order.
    pub items: Vec<ModelItem>,
    /// The last event ID string after the last dispatch step (rule 5a).
    pub last_event_id: String,
    /// The reconnection time set by the last valid `retry` field, if any.
    pub retry: Option<u64>,
}

/// One complete line: its raw bytes (terminator excluded) and the stream offset of its first
/// byte.
struct Line<'a> {
    bytes: &'a [u8],
    offset: u64,
}

/// Splits the input into complete lines on raw bytes. A line ends at CR LF, at a lone LF or at
/// a lone CR (a CR that is the very last byte of the input also ends a line). Bytes after the
/// last line end form a partial line, which is dropped. `start` is where the first line begins
/// (3 when a BOM was stripped); offsets are counted from the very first input byte.
fn split_lines(input: &[u8], start: usize) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut line_start = start;
    let mut i = start;
    while i < input.len() {
        let b = input[i];
        if b == b'\n' {
            lines.push(Line { bytes: &input[line_start..i], offset: line_start as u64 });
            i += 1;
            line_start = i;
        } else if b == b'\r' {
            lines.push(Line { bytes: &input[line_start..i], offset: line_start as u64 });
            i += 1;
            if i < input.len() && input[i] == b'\n' {
                i += 1;
            }
            line_start = i;
        } else {
            i += 1;
        }
    }
    // input[line_start..] (if any) is a partial line: discarded at end of input.
    lines
}

/// Parses a retry value: non-empty, ASCII digits only. Values larger than `u64::MAX`
/// saturate to `u64::MAX`.
fn parse_retry(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: u64 = 0;
    for b in value.bytes() {
        let digit = u64::from(b - b'0');
        n = n.checked_mul(10).and_then(|n| n.checked_add(digit)).unwrap_or(u64::MAX);
    }
    Some(n)
}

/// Runs the model over a whole input.
pub fn run(input: &[u8], cfg: &ModelConfig) -> ModelOutput {
    let mut items = Vec::new();

    // Rule 1: exactly one leading BOM (EF BB BF) is removed.
    let start = if input.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };

    // State of the interpretation rules.
    let mut data_buffer = String::new();
    let mut event_type_buffer = String::new();
    let mut last_event_id_buffer = String::new();
    let mut last_event_id_string = String::new();
    let mut retry: Option<u64> = None;

    // Extra state for the limits: the raw size of the data buffer (None until the block's
    // first data field) and whether the rest of the block is being discarded.
    let mut data_size: Option<u64> = None;
    let mut discarding = false;

    for line in split_lines(input, start) {
        let raw = line.bytes;

        // (1) Discard mode: only a blank line matters, and it ends the block without an event.
        if discarding {
            if raw.is_empty() {
                last_event_id_string = last_event_id_buffer.clone();
                data_buffer.clear();
                event_type_buffer.clear();
                data_size = None;
                discarding = false;
            }
            continue;
        }

        // (2) Line length limit.
        if raw.len() > cfg.max_line_len {
            items.push(ModelItem::LineTooLong {
                limit: cfg.max_line_len,
                size: raw.len() as u64,
                offset: line.offset,
            });
            discarding = true;
            continue;
        }

        // (3) Strict UTF-8.
        if cfg.strict_utf8 && core::str::from_utf8(raw).is_err() {
            items.push(ModelItem::InvalidUtf8 { offset: line.offset });
            discarding = true;
            continue;
        }

        // (4) Normal interpretation.
        if raw.is_empty() {
            // Rule 5: dispatch.
            last_event_id_string = last_event_id_buffer.clone();
            if data_buffer.is_empty() {
                data_buffer.clear();
                event_type_buffer.clear();
                data_size = None;
                continue;
            }
            if data_buffer.ends_with('\n') {
                data_buffer.pop();
            }
            let event_type = if event_type_buffer.is_empty() {
                "message".to_string()
            } else {
                event_type_buffer.clone()
            };
            items.push(ModelItem::Event {
                event_type,
                data: data_buffer.clone(),
                id: last_event_id_string.clone(),
            });
            data_buffer.clear();
            event_type_buffer.clear();
            data_size = None;
            continue;
        }

        if raw[0] == b':' {
            // Comment.
            if cfg.comments {
                items.push(ModelItem::Comment(String::from_utf8_lossy(&raw[1..]).into_owned()));
            }
            continue;
        }

        // Field: split at the first ':' (a byte that never occurs inside a multi-byte UTF-8
        // sequence), remove one leading space from the value.
        let (raw_name, raw_value): (&[u8], &[u8]) = match raw.iter().position(|&b| b == b':') {
            Some(colon) => {
                let mut value = &raw[colon + 1..];
                if value.first() == Some(&b' ') {
                    value = &value[1..];
                }
                (&raw[..colon], value)
            }
            None => (raw, &[]),
        };
        let name = String::from_utf8_lossy(raw_name);
        let value = String::from_utf8_lossy(raw_value);

        match &*name {
            "event" => {
                event_type_buffer = value.into_owned();
            }
            "data" => {
                let value_len = raw_value.len() as u64;
                let new_size = match data_size {
                    None => value_len,
                    Some(old) => old + 1 + value_len,
                };
                if new_size > cfg.max_event_size as u64 {
                    items.push(ModelItem::EventTooLarge {
                        limit: cfg.max_event_size,
                        size: new_size,
                        offset: line.offset,
                    });
                    discarding = true;
                    continue;
                }
                data_size = Some(new_size);
                data_buffer.push_str(&value);
                data_buffer.push('\n');
            }
            // An id value containing U+0000 is ignored (falls through to the `_` arm).
            "id" if !value.contains('\u{0}') => {
                last_event_id_buffer = value.into_owned();
            }
            "retry" => {
                if let Some(ms) = parse_retry(&value) {
                    retry = Some(ms);
                    items.push(ModelItem::Retry(ms));
                }
            }
            _ => {}
        }
    }

    // Rule 6: the partial line and the undispatched event are dropped; nothing else to do.
    ModelOutput { items, last_event_id: last_event_id_string, retry }
}

/// The dispatched events only, as (type, data, id) triples.
pub fn events(output: &ModelOutput) -> Vec<(String, String, String)> {
    output
        .items
        .iter()
        .filter_map(|item| match item {
            ModelItem::Event { event_type, data, id } => {
                Some((event_type.clone(), data.clone(), id.clone()))
            }
            _ => None,
        })
        .collect()
}

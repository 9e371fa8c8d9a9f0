//! The benchmark workloads, generated deterministically: the same bytes on
//! every machine and every run, with no `rand` crate (a fixed-seed xorshift).
//!
//! Shared by the criterion benches (`benches/parse.rs`, as `mod workloads`)
//! and the peer comparison (`benches/compare`, through
//! `#[path = "../../workloads/mod.rs"]`). It lives in a directory, not in
//! `benches/workloads.rs`, because cargo would build every `benches/*.rs` as
//! a bench target of its own.
//!
//! Five workloads, each about `mib` MiB:
//!
//! * `llm`: OpenAI-style `data: {chat.completion.chunk}` events of varied
//!   content (ASCII, escapes, some multi-byte UTF-8), one line each, ending
//!   with `data: [DONE]`;
//! * `anthropic`: Anthropic Messages streams: `event: content_block_delta` +
//!   `data: {json}`, with `message_start` / `content_block_start` /
//!   `…_stop` framing and an occasional `event: ping`;
//! * `big`: events whose data is one 64 KiB line;
//! * `multiline`: CRLF line ends, `id` and `event` fields, 20 `data` lines
//!   per event (some empty), `: heartbeat` comment blocks in between;
//! * `tiny`: `data: x` events, 9 bytes each.
//!
//! Three feedings: realistic chunks (sizes uniform in `1..=4096`, seeded),
//! the whole buffer as one chunk, and one byte per chunk on a prefix of
//! about 256 KiB that ends at an event boundary.
//!
//! The generator counts, as it writes, the events a conforming parser must
//! dispatch and the bytes of their data ([`Expected`]), for the whole
//! buffer and for the one-byte prefix: the benches assert them, and the
//! comparison rejects a peer that disagrees.

use bytes::Bytes;
use core::hint::black_box;

/// Default workload size in MiB (`SSEKIT_BENCH_MIB` / `--mib` change it).
pub(crate) const DEFAULT_MIB: usize = 16;

/// The one-byte feeding runs on the longest prefix of at most this many
/// bytes that ends at an event boundary.
pub(crate) const ONE_BYTE_PREFIX: usize = 256 * 1024;

/// Largest realistic chunk; sizes are uniform in `1..=MAX_CHUNK`.
pub(crate) const MAX_CHUNK: usize = 4096;

/// Size of the data line of each `big` event.
pub(crate) const BIG_LINE: usize = 64 * 1024;

/// Data lines per `multiline` event.
pub(crate) const MULTILINE_LINES: usize = 20;

const SEED_CHUNKS: u64 = 0x5eed_c4a2_17e5_0001;

/// What a conforming parser dispatches for a workload (or a prefix of it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Expected {
    /// Events dispatched.
    pub(crate) events: u64,
    /// Sum of the lengths of their `data`, in bytes.
    pub(crate) data_bytes: u64,
}

/// Reads one field of an event the way a client does with the string its
/// parser hands out (`serde_json::from_str(data)`, a match on the type):
/// the pointer escapes through `black_box`, so the `&str` must really be
/// produced, whatever work the accessor that made it does, and its length
/// goes into the caller's tally.
#[inline]
pub(crate) fn read_str(s: &str) -> u64 {
    black_box(s.as_ptr());
    s.len() as u64
}

/// [`read_str`] for a field read as bytes: only for rows labelled as
/// diagnostics, never for a figure that is compared.
#[inline]
pub(crate) fn read_bytes(b: &[u8]) -> u64 {
    black_box(b.as_ptr());
    b.len() as u64
}

/// One of the five workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Workload {
    Llm,
    Anthropic,
    Big,
    Multiline,
    Tiny,
}

impl Workload {
    pub(crate) const ALL: [Self; 5] =
        [Self::Llm, Self::Anthropic, Self::Big, Self::Multiline, Self::Tiny];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Llm => "llm",
            Self::Anthropic => "anthropic",
            Self::Big => "big",
            Self::Multiline => "multiline",
            Self::Tiny => "tiny",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.name() == name)
    }

    /// Generates the workload: at least `len` bytes (it stops at the first
    /// event boundary past `len`, plus any closing events).
    pub(crate) fn generate(self, len: usize) -> Generated {
        let mut w = Writer::new(len + len / 64 + 1024, self == Self::Multiline);
        match self {
            Self::Llm => gen_llm(&mut w, len),
            Self::Anthropic => gen_anthropic(&mut w, len),
            Self::Big => gen_big(&mut w, len),
            Self::Multiline => gen_multiline(&mut w, len),
            Self::Tiny => gen_tiny(&mut w, len),
        }
        w.finish(self)
    }
}

/// A generated workload and what it must parse to.
#[derive(Clone, Debug)]
pub(crate) struct Generated {
    pub(crate) workload: Workload,
    /// The whole stream.
    pub(crate) bytes: Vec<u8>,
    /// What the whole stream dispatches.
    pub(crate) expected: Expected,
    /// Length of the one-byte feeding's prefix (an event boundary).
    pub(crate) prefix_len: usize,
    /// What that prefix dispatches.
    pub(crate) prefix_expected: Expected,
}

/// How the input is cut into chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Feeding {
    /// Sizes uniform in `1..=4096`, from a fixed seed.
    Chunked,
    /// The whole buffer as one chunk.
    Whole,
    /// One byte per chunk, on the ~256 KiB prefix.
    OneByte,
}

impl Feeding {
    pub(crate) const ALL: [Self; 3] = [Self::Chunked, Self::Whole, Self::OneByte];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Chunked => "chunks",
            Self::Whole => "whole",
            Self::OneByte => "1-byte",
        }
    }

    /// A longer description, for report headings.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::Chunked => "realistic chunks (uniform 1..=4096 B)",
            Self::Whole => "whole buffer, one chunk",
            Self::OneByte => "one byte per chunk (~256 KiB prefix)",
        }
    }

    /// The bytes this feeding pushes.
    pub(crate) fn input(self, g: &Generated) -> &[u8] {
        match self {
            Self::OneByte => &g.bytes[..g.prefix_len],
            Self::Chunked | Self::Whole => &g.bytes,
        }
    }

    /// What those bytes dispatch.
    pub(crate) fn expected(self, g: &Generated) -> Expected {
        match self {
            Self::OneByte => g.prefix_expected,
            Self::Chunked | Self::Whole => g.expected,
        }
    }

    /// The chunk lengths for an input of `len` bytes (they sum to `len`).
    pub(crate) fn chunk_lens(self, len: usize) -> Vec<usize> {
        match self {
            Self::Whole => vec![len],
            Self::OneByte => vec![1; len],
            Self::Chunked => {
                let mut rng = XorShift::new(SEED_CHUNKS);
                let mut lens = Vec::with_capacity(len / (MAX_CHUNK / 2) + 1);
                let mut left = len;
                while left > 0 {
                    let n = (1 + rng.below(MAX_CHUNK as u64) as usize).min(left);
                    lens.push(n);
                    left -= n;
                }
                lens
            }
        }
    }

    /// The input cut into slices.
    pub(crate) fn split(self, input: &[u8]) -> Vec<&[u8]> {
        let mut rest = input;
        self.chunk_lens(input.len())
            .into_iter()
            .map(|n| {
                let (chunk, tail) = rest.split_at(n);
                rest = tail;
                chunk
            })
            .collect()
    }

    /// The input cut into `Bytes` views of one shared buffer, the way a
    /// network stack hands them out (no copy per chunk).
    pub(crate) fn split_bytes(self, input: &Bytes) -> Vec<Bytes> {
        let mut at = 0;
        self.chunk_lens(input.len())
            .into_iter()
            .map(|n| {
                at += n;
                input.slice(at - n..at)
            })
            .collect()
    }
}

/// xorshift64* (Vigna): tiny, fast and plenty for shaping text.
#[derive(Clone, Debug)]
pub(crate) struct XorShift(u64);

impl XorShift {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (`n > 0`; the bias is negligible for small `n`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below((hi - lo + 1) as u64) as usize
    }

    /// True with probability `1 / n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Writes an event stream and counts what it must dispatch.
struct Writer {
    out: Vec<u8>,
    eol: &'static [u8],
    expected: Expected,
    /// Data lines of the block being written and their total length.
    lines: u64,
    line_bytes: u64,
    prefix_len: usize,
    prefix_expected: Expected,
}

impl Writer {
    fn new(capacity: usize, crlf: bool) -> Self {
        Self {
            out: Vec::with_capacity(capacity),
            eol: if crlf { b"\r\n" } else { b"\n" },
            expected: Expected::default(),
            lines: 0,
            line_bytes: 0,
            prefix_len: 0,
            prefix_expected: Expected::default(),
        }
    }

    fn len(&self) -> usize {
        self.out.len()
    }

    /// `name: value`. For `data`, use [`data`](Self::data).
    fn field(&mut self, name: &str, value: &str) {
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b": ");
        self.out.extend_from_slice(value.as_bytes());
        self.out.extend_from_slice(self.eol);
    }

    /// `data: value` (`data:` alone if empty). The value must not start
    /// with a space nor hold a line end.
    fn data(&mut self, value: &str) {
        debug_assert!(!value.starts_with(' ') && !value.contains(['\r', '\n']));
        if value.is_empty() {
            self.out.extend_from_slice(b"data:");
        } else {
            self.out.extend_from_slice(b"data: ");
            self.out.extend_from_slice(value.as_bytes());
        }
        self.out.extend_from_slice(self.eol);
        self.lines += 1;
        self.line_bytes += value.len() as u64;
    }

    /// `:text`.
    fn comment(&mut self, text: &str) {
        self.out.push(b':');
        self.out.extend_from_slice(text.as_bytes());
        self.out.extend_from_slice(self.eol);
    }

    /// The blank line: dispatches an event if the block had data lines.
    fn end(&mut self) {
        self.out.extend_from_slice(self.eol);
        if self.lines > 0 {
            self.expected.events += 1;
            // The lines joined with LF.
            self.expected.data_bytes += self.line_bytes + self.lines - 1;
        }
        self.lines = 0;
        self.line_bytes = 0;
        if self.out.len() <= ONE_BYTE_PREFIX {
            self.prefix_len = self.out.len();
            self.prefix_expected = self.expected;
        }
    }

    fn finish(self, workload: Workload) -> Generated {
        assert_eq!(self.lines, 0, "a block was left open");
        Generated {
            workload,
            bytes: self.out,
            expected: self.expected,
            prefix_len: self.prefix_len,
            prefix_expected: self.prefix_expected,
        }
    }
}

/// Pieces of model output, as tokenizers cut them, already JSON-escaped
/// (`\n`, `\"`, `\\`) and with some multi-byte UTF-8.
const TOKENS: &[&str] = &[
    " the",
    " a",
    " of",
    " to",
    " and",
    " in",
    " is",
    " that",
    " for",
    " it",
    " with",
    " as",
    " on",
    " this",
    " be",
    " are",
    " by",
    " parser",
    " stream",
    " event",
    " data",
    " token",
    " model",
    " response",
    " function",
    " value",
    " chunk",
    " line",
    " byte",
    " server",
    " client",
    " request",
    "ing",
    "ed",
    "ly",
    "s",
    "'s",
    ",",
    ".",
    ":",
    ";",
    "!",
    "?",
    " (",
    ")",
    "\\n",
    "\\n\\n",
    "\\n- ",
    " **",
    "**",
    " `",
    "`",
    "```rust\\n",
    "\\n```",
    "    ",
    "\\t",
    " \\\"",
    "\\\"",
    " \\\\",
    " 42",
    " 2024",
    " 3.14",
    " {",
    "}",
    " [",
    "]",
    " =>",
    " ->",
    " café",
    " naïve",
    " résumé",
    " —",
    " …",
    " “quoted”",
    " 東京",
    " 日本語",
    " 🙂",
    " 🚀",
    " Grüße",
    " ñ",
    " ü",
    " €",
    " ≈",
    " λ",
    " π",
];

/// `n` tokens of text.
fn text(rng: &mut XorShift, buf: &mut String, n: usize) {
    buf.clear();
    for _ in 0..n {
        buf.push_str(rng.pick(TOKENS));
    }
}

fn hex_id(rng: &mut XorShift, len: usize) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..len).map(|_| ALPHABET[rng.below(62) as usize] as char).collect()
}

fn gen_llm(w: &mut Writer, len: usize) {
    let mut rng = XorShift::new(0x11a0_0000_0000_0001);
    let mut content = String::new();
    let mut json = String::new();
    let fingerprint = format!("fp_{}", hex_id(&mut rng, 10));
    let mut created = 1_717_000_000u64;
    while w.len() < len {
        // One completion: a role chunk, content chunks, a finish chunk.
        let id = format!("chatcmpl-{}", hex_id(&mut rng, 29));
        created += rng.below(90);
        let head = format!(
            "{{\"id\":\"{id}\",\"object\":\"chat.completion.chunk\",\"created\":{created},\
             \"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"{fingerprint}\",\
             \"choices\":[{{\"index\":0,\"delta\":"
        );
        json.clear();
        json.push_str(&head);
        json.push_str("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}");
        w.data(&json);
        w.end();
        let chunks = rng.range(20, 1500);
        for _ in 0..chunks {
            // Mostly one token per chunk, sometimes a few.
            let tokens = if rng.one_in(8) { rng.range(2, 12) } else { 1 };
            text(&mut rng, &mut content, tokens);
            json.clear();
            json.push_str(&head);
            json.push_str("{\"content\":\"");
            json.push_str(&content);
            json.push_str("\"},\"logprobs\":null,\"finish_reason\":null}]}");
            w.data(&json);
            w.end();
            if w.len() >= len {
                break;
            }
        }
        json.clear();
        json.push_str(&head);
        json.push_str("{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
        w.data(&json);
        w.end();
    }
    w.data("[DONE]");
    w.end();
}

fn gen_anthropic(w: &mut Writer, len: usize) {
    let mut rng = XorShift::new(0xa470_0000_0000_0002);
    let mut content = String::new();
    let mut json = String::new();
    while w.len() < len {
        let input_tokens = rng.range(10, 5000);
        json.clear();
        json.push_str("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_");
        json.push_str(&hex_id(&mut rng, 24));
        json.push_str(
            "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\",\
             \"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":",
        );
        json.push_str(&input_tokens.to_string());
        json.push_str(",\"output_tokens\":1}}}");
        w.field("event", "message_start");
        w.data(&json);
        w.end();
        w.field("event", "content_block_start");
        w.data(
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        );
        w.end();
        let deltas = rng.range(20, 1500);
        for _ in 0..deltas {
            if rng.one_in(40) {
                w.field("event", "ping");
                w.data(r#"{"type": "ping"}"#);
                w.end();
            }
            let tokens = if rng.one_in(4) { rng.range(2, 8) } else { 1 };
            text(&mut rng, &mut content, tokens);
            json.clear();
            json.push_str(
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"",
            );
            json.push_str(&content);
            json.push_str("\"}}");
            w.field("event", "content_block_delta");
            w.data(&json);
            w.end();
            if w.len() >= len {
                break;
            }
        }
        w.field("event", "content_block_stop");
        w.data(r#"{"type":"content_block_stop","index":0}"#);
        w.end();
        json.clear();
        json.push_str(
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\
             \"usage\":{\"output_tokens\":",
        );
        json.push_str(&deltas.to_string());
        json.push_str("}}");
        w.field("event", "message_delta");
        w.data(&json);
        w.end();
        w.field("event", "message_stop");
        w.data(r#"{"type":"message_stop"}"#);
        w.end();
    }
}

fn gen_big(w: &mut Writer, len: usize) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut rng = XorShift::new(0xb16_0000_0000_0003);
    let mut line = String::with_capacity(BIG_LINE);
    while w.len() < len {
        // Base64-like payload (an image, a document, a big JSON blob).
        line.clear();
        while line.len() < BIG_LINE {
            let mut bits = rng.next_u64();
            for _ in 0..8 {
                line.push(ALPHABET[(bits & 63) as usize] as char);
                bits >>= 8;
            }
        }
        line.truncate(BIG_LINE);
        w.data(&line);
        w.end();
    }
}

fn gen_multiline(w: &mut Writer, len: usize) {
    const WORDS: &[&str] = &[
        "alpha",
        "beta",
        "gamma",
        "delta",
        "status",
        "ok",
        "cpu",
        "mem",
        "load",
        "queue",
        "42",
        "3.5",
        "node-7",
        "eu-west",
        "latency_ms=12",
        "tick",
        "{\"k\":1}",
        "café",
        "—",
        "東京",
    ];
    const TYPES: &[&str] = &["update", "metrics", "log", "patch", "status"];
    let mut rng = XorShift::new(0x3171_0000_0000_0004);
    let mut line = String::new();
    let mut id = 100_000u64;
    while w.len() < len {
        if rng.one_in(5) {
            w.comment(" heartbeat");
            w.end();
        }
        id += 1;
        w.field("id", &id.to_string());
        w.field("event", rng.pick(TYPES));
        for _ in 0..MULTILINE_LINES {
            line.clear();
            if !rng.one_in(10) {
                let words = rng.range(1, 16);
                for i in 0..words {
                    if i > 0 {
                        line.push(' ');
                    }
                    line.push_str(rng.pick(WORDS));
                }
            }
            w.data(&line);
        }
        w.end();
    }
}

fn gen_tiny(w: &mut Writer, len: usize) {
    while w.len() < len {
        w.data("x");
        w.end();
    }
}

//! Fuzz target `roundtrip`: encode, then parse. The input is a flag byte, a chunking plan (as
//! for `chunked`) and a sequence of operations for `ssekit::Encoder` (`Op` in
//! `fuzz/checks.rs`): events with or without a type and an id, data of any text (CR, LF, CRLF,
//! empty lines, U+FFFD, multi-byte characters), comments and retry values.
//!
//! Checks: an event whose type or id has a line break, or whose id has NUL, is refused with
//! a matching `EncodeError` and writes nothing; everything else writes exactly the documented
//! bytes (`id` only when it changes), and `SseCodec` encodes the same; the stream parses back,
//! whole without comments and in chunks with comments, through `feed` and `feed_bytes`, to
//! exactly the encoded items (CR and CRLF in data as LF, one comment per comment line), the
//! last event ID and the retry written last; plus the per-item invariants of `parse`.
#![no_main]

#[allow(dead_code, unreachable_pub)]
#[path = "../../tests/common/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_roundtrip(data));

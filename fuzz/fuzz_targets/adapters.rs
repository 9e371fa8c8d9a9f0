//! Fuzz target `adapters`: the three adapters fed one stream in steps read from the input
//! (three option bytes, then `AdapterPlan` in `fuzz/checks.rs`: step sizes from 1 to 255
//! bytes or byte by byte, gaps, and where a read fails).
//!
//! Checks: `io::EventReader` over a `Read` that returns short reads and `Interrupted`,
//! `stream::EventStream` over a stream of non-contiguous `Buf` chunks, `Pending`s and
//! transport errors, polled with a no-op waker, and `codec::SseCodec` decoding pieces appended
//! to a `BytesMut`, then `decode_eof`, each yield exactly the items and parse errors of a plain
//! `Parser` fed the stream whole and `finish`ed, each as soon as the step that completes it is
//! delivered, with errors surfaced as each adapter documents; a failed read ends the reader;
//! every adapter ends with the plain parser's last event ID and retry.
#![no_main]

#[allow(dead_code, unreachable_pub)]
#[path = "../../tests/common/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_adapters(data));

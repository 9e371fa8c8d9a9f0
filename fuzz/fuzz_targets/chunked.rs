//! Fuzz target `chunked`: arbitrary bytes split into chunks by a plan read from the first
//! bytes (three option bytes, then `Plan` in `fuzz/checks.rs`: push path, pull pattern, four
//! cycling chunk sizes including empty chunks and byte by byte).
//!
//! Checks: the chunked result (every item, errors with their sizes and offsets, the final last
//! event ID and retry) is identical to the result of feeding the input whole, through `feed`,
//! `feed_bytes` and both alternated, whether items are pulled after every chunk, one per
//! chunk or only at the end; plus the per-item invariants of the `parse` target.
#![no_main]

#[allow(dead_code, unreachable_pub)]
#[path = "../../tests/common/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_chunked(data));

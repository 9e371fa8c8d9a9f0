//! Fuzz target `differential`: the parser against the plain reference model of
//! `tests/common/model.rs`, with limits and options from the first three bytes (`Options` in
//! `fuzz/checks.rs`).
//!
//! Checks: the same items in the same order (events, retries, comments, and errors with their
//! limits, sizes and offsets), the same final last event ID and the same retry; plus the
//! per-item invariants of the `parse` target.
#![no_main]

#[allow(dead_code, unreachable_pub)]
#[path = "../../tests/common/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_differential(data));

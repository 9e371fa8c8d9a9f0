//! Fuzz target `parse`: arbitrary bytes under arbitrary limits and options (the first three
//! bytes, see `Options` in `fuzz/checks.rs`), fed whole through `feed` or `feed_bytes`.
//!
//! Checks: no panic and no hang; on every item, the invariants of `checks::Invariants` (event
//! type non-empty, no CR/LF in type, id or comment, no CR in data, no NUL in id, data within
//! `max_event_size` raw bytes, every `Str` valid UTF-8, event id == `last_event_id()`, `Retry`
//! items match `retry()`, errors name the configured limit, lie inside the input and come in
//! stream order, `buffered_len() <= max_line_len + max_event_size`); and a parser reused after
//! `reset` or `finish` parses the same stream the same way.
#![no_main]

#[allow(dead_code, unreachable_pub)]
#[path = "../../tests/common/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_parse(data));

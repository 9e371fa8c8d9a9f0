//! Replays the committed fuzz inputs without the fuzzer: every file of `fuzz/corpus/<target>/`
//! (the seed corpus and the minimized campaign corpus) and of `fuzz/regressions/<target>/`
//! (past crash inputs) goes through that target's check, from the very file the fuzz targets
//! use (`fuzz/checks.rs`): chunked == whole, parser == reference model, the per-item
//! invariants, the limits, encode-then-parse, the adapters against the plain parser. Only the
//! heap measurement of `limits` is left out: it needs the fuzz target's counting global
//! allocator.

#[allow(dead_code, unreachable_pub)]
#[path = "common/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

thread_local! {
    /// This thread is replaying inputs: its panics are collected, not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, returning its panic message instead of printing it.
fn catch(f: impl FnOnce()) -> Result<(), String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default()
    })
}

/// The files of `fuzz/<kind>/<target>/`, in name order (none if the directory is missing).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap_or_else(|e| panic!("listing {}: {e}", dir.display())).path())
        .filter(|path| {
            path.is_file()
                && !path.file_name().unwrap_or_default().to_string_lossy().starts_with('.')
        })
        .collect();
    files.sort();
    files
}

/// Runs `check` on every input of `target`; fails naming every input that panicked.
fn replay(target: &str, check: impl Fn(&[u8])) {
    let corpus = inputs("corpus", target);
    assert!(!corpus.is_empty(), "fuzz/corpus/{target}/ is empty: run fuzz/gen_corpus.py");
    let mut failures = Vec::new();
    for path in corpus.iter().chain(&inputs("regressions", target)) {
        let data =
            std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        if let Err(message) = catch(|| check(&data)) {
            failures.push(format!("{}:\n    {message}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fuzz input(s) of `{target}` fail; the first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
}

#[test]
fn parse_inputs_replay_clean() {
    replay("parse", checks::check_parse);
}

#[test]
fn chunked_inputs_replay_clean() {
    replay("chunked", checks::check_chunked);
}

#[test]
fn differential_inputs_replay_clean() {
    replay("differential", checks::check_differential);
}

#[test]
fn limits_inputs_replay_clean() {
    replay("limits", |data| checks::check_limits(data, None));
}

#[test]
fn roundtrip_inputs_replay_clean() {
    replay("roundtrip", checks::check_roundtrip);
}

/// Without the `stream` and `codec` features only `EventReader` is checked (and `roundtrip`
/// leaves out `SseCodec`); `cargo test --all-features` checks all three.
#[test]
fn adapters_inputs_replay_clean() {
    replay("adapters", checks::check_adapters);
}

/// The checks do catch what they claim to: a few hand-made inputs that break each one when the
/// parser misbehaves pass here, and a wrong expectation is caught.
#[test]
fn checks_see_the_parser_output() {
    let options = checks::Options::split(&[0x01, 0xC0, 0xC0]).0;
    let whole = checks::run_whole(&options, b"retry: 7\n: hi\nid: 3\ndata: a\n\n");
    assert_eq!(whole.items.len(), 3);
    assert_eq!(whole.last_event_id, "3");
    assert_eq!(whole.retry, Some(7));
    assert_eq!(whole, checks::run_model(&options, b"retry: 7\n: hi\nid: 3\ndata: a\n\n"));
    assert_ne!(whole, checks::run_model(&options, b"retry: 7\n: hi\nid: 3\ndata: b\n\n"));
}

/// Found by the `chunked` and `limits` targets (`fuzz/regressions/*/buffered-len-counts-decoded-
/// data`): `max_event_size` counts raw bytes, but the first `data` line of the event in
/// progress was held decoded, each invalid byte a 3-byte U+FFFD, so the parser held up to
/// `max_line_len + 3 * max_event_size` bytes instead of the documented `max_line_len +
/// max_event_size`. Invalid data is now held raw until dispatch.
#[test]
fn buffered_len_stays_within_the_limits_for_invalid_utf8_data() {
    let mut parser = ssekit::Parser::builder().max_line_len(11).max_event_size(6).build();
    parser.feed(b"data:\xff\xff\xff\xff\xff\xff\n");
    assert!(parser.next_item().is_none());
    assert!(
        parser.buffered_len() <= 11 + 6,
        "buffered_len() is {}, more than max_line_len 11 + max_event_size 6",
        parser.buffered_len()
    );
}

//! Cross-checks the reference model (`tests/common/model.rs`) against every conformance vector
//! in `spec-vectors/`, unit-tests the model's limit / strict / comment behaviour with
//! hand-computed expectations, and tests the vector loader's failure paths.

mod common;

use common::model::{self, ModelConfig, ModelItem, ModelOutput};
use common::vectors::{self, Vector};

fn run_default(input: &[u8]) -> ModelOutput {
    model::run(input, &ModelConfig::default())
}

fn ev(event_type: &str, data: &str, id: &str) -> ModelItem {
    ModelItem::Event { event_type: event_type.into(), data: data.into(), id: id.into() }
}

/// Checks one vector against the model; returns a description of every mismatch.
fn check_vector(v: &Vector) -> Vec<String> {
    let out = run_default(&v.input);
    let mut problems = Vec::new();
    let got_events = model::events(&out);
    if got_events != v.events {
        problems.push(format!(
            "{}: events differ\n    input:    {:?}\n    expected: {:?}\n    model:    {:?}",
            v.label(),
            String::from_utf8_lossy(&v.input),
            v.events,
            got_events
        ));
    }
    // An absent "retry" means the stream sets no reconnection time.
    if out.retry != v.retry {
        problems.push(format!(
            "{}: retry differs: expected {:?}, model {:?}",
            v.label(),
            v.retry,
            out.retry
        ));
    }
    // An absent "last_event_id" means the stream never sets one, i.e. "".
    let expected_id = v.last_event_id.clone().unwrap_or_default();
    if out.last_event_id != expected_id {
        problems.push(format!(
            "{}: last_event_id differs: expected {:?}, model {:?}",
            v.label(),
            expected_id,
            out.last_event_id
        ));
    }
    problems
}

#[test]
fn model_agrees_with_every_vector() {
    let all = vectors::load_all();
    let mut problems = Vec::new();
    for v in &all {
        problems.extend(check_vector(v));
    }
    assert!(
        problems.is_empty(),
        "{} mismatch(es) between the model and the vectors:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn vector_groups_are_present_and_large_enough() {
    let all = vectors::load_all();
    let groups = [
        "bom",
        "newlines",
        "fields",
        "data",
        "event",
        "id",
        "retry",
        "comments",
        "utf8",
        "eof",
        "realistic",
    ];
    for group in groups {
        let file = format!("{group}.json");
        let n = all.iter().filter(|v| v.file == file).count();
        assert!(n >= 5, "spec-vectors/{file} has only {n} vectors");
    }
    assert!(all.len() >= 170, "only {} vectors in total", all.len());
}

#[test]
fn vectors_are_short_enough_for_exhaustive_splitting() {
    for v in vectors::load_all() {
        let limit = if v.file == "realistic.json" { 700 } else { 64 };
        assert!(v.input.len() <= limit, "{}: input is {} bytes", v.label(), v.input.len());
    }
}

/// "input" (UTF-8 of the JSON string) and "input_hex" describe the same bytes.
#[test]
fn hex_and_string_inputs_agree() {
    let a = vectors::parse_file(
        "t.json",
        r#"[{"name":"a","input":"\ufeffdata: \u00e9\r\n\r\n","events":[]}]"#,
    )
    .unwrap();
    let b = vectors::parse_file(
        "t.json",
        r#"[{"name":"a","input_hex":"EFBBBF646174613a20c3a90d0a0d0a","events":[]}]"#,
    )
    .unwrap();
    assert_eq!(a[0].input, b[0].input);
}

// ---------------------------------------------------------------------------------------------
// Model unit tests: plain rules.

#[test]
fn model_basic_rules() {
    let out = run_default(b"id: 1\nevent: e\ndata: a\ndata: b\n\ndata: c\n\n");
    assert_eq!(out.items, vec![ev("e", "a\nb", "1"), ev("message", "c", "1")]);
    assert_eq!(out.last_event_id, "1");
    assert_eq!(out.retry, None);
}

#[test]
fn model_retry_items_in_order() {
    let out =
        run_default(b"retry: 5\ndata: a\nretry: x\nretry: 7\n\nretry: 99999999999999999999\n");
    assert_eq!(
        out.items,
        vec![
            ModelItem::Retry(5),
            ModelItem::Retry(7),
            ev("message", "a", ""),
            ModelItem::Retry(u64::MAX)
        ]
    );
    assert_eq!(out.retry, Some(u64::MAX));
}

#[test]
fn model_comments_only_when_enabled() {
    let input = b":  two spaces\n:\n: x\xffy\ndata: a\n\n";
    assert_eq!(run_default(input).items, vec![ev("message", "a", "")]);
    let cfg = ModelConfig { comments: true, ..ModelConfig::default() };
    assert_eq!(
        model::run(input, &cfg).items,
        vec![
            ModelItem::Comment("  two spaces".into()),
            ModelItem::Comment(String::new()),
            ModelItem::Comment(" x\u{FFFD}y".into()),
            ev("message", "a", ""),
        ]
    );
}

#[test]
fn model_partial_comment_not_reported() {
    let cfg = ModelConfig { comments: true, ..ModelConfig::default() };
    assert_eq!(model::run(b": a\n: b", &cfg).items, vec![ModelItem::Comment(" a".into())]);
}

// ---------------------------------------------------------------------------------------------
// Model unit tests: line length limit.

#[test]
fn model_line_too_long() {
    // Lines: "data: abc" (0..9), "" (10), "data: abcdef" (11..23), "" (24), "data: x" (25..32), "".
    let input = b"data: abc\n\ndata: abcdef\n\ndata: x\n\n";
    let cfg = ModelConfig { max_line_len: 9, ..ModelConfig::default() };
    assert_eq!(
        model::run(input, &cfg).items,
        vec![
            ev("message", "abc", ""),
            ModelItem::LineTooLong { limit: 9, size: 12, offset: 11 },
            ev("message", "x", ""),
        ]
    );
}

#[test]
fn model_line_too_long_discards_rest_of_block_silently() {
    // "id: 1" at 0, "retry: 5" at 7, "data: long line" (15 bytes) at 17 is too long; the rest
    // of the block (an id and a retry) is ignored. The id and retry set before the error stay.
    let input =
        b"id: 1\r\nretry: 5\r\ndata: long line\r\nid: 2\r\nretry: 6\r\n\r\ndata: ok\r\n\r\n";
    let cfg = ModelConfig { max_line_len: 10, ..ModelConfig::default() };
    let out = model::run(input, &cfg);
    assert_eq!(
        out.items,
        vec![
            ModelItem::Retry(5),
            ModelItem::LineTooLong { limit: 10, size: 15, offset: 17 },
            ev("message", "ok", "1"),
        ]
    );
    assert_eq!(out.last_event_id, "1");
    assert_eq!(out.retry, Some(5));
}

#[test]
fn model_line_too_long_keeps_effects_before_error() {
    // retry and id before the too-long line take effect; the event type is dropped with the
    // block; the id buffer reaches the last event ID string at the blank line.
    let input = b"retry: 7\nid: 9\nevent: e\n:0123456789\n\ndata: z\n\n";
    let cfg = ModelConfig { max_line_len: 8, comments: true, ..ModelConfig::default() };
    let out = model::run(input, &cfg);
    assert_eq!(
        out.items,
        vec![
            ModelItem::Retry(7),
            ModelItem::LineTooLong { limit: 8, size: 11, offset: 24 },
            ev("message", "z", "9"),
        ]
    );
    assert_eq!(out.last_event_id, "9");
    assert_eq!(out.retry, Some(7));
}

#[test]
fn model_line_length_offsets_count_bom_and_exclude_it_from_length() {
    // BOM (3 bytes) + "data: abcd" (10 bytes): the line starts at offset 3 and is 10 long.
    let input = b"\xEF\xBB\xBFdata: abcd\n\n";
    let ok = ModelConfig { max_line_len: 10, ..ModelConfig::default() };
    assert_eq!(model::run(input, &ok).items, vec![ev("message", "abcd", "")]);
    let tight = ModelConfig { max_line_len: 9, ..ModelConfig::default() };
    assert_eq!(
        model::run(input, &tight).items,
        vec![ModelItem::LineTooLong { limit: 9, size: 10, offset: 3 }]
    );
}

#[test]
fn model_partial_too_long_line_is_silent() {
    let cfg = ModelConfig { max_line_len: 4, ..ModelConfig::default() };
    assert_eq!(model::run(b"ab\r\n\r\ndata: very long", &cfg).items, vec![]);
    assert_eq!(model::run(b"data\n\ndata: very long", &cfg).items, vec![ev("message", "", "")]);
}

#[test]
fn model_crlf_offsets() {
    // "ab\r\n" (0), "\r" ends "" at 4, "abcdef" at 5 ended by lone CR, then "" at 12.
    let cfg = ModelConfig { max_line_len: 5, ..ModelConfig::default() };
    assert_eq!(
        model::run(b"ab\r\n\rabcdef\r\r", &cfg).items,
        vec![ModelItem::LineTooLong { limit: 5, size: 6, offset: 5 }]
    );
}

// ---------------------------------------------------------------------------------------------
// Model unit tests: event size limit.

#[test]
fn model_event_too_large() {
    // Sizes: "ab" -> 2, then 2 + 1 + 3 = 6 > 5 at the second data line (offset 9).
    let input = b"data: ab\ndata: cde\ndata: f\n\ndata: 12345\n\n";
    let cfg = ModelConfig { max_event_size: 5, ..ModelConfig::default() };
    let out = model::run(input, &cfg);
    assert_eq!(
        out.items,
        vec![ModelItem::EventTooLarge { limit: 5, size: 6, offset: 9 }, ev("message", "12345", "")]
    );
}

#[test]
fn model_event_size_counts_empty_lines_and_raw_bytes() {
    // "data" (0) + "data" (0+1+0 = 1) + "data" (1+1+0 = 2): limit 2 is fine, data "\n\n"...
    // the dispatched data is "\n" (trailing LF removed), its size bound is 2.
    let cfg = ModelConfig { max_event_size: 2, ..ModelConfig::default() };
    assert_eq!(model::run(b"data\ndata\ndata\n\n", &cfg).items, vec![ev("message", "\n\n", "")]);
    let cfg = ModelConfig { max_event_size: 1, ..ModelConfig::default() };
    assert_eq!(
        model::run(b"data\ndata\ndata\n\n", &cfg).items,
        vec![ModelItem::EventTooLarge { limit: 1, size: 2, offset: 10 }]
    );
    // Raw bytes: "\xff\xff" counts 2 even though it decodes to two U+FFFD (6 bytes of UTF-8);
    // "é" counts 2. The one leading space is not counted.
    let cfg = ModelConfig { max_event_size: 4, ..ModelConfig::default() };
    assert_eq!(
        model::run("data: \u{e9}\ndata:\u{e9}\n\n".as_bytes(), &cfg).items,
        vec![ModelItem::EventTooLarge { limit: 4, size: 5, offset: 9 }]
    );
    assert_eq!(
        model::run(b"data: \xff\xff\n\n", &cfg).items,
        vec![ev("message", "\u{FFFD}\u{FFFD}", "")]
    );
}

#[test]
fn model_event_too_large_keeps_id_drops_type() {
    let input = b"event: big\nid: 4\ndata: 123456\nid: 5\ndata: x\n\ndata: y\n\n";
    let cfg = ModelConfig { max_event_size: 5, ..ModelConfig::default() };
    let out = model::run(input, &cfg);
    assert_eq!(
        out.items,
        vec![ModelItem::EventTooLarge { limit: 5, size: 6, offset: 17 }, ev("message", "y", "4")]
    );
    assert_eq!(out.last_event_id, "4");
}

#[test]
fn model_event_size_resets_per_block() {
    let cfg = ModelConfig { max_event_size: 3, ..ModelConfig::default() };
    assert_eq!(
        model::run(b"data: abc\n\ndata: def\n\n", &cfg).items,
        vec![ev("message", "abc", ""), ev("message", "def", "")]
    );
}

// ---------------------------------------------------------------------------------------------
// Model unit tests: strict UTF-8.

#[test]
fn model_strict_utf8() {
    // "data: a" (0..7), "data: \xff" at 8, "" at 16, "data: b" at 17...
    let input = b"data: a\ndata: \xff\n\ndata: b\n\n";
    let lossy = run_default(input);
    assert_eq!(lossy.items, vec![ev("message", "a\n\u{FFFD}", ""), ev("message", "b", "")]);
    let cfg = ModelConfig { strict_utf8: true, ..ModelConfig::default() };
    assert_eq!(
        model::run(input, &cfg).items,
        vec![ModelItem::InvalidUtf8 { offset: 8 }, ev("message", "b", "")]
    );
}

#[test]
fn model_strict_utf8_applies_to_comments_and_partial_bom() {
    let cfg = ModelConfig { strict_utf8: true, comments: true, ..ModelConfig::default() };
    assert_eq!(
        model::run(b":ok\n:\xc0\xaf\n: skipped\n\n:after\n", &cfg).items,
        vec![
            ModelItem::Comment("ok".into()),
            ModelItem::InvalidUtf8 { offset: 4 },
            ModelItem::Comment("after".into()),
        ]
    );
    // EF BB is not a BOM: the first line is invalid.
    assert_eq!(
        model::run(b"\xEF\xBBdata: x\n\ndata: y\n\n", &cfg).items,
        vec![ModelItem::InvalidUtf8 { offset: 0 }, ev("message", "y", "")]
    );
    // A real BOM is stripped, not an error.
    assert_eq!(model::run(b"\xEF\xBB\xBFdata: x\n\n", &cfg).items, vec![ev("message", "x", "")]);
}

#[test]
fn model_length_checked_before_utf8() {
    let cfg = ModelConfig { strict_utf8: true, max_line_len: 3, ..ModelConfig::default() };
    assert_eq!(
        model::run(b"\xff\xff\xff\xff\n\n\xff\n\n", &cfg).items,
        vec![
            ModelItem::LineTooLong { limit: 3, size: 4, offset: 0 },
            ModelItem::InvalidUtf8 { offset: 6 },
        ]
    );
}

#[test]
fn model_strict_partial_invalid_line_is_silent() {
    let cfg = ModelConfig { strict_utf8: true, ..ModelConfig::default() };
    assert_eq!(model::run(b"data: a\n\ndata: \xf0\x9f", &cfg).items, vec![ev("message", "a", "")]);
}

#[test]
fn model_discard_mode_ends_only_at_blank_line() {
    // After the error, no event is produced even though data lines follow; the discard ends at
    // the blank line and nothing else leaks (not even at end of input).
    let cfg = ModelConfig { max_line_len: 6, ..ModelConfig::default() };
    let out = model::run(b"data: toolong\ndata: a\nid: 3\n", &cfg);
    assert_eq!(out.items, vec![ModelItem::LineTooLong { limit: 6, size: 13, offset: 0 }]);
    assert_eq!(out.last_event_id, "");
}

// ---------------------------------------------------------------------------------------------
// Vector loader failure paths.

fn parse_err(text: &str) -> String {
    match vectors::parse_file("bad.json", text) {
        Ok(v) => panic!("expected an error, parsed {} vectors", v.len()),
        Err(msg) => {
            assert!(msg.contains("bad.json"), "message does not name the file: {msg}");
            msg
        }
    }
}

#[test]
fn loader_accepts_a_good_file() {
    let v = vectors::parse_file(
        "good.json",
        r#"[
            {"name": "a", "description": "d", "input": "data: x\n\n",
             "events": [{"type": "message", "data": "x", "id": ""}],
             "retry": 18446744073709551615, "last_event_id": ""},
            {"name": "b", "input_hex": "0a", "events": []}
        ]"#,
    )
    .unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].file, "good.json");
    assert_eq!(v[0].input, b"data: x\n\n");
    assert_eq!(v[0].events, vec![("message".into(), "x".into(), String::new())]);
    assert_eq!(v[0].retry, Some(u64::MAX));
    assert_eq!(v[0].last_event_id.as_deref(), Some(""));
    assert_eq!(v[1].input, b"\n");
    assert_eq!(v[1].retry, None);
    assert_eq!(v[1].last_event_id, None);
    assert_eq!(vectors::parse_file("empty.json", "[]").unwrap(), vec![]);
}

#[test]
fn loader_rejects_invalid_json() {
    assert!(parse_err(r#"[{"name": "a",]"#).contains("invalid JSON"));
}

#[test]
fn loader_rejects_non_array_top_level() {
    assert!(parse_err(r#"{"name": "a"}"#).contains("top level must be a JSON array"));
    assert!(parse_err("42").contains("top level must be a JSON array"));
}

#[test]
fn loader_rejects_non_object_vector() {
    assert!(parse_err(r#"["x"]"#).contains("vector #0 must be an object"));
}

#[test]
fn loader_rejects_missing_or_bad_name() {
    assert!(parse_err(r#"[{"input": "", "events": []}]"#).contains("missing \"name\""));
    assert!(parse_err(r#"[{"name": 3, "input": "", "events": []}]"#)
        .contains("\"name\" must be a string"));
    assert!(parse_err(r#"[{"name": "", "input": "", "events": []}]"#).contains("\"name\" is empty"));
}

#[test]
fn loader_rejects_missing_events() {
    let msg = parse_err(r#"[{"name": "v1", "input": ""}]"#);
    assert!(msg.contains("missing \"events\"") && msg.contains("\"v1\""), "{msg}");
    assert!(
        parse_err(r#"[{"name": "v1", "input": "", "events": {}}]"#).contains("must be an array")
    );
}

#[test]
fn loader_rejects_both_or_neither_input() {
    let both = parse_err(r#"[{"name": "v2", "input": "", "input_hex": "", "events": []}]"#);
    assert!(both.contains("both") && both.contains("\"v2\""), "{both}");
    assert!(parse_err(r#"[{"name": "v3", "events": []}]"#).contains("neither"));
    assert!(parse_err(r#"[{"name": "v3", "input": 5, "events": []}]"#)
        .contains("\"input\" must be a string"));
}

#[test]
fn loader_rejects_bad_hex() {
    assert!(
        parse_err(r#"[{"name": "h", "input_hex": "abc", "events": []}]"#).contains("odd number")
    );
    assert!(parse_err(r#"[{"name": "h", "input_hex": "zz", "events": []}]"#).contains("non-hex"));
    assert!(
        parse_err(r#"[{"name": "h", "input_hex": "0a  0a", "events": []}]"#).contains("non-hex")
    );
    assert!(parse_err(r#"[{"name": "h", "input_hex": "0 0a", "events": []}]"#).contains("non-hex"));
    assert!(
        parse_err(r#"[{"name": "h", "input_hex": "\u00e90a", "events": []}]"#).contains("non-hex")
    );
}

#[test]
fn loader_rejects_incomplete_events() {
    for (missing, text) in [
        ("type", r#"[{"name": "e", "input": "", "events": [{"data": "", "id": ""}]}]"#),
        ("data", r#"[{"name": "e", "input": "", "events": [{"type": "message", "id": ""}]}]"#),
        ("id", r#"[{"name": "e", "input": "", "events": [{"type": "message", "data": ""}]}]"#),
    ] {
        let msg = parse_err(text);
        assert!(msg.contains(&format!("missing \"{missing}\"")) && msg.contains("\"e\""), "{msg}");
    }
    assert!(parse_err(
        r#"[{"name": "e", "input": "", "events": [{"type": 1, "data": "", "id": ""}]}]"#
    )
    .contains("\"type\" must be a string"));
    assert!(parse_err(r#"[{"name": "e", "input": "", "events": ["x"]}]"#)
        .contains("event #0 must be an object"));
    assert!(parse_err(r#"[{"name": "e", "input": "", "events": [{"type": "m", "data": "", "id": "", "retry": 1}]}]"#)
        .contains("unknown key"));
}

#[test]
fn loader_rejects_bad_retry() {
    for retry in ["-1", "1.5", "\"100\"", "18446744073709551616", "null"] {
        let text = format!(r#"[{{"name": "r", "input": "", "events": [], "retry": {retry}}}]"#);
        let msg = parse_err(&text);
        assert!(
            msg.contains("\"retry\" must be an integer") && msg.contains("\"r\""),
            "{retry}: {msg}"
        );
    }
}

#[test]
fn loader_rejects_bad_last_event_id_and_unknown_keys() {
    assert!(parse_err(r#"[{"name": "l", "input": "", "events": [], "last_event_id": 7}]"#)
        .contains("\"last_event_id\" must be a string"));
    assert!(parse_err(r#"[{"name": "k", "input": "", "events": [], "lastEventId": "7"}]"#)
        .contains("unknown key \"lastEventId\""));
    assert!(parse_err(r#"[{"name": "k", "input": "", "events": [], "description": 1}]"#)
        .contains("\"description\" must be a string"));
}

#[test]
fn loader_rejects_duplicate_names() {
    let msg = parse_err(
        r#"[{"name": "same", "input": "", "events": []}, {"name": "same", "input": "", "events": []}]"#,
    );
    assert!(msg.contains("duplicate vector name \"same\""), "{msg}");
}

#[test]
fn loader_rejects_an_empty_directory() {
    let dir = std::env::temp_dir().join(format!("ssekit-empty-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a vector file").unwrap();
    let result = vectors::load_dir(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let msg = result.unwrap_err();
    assert!(msg.contains("no spec-vectors/*.json files"), "{msg}");
}

#[test]
fn loader_names_the_file_on_error() {
    let dir = std::env::temp_dir().join(format!("ssekit-bad-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.json"), "[]").unwrap();
    std::fs::write(dir.join("broken.json"), "[{").unwrap();
    let result = vectors::load_dir(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    let msg = result.unwrap_err();
    assert!(msg.contains("spec-vectors/broken.json") && msg.contains("invalid JSON"), "{msg}");
}

#[test]
fn loader_finds_the_vector_directory() {
    let dir = vectors::vectors_dir();
    assert!(dir.is_dir(), "{} is not a directory", dir.display());
    let all = vectors::load_all();
    let mut seen = std::collections::HashSet::new();
    for v in &all {
        assert!(seen.insert(v.label()), "duplicate {}", v.label());
    }
}

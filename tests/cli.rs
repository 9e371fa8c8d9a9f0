//! End-to-end tests of the `ssekit` binary: output formats (contract 2 of
//! SPEC.md for `--json`), liveness, chunking, inputs, exit codes.
#![cfg(feature = "cli")]

use core::time::Duration;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;

/// How long to wait for a line the binary should print.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A realistic stream: BOM, CRLF then LF line ends, a keep-alive comment,
/// a retry, an LLM delta, a multi-line typed event, escapes, non-ASCII, an
/// empty comment, an invalid retry, and a partial event at the end (which
/// is dropped, and whose `id` does not count).
const STREAM: &str = "\u{FEFF}: keep-alive\r\n\
    retry: 2500\r\n\
    \r\n\
    id: 1\r\n\
    data: {\"choices\":[{\"delta\":{\"content\":\"H\u{e9}\"}}]}\r\n\
    \r\n\
    event: usage\r\n\
    data: line one\r\n\
    data:line two\r\n\
    data:   indented\r\n\
    \r\n\
    id: 2\n\
    data: \u{65e5}\u{672c}\u{8a9e} \"quoted\" \\ tab\there\n\
    \n\
    :\n\
    retry: soon\n\
    data: [DONE]\n\
    \n\
    id: 3\n\
    data: partial, never ended";

/// `ssekit --json` on [`STREAM`], without comments.
const STREAM_JSON: &[&str] = &[
    r#"{"retry":2500}"#,
    r#"{"type":"message","data":"{\"choices\":[{\"delta\":{\"content\":\"Hé\"}}]}","id":"1"}"#,
    r#"{"type":"usage","data":"line one\nline two\n  indented","id":"1"}"#,
    r#"{"type":"message","data":"日本語 \"quoted\" \\ tab\there","id":"2"}"#,
    r#"{"type":"message","data":"[DONE]","id":"2"}"#,
    r#"{"last_event_id":"2","retry":2500}"#,
];

/// `ssekit --color never` on [`STREAM`].
const STREAM_HUMAN: &str = "\
retry: 2500 ms
message  id: 1
  {\"choices\":[{\"delta\":{\"content\":\"H\u{e9}\"}}]}
usage  id: 1
  line one
  line two
    indented
message  id: 2
  \u{65e5}\u{672c}\u{8a9e} \"quoted\" \\ tab\there
message  id: 2
  [DONE]
-- end of input: 4 events; last event id \"2\"; retry 2500 ms
";

/// A command for the built binary.
fn ssekit(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ssekit"));
    command.args(args).env_remove("NO_COLOR");
    command
}

/// Spawns with all three streams piped.
fn spawn(args: &[&str]) -> Child {
    ssekit(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ssekit")
}

/// Runs with `input` on stdin, written by `write` from another thread.
fn run_with(args: &[&str], input: Vec<u8>, write: fn(&mut dyn Write, &[u8])) -> Output {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = thread::spawn(move || write(&mut stdin, &input));
    let output = child.wait_with_output().expect("wait for ssekit");
    writer.join().expect("writer thread");
    output
}

/// Runs with `input` on stdin, written in one go.
fn run(args: &[&str], input: &str) -> Output {
    run_with(args, input.as_bytes().to_vec(), |stdin, input| written(stdin.write_all(input)))
}

/// Checks a write to the child's stdin: a child that exits without reading
/// (e.g. on a bad argument) closes the pipe, which is no test failure.
fn written(result: std::io::Result<()>) {
    if let Err(err) = result {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {err}");
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn lines(output: &Output) -> Vec<String> {
    stdout(output).lines().map(str::to_owned).collect()
}

/// A fresh, empty directory for this test's files.
fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Writes `contents` to `dir/name` and returns the path as a string.
fn temp_file(dir: &std::path::Path, name: &str, contents: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path.to_str().expect("UTF-8 path").to_owned()
}

/// Sends each line of `stdout` to a channel, from a thread, so that tests
/// can wait for a line with a timeout.
fn line_channel(stdout: ChildStdout) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    receiver
}

/// The next line of output, failing the test after [`TIMEOUT`].
fn next_line(lines: &Receiver<String>) -> String {
    lines.recv_timeout(TIMEOUT).expect("ssekit printed a line in time")
}

#[test]
fn json_output_is_contract_2() {
    let output = run(&["--json"], STREAM);
    assert_eq!(lines(&output), STREAM_JSON);
    assert_eq!(stderr(&output), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn json_comments_lose_one_leading_space() {
    let output = run(&["--json", "--comments"], STREAM);
    let mut expected = STREAM_JSON.to_vec();
    expected.insert(0, r#"{"comment":"keep-alive"}"#);
    expected.insert(5, r#"{"comment":""}"#);
    assert_eq!(lines(&output), expected);

    let output = run(&["-j", "-c"], ":  two spaces\n:\tno space\n:no space\n");
    let expected = [
        r#"{"comment":" two spaces"}"#,
        r#"{"comment":"\tno space"}"#,
        r#"{"comment":"no space"}"#,
        r#"{"last_event_id":"","retry":null}"#,
    ];
    assert_eq!(lines(&output), expected);
}

#[test]
fn json_escapes_control_characters_and_ends_with_trailer() {
    let output = run(&["--json"], "event: a\"b\ndata: \u{1}\u{1b}\u{7f}\n\n");
    let expected = [
        // DEL is no JSON control character: it stays as it is.
        "{\"type\":\"a\\\"b\",\"data\":\"\\u0001\\u001b\u{7f}\",\"id\":\"\"}",
        r#"{"last_event_id":"","retry":null}"#,
    ];
    assert_eq!(lines(&output), expected);
    assert_eq!(lines(&run(&["--json"], "")), [r#"{"last_event_id":"","retry":null}"#]);
}

#[test]
fn human_output() {
    let output = run(&["--color", "never"], STREAM);
    assert_eq!(stdout(&output), STREAM_HUMAN);
    assert_eq!(output.status.code(), Some(0));

    let output = run(&["--comments", "--color=never"], ":hi\ndata:\n\n");
    assert_eq!(stdout(&output), ": hi\nmessage\n  (empty data)\n-- end of input: 1 event; last event id \"\"; retry not set\n");
}

#[test]
fn human_output_escapes_terminal_controls() {
    let output = run(&["--color", "never"], "data: \u{1b}[2J cleared?\n\n");
    assert!(stdout(&output).contains("  \\u{1b}[2J cleared?\n"), "{}", stdout(&output));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let coloured = stdout(&run(&["--color", "always"], STREAM));
    assert!(coloured.contains("\x1b[1;36musage\x1b[0m"), "{coloured}");
    // stdout is a pipe here, so `auto` (the default) means no colour.
    assert_eq!(stdout(&run(&[], STREAM)), STREAM_HUMAN);
    assert_eq!(stdout(&run(&["--color", "auto"], STREAM)), STREAM_HUMAN);
}

/// Writes `input` in pieces of 1, 2, 3, 1, 2, 3… bytes, flushing and
/// pausing after each so that the reads on the other side really are tiny.
fn write_tiny(stdin: &mut dyn Write, input: &[u8]) {
    let mut rest = input;
    for size in [1, 2, 3].into_iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        written(stdin.write_all(piece).and_then(|()| stdin.flush()));
        thread::sleep(Duration::from_micros(500));
        rest = tail;
    }
}

#[test]
fn tiny_writes_print_the_same_as_one_write() {
    for args in [&["--json", "--comments"][..], &["--color", "never", "--comments"]] {
        let whole = run(args, STREAM);
        let tiny = run_with(args, STREAM.as_bytes().to_vec(), write_tiny);
        assert_eq!(stdout(&tiny), stdout(&whole), "{args:?}");
        assert_eq!(tiny.status.code(), Some(0));
    }
    assert_eq!(lines(&run_with(&["--json"], STREAM.as_bytes().to_vec(), write_tiny)), STREAM_JSON);
}

#[test]
fn events_are_printed_before_stdin_closes() {
    let mut child = spawn(&["--json"]);
    let mut stdin = child.stdin.take().expect("stdin");
    let lines = line_channel(child.stdout.take().expect("stdout"));

    stdin.write_all(b"retry: 100\nid: 1\ndata: first\n\n").expect("write");
    stdin.flush().expect("flush");
    assert_eq!(next_line(&lines), r#"{"retry":100}"#);
    assert_eq!(next_line(&lines), r#"{"type":"message","data":"first","id":"1"}"#);

    // Half an event prints nothing; its blank line prints it at once.
    stdin.write_all(b"event: second\ndata: 2\n").expect("write");
    stdin.flush().expect("flush");
    assert_eq!(lines.recv_timeout(Duration::from_millis(300)), Err(RecvTimeoutError::Timeout));
    stdin.write_all(b"\r").expect("write");
    stdin.flush().expect("flush");
    assert_eq!(next_line(&lines), r#"{"type":"second","data":"2","id":"1"}"#);

    drop(stdin);
    assert_eq!(next_line(&lines), r#"{"last_event_id":"1","retry":100}"#);
    assert!(child.wait().expect("wait").success());
}

#[test]
fn human_output_is_live_too() {
    let mut child = spawn(&["--color", "never"]);
    let mut stdin = child.stdin.take().expect("stdin");
    let lines = line_channel(child.stdout.take().expect("stdout"));
    stdin.write_all(b"event: tick\ndata: 1\n\n").expect("write");
    stdin.flush().expect("flush");
    assert_eq!(next_line(&lines), "tick");
    assert_eq!(next_line(&lines), "  1");
    drop(stdin);
    assert!(next_line(&lines).starts_with("-- end of input: 1 event;"));
    assert!(child.wait().expect("wait").success());
}

#[test]
fn missing_file_is_exit_2_before_any_output() {
    let dir = temp_dir("missing");
    let good = temp_file(&dir, "good.sse", b"data: x\n\n");
    let missing = dir.join("missing.sse");
    let missing = missing.to_str().expect("UTF-8 path");
    let output = run(&["--json", &good, missing], "");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!("ssekit: cannot read '{missing}': No such file or directory\n")
    );
    assert_eq!(stdout(&output), "");

    let output = run(&[dir.to_str().expect("UTF-8 path")], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Is a directory"), "{}", stderr(&output));
}

#[test]
fn bad_arguments_are_exit_2_with_one_line_naming_them() {
    let cases: [(&[&str], &str); 6] = [
        (&["--bogus"], "'--bogus'"),
        (&["-x"], "'-x'"),
        (&["--max-line", "lots"], "--max-line"),
        (&["--max-event"], "--max-event"),
        (&["--color", "sometimes"], "'sometimes'"),
        (&["--sample", "file.sse"], "--sample"),
    ];
    for (args, named) in cases {
        let output = run(args, "data: x\n\n");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert!(message.starts_with("ssekit: ") && message.contains(named), "{args:?}: {message}");
        assert_eq!(message.lines().count(), 1, "{args:?}: {message}");
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

#[test]
fn line_limit_warns_and_goes_on_with_exit_1() {
    let input = "data: ok\n\ndata: this line is far too long\n\ndata: later\n\n";
    let output = run(&["--json", "--max-line", "16"], input);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "ssekit: warning: line of 31 bytes at offset 10 exceeds the line limit of 16 bytes; event dropped\n"
    );
    let expected = [
        r#"{"type":"message","data":"ok","id":""}"#,
        r#"{"type":"message","data":"later","id":""}"#,
        r#"{"last_event_id":"","retry":null}"#,
    ];
    assert_eq!(lines(&output), expected);
}

#[test]
fn event_limit_warns_and_goes_on_with_exit_1() {
    let input = "data: 12345\ndata: 12345\n\nid: 9\ndata: fits\n\n";
    let output = run(&["--json", "--max-event", "8"], input);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "ssekit: warning: event data of 11 bytes at offset 12 exceeds the event limit of 8 bytes; event dropped\n"
    );
    let expected =
        [r#"{"type":"message","data":"fits","id":"9"}"#, r#"{"last_event_id":"9","retry":null}"#];
    assert_eq!(lines(&output), expected);

    let output = run(
        &["--max-event", "1K", "--color", "never"],
        &format!("data: {}\n\ndata: b\n\n", "a".repeat(1025)),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("limit of 1024 bytes"), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("message\n  b\n-- end of input: 1 event, 1 dropped;"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn sample_has_events_and_trailer() {
    let output = run(&["--sample", "--json"], "");
    assert_eq!(output.status.code(), Some(0));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("sample") && message.contains("curl -N"), "{message}");

    let lines = lines(&output);
    let values: Vec<serde_json::Value> =
        lines.iter().map(|line| serde_json::from_str(line).expect("a JSON line")).collect();
    let events: Vec<_> = values.iter().filter(|value| value.get("type").is_some()).collect();
    assert!(events.len() >= 8, "{lines:#?}");
    for event in &events {
        let keys: Vec<_> = event.as_object().expect("an object").keys().collect();
        assert_eq!(keys.len(), 3);
        assert!(event["type"].is_string() && event["data"].is_string() && event["id"].is_string());
    }
    assert!(lines.contains(&r#"{"retry":3000}"#.to_owned()), "{lines:#?}");
    assert_eq!(lines.last().expect("a trailer"), r#"{"last_event_id":"8","retry":3000}"#);

    let with_comments = run(&["--sample", "--json", "--comments"], "");
    assert!(stdout(&with_comments).contains(r#"{"comment":"keep-alive"}"#));

    let human = stdout(&run(&["--sample"], ""));
    assert!(human.contains("content_block_delta  id: 3\n"), "{human}");
    assert!(
        human.ends_with("-- end of input: 10 events; last event id \"8\"; retry 3000 ms\n"),
        "{human}"
    );
}

#[test]
fn dash_and_files_are_one_stream() {
    let dir = temp_dir("one-stream");
    let first = temp_file(&dir, "first.sse", "\u{FEFF}retry: 5\nid: a\ndata: hel".as_bytes());
    let last = temp_file(&dir, "last.sse", "\u{FEFF}data: x\n\nid: b\n".as_bytes());
    let output = run(&["--json", &first, "-", &last], "lo\n\nid: 5\n");
    // The second BOM is not at the start of the stream, so it is part of a
    // field name ("\u{FEFF}data"), which is ignored. The event therefore
    // has no data and is not dispatched, but its blank line commits id 5;
    // the last `id` is after the last blank line and does not count.
    let expected = [
        r#"{"retry":5}"#,
        r#"{"type":"message","data":"hello","id":"a"}"#,
        r#"{"last_event_id":"5","retry":5}"#,
    ];
    assert_eq!(lines(&output), expected);
    assert_eq!(output.status.code(), Some(0));

    // `-` twice: the second time, standard input is at its end already.
    let output = run(&["--json", "-", "-"], "data: from stdin\n\n");
    let expected = [
        r#"{"type":"message","data":"from stdin","id":""}"#,
        r#"{"last_event_id":"","retry":null}"#,
    ];
    assert_eq!(lines(&output), expected);
}

#[test]
fn closed_stdout_ends_quietly() {
    let dir = temp_dir("closed-stdout");
    let big: String = (0..200_000).map(|n| format!("id: {n}\ndata: {{\"n\":{n}}}\n\n")).collect();
    let file = temp_file(&dir, "big.sse", big.as_bytes());
    for args in [&["--json", &file][..], &[&file]] {
        let mut child =
            ssekit(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut start = [0; 16];
        stdout.read_exact(&mut start).expect("some output");
        drop(stdout);
        let output = child.wait_with_output().expect("wait");
        assert_eq!(stderr(&output), "", "{args:?}");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn help_and_version() {
    let output = run(&["--help"], "");
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    for needle in [
        "Usage: ssekit",
        "--json",
        "--max-line",
        "--max-event",
        "--color",
        "--sample",
        "ONE stream",
        "Exit status",
        "  2  ",
        "--timing",
        "--data-only",
        "--type",
        "-H, --header",
        "-X, --request",
        "-d, --data",
        "--no-reconnect",
        "elapsed_ms",
        "gap_ms",
        "\"connection\"",
        "  3  ",
        "  4  ",
    ] {
        assert!(help.contains(needle), "help lacks {needle:?}");
    }
    assert_eq!(stdout(&run(&["-h"], "")), help);
    let version = run(&["-V"], "");
    assert_eq!(stdout(&version), format!("ssekit {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(stdout(&run(&["--version"], "")), stdout(&version));
}

/// Parses each line of `output` as JSON.
fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    lines(output).iter().map(|line| serde_json::from_str(line).expect("a JSON line")).collect()
}

/// A stream with typed events, a multi-line JSON event, an empty one and a
/// retry.
const TYPED: &str = "retry: 10\n\n\
    event: delta\nid: 1\ndata: {\"t\":\"a\"}\n\n\
    event: ping\ndata: {}\n\n\
    event: delta\ndata: {\"t\":\ndata:  \"b\"}\n\n\
    data:\n\n\
    data: [DONE]\n\n";

#[test]
fn data_only_prints_one_line_per_event_and_nothing_else() {
    let output = run(&["--data-only"], TYPED);
    assert_eq!(output.status.code(), Some(0));
    // The multi-line event is one line; the empty event an empty line.
    assert_eq!(lines(&output), ["{\"t\":\"a\"}", "{}", "{\"t\":  \"b\"}", "", "[DONE]"]);
    assert_eq!(stderr(&output), "");
    // Every JSON event is still the JSON it was, line by line.
    let reparsed: Vec<serde_json::Value> =
        lines(&output)[..3].iter().map(|line| serde_json::from_str(line).expect("JSON")).collect();
    assert_eq!(reparsed[2], serde_json::json!({"t": "b"}));

    // Comments, retries and the end-of-input line are not data.
    let output = run(&["--data-only", "--comments"], ": hi\nretry: 5\ndata: x\n\n");
    assert_eq!(stdout(&output), "x\n");
}

#[test]
fn data_only_is_live() {
    let mut child = spawn(&["--data-only"]);
    let mut stdin = child.stdin.take().expect("stdin");
    let lines = line_channel(child.stdout.take().expect("stdout"));
    stdin.write_all(b"data: 1\n\n").expect("write");
    stdin.flush().expect("flush");
    assert_eq!(next_line(&lines), "1");
    stdin.write_all(b"data: 2\n\n").expect("write");
    stdin.flush().expect("flush");
    assert_eq!(next_line(&lines), "2");
    drop(stdin);
    assert!(child.wait().expect("wait").success());
}

#[test]
fn type_filter_applies_to_every_format() {
    let output = run(&["--json", "--type", "delta"], TYPED);
    let expected = [
        r#"{"retry":10}"#,
        r#"{"type":"delta","data":"{\"t\":\"a\"}","id":"1"}"#,
        r#"{"type":"delta","data":"{\"t\":\n \"b\"}","id":"1"}"#,
        // The last event ID is the stream's, whatever was shown.
        r#"{"last_event_id":"1","retry":10}"#,
    ];
    assert_eq!(lines(&output), expected);

    // Repeatable; "message" names untyped events.
    let output = run(&["--data-only", "--type", "ping", "--type=message"], TYPED);
    assert_eq!(lines(&output), ["{}", "", "[DONE]"]);

    let output = run(&["--color", "never", "--type", "ping"], TYPED);
    assert_eq!(
        stdout(&output),
        "retry: 10 ms\nping  id: 1\n  {}\n\
         -- end of input: 1 event, 4 not shown (--type); last event id \"1\"; retry 10 ms\n"
    );
    // Exact and case-sensitive: nothing matches.
    assert_eq!(lines(&run(&["--data-only", "--type", "Delta"], TYPED)), Vec::<String>::new());
}

#[test]
fn timing_json_adds_two_keys_and_a_summary_before_the_trailer() {
    let output = run(&["--json", "--timing"], TYPED);
    assert_eq!(output.status.code(), Some(0));
    let values = json_lines(&output);
    // Contract 2 lines are unchanged, in order; events get two more keys
    // after the three of contract 2.
    assert_eq!(values[0], serde_json::json!({"retry": 10}));
    let events: Vec<_> = values.iter().filter(|value| value.get("type").is_some()).collect();
    assert_eq!(events.len(), 5);
    let event_lines: Vec<String> =
        lines(&output).into_iter().filter(|line| line.starts_with(r#"{"type":"#)).collect();
    for (index, (event, line)) in events.iter().zip(&event_lines).enumerate() {
        let keys: Vec<_> = event.as_object().expect("an object").keys().cloned().collect();
        assert_eq!(keys, ["data", "elapsed_ms", "gap_ms", "id", "type"]);
        // In this order: contract 2's three keys first, as they were.
        let contract = format!(
            r#"{{"type":{},"data":{},"id":{},"elapsed_ms":"#,
            event["type"], event["data"], event["id"]
        );
        assert!(line.starts_with(&contract), "{line}");
        assert!(line.contains(r#","gap_ms":"#), "{line}");
        assert!(event["elapsed_ms"].as_f64().expect("a number") >= 0.0);
        if index == 0 {
            assert!(event["gap_ms"].is_null());
        } else {
            assert!(event["gap_ms"].as_f64().expect("a number") >= 0.0);
        }
    }
    assert!(event_lines[1].starts_with(r#"{"type":"ping","data":"{}","id":"1","elapsed_ms":"#));

    let summary = &values[values.len() - 2]["timing"];
    assert_eq!(summary["events"], 5);
    assert_eq!(summary["bytes"], TYPED.len());
    assert!(summary["first_byte_ms"].as_f64().expect("a number") >= 0.0);
    let first_event = summary["first_event_ms"].as_f64().expect("a number");
    assert_eq!(events[0]["elapsed_ms"].as_f64(), Some(first_event));
    assert!(summary["duration_ms"].as_f64().expect("a number") >= first_event);
    let gaps = summary["gap_ms"].as_object().expect("gap_ms is an object");
    assert_eq!(gaps.keys().collect::<Vec<_>>(), ["max", "p50", "p90", "p99"]);
    assert_eq!(values.last(), Some(&serde_json::json!({"last_event_id": "1", "retry": 10})));

    // Nothing arrived: nulls, not zeros.
    let values = json_lines(&run(&["--json", "--timing"], ""));
    let summary = &values[0]["timing"];
    assert!(summary["first_byte_ms"].is_null() && summary["first_event_ms"].is_null());
    assert!(summary["events_per_sec"].is_null() && summary["gap_ms"].is_null());
    assert_eq!((summary["events"].as_u64(), summary["bytes"].as_u64()), (Some(0), Some(0)));
}

/// Writes `count` events to a child's stdin, each `pause` after the
/// previous one was printed, so that every gap ssekit measures is at least
/// `pause`. Returns the lines printed.
fn paced(args: &[&str], count: usize, pause: Duration) -> Output {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().expect("stdin");
    let lines = line_channel(child.stdout.take().expect("stdout"));
    let mut printed = Vec::new();
    for n in 0..count {
        if n > 0 {
            thread::sleep(pause);
        }
        stdin.write_all(format!("event: tick\ndata: {n}\n\n").as_bytes()).expect("write");
        stdin.flush().expect("flush");
        printed.push(next_line(&lines));
    }
    drop(stdin);
    printed.extend(lines.iter());
    let output = child.wait_with_output().expect("wait");
    Output { stdout: (printed.join("\n") + "\n").into_bytes(), ..output }
}

#[test]
fn timing_measures_real_gaps() {
    let pause = Duration::from_millis(60);
    let output = paced(&["--json", "--timing"], 5, pause);
    assert_eq!(output.status.code(), Some(0));
    let values = json_lines(&output);
    let pause_ms = pause.as_secs_f64() * 1000.0;
    for event in &values[1..5] {
        let gap = event["gap_ms"].as_f64().expect("a gap");
        assert!(gap >= pause_ms, "gap {gap} ms < {pause_ms} ms: {event}");
    }
    let summary = &values[5]["timing"];
    let gap = |key: &str| summary["gap_ms"][key].as_f64().expect("a percentile");
    assert!(gap("p50") >= pause_ms);
    assert!(gap("p50") <= gap("p90") && gap("p90") <= gap("p99") && gap("p99") <= gap("max"));
    // Four gaps of at least 60 ms: at most 1000 / 60 events a second.
    let rate = summary["events_per_sec"].as_f64().expect("a rate");
    assert!(rate > 0.0 && rate <= 1000.0 / pause_ms, "{rate}");
}

#[test]
fn timing_human_columns_and_table() {
    let output = paced(&["--timing", "--color", "never"], 3, Duration::from_millis(30));
    let text = stdout(&output);
    let headers: Vec<&str> = text.lines().filter(|line| line.ends_with("  tick")).collect();
    assert_eq!(headers.len(), 3, "{text}");
    // Aligned: every header has the type at the same column.
    assert!(headers.iter().all(|line| line.find("tick") == headers[0].find("tick")), "{text}");
    assert!(headers[0].trim_start().starts_with(|c: char| c.is_ascii_digit()), "{text}");
    assert!(headers[0].contains(" -  tick") && headers[1].contains(" +"), "{text}");
    for row in ["time to first byte", "time to first event", "events/s", "gap p99", "gap max"] {
        assert!(text.contains(row), "no {row:?} in {text}");
    }
    assert!(text.contains("-- end of input: 3 events;"), "{text}");
    let events_row =
        text.lines().find(|line| line.trim_start().starts_with("events ")).expect("row");
    assert!(events_row.ends_with(" 3"), "{events_row}");
}

#[test]
fn timing_with_data_only_keeps_stdout_bare() {
    let output = run(&["--timing", "--data-only"], TYPED);
    assert_eq!(lines(&output), ["{\"t\":\"a\"}", "{}", "{\"t\":  \"b\"}", "", "[DONE]"]);
    let side = stderr(&output);
    // One line per event (its time, type and id), then the table.
    let stamps =
        side.lines().filter(|line| line.trim_start().starts_with(|c: char| c.is_ascii_digit()));
    assert_eq!(stamps.count(), 5, "{side}");
    assert!(side.contains("delta  id: 1") && side.contains("-- timing"), "{side}");
}

#[test]
fn new_flags_refuse_bad_combinations() {
    let cases: [(&[&str], &str); 5] = [
        (&["--data-only", "--json"], "--data-only"),
        (&["--type"], "--type"),
        (&["-H", "X: y"], "-H"),
        (&["-d", "x", "file.sse"], "-d"),
        (&["--no-reconnect"], "--no-reconnect"),
    ];
    for (args, named) in cases {
        let output = run(args, "data: x\n\n");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert!(message.starts_with("ssekit: ") && message.contains(named), "{args:?}: {message}");
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

// ---------------------------------------------------------------------------
// URL mode, against a small HTTP/1.1 server on 127.0.0.1 started by each test.

use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::Sender;

/// One request as the test server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    /// Names lowercased.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// A part of a response body.
enum Piece {
    /// Written and flushed at once.
    Bytes(&'static str),
    /// Wait for the test to say go (or give up after [`TIMEOUT`]).
    Gate(Receiver<()>),
    /// Sleep this long.
    Pause(Duration),
}

/// What the server answers to one connection, in order of arrival.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<Piece>,
}

impl Reply {
    fn stream(body: &'static str) -> Self {
        Self { status: 200, content_type: "text/event-stream", body: vec![Piece::Bytes(body)] }
    }

    fn status(status: u16, content_type: &'static str, body: &'static str) -> Self {
        Self { status, content_type, body: vec![Piece::Bytes(body)] }
    }
}

/// A server that answers one connection per [`Reply`], then stops
/// accepting. Requests are sent to `requests` as they are read.
struct Server {
    url: String,
    requests: Receiver<Seen>,
}

impl Server {
    fn start(replies: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}/events", listener.local_addr().expect("address"));
        let (sender, requests) = mpsc::channel();
        thread::spawn(move || {
            for reply in replies {
                let Ok((stream, _)) = listener.accept() else { return };
                if serve_one(stream, reply, &sender).is_err() {
                    // The client went away: next connection.
                }
            }
        });
        Self { url, requests }
    }

    /// The next request the server read.
    fn request(&self) -> Seen {
        self.requests.recv_timeout(TIMEOUT).expect("a request in time")
    }
}

/// Reads one request and writes `reply` to it, then closes the connection
/// (the body is delimited by the close, as HTTP/1.1 allows).
fn serve_one(mut stream: TcpStream, reply: Reply, requests: &Sender<Seen>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) =
        (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let Some((name, value)) = line.trim_end().split_once(':') else { break };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let _ = requests.send(Seen { method, target, headers, body });

    write!(
        stream,
        "HTTP/1.1 {} Test\r\nContent-Type: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        reply.status, reply.content_type
    )?;
    stream.flush()?;
    for piece in reply.body {
        match piece {
            Piece::Bytes(bytes) => {
                stream.write_all(bytes.as_bytes())?;
                stream.flush()?;
            }
            Piece::Gate(go) => {
                let _ = go.recv_timeout(TIMEOUT);
            }
            Piece::Pause(pause) => thread::sleep(pause),
        }
    }
    stream.shutdown(std::net::Shutdown::Both)
}

/// Waits for `child` to exit by itself, killing it (and failing) after
/// [`TIMEOUT`].
fn finished(mut child: Child) -> Output {
    let deadline = std::time::Instant::now() + TIMEOUT;
    while child.try_wait().expect("try_wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("ssekit did not exit by itself: {:?}", child.wait_with_output());
        }
        thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output")
}

/// Runs ssekit on a URL with stdin closed, bounded in time.
fn fetch(args: &[&str]) -> Output {
    let child = ssekit(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ssekit");
    finished(child)
}

/// Spawns ssekit on a URL with stdout and stderr piped, and stdin piped
/// too (for `-d @-`).
fn spawn_fetch(args: &[&str]) -> Child {
    spawn(args)
}

#[test]
fn url_mode_get_prints_connection_events_and_contract_2() {
    let server = Server::start(vec![Reply::stream("retry: 10\nid: 7\ndata: hi\n\n: ping\n")]);
    let output = fetch(&["--json", "--no-reconnect", "-H", "X-Test: yes", &server.url]);
    assert_eq!(
        lines(&output),
        [
            r#"{"connection":"open"}"#,
            r#"{"retry":10}"#,
            r#"{"type":"message","data":"hi","id":"7"}"#,
            r#"{"connection":"closed","reason":"ended"}"#,
            r#"{"last_event_id":"7","retry":10}"#,
        ]
    );
    assert_eq!(stderr(&output), "");
    assert_eq!(output.status.code(), Some(0));

    let request = server.request();
    assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", "/events"));
    assert_eq!(request.header("accept"), Some("text/event-stream"));
    assert_eq!(request.header("x-test"), Some("yes"));
    assert_eq!(request.header("last-event-id"), None);
    assert!(request.body.is_empty());
}

#[test]
fn url_mode_reconnects_with_last_event_id_until_refused() {
    let server = Server::start(vec![
        Reply::stream("retry: 20\nid: 1\ndata: a\n\n"),
        Reply::stream("id: 2\ndata: b\n\ndata: cut off"),
        Reply::status(404, "application/json", "{\"error\":\"gone\"}"),
    ]);
    let output = fetch(&["--json", &server.url]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let values = json_lines(&output);
    let kinds: Vec<String> = values
        .iter()
        .map(|value| match value.get("connection") {
            Some(kind) => format!("connection {}", kind.as_str().expect("a string")),
            None => {
                value.as_object().expect("an object").keys().cloned().collect::<Vec<_>>().join(",")
            }
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "connection open",
            "retry",
            "data,id,type",
            "connection reconnecting",
            "connection open",
            "data,id,type",
            "connection reconnecting",
            "connection closed",
            "last_event_id,retry",
        ]
    );
    let reconnect = &values[3];
    assert_eq!(
        (reconnect["reason"].as_str(), reconnect["attempt"].as_u64()),
        (Some("ended"), Some(1))
    );
    // The server's retry (20 ms), not the 3 s default, plus jitter.
    let delay = reconnect["delay_ms"].as_u64().expect("delay_ms");
    assert!((20..1000).contains(&delay), "{reconnect}");
    assert_eq!(values[5]["data"], "b");
    let closed = &values[7];
    assert_eq!(closed["reason"], "status");
    assert_eq!(closed["status"], 404);
    assert_eq!(closed["content_type"], "application/json");
    assert_eq!(closed["body"], "{\"error\":\"gone\"}");
    assert_eq!(values[8], serde_json::json!({"last_event_id": "2", "retry": 20}));

    assert_eq!(server.request().header("last-event-id"), None);
    assert_eq!(server.request().header("last-event-id"), Some("1"));
    assert_eq!(server.request().header("last-event-id"), Some("2"));
}

#[test]
fn url_mode_wrong_content_type_is_exit_3_with_a_line_on_stderr() {
    let server = Server::start(vec![Reply::status(200, "text/html", "<html>login</html>")]);
    let output = fetch(&["--color", "never", &server.url]);
    assert_eq!(output.status.code(), Some(3));
    let message = stderr(&output);
    assert!(message.contains("ssekit: closed: not an event stream"), "{message}");
    assert!(message.contains("text/html") && message.contains("<html>login</html>"), "{message}");
    assert_eq!(stdout(&output), "-- end of input: 0 events; last event id \"\"; retry not set\n");
}

#[test]
fn url_mode_sends_data_like_curl() {
    let dir = temp_dir("url-data");
    let file = temp_file(&dir, "body.txt", b"b=2\n");
    let server = Server::start(vec![Reply::stream("data: ok\n\n")]);
    let output = fetch(&[
        "--data-only",
        "--no-reconnect",
        "-d",
        "a=1",
        "-d",
        &format!("@{file}"),
        &server.url,
    ]);
    assert_eq!(stdout(&output), "ok\n");
    assert_eq!(output.status.code(), Some(0));
    let request = server.request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.body, b"a=1&b=2\n");
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));

    // -X and -H win; @- is standard input, byte for byte.
    let server = Server::start(vec![Reply::stream("data: ok\n\n")]);
    let mut child = spawn_fetch(&[
        "--no-reconnect",
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-d",
        "@-",
        &server.url,
    ]);
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"{\"model\":\"m\",\n\"stream\":true}").expect("write body");
    drop(stdin);
    let output = finished(child);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let request = server.request();
    assert_eq!(request.method, "PUT");
    assert_eq!(request.body, b"{\"model\":\"m\",\n\"stream\":true}");
    assert_eq!(request.header("content-type"), Some("application/json"));

    // A missing @file is exit 2 before any request.
    let output = fetch(&["-d", "@/nonexistent/body.json", "http://127.0.0.1:9/"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("/nonexistent/body.json"), "{}", stderr(&output));
}

#[test]
fn url_mode_connection_refused_is_exit_4() {
    // A port that nothing listens on any more.
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let url = format!("http://127.0.0.1:{port}/");
    let output = fetch(&["--json", "--no-reconnect", &url]);
    assert_eq!(output.status.code(), Some(4));
    let values = json_lines(&output);
    assert_eq!(values.len(), 2, "{values:?}");
    let closed = &values[0];
    assert_eq!(closed["connection"], "closed");
    assert_eq!(closed["reason"], "retries_exhausted");
    assert_eq!(
        (closed["attempts"].as_u64(), closed["last"].as_str()),
        (Some(0), Some("network_error"))
    );
    assert!(closed["error"].as_str().is_some_and(|error| !error.is_empty()), "{closed}");

    let output = fetch(&["--no-reconnect", &url]);
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("ssekit: closed: the connection failed"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn url_mode_filters_and_times() {
    let (go_1, gate_1) = mpsc::channel();
    let (go_2, gate_2) = mpsc::channel();
    let pause = Duration::from_millis(50);
    let server = Server::start(vec![Reply {
        status: 200,
        content_type: "text/event-stream; charset=utf-8",
        body: vec![
            Piece::Bytes("event: tick\ndata: 0\n\nevent: skip\ndata: x\n\n"),
            Piece::Gate(gate_1),
            Piece::Pause(pause),
            Piece::Bytes("event: tick\ndata: 1\n\n"),
            Piece::Gate(gate_2),
            Piece::Pause(pause),
            Piece::Bytes("event: tick\ndata: 2\n\n"),
        ],
    }]);
    let mut child =
        spawn_fetch(&["--json", "--timing", "--type", "tick", "--no-reconnect", &server.url]);
    let lines = line_channel(child.stdout.take().expect("stdout"));
    let mut seen = vec![next_line(&lines), next_line(&lines)];
    // Each gap starts after the previous event was printed.
    go_1.send(()).expect("gate");
    seen.push(next_line(&lines));
    go_2.send(()).expect("gate");
    seen.extend(lines.iter());
    let output = finished(child);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let values: Vec<serde_json::Value> =
        seen.iter().map(|line| serde_json::from_str(line).expect("JSON")).collect();
    let events: Vec<_> = values.iter().filter(|value| value.get("type").is_some()).collect();
    assert_eq!(
        events.iter().map(|event| event["data"].as_str()).collect::<Vec<_>>(),
        [Some("0"), Some("1"), Some("2")]
    );
    let pause_ms = pause.as_secs_f64() * 1000.0;
    assert!(events[0]["gap_ms"].is_null());
    for event in &events[1..] {
        assert!(event["gap_ms"].as_f64().expect("gap") >= pause_ms, "{event}");
    }
    let summary = &values[values.len() - 2]["timing"];
    assert_eq!(summary["events"], 3);
    assert!(summary["bytes"].is_null());
    let first_byte = summary["first_byte_ms"].as_f64().expect("first byte");
    assert!(first_byte <= summary["first_event_ms"].as_f64().expect("first event"));
    assert!(summary["gap_ms"]["p50"].as_f64().expect("p50") >= pause_ms);
    assert_eq!(values[values.len() - 3]["connection"], "closed");
}

#[test]
fn url_mode_ctrl_c_prints_the_summary_and_exits_130() {
    let (_hold, gate) = mpsc::channel::<()>();
    let server = Server::start(vec![Reply {
        status: 200,
        content_type: "text/event-stream",
        body: vec![Piece::Bytes("id: 1\ndata: first\n\n"), Piece::Gate(gate)],
    }]);
    let mut child = spawn_fetch(&["--json", "--timing", &server.url]);
    let lines = line_channel(child.stdout.take().expect("stdout"));
    assert_eq!(next_line(&lines), r#"{"connection":"open"}"#);
    assert!(next_line(&lines).starts_with(r#"{"type":"message","data":"first","id":"1","#));
    let status =
        Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    assert_eq!(next_line(&lines), r#"{"connection":"closed","reason":"interrupted"}"#);
    assert!(next_line(&lines).starts_with(r#"{"timing":{"#));
    assert_eq!(next_line(&lines), r#"{"last_event_id":"1","retry":null}"#);
    assert_eq!(finished(child).status.code(), Some(130));
}

#[test]
fn timing_survives_the_first_ctrl_c_and_prints_the_summary() {
    // As with `curl -N URL | ssekit --timing` and Ctrl-C: ssekit gets
    // SIGINT, then its input ends because curl got it too.
    let mut child = spawn(&["--json", "--timing"]);
    let mut stdin = child.stdin.take().expect("stdin");
    let lines = line_channel(child.stdout.take().expect("stdout"));
    stdin.write_all(b"id: 1\ndata: first\n\n").expect("write");
    stdin.flush().expect("flush");
    assert!(next_line(&lines).starts_with(r#"{"type":"message","data":"first","id":"1","#));
    let status =
        Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    // Still running, still reading: what is already on its way is parsed.
    thread::sleep(Duration::from_millis(200));
    assert_eq!(child.try_wait().expect("try_wait"), None);
    stdin.write_all(b"data: second\n\n").expect("write");
    drop(stdin);
    let rest: Vec<String> = lines.iter().collect();
    assert_eq!(rest.len(), 3, "{rest:?}");
    assert!(rest[0].starts_with(r#"{"type":"message","data":"second""#), "{rest:?}");
    assert!(rest[1].starts_with(r#"{"timing":{"first_byte_ms":"#), "{rest:?}");
    assert_eq!(rest[2], r#"{"last_event_id":"1","retry":null}"#);
    assert_eq!(finished(child).status.code(), Some(130));
}

//! Line splitting, seen through the public API: each test line is sent as a
//! comment (`:` + line) to a parser that reports comments, so every line
//! comes out as an item, and a line over the limit as an error with its
//! size and offset. Each case runs whole, in the given chunks and byte by
//! byte, pulling after every chunk or only at the end, with the scanner's
//! fast paths on and off: the lines never change.
//!
//! (`spec-vectors/newlines.json` and `bom.json` pin the same rules down as
//! events, under every chunking.)

use ssekit::{Error, Item, ParserBuilder};

/// Parses `chunks` and renders the items: a comment as its text, a
/// too-long line as `TooLong(size)@offset`.
fn scan(chunks: &[&[u8]], max: usize, fast: bool, pull_each: bool) -> Vec<String> {
    let mut parser =
        ParserBuilder::new().max_line_len(max).emit_comments(true).fast_paths(fast).build();
    let mut out = Vec::new();
    let mut pull = |parser: &mut ssekit::Parser| {
        while let Some(item) = parser.next_item() {
            out.push(match item {
                Ok(Item::Comment(text)) => text.to_string(),
                Err(Error::LineTooLong { size, offset, .. }) => format!("TooLong({size})@{offset}"),
                other => panic!("unexpected {other:?}"),
            });
        }
    };
    for (i, chunk) in chunks.iter().enumerate() {
        parser.feed(chunk);
        if pull_each || i + 1 == chunks.len() {
            pull(&mut parser);
        }
    }
    out
}

macro_rules! scans_to {
    ($name:ident, $chunks:expr, $max:expr, [$($want:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let chunks: &[&[u8]] = &$chunks;
            let want: Vec<&str> = vec![$($want),*];
            let whole: Vec<u8> = chunks.concat();
            let bytes: Vec<&[u8]> = whole.chunks(1).collect();
            for fast in [false, true] {
                for pull_each in [false, true] {
                    for chunks in [chunks, &[&whole[..]][..], &bytes[..]] {
                        let got = scan(chunks, $max, fast, pull_each);
                        assert_eq!(got, want, "{chunks:?}, fast paths {fast}, pull each {pull_each}");
                    }
                }
            }
        }
    };
}

scans_to!(lf, [b":a\n:b\n"], 100, ["a", "b"]);
scans_to!(cr, [b":a\r:b\r"], 100, ["a", "b"]);
scans_to!(crlf, [b":a\r\n:b\r\n"], 100, ["a", "b"]);
scans_to!(crlf_split, [b":a\r", b"\n:b\r\n"], 100, ["a", "b"]);
scans_to!(cr_cr_is_two_lines, [b":a\r\r:b\n"], 100, ["a", "b"]);
scans_to!(lf_cr_lf_is_three_lines, [b":a\n\r\n:b\n"], 100, ["a", "b"]);
scans_to!(crlf_lf, [b":a\r\n\n:b\n"], 100, ["a", "b"]);
scans_to!(partial_line_is_held, [b":abc", b"def"], 100, []);
scans_to!(straddling_line, [b":ab", b"c\n:d", b"e\n"], 100, ["abc", "de"]);
scans_to!(
    straddling_long_line,
    [b":0123456789012345678901234567890123456789", b"xy\n\n"],
    100,
    ["0123456789012345678901234567890123456789xy"]
);
scans_to!(bom_stripped, [b"\xEF\xBB\xBF:a\n"], 100, ["a"]);
scans_to!(bom_split, [b"\xEF", b"", b"\xBB", b"\xBF:a\n"], 100, ["a"]);
// A second BOM is content: the line is a field named U+FEFF, then `a`.
scans_to!(second_bom_kept, [b"\xEF\xBB\xBF\xEF\xBB\xBF:a\n:b\n"], 100, ["b"]);
// Bytes that turn out not to be a BOM are content, not skipped.
scans_to!(partial_bom_is_content, [b"\xEF\xBB:a\n:b\n"], 100, ["b"]);
scans_to!(bom_then_crlf, [b"\xEF\xBB\xBF\r\n:a\n"], 100, ["a"]);
// After the error, the rest of its block is ignored, comments too.
scans_to!(too_long_in_chunk, [b":abcdef\n:ab\n"], 3, ["TooLong(7)@0"]);
scans_to!(too_long_then_blank, [b":abcdef\n\n:ab\n"], 3, ["TooLong(7)@0", "ab"]);
scans_to!(too_long_straddling, [b":ab", b"cdef", b"gh\n\r\n:ab\n"], 3, ["TooLong(9)@0", "ab"]);
scans_to!(too_long_after_bom, [b"\xEF\xBB\xBF:abcd\r\n\r:x\n"], 3, ["TooLong(5)@3", "x"]);
scans_to!(
    too_long_offsets_count_every_terminator,
    [b":a\r\n\r\n:bcdef\n"],
    4,
    ["a", "TooLong(6)@6"]
);
scans_to!(exactly_the_limit, [b":ab", b"c\n"], 4, ["abc"]);
scans_to!(absorbed_ends, [b":a", b"b\r", b"\n", b":c\n", b"\r", b"\n"], 100, ["ab", "c"]);

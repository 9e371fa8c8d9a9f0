//! Integration tests of the public API: chunking, end of input, ids, retry,
//! limits and recovery, options.

use bytes::Bytes;
use ssekit::{Error, Event, Item, Parser, ParserBuilder};

/// Everything observable: items in order, then the final id and retry.
#[derive(Debug, PartialEq)]
struct Outcome {
    items: Vec<Result<Item, Error>>,
    last_event_id: String,
    retry: Option<u64>,
}

fn drain(parser: &mut Parser, items: &mut Vec<Result<Item, Error>>) {
    while let Some(item) = parser.next_item() {
        items.push(item);
    }
}

/// Feeds `chunks` through `&[u8]` (and pulls after each), then finishes.
fn run(builder: &ParserBuilder, chunks: &[&[u8]]) -> Outcome {
    run_with(builder, chunks, |parser, chunk| parser.feed(chunk))
}

/// The same through `feed_bytes`.
fn run_bytes(builder: &ParserBuilder, chunks: &[&[u8]]) -> Outcome {
    run_with(builder, chunks, |parser, chunk| parser.feed_bytes(Bytes::copy_from_slice(chunk)))
}

fn run_with(
    builder: &ParserBuilder,
    chunks: &[&[u8]],
    feed: impl Fn(&mut Parser, &[u8]),
) -> Outcome {
    let mut parser = builder.build();
    let mut items = Vec::new();
    for chunk in chunks {
        feed(&mut parser, chunk);
        drain(&mut parser, &mut items);
    }
    parser.finish();
    drain(&mut parser, &mut items);
    Outcome { items, last_event_id: parser.last_event_id().to_string(), retry: parser.retry() }
}

fn whole(input: &[u8]) -> Outcome {
    run(&ParserBuilder::new(), &[input])
}

fn events(outcome: &Outcome) -> Vec<(String, String, String)> {
    outcome
        .items
        .iter()
        .filter_map(|item| match item {
            Ok(Item::Event(e)) => {
                Some((e.event_type().to_string(), e.data().to_string(), e.id().to_string()))
            }
            _ => None,
        })
        .collect()
}

fn ev(t: &str, d: &str, i: &str) -> (String, String, String) {
    (t.to_string(), d.to_string(), i.to_string())
}

/// Asserts that every chunking in `sizes` (fixed-size pieces) and both push
/// paths give the same outcome as the whole input.
fn assert_chunking_invariant(builder: &ParserBuilder, input: &[u8]) {
    let reference = run(builder, &[input]);
    for size in 1..=input.len().max(1) {
        let chunks: Vec<&[u8]> = input.chunks(size).collect();
        assert_eq!(run(builder, &chunks), reference, "slices of {size}, input {input:?}");
        assert_eq!(run_bytes(builder, &chunks), reference, "Bytes of {size}, input {input:?}");
    }
    // Every single split point, with an empty chunk in the middle too.
    for at in 0..=input.len() {
        let (a, b) = input.split_at(at);
        assert_eq!(run(builder, &[a, b"", b]), reference, "split at {at}, input {input:?}");
    }
}

const STREAM: &[u8] =
    "\u{FEFF}retry: 1500\r\nid: 1\r\nevent: greet\r\ndata: héllo\r\ndata: wörld 🌍\r\n\r\n\
: keep-alive\r\ndata: second\r\r\nid\nevent: x\n\ndata\n\n"
        .as_bytes();

#[test]
#[cfg_attr(miri, ignore = "every split of a long stream: minutes under Miri")]
fn a_realistic_stream_parses_identically_in_pieces_of_every_size() {
    let outcome = whole(STREAM);
    assert_eq!(
        events(&outcome),
        [ev("greet", "héllo\nwörld 🌍", "1"), ev("message", "second", "1"), ev("message", "", "")]
    );
    assert_eq!(outcome.retry, Some(1500));
    assert_eq!(outcome.items[0], Ok(Item::Retry(1500)));
    assert_chunking_invariant(&ParserBuilder::new(), STREAM);
    assert_chunking_invariant(ParserBuilder::new().emit_comments(true), STREAM);
}

#[test]
fn crlf_split_across_chunks_is_one_line_end() {
    let outcome = run(&ParserBuilder::new(), &[b"data: a\r", b"\n", b"\r", b"\ndata: b\r\n\r\n"]);
    assert_eq!(events(&outcome), [ev("message", "a", ""), ev("message", "b", "")]);
}

#[test]
fn an_event_is_available_the_moment_its_last_byte_arrives() {
    let mut parser = Parser::new();
    parser.feed(b"data: x\r\r");
    // A CR-only stream dispatches at the second CR, without waiting for
    // more input to rule out an LF.
    let event = parser.next_event().expect("dispatched").expect("no error");
    assert_eq!(event.data(), "x");
    parser.feed(b"\ndata: y\n");
    assert!(parser.next_item().is_none());
    parser.feed(b"\n");
    assert_eq!(parser.next_event().unwrap().unwrap().data(), "y");
}

#[test]
fn bom_is_stripped_once_even_when_split() {
    let input = b"\xEF\xBB\xBFdata: a\n\n";
    for chunks in
        [&[&input[..1], &input[1..2], &input[2..]][..], &[b"", &input[..2], b"", &input[2..]]]
    {
        assert_eq!(events(&run(&ParserBuilder::new(), chunks)), [ev("message", "a", "")]);
    }
    // A second BOM is content: the field name becomes "\u{FEFF}data".
    assert!(events(&whole(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n")).is_empty());
    // A BOM that is not at the start is content too.
    assert!(events(&whole(b"\n\xEF\xBB\xBFdata: a\n\n")).is_empty());
}

#[test]
fn multibyte_utf8_split_across_chunks_comes_out_whole() {
    let input = "data: 日本🎉é\n\n".as_bytes();
    for at in 0..input.len() {
        let outcome = run(&ParserBuilder::new(), &[&input[..at], &input[at..]]);
        assert_eq!(events(&outcome), [ev("message", "日本🎉é", "")], "split at {at}");
    }
}

#[test]
fn invalid_utf8_is_replaced_or_rejected() {
    let input = b"data: a\xFFb\n\ndata: ok\n\n";
    assert_eq!(events(&whole(input)), [ev("message", "a\u{FFFD}b", ""), ev("message", "ok", "")]);
    let strict = run(ParserBuilder::new().strict_utf8(true), &[input]);
    assert_eq!(strict.items[0], Err(Error::InvalidUtf8 { offset: 0 }));
    assert_eq!(events(&strict), [ev("message", "ok", "")]);
    assert_chunking_invariant(ParserBuilder::new().strict_utf8(true), input);
}

#[test]
fn end_of_input_discards_the_partial_line_and_event() {
    assert!(events(&whole(b"data: a\n")).is_empty());
    assert!(events(&whole(b"data: a")).is_empty());
    assert_eq!(events(&whole(b"data: a\n\ndata: b\n")), [ev("message", "a", "")]);
    // A lone CR at the very end completes the blank line.
    assert_eq!(events(&whole(b"data: a\r\r")), [ev("message", "a", "")]);
}

#[test]
fn last_event_id_persists_and_an_id_after_the_last_blank_line_does_not_count() {
    let outcome = whole(b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c");
    assert_eq!(events(&outcome), [ev("message", "a", "1"), ev("message", "b", "1")]);
    assert_eq!(outcome.last_event_id, "1");
}

#[test]
fn id_without_data_updates_the_last_event_id_at_the_blank_line() {
    let outcome = whole(b"data: a\n\nid: 7\n\ndata: b\n\n");
    assert_eq!(events(&outcome), [ev("message", "a", ""), ev("message", "b", "7")]);
    assert_eq!(outcome.last_event_id, "7");
    // Empty id resets; an id with NUL is ignored.
    let outcome = whole(b"id: 7\n\nid\ndata: a\n\nid: 8\0\ndata: b\n\n");
    assert_eq!(events(&outcome), [ev("message", "a", ""), ev("message", "b", "")]);
}

#[test]
fn retry_without_data_is_reported_and_kept() {
    let outcome = whole(b"retry: 2500\n\nretry: x\n\nretry:  9\n\n");
    assert_eq!(outcome.items, [Ok(Item::Retry(2500))]);
    assert_eq!(outcome.retry, Some(2500));
    let mut parser = Parser::new();
    parser.feed(b"retry: 10\n");
    assert_eq!(parser.next_item(), Some(Ok(Item::Retry(10))));
    assert_eq!(parser.retry_duration(), Some(std::time::Duration::from_millis(10)));
    // next_event skips retry items.
    parser.feed(b"retry: 20\ndata: a\n\n");
    assert_eq!(parser.next_event().unwrap().unwrap().data(), "a");
    assert_eq!(parser.retry(), Some(20));
}

#[test]
fn comments_are_reported_only_on_request_and_raw() {
    let input = b": ping\n:raw\ndata: a\n\n";
    assert_eq!(whole(input).items.len(), 1);
    let outcome = run(ParserBuilder::new().emit_comments(true), &[input]);
    let comments: Vec<_> = outcome
        .items
        .iter()
        .filter_map(|i| match i {
            Ok(Item::Comment(c)) => Some(c.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(comments, [" ping", "raw"]);
}

#[test]
fn a_too_long_line_drops_its_event_and_parsing_recovers() {
    let builder = ParserBuilder::new().max_line_len(10).clone();
    let input = b"id: 1\ndata: 0123456789\ndata: more\nid: 2\n\ndata: ok\n\n";
    let outcome = run(&builder, &[input]);
    assert_eq!(outcome.items[0], Err(Error::LineTooLong { limit: 10, size: 16, offset: 6 }));
    // The id before the error counts; the one after it is ignored with the block.
    assert_eq!(events(&outcome), [ev("message", "ok", "1")]);
    assert_chunking_invariant(&builder, input);
}

#[test]
fn a_too_long_line_is_skipped_without_being_buffered() {
    let mut parser = Parser::builder().max_line_len(100).build();
    for _ in 0..10_000 {
        parser.feed(&[b'x'; 1000]);
        assert!(parser.next_item().is_none());
        assert!(parser.buffered_len() <= 100, "buffered {}", parser.buffered_len());
    }
    parser.feed(b"\n\ndata: after\n\n");
    assert_eq!(
        parser.next_item(),
        Some(Err(Error::LineTooLong { limit: 100, size: 10_000_000, offset: 0 }))
    );
    assert_eq!(parser.next_event().unwrap().unwrap().data(), "after");
}

#[test]
fn an_event_over_the_data_limit_is_dropped_and_parsing_recovers() {
    let builder = ParserBuilder::new().max_event_size(8).clone();
    let input = b"data: 1234\ndata: 5678\ndata: 9\n\ndata: 12345678\n\n";
    let outcome = run(&builder, &[input]);
    // "1234\n5678" is 9 bytes with its separator.
    assert_eq!(outcome.items[0], Err(Error::EventTooLarge { limit: 8, size: 9, offset: 11 }));
    assert_eq!(events(&outcome), [ev("message", "12345678", "")]);
    assert_chunking_invariant(&builder, input);
}

#[test]
#[cfg_attr(miri, ignore = "a million lines: minutes under Miri")]
fn a_flood_of_empty_data_lines_hits_the_data_limit() {
    let mut parser = Parser::builder().max_event_size(1000).build();
    let mut errors = 0;
    for _ in 0..100_000 {
        parser.feed(b"data:\n");
        while let Some(item) = parser.next_item() {
            assert!(matches!(item, Err(Error::EventTooLarge { limit: 1000, size: 1001, .. })));
            errors += 1;
        }
        assert!(parser.buffered_len() <= 1000);
    }
    assert_eq!(errors, 1, "one error per dropped event");
    parser.feed(b"\ndata: next\n\n");
    assert_eq!(parser.next_event().unwrap().unwrap().data(), "next");
}

#[test]
fn unpulled_input_is_parsed_only_as_items_are_pulled() {
    let mut parser = Parser::new();
    let input = b"data: a\n\n".repeat(1000);
    parser.feed(&input);
    assert_eq!(parser.pending_len(), input.len());
    assert!(parser.next_event().is_some());
    assert_eq!(parser.pending_len(), input.len() - 9);
    assert_eq!(parser.offset(), 9);
    // Feeding more before pulling keeps the order.
    parser.feed(b"data: last\n\n");
    let rest: Vec<Event> = std::iter::from_fn(|| parser.next_event()).map(Result::unwrap).collect();
    assert_eq!(rest.len(), 1000);
    assert_eq!(rest[999].data(), "last");
}

#[test]
fn finish_then_feed_starts_a_new_stream_and_reset_keeps_id_and_retry() {
    let mut parser = Parser::new();
    parser.feed(b"retry: 5\nid: 3\ndata: a\n\ndata: partial");
    parser.finish();
    parser.feed(b"\xEF\xBB\xBFdata: b\n\n");
    let data: Vec<String> =
        std::iter::from_fn(|| parser.next_event()).map(|e| e.unwrap().data().to_string()).collect();
    assert_eq!(data, ["a", "b"]);
    assert_eq!(parser.offset(), 12);

    parser.feed(b"id: 9\ndata: lost");
    assert_eq!(parser.next_item(), None);
    parser.reset();
    assert_eq!(parser.pending_len(), 0);
    parser.feed(b"\n\ndata: c\n\n");
    let event = parser.next_event().unwrap().unwrap();
    assert_eq!((event.data().as_str(), event.id().as_str()), ("c", "3"));
    assert_eq!(parser.retry(), Some(5));
}

#[test]
fn set_last_event_id_restores_a_persisted_id() {
    let mut parser = Parser::new();
    parser.set_last_event_id("41");
    parser.feed(b"data: a\n\n");
    assert_eq!(parser.next_event().unwrap().unwrap().id(), "41");
}

#[test]
fn feed_bytes_hands_out_views_into_the_chunk() {
    let long = "y".repeat(100);
    let chunk = Bytes::from(format!("event: {long}\nid: {long}\ndata: {long}\n\n"));
    let mut parser = Parser::new();
    parser.feed_bytes(chunk.clone());
    let event = parser.next_event().unwrap().unwrap();
    let range = chunk.as_ptr_range();
    for field in [event.event_type(), event.id(), event.data()] {
        assert!(field.is_shared());
        assert!(
            range.contains(&field.as_bytes().as_ptr()),
            "{field:?} is not a view into the chunk"
        );
    }
}

#[test]
fn every_prefix_yields_a_prefix_of_the_events() {
    let reference = events(&whole(STREAM));
    for end in 0..=STREAM.len() {
        let got = events(&whole(&STREAM[..end]));
        assert!(reference.starts_with(&got), "prefix {end}: {got:?}");
        assert!(whole(&STREAM[..end]).items.iter().all(Result::is_ok));
    }
}

#[test]
fn errors_display_the_limit_size_and_offset() {
    let err = Error::LineTooLong { limit: 10, size: 16, offset: 6 };
    assert_eq!(err.to_string(), "line of 16 bytes at offset 6 exceeds the line limit of 10 bytes");
    let err: Box<dyn std::error::Error> = Box::new(Error::InvalidUtf8 { offset: 3 });
    assert!(err.to_string().contains("offset 3"));
}

#[test]
fn buffered_bytes_are_raw_bytes_even_for_invalid_utf8() {
    // Six invalid bytes decode to six U+FFFD (18 bytes); the parser must
    // hold the 6 raw bytes the limit counts, and still dispatch the
    // replacement characters.
    let mut parser = Parser::builder().max_line_len(12).max_event_size(6).build();
    parser.feed(b"data: \xFF\xFF\xFF\xFF\xFF\xFF\n");
    assert!(parser.next_item().is_none());
    assert_eq!(parser.buffered_len(), 6);
    parser.feed(b"\n");
    assert_eq!(parser.next_event().unwrap().unwrap().data().as_str(), "\u{FFFD}".repeat(6));
}

/// The same as `run_with`, pulling lent items and keeping copies.
fn run_borrowed(builder: &ParserBuilder, chunks: &[&[u8]]) -> Outcome {
    let mut parser = builder.build();
    let mut items = Vec::new();
    let mut pull = |parser: &mut Parser| {
        while let Some(item) = parser.next_item_ref() {
            items.push(item.map(|item| item.to_item()));
        }
    };
    for chunk in chunks {
        parser.feed_bytes(Bytes::copy_from_slice(chunk));
        pull(&mut parser);
    }
    parser.finish();
    pull(&mut parser);
    Outcome { items, last_event_id: parser.last_event_id().to_string(), retry: parser.retry() }
}

#[test]
fn borrowed_items_are_the_owned_items() {
    let input: &[u8] =
        b"\xEF\xBB\xBFretry: 250\n: ping\nevent: a\ndata: 1\n\nid: 9\ndata: x\ndata: y\n\n\
        data: bad \xFF byte\n\nevent: \xC3\x28\ndata: z\r\n\r\nevent: t\ndata:\n\n\
        data: caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D\r\n\r\nid: 10\ndata:no space\n\n";
    let mut builder = ParserBuilder::new();
    builder.emit_comments(true);
    let owned = run(&builder, &[input]);
    assert_eq!(owned.items.len(), 9, "{owned:?}");
    assert_eq!(run_borrowed(&builder, &[input]), owned);
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(run_borrowed(&builder, &bytes), owned);
    // Every cut, so that each line is also completed in the carry.
    for at in 0..=input.len() {
        let chunks = [&input[..at], &input[at..]];
        assert_eq!(run_borrowed(&builder, &chunks), owned, "cut at {at}");
    }
    builder.max_line_len(6).strict_utf8(true);
    assert_eq!(run_borrowed(&builder, &[input]), run(&builder, &[input]));
    builder.max_line_len(12).max_event_size(4).strict_utf8(false);
    for at in 0..=input.len() {
        let chunks = [&input[..at], &input[at..]];
        assert_eq!(run_borrowed(&builder, &chunks), run(&builder, &[input]), "limits, cut at {at}");
    }
}

#[test]
fn a_borrowed_event_reads_like_the_owned_one() {
    let mut parser = Parser::new();
    parser.feed(b"id: 4\nretry: 10\n: hi\nevent: e\ndata: caf\xC3\xA9\n\ndata: \xFF\n\n");
    let event = parser.next_event_ref().unwrap().unwrap();
    assert_eq!((event.event_type(), event.data(), event.id()), ("e", "café", "4"));
    assert_eq!(event.data_bytes(), "café".as_bytes());
    assert_eq!(event, Event::new("e", "café", "4"));
    assert_eq!(event.to_event(), Event::new("e", "café", "4"));
    assert_eq!(format!("{event:?}"), r#"EventRef { event_type: "e", data: "café", id: "4" }"#);
    // The retry before it was skipped, but kept.
    assert_eq!(parser.retry(), Some(10));
    // Invalid UTF-8 read straight from the chunk is replaced, as for owned events.
    let event = parser.next_event_ref().unwrap().unwrap();
    assert_eq!((event.event_type(), event.data()), ("message", "\u{FFFD}"));
    assert!(parser.next_event_ref().is_none());
    parser.feed(b"data: more\n\n");
    assert_eq!(parser.next_event_ref().unwrap().unwrap().data(), "more");
}

#[test]
fn an_event_lent_in_place_does_not_leak_into_the_next_block() {
    // Byte by byte, short blocks are lent from the parser's own buffers,
    // which are cleared only at the next pull that parses.
    let input = b"event: a\nid: 1\ndata: 1\n\ndata: 2\n\nid\ndata: 3\n\n";
    let mut parser = Parser::new();
    let mut seen = Vec::new();
    for &byte in input.iter() {
        parser.feed(&[byte]);
        while let Some(event) = parser.next_event_ref() {
            let event = event.unwrap();
            seen.push(format!("{}|{}|{}", event.event_type(), event.data(), event.id()));
            // The lent data no longer counts as buffered.
            assert_eq!(parser.buffered_len(), 0);
        }
    }
    assert_eq!(seen, ["a|1|1", "message|2|1", "message|3|"]);
    assert_eq!(parser.buffered_len(), 0);
    // Owned pulls after a lent one see the same state.
    parser.feed(b"data: 4\n\n");
    assert_eq!(parser.next_event().unwrap().unwrap(), Event::new("message", "4", ""));
}

#[test]
fn a_cloned_parser_goes_on_exactly_like_the_original() {
    // Cut mid-line, mid-event, after a BOM and a CR, with an id and a retry
    // behind: everything in flight must be copied.
    let input = b"\xEF\xBB\xBFid: 7\rretry: 9\r\ndata: a\ndata: bb";
    let rest = b"b\r\n\ndata: long line that is not stored inline, for sure\n\n";
    let mut parser = Parser::new();
    parser.feed(input);
    let before: Vec<_> = parser.items().collect();
    let mut copy = parser.clone();
    let mut after = Vec::new();
    for p in [&mut parser, &mut copy] {
        p.feed(rest);
        after.push(p.items().collect::<Vec<_>>());
        assert_eq!(p.last_event_id(), "7");
    }
    assert_eq!(before, [Ok(Item::Retry(9))]);
    assert_eq!(after[0], after[1]);
    let data = after[0].iter().map(|item| match item {
        Ok(Item::Event(e)) => e.data().to_string(),
        other => panic!("unexpected {other:?}"),
    });
    assert_eq!(
        data.collect::<Vec<_>>(),
        ["a\nbbb", "long line that is not stored inline, for sure"]
    );
}

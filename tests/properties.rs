//! Property tests: the parser against the plain reference model in
//! `tests/common/model.rs`, under arbitrary chunking, options and limits.
//!
//! Case counts: proptest's default (256) per property; set `PROPTEST_CASES`
//! to raise it (CI runs `PROPTEST_CASES=10000`; a long local run:
//! `PROPTEST_CASES=100000 cargo test --release --test properties`).

mod common;

use bytes::Bytes;
use common::model::{self, ModelConfig, ModelItem};
use proptest::prelude::*;
use ssekit::{Error, Item, Parser, ParserBuilder};

/// Raw pieces of the event-stream alphabet: the noise between lines.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop::sample::select(vec![
            &b"data"[..], b"data:", b"data: ", b"event", b"event:", b"event: ", b"id", b"id:", b"id: ",
            b"retry", b"retry:", b"retry: ", b":", b" ", b"  ", b"\t", b"Data",
        ]).prop_map(<[u8]>::to_vec),
        6 => terminator(),
        3 => special(),
        3 => "[0-9]{1,22}".prop_map(String::into_bytes),
        4 => "[a-z{}\" ,]{1,12}".prop_map(String::into_bytes),
        1 => (1usize..100, prop::sample::select(vec![b'x', b'\n', b' ', b':']))
            .prop_map(|(n, b)| vec![b; n]),
        1 => prop::collection::vec(any::<u8>(), 1..8),
    ]
}

fn terminator() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![&b"\n"[..], b"\r", b"\r\n", b"\n\n", b"\r\r", b"\r\n\r\n"])
        .prop_map(<[u8]>::to_vec)
}

/// NUL, BOMs, multi-byte and invalid UTF-8.
fn special() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        &b"\0"[..],
        b"\xEF\xBB\xBF",
        b"\xEF\xBB",
        b"\xC3\xA9",
        b"\xF0\x9F\x8E\x89",
        b"\xE2\x82",
        b"\xFF",
        b"\xC0\xAF",
        b"\xED\xA0\x80",
        b"\x80",
    ])
    .prop_map(<[u8]>::to_vec)
}

/// A field value: short text, digits, specials, sometimes long.
fn value() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => "[a-z{}\" ,:]{0,10}".prop_map(String::into_bytes),
        2 => "[0-9]{1,22}".prop_map(String::into_bytes),
        1 => special(),
        1 => (1usize..120).prop_map(|n| vec![b'v'; n]),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|p| p.concat())
}

/// One line of a plausible stream, or noise.
fn line() -> impl Strategy<Value = Vec<u8>> {
    let name = prop::sample::select(vec![
        &b"data"[..],
        b"data",
        b"data",
        b"event",
        b"id",
        b"retry",
        b"Data",
        b"x",
        b"",
    ]);
    let sep = prop::sample::select(vec![&b": "[..], b": ", b":", b":  ", b""]);
    prop_oneof![
        8 => (name, sep, value(), terminator()).prop_map(|(n, s, v, t)| [n, s, &v[..], &t[..]].concat()),
        4 => terminator(),
        1 => (value(), terminator()).prop_map(|(v, t)| [&b":"[..], &v, &t].concat()),
        2 => token(),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(line(), 0..40).prop_map(|lines| lines.concat())
}

/// Cut points into an input of length `len`, as fractions.
fn cuts() -> impl Strategy<Value = Vec<u16>> {
    prop::collection::vec(any::<u16>(), 0..12)
}

fn chunk<'a>(input: &'a [u8], cuts: &[u16]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> =
        cuts.iter().map(|c| usize::from(*c) * input.len() / usize::from(u16::MAX)).collect();
    at.sort_unstable();
    let mut out = Vec::new();
    let mut from = 0;
    for to in at.into_iter().chain([input.len()]) {
        out.push(&input[from..to]);
        from = to;
    }
    out
}

#[derive(Debug, Clone)]
struct Options {
    max_line_len: usize,
    max_event_size: usize,
    comments: bool,
    strict_utf8: bool,
    /// The scanner's fast paths (`ParserBuilder::fast_paths`): every
    /// property holds with them on and off.
    fast_paths: bool,
}

fn options() -> impl Strategy<Value = Options> {
    let limit = prop_oneof![3 => Just(usize::MAX), 2 => 0usize..40, 1 => 40usize..400];
    (limit.clone(), limit, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(l, e, c, s, f)| Options {
            max_line_len: l,
            max_event_size: e,
            comments: c,
            strict_utf8: s,
            fast_paths: f,
        },
    )
}

fn builder(o: &Options) -> ParserBuilder {
    Parser::builder()
        .max_line_len(o.max_line_len)
        .max_event_size(o.max_event_size)
        .emit_comments(o.comments)
        .strict_utf8(o.strict_utf8)
        .fast_paths(o.fast_paths)
        .clone()
}

fn model_config(o: &Options) -> ModelConfig {
    ModelConfig {
        max_line_len: o.max_line_len,
        max_event_size: o.max_event_size,
        comments: o.comments,
        strict_utf8: o.strict_utf8,
    }
}

fn to_model(item: Result<Item, Error>) -> ModelItem {
    match item {
        Ok(Item::Event(e)) => ModelItem::Event {
            event_type: e.event_type().to_string(),
            data: e.data().to_string(),
            id: e.id().to_string(),
        },
        Ok(Item::Retry(ms)) => ModelItem::Retry(ms),
        Ok(Item::Comment(c)) => ModelItem::Comment(c.to_string()),
        Err(Error::LineTooLong { limit, size, offset }) => {
            ModelItem::LineTooLong { limit, size, offset }
        }
        Err(Error::EventTooLarge { limit, size, offset }) => {
            ModelItem::EventTooLarge { limit, size, offset }
        }
        Err(Error::InvalidUtf8 { offset }) => ModelItem::InvalidUtf8 { offset },
        other => panic!("an item the model does not know: {other:?}"),
    }
}

/// Runs the parser, pulling owned items or (`borrowed`) lent ones; checks
/// the memory bound after every pull.
fn run(o: &Options, chunks: &[&[u8]], as_bytes: bool, borrowed: bool) -> model::ModelOutput {
    let mut parser = builder(o).build();
    let mut items = Vec::new();
    let bound = o.max_line_len.saturating_add(o.max_event_size);
    let mut pull = |parser: &mut Parser| {
        loop {
            let item = if borrowed {
                parser.next_item_ref().map(|item| item.map(|item| item.to_item()))
            } else {
                parser.next_item()
            };
            let Some(item) = item else { break };
            assert!(parser.buffered_len() <= bound, "buffered {} > {bound}", parser.buffered_len());
            items.push(to_model(item));
        }
        assert!(parser.buffered_len() <= bound, "buffered {} > {bound}", parser.buffered_len());
    };
    for chunk in chunks {
        if as_bytes {
            parser.feed_bytes(Bytes::copy_from_slice(chunk));
        } else {
            parser.feed(chunk);
        }
        pull(&mut parser);
    }
    parser.finish();
    pull(&mut parser);
    model::ModelOutput {
        items,
        last_event_id: parser.last_event_id().to_string(),
        retry: parser.retry(),
    }
}

proptest! {
    /// The parser, fed in arbitrary chunks, equals the model on the whole input.
    #[test]
    fn parser_equals_model(input in stream(), cuts in cuts(), as_bytes in any::<bool>(), borrowed in any::<bool>(), fast_paths in any::<bool>()) {
        let o = Options { max_line_len: usize::MAX, max_event_size: usize::MAX, comments: true, strict_utf8: false, fast_paths };
        let want = model::run(&input, &model_config(&o));
        prop_assert_eq!(run(&o, &chunk(&input, &cuts), as_bytes, borrowed), want);
    }

    /// With limits and options too: item for item, errors included, so after
    /// a limit error the following items are exactly the model's.
    #[test]
    fn parser_equals_model_with_limits_and_options(input in stream(), cuts in cuts(), o in options(), borrowed in any::<bool>()) {
        let want = model::run(&input, &model_config(&o));
        prop_assert_eq!(run(&o, &chunk(&input, &cuts), false, borrowed), want);
    }

    /// Any chunking gives the same output as one chunk, on both push paths.
    #[test]
    fn chunking_never_changes_the_output(input in stream(), a in cuts(), b in cuts(), o in options()) {
        let whole = run(&o, &[&input], false, false);
        prop_assert_eq!(&run(&o, &chunk(&input, &a), false, false), &whole);
        prop_assert_eq!(&run(&o, &chunk(&input, &b), true, false), &whole);
        prop_assert_eq!(&run(&o, &chunk(&input, &a), true, true), &whole);
        // The fast paths change nothing either.
        let other = Options { fast_paths: !o.fast_paths, ..o };
        prop_assert_eq!(&run(&other, &chunk(&input, &b), false, true), &whole);
    }

    /// Arbitrary bytes (not only the alphabet) never panic, and match the model.
    #[test]
    fn arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..400), cuts in cuts(), o in options(), borrowed in any::<bool>()) {
        let want = model::run(&input, &model_config(&o));
        prop_assert_eq!(run(&o, &chunk(&input, &cuts), true, borrowed), want);
    }

    /// After an event dropped for a limit, the rest of the stream yields the
    /// events the model yields for that rest on its own.
    #[test]
    fn recovery_after_a_limit_error(
        before in prop::collection::vec("[a-z ]{0,8}", 0..4),
        excess in 1usize..200,
        after in prop::collection::vec(("[a-z]{0,6}", "[a-z :]{0,16}"), 0..6),
        cuts in cuts(),
    ) {
        let limit = 32;
        let mut input = Vec::new();
        for data in &before {
            input.extend_from_slice(format!("data: {data}\n\n").as_bytes());
        }
        // A block whose one data line is too long.
        input.extend_from_slice(format!("event: big\ndata: {}\nid: lost\n\n", "x".repeat(limit + excess)).as_bytes());
        let mut rest = Vec::new();
        for (event, data) in &after {
            rest.extend_from_slice(format!("event: {event}\ndata: {data}\n\n").as_bytes());
        }
        input.extend_from_slice(&rest);
        let o = Options { max_line_len: limit, max_event_size: usize::MAX, comments: false, strict_utf8: false, fast_paths: true };
        let got = run(&o, &chunk(&input, &cuts), false, false);
        let errors = got.items.iter().filter(|i| matches!(i, ModelItem::LineTooLong { .. })).count();
        prop_assert_eq!(errors, 1);
        let events_after: Vec<_> = got.items.iter()
            .skip_while(|i| !matches!(i, ModelItem::LineTooLong { .. }))
            .skip(1)
            .cloned()
            .collect();
        let alone = model::run(&rest, &ModelConfig::default());
        prop_assert_eq!(events_after, alone.items);
        prop_assert_eq!(got.last_event_id, "");
    }
}

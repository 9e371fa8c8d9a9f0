//! The encoder against the parser: `parse(encode(x)) == x` for arbitrary
//! events, retries and comments, under arbitrary chunking; and `encode`
//! never panics or writes a refused event.
//!
//! Case counts: proptest's default (256), raised by `PROPTEST_CASES`.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use ssekit::{Encoder, Event, Item, Parser};

/// What a stream carries, in order.
#[derive(Debug, Clone)]
enum Frame {
    Event(Event),
    Retry(u64),
    Comment(String),
}

/// Any string, weighted towards line breaks, spaces, colons and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[a-z :]{0,6}",
            2 => prop::sample::select(vec!["\n", "\r", "\r\n", " ", ":", "\u{FEFF}", "é", "🎉", "\0", "\t"])
                .prop_map(str::to_owned),
            1 => any::<String>(),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn without(chars: &'static [char]) -> impl Strategy<Value = String> {
    text().prop_map(move |s| s.chars().filter(|c| !chars.contains(c)).collect())
}

fn frame() -> impl Strategy<Value = Frame> {
    prop_oneof![
        6 => (without(&['\r', '\n']), text(), without(&['\r', '\n', '\0']))
            .prop_map(|(t, d, i)| Frame::Event(Event::new(t, d, i))),
        1 => any::<u64>().prop_map(Frame::Retry),
        1 => text().prop_map(Frame::Comment),
    ]
}

/// What the parser must report for `frames`: data line ends become LF, an
/// empty type reads as "message", each comment line is one comment.
fn expected(frames: &[Frame]) -> Vec<Item> {
    let mut out = Vec::new();
    for frame in frames {
        match frame {
            Frame::Event(e) => {
                let t = if e.event_type().is_empty() { "message" } else { e.event_type().as_str() };
                let data = e.data().replace("\r\n", "\n").replace('\r', "\n");
                out.push(Item::Event(Event::new(t, data, e.id().clone())));
            }
            Frame::Retry(ms) => out.push(Item::Retry(*ms)),
            Frame::Comment(c) => {
                for line in c.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
                    out.push(Item::Comment(line.into()));
                }
            }
        }
    }
    out
}

fn encode(frames: &[Frame]) -> BytesMut {
    let mut out = BytesMut::new();
    let mut encoder = Encoder::new();
    for frame in frames {
        match frame {
            Frame::Event(e) => encoder.event(&mut out, e).expect("valid event"),
            Frame::Retry(ms) => encoder.retry(&mut out, *ms),
            Frame::Comment(c) => encoder.comment(&mut out, c),
        }
    }
    out
}

proptest! {
    #[test]
    fn parse_of_encode_gives_the_frames_back(frames in prop::collection::vec(frame(), 0..12), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8)) {
        let bytes = encode(&frames).freeze();
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        at.sort_unstable();
        let mut parser = Parser::builder().emit_comments(true).build();
        let mut got = Vec::new();
        let mut from = 0;
        for to in at.into_iter().chain([bytes.len()]) {
            parser.feed_bytes(bytes.slice(from..to));
            from = to;
            got.extend(parser.items().map(Result::unwrap));
        }
        parser.finish();
        got.extend(parser.items().map(Result::unwrap));
        prop_assert_eq!(got, expected(&frames));
    }

    #[test]
    fn refused_events_write_nothing(t in text(), d in text(), i in text()) {
        let mut out = Vec::new();
        let event = Event::new(t.clone(), d, i.clone());
        let refused = t.contains(['\r', '\n']) || i.contains(['\r', '\n', '\0']);
        prop_assert_eq!(Encoder::new().event(&mut out, &event).is_err(), refused);
        if refused {
            prop_assert!(out.is_empty());
        }
    }
}

#[test]
fn a_proxy_forwards_a_stream_unchanged() {
    let upstream =
        Bytes::from_static(b": hi\nretry: 10\nevent: a\nid: 1\ndata: x\ndata: y\n\ndata: z\n\n");
    let mut parser = Parser::builder().emit_comments(true).build();
    parser.feed_bytes(upstream.clone());
    let mut out = BytesMut::new();
    let mut encoder = Encoder::new();
    while let Some(item) = parser.next_item() {
        match item.unwrap() {
            Item::Event(e) => encoder.event(&mut out, &e).unwrap(),
            Item::Retry(ms) => encoder.retry(&mut out, ms),
            Item::Comment(c) => encoder.comment(&mut out, &c),
            _ => unreachable!(),
        }
    }
    assert_eq!(out, upstream);
}

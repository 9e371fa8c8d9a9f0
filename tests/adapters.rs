//! The adapters only move bytes in and items out; these tests check exactly
//! that: chunking, liveness, end of input, and how errors are surfaced.

use ssekit::{Error, Event, Item, Parser};

fn event(data: &str) -> Item {
    Item::Event(Event::new("message", data, ""))
}

mod io {
    use super::*;
    use ssekit::io::EventReader;
    use std::io::{self, Read};

    /// Hands out its chunks one read at a time, with an `Interrupted` before
    /// each, and counts the reads.
    struct Trickle {
        chunks: Vec<&'static [u8]>,
        reads: std::rc::Rc<std::cell::Cell<usize>>,
        interrupt: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            self.reads.set(self.reads.get() + 1);
            if self.chunks.is_empty() {
                return Ok(0);
            }
            let chunk = self.chunks.remove(0);
            buf[..chunk.len()].copy_from_slice(chunk);
            Ok(chunk.len())
        }
    }

    #[test]
    fn items_come_out_as_soon_as_they_are_complete() {
        let reads = std::rc::Rc::default();
        let chunks = vec![&b"data: a\n"[..], b"\n", b"data: b\r", b"\n\r\ndata: cut"];
        let mut reader = EventReader::new(Trickle {
            chunks,
            reads: std::rc::Rc::clone(&reads),
            interrupt: false,
        });
        assert_eq!(reader.next().unwrap().unwrap(), event("a"));
        assert_eq!(reads.get(), 2, "no read beyond the one that completed the event");
        assert_eq!(reader.next().unwrap().unwrap(), event("b"));
        assert!(reader.next().is_none(), "the partial event is discarded at end of input");
        assert!(reader.next().is_none());
    }

    #[test]
    fn a_limit_error_is_invalid_data_and_reading_goes_on() {
        let body: &[u8] = b"data: far too long\n\ndata: ok\n\n";
        let mut reader = EventReader::with_parser(body, Parser::builder().max_line_len(8).build());
        let err = reader.next().unwrap().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<Error>());
        assert_eq!(inner, Some(&Error::LineTooLong { limit: 8, size: 18, offset: 0 }));
        assert_eq!(reader.next().unwrap().unwrap(), event("ok"));
        assert!(reader.next().is_none());
    }

    #[test]
    fn a_read_error_ends_the_iteration() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::ErrorKind::ConnectionReset.into())
            }
        }
        let mut reader = EventReader::new(Broken);
        assert_eq!(reader.next().unwrap().unwrap_err().kind(), io::ErrorKind::ConnectionReset);
        assert!(reader.next().is_none());
    }

    #[test]
    fn last_event_id_is_available_for_reconnecting() {
        let mut reader = EventReader::new(&b"retry: 50\nid: 9\ndata: x\n\n"[..]);
        let items: Vec<Item> = reader.by_ref().map(Result::unwrap).collect();
        assert_eq!(items.len(), 2);
        assert_eq!(reader.parser().last_event_id(), "9");
        assert_eq!(reader.into_parts().1.retry(), Some(50));
    }
}

#[cfg(feature = "stream")]
mod stream {
    use super::*;
    use bytes::Bytes;
    use futures_core::Stream;
    use ssekit::stream::{EventStream, StreamError};
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    /// A scripted body: each step is a chunk, an error, or "not ready yet".
    enum Step {
        Chunk(Bytes),
        Fail(&'static str),
        Pending,
    }

    struct Body(Vec<Step>);

    impl Stream for Body {
        type Item = Result<Bytes, &'static str>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            if self.0.is_empty() {
                return Poll::Ready(None);
            }
            match self.0.remove(0) {
                Step::Chunk(b) => Poll::Ready(Some(Ok(b))),
                Step::Fail(e) => Poll::Ready(Some(Err(e))),
                Step::Pending => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            }
        }
    }

    fn poll<S: Stream + Unpin>(s: &mut S) -> Poll<Option<S::Item>> {
        Pin::new(s).poll_next(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn chunks_become_items_and_pending_is_passed_through() {
        let long = format!("data: {}\n\n", "z".repeat(64));
        let chunk = Bytes::from(long);
        let body = Body(vec![
            Step::Chunk(Bytes::from_static(b"retry: 7\ndata: a")),
            Step::Pending,
            Step::Chunk(Bytes::from_static(b"\r")),
            Step::Chunk(Bytes::from_static(b"\n\r\n")),
            Step::Chunk(chunk.clone()),
            Step::Chunk(Bytes::from_static(b"data: cut")),
        ]);
        let mut events = EventStream::new(body);
        assert!(matches!(poll(&mut events), Poll::Ready(Some(Ok(Item::Retry(7))))));
        assert!(poll(&mut events).is_pending());
        assert!(matches!(poll(&mut events), Poll::Ready(Some(Ok(i))) if i == event("a")));
        let Poll::Ready(Some(Ok(Item::Event(e)))) = poll(&mut events) else {
            panic!("expected an event")
        };
        assert_eq!(
            e.data().as_bytes().as_ptr(),
            chunk[6..].as_ptr(),
            "Bytes chunks are not copied"
        );
        assert!(matches!(poll(&mut events), Poll::Ready(None)));
        assert_eq!(events.parser().retry(), Some(7));
    }

    #[test]
    fn transport_and_parse_errors_stay_apart() {
        let body = Body(vec![
            Step::Chunk(Bytes::from_static(b"data: 123456789\n\n")),
            Step::Fail("reset"),
            Step::Chunk(Bytes::from_static(b"data: ok\n\n")),
        ]);
        let mut events =
            EventStream::with_parser(body, Parser::builder().max_event_size(4).build());
        assert!(matches!(
            poll(&mut events),
            Poll::Ready(Some(Err(StreamError::Parse(Error::EventTooLarge {
                limit: 4,
                size: 9,
                offset: 0
            }))))
        ));
        let Poll::Ready(Some(Err(err))) = poll(&mut events) else {
            panic!("expected the transport error")
        };
        assert!(matches!(err, StreamError::Transport("reset")));
        assert_eq!(err.to_string(), "transport error: reset");
        assert!(matches!(poll(&mut events), Poll::Ready(Some(Ok(i))) if i == event("ok")));
        assert!(matches!(poll(&mut events), Poll::Ready(None)));
    }
}

#[cfg(all(feature = "codec", feature = "stream"))]
mod codec {
    use super::*;
    use bytes::BytesMut;
    use futures_core::Stream;
    use ssekit::codec::SseCodec;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};
    use tokio_util::codec::{Decoder, Encoder, FramedRead};

    #[test]
    fn framed_read_yields_items_and_survives_a_dropped_event() {
        let body: &[u8] = b"data: 0123456789\n\ndata: ok\n\ndata: cut";
        let mut framed =
            FramedRead::new(body, SseCodec::with_parser(Parser::builder().max_line_len(8).build()));
        let mut cx = Context::from_waker(Waker::noop());
        let mut items = Vec::new();
        while let Poll::Ready(Some(item)) = Pin::new(&mut framed).poll_next(&mut cx) {
            items.push(item.expect("no IO error"));
        }
        assert_eq!(
            items,
            [Err(Error::LineTooLong { limit: 8, size: 16, offset: 0 }), Ok(event("ok"))]
        );
    }

    #[test]
    fn decode_takes_the_buffer_and_decode_eof_applies_the_end_rule() {
        let mut codec = SseCodec::new();
        let mut buf = BytesMut::from(&b"id: 1\ndata: a\n\nid: 2\ndata: b"[..]);
        assert_eq!(
            codec.decode(&mut buf).unwrap(),
            Some(Ok(Item::Event(Event::new("message", "a", "1"))))
        );
        assert!(buf.is_empty());
        assert_eq!(codec.decode(&mut buf).unwrap(), None);
        assert_eq!(codec.decode_eof(&mut buf).unwrap(), None);
        assert_eq!(codec.parser().last_event_id(), "1");
    }

    #[test]
    fn encode_writes_items_and_refuses_injection() {
        let mut codec = SseCodec::new();
        let mut out = BytesMut::new();
        codec.encode(Item::Retry(5), &mut out).unwrap();
        codec.encode(Item::Comment(" hi".into()), &mut out).unwrap();
        codec.encode(event("x"), &mut out).unwrap();
        assert_eq!(&out[..], b"retry: 5\n: hi\ndata: x\n\n");
        let err = codec.encode(&Event::new("a\nb", "", ""), &mut out).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }
}

//! The connection state machine, transition by transition, with a fake
//! clock (plain `Duration`s): requests, response checks, ends, backoff,
//! jitter, caps, idle timeouts, retried statuses, `close()`.

use ssekit::connection::{
    is_event_stream, parse_retry_after, CloseReason, Output, ReconnectReason, Request,
};
use ssekit::{Connection, ConnectionBuilder, Event, Parser, ReadyState};
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

const SSE: Option<&str> = Some("text/event-stream");

/// A builder without jitter, so delays are exact.
fn exact() -> ConnectionBuilder {
    let mut builder = Connection::builder();
    builder.jitter(0.0);
    builder
}

fn drain(conn: &mut Connection) -> Vec<Output> {
    std::iter::from_fn(|| conn.poll_item()).collect()
}

fn header_list(request: &Request) -> Vec<(String, String)> {
    request.headers().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

/// Sends the due request at `now` and opens the connection.
fn open(conn: &mut Connection, now: Duration) -> Request {
    let request = conn.poll_request(now).expect("a request is due");
    conn.handle_response(now, 200, SSE, None);
    assert_eq!(conn.poll_item(), Some(Output::Open));
    request
}

/// Sends the due request at `now` and fails it with a network error; returns
/// the reconnect notice.
fn refused(conn: &mut Connection, now: Duration) -> Output {
    let _ = conn.poll_request(now).expect("a request is due");
    conn.handle_error(now);
    let items = drain(conn);
    assert_eq!(items.len(), 1, "{items:?}");
    items.into_iter().next().unwrap()
}

fn delay_of(output: &Output) -> Duration {
    match output {
        Output::Reconnecting { delay, .. } => *delay,
        other => panic!("not a reconnect: {other:?}"),
    }
}

fn event(data: &str, id: &str) -> Output {
    Output::Event(Event::new("message", data, id))
}

#[test]
fn the_first_request_is_due_at_once_with_the_browser_headers() {
    let mut conn = Connection::new();
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    assert_eq!(conn.poll_timeout(), Some(Duration::ZERO));
    assert_eq!(conn.poll_item(), None);
    let request = conn.poll_request(ms(1234)).unwrap();
    assert_eq!(request.last_event_id(), None);
    assert_eq!(
        header_list(&request),
        [
            ("Accept".into(), "text/event-stream".into()),
            ("Cache-Control".into(), "no-cache".into())
        ]
    );
    // Sent: no second request, and no timer without an idle timeout.
    assert!(conn.poll_request(ms(99_999)).is_none());
    assert_eq!(conn.poll_timeout(), None);
}

#[test]
fn a_restored_last_event_id_is_sent_on_the_first_request() {
    let mut parser = Parser::new();
    parser.set_last_event_id("41");
    let mut conn = Connection::builder().build_with_parser(parser);
    let request = conn.poll_request(ms(0)).unwrap();
    assert_eq!(request.last_event_id(), Some("41"));
    assert!(header_list(&request).contains(&("Last-Event-ID".into(), "41".into())));
}

#[test]
fn status_200_with_event_stream_opens() {
    let mut conn = Connection::new();
    open(&mut conn, ms(0));
    assert_eq!(conn.ready_state(), ReadyState::Open);
    conn.handle_body(ms(1), b"data: a\n\n");
    assert_eq!(drain(&mut conn), [event("a", "")]);
}

#[test]
fn every_other_status_fails_for_good() {
    for status in [100, 201, 204, 205, 206, 299, 301, 304, 400, 404, 410, 429, 500, 502, 503, 504] {
        let mut conn = Connection::new();
        let _ = conn.poll_request(ms(0)).unwrap();
        conn.handle_response(ms(1), status, SSE, Some("1"));
        assert_eq!(conn.ready_state(), ReadyState::Closed, "{status}");
        assert_eq!(
            drain(&mut conn),
            [Output::Closed { reason: CloseReason::Status(status) }],
            "{status}"
        );
        // Never retried, whatever time it is.
        assert_eq!(conn.poll_timeout(), None);
        assert!(conn.poll_request(Duration::from_secs(1 << 40)).is_none());
        conn.handle_timeout(Duration::from_secs(1 << 40));
        conn.handle_end(ms(2));
        conn.handle_error(ms(3));
        assert_eq!(conn.poll_item(), None);
    }
}

#[test]
fn a_wrong_or_missing_content_type_fails_for_good() {
    for content_type in [None, Some("text/plain"), Some("text/event-stream-x"), Some("")] {
        let mut conn = Connection::new();
        let _ = conn.poll_request(ms(0)).unwrap();
        conn.handle_response(ms(1), 200, content_type, None);
        assert_eq!(
            drain(&mut conn),
            [Output::Closed { reason: CloseReason::ContentType }],
            "{content_type:?}"
        );
        assert!(conn.poll_request(Duration::from_secs(1 << 40)).is_none());
    }
}

#[test]
fn mime_essence_parsing() {
    for yes in [
        "text/event-stream",
        "TEXT/EVENT-STREAM",
        "Text/Event-Stream",
        "text/event-stream; charset=utf-8",
        "text/event-stream;charset=UTF-8",
        "text/event-stream ; charset=utf-8",
        " \t text/event-stream \r\n",
        "text/event-stream;",
        "text/event-stream; garbage; ===; \"unterminated",
        "text/event-stream;x=\"a,b\"",
        // Fetch's "extract a MIME type": the last valid value counts.
        "text/html, text/event-stream",
        "text/event-stream, */*",
        "text/event-stream, not a mime type",
        "text/html, text/event-stream;a=\"x, text/html\"",
    ] {
        assert!(is_event_stream(yes), "{yes:?} should be accepted");
    }
    for no in [
        "",
        " ",
        "text",
        "text/",
        "/event-stream",
        "text/event-stream-x",
        "text/eventstream",
        "text /event-stream",
        "text/ event-stream",
        "text/event stream",
        "text/event-stream/",
        "text/event-stream\u{c}",
        "\u{c}text/event-stream",
        "application/event-stream",
        "text/plain",
        "*/*",
        "text/event-stream, text/html",
        "text/event-stream;a=\"x\", text/plain",
        "text/évent-stream",
    ] {
        assert!(!is_event_stream(no), "{no:?} should be refused");
    }
}

#[test]
fn retry_after_takes_delta_seconds_only() {
    assert_eq!(parse_retry_after("0"), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
    assert_eq!(parse_retry_after(" 7\t"), Some(Duration::from_secs(7)));
    assert_eq!(parse_retry_after("99999999999999999999999"), Some(Duration::from_secs(u64::MAX)));
    for no in ["", " ", "-1", "1.5", "+3", "1 2", "Wed, 21 Oct 2015 07:28:00 GMT", "٣"] {
        assert_eq!(parse_retry_after(no), None, "{no:?}");
    }
}

#[test]
fn a_clean_end_reconnects_after_the_default_delay_with_the_last_event_id() {
    let mut conn = exact().default_retry(ms(1500)).build();
    open(&mut conn, ms(0));
    conn.handle_body(ms(10), b"id: 7\ndata: a\n\n");
    conn.handle_end(ms(20));
    assert_eq!(conn.ready_state(), ReadyState::Open, "until the end is reported");
    assert_eq!(
        drain(&mut conn),
        [
            event("a", "7"),
            Output::Reconnecting { delay: ms(1500), reason: ReconnectReason::Ended, attempt: 1 }
        ]
    );
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    assert_eq!(conn.poll_timeout(), Some(ms(1520)));
    assert!(conn.poll_request(ms(1519)).is_none());
    let request = conn.poll_request(ms(1520)).unwrap();
    assert_eq!(request.last_event_id(), Some("7"));
    assert!(header_list(&request).contains(&("Last-Event-ID".into(), "7".into())));
}

#[test]
fn an_end_mid_event_drops_it_and_its_id() {
    let mut conn = exact().build();
    open(&mut conn, ms(0));
    conn.handle_body(ms(1), b"id: 1\ndata: whole\n\nid: 2\ndata: cut");
    conn.handle_end(ms(2));
    let items = drain(&mut conn);
    assert_eq!(items[0], event("whole", "1"));
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(conn.parser().last_event_id(), "1");
    let request = conn.poll_request(ms(2) + ssekit::connection::DEFAULT_RETRY).unwrap();
    assert_eq!(request.last_event_id(), Some("1"));
    // The next body starts afresh: no leftover of "data: cut".
    conn.handle_response(ms(5000), 200, SSE, None);
    conn.handle_body(ms(5001), b"\n\ndata: next\n\n");
    assert_eq!(drain(&mut conn), [Output::Open, event("next", "1")]);
}

#[test]
fn network_errors_before_and_after_open_reconnect() {
    let mut conn = exact().default_retry(ms(100)).build();
    assert_eq!(
        refused(&mut conn, ms(0)),
        Output::Reconnecting { delay: ms(100), reason: ReconnectReason::NetworkError, attempt: 1 }
    );
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    open(&mut conn, ms(100));
    conn.handle_body(ms(101), b"data: x\n\n");
    conn.handle_error(ms(102));
    assert_eq!(
        drain(&mut conn),
        [
            event("x", ""),
            Output::Reconnecting {
                delay: ms(100),
                reason: ReconnectReason::NetworkError,
                attempt: 1
            }
        ]
    );
}

#[test]
fn the_server_retry_is_honoured_and_kept_across_connections() {
    let mut conn = exact().emit_retry(true).build();
    open(&mut conn, ms(0));
    // The retry arrives in the same chunk as the end: it still counts.
    conn.handle_body(ms(1), b"retry: 250\ndata: a\n\n");
    conn.handle_end(ms(1));
    assert_eq!(
        drain(&mut conn),
        [
            Output::Retry(250),
            event("a", ""),
            Output::Reconnecting { delay: ms(250), reason: ReconnectReason::Ended, attempt: 1 }
        ]
    );
    open(&mut conn, ms(251));
    conn.handle_body(ms(252), b"data: b\n\n");
    conn.handle_end(ms(300));
    let items = drain(&mut conn);
    assert_eq!(delay_of(items.last().unwrap()), ms(250));
    assert_eq!(conn.poll_timeout(), Some(ms(550)));
    // Without emit_retry the field is applied but not reported.
    let mut quiet = exact().build();
    open(&mut quiet, ms(0));
    quiet.handle_body(ms(1), b"retry: 40\n\n");
    quiet.handle_end(ms(2));
    assert_eq!(
        drain(&mut quiet),
        [Output::Reconnecting { delay: ms(40), reason: ReconnectReason::Ended, attempt: 1 }]
    );
}

#[test]
fn an_empty_id_stops_sending_the_header() {
    let mut conn = exact().build();
    open(&mut conn, ms(0));
    conn.handle_body(ms(1), b"id: 5\ndata: a\n\nid\ndata: b\n\n");
    conn.handle_end(ms(2));
    assert_eq!(drain(&mut conn)[..2], [event("a", "5"), event("b", "")]);
    let request = conn.poll_request(Duration::from_secs(10)).unwrap();
    assert_eq!(request.last_event_id(), None);
    assert!(!header_list(&request).iter().any(|(name, _)| name == "Last-Event-ID"));
}

#[test]
fn backoff_grows_per_failed_attempt_and_stops_at_its_cap() {
    let mut conn =
        exact().default_retry(ms(1000)).backoff_factor(2.0).backoff_max(ms(10_000)).build();
    let mut now = ms(0);
    let mut delays = Vec::new();
    for _ in 0..7 {
        let notice = refused(&mut conn, now);
        let Output::Reconnecting { delay, attempt, .. } = notice else { panic!() };
        assert_eq!(attempt as usize, delays.len() + 1);
        delays.push(delay.as_millis());
        now += delay;
    }
    assert_eq!(delays, [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
}

#[test]
fn backoff_resets_only_after_an_open_connection_delivered_an_event() {
    let mut conn = exact().default_retry(ms(100)).build();
    assert_eq!(delay_of(&refused(&mut conn, ms(0))), ms(100));
    assert_eq!(delay_of(&refused(&mut conn, ms(100))), ms(200));
    // Opened, but no event: still failing.
    open(&mut conn, ms(300));
    conn.handle_body(ms(301), b": only a comment\nretry: 100\n\n");
    conn.handle_end(ms(302));
    let items = drain(&mut conn);
    assert_eq!(
        items,
        [Output::Reconnecting { delay: ms(400), reason: ReconnectReason::Ended, attempt: 3 }]
    );
    // Opened and delivered an event: back to the reconnection time.
    open(&mut conn, ms(702));
    conn.handle_body(ms(703), b"data: e\n\n");
    conn.handle_end(ms(704));
    let items = drain(&mut conn);
    assert_eq!(
        items.last(),
        Some(&Output::Reconnecting { delay: ms(100), reason: ReconnectReason::Ended, attempt: 1 })
    );
}

#[test]
fn backoff_never_lowers_a_larger_server_retry_and_max_delay_caps_everything() {
    let mut conn = exact().backoff_max(ms(500)).max_delay(Duration::from_secs(60)).build();
    open(&mut conn, ms(0));
    conn.handle_body(ms(1), b"retry: 2000\n\n");
    conn.handle_end(ms(2));
    assert_eq!(delay_of(&drain(&mut conn)[0]), ms(2000));
    assert_eq!(delay_of(&refused(&mut conn, ms(2002))), ms(2000), "the cap is the server's retry");
    // A retry of three years is cut to max_delay.
    open(&mut conn, ms(4002));
    conn.handle_body(ms(4003), b"retry: 99999999999\ndata: x\n\n");
    conn.handle_end(ms(4004));
    assert_eq!(delay_of(drain(&mut conn).last().unwrap()), Duration::from_secs(60));
    // So is a retry that overflows u64, and backoff on top of it.
    open(&mut conn, Duration::from_secs(100));
    conn.handle_body(Duration::from_secs(100), b"retry: 999999999999999999999999999\n\n");
    conn.handle_end(Duration::from_secs(100));
    assert_eq!(delay_of(&drain(&mut conn)[0]), Duration::from_secs(60));
    assert_eq!(delay_of(&refused(&mut conn, Duration::from_secs(200))), Duration::from_secs(60));
}

#[test]
fn retry_zero_cannot_make_a_failing_client_spin() {
    let mut conn = exact().build();
    open(&mut conn, ms(0));
    conn.handle_body(ms(1), b"retry: 0\ndata: a\n\n");
    conn.handle_end(ms(1));
    assert_eq!(delay_of(drain(&mut conn).last().unwrap()), Duration::ZERO, "as the server asked");
    let mut now = ms(1);
    let mut delays = Vec::new();
    for _ in 0..12 {
        let delay = delay_of(&refused(&mut conn, now));
        delays.push(delay.as_micros());
        now += delay;
    }
    // Attempt 2 on: growing from 1 ms.
    assert_eq!(delays[..4], [2000, 4000, 8000, 16_000]);
    assert!(delays.windows(2).all(|w| w[0] < w[1]), "{delays:?}");
}

#[test]
fn jitter_stays_within_its_bounds_and_follows_the_seed() {
    let delays = |seed: u64| {
        let mut conn = Connection::builder()
            .default_retry(ms(1000))
            .jitter(0.5)
            .backoff_max(ms(8000))
            .seed(seed)
            .build();
        let mut now = ms(0);
        (0..6)
            .map(|_| {
                let delay = delay_of(&refused(&mut conn, now));
                now += delay;
                delay
            })
            .collect::<Vec<_>>()
    };
    let mut all = Vec::new();
    for seed in 0..200 {
        let got = delays(seed);
        assert_eq!(got, delays(seed), "deterministic for a seed");
        for (i, delay) in got.iter().enumerate() {
            let base = ms(1000 * (1 << i.min(3)));
            assert!(
                *delay >= base && *delay < base.mul_f64(1.5),
                "seed {seed}: {delay:?} vs {base:?}"
            );
        }
        all.push(got);
    }
    // The spread is real: first delays of 200 seeds fill the range.
    let firsts: Vec<_> = all.iter().map(|d| d[0].as_millis()).collect();
    assert!(firsts.iter().any(|&d| d < 1100) && firsts.iter().any(|&d| d > 1400), "{firsts:?}");
    all.sort();
    all.dedup();
    assert!(all.len() > 190, "seeds give different delays");
}

#[test]
fn max_retries_gives_up_after_that_many_failed_reconnections_in_a_row() {
    let mut conn = exact().default_retry(ms(10)).max_retries(Some(2)).build();
    assert_eq!(delay_of(&refused(&mut conn, ms(0))), ms(10));
    assert_eq!(delay_of(&refused(&mut conn, ms(10))), ms(20));
    assert_eq!(
        refused(&mut conn, ms(30)),
        Output::Closed {
            reason: CloseReason::RetriesExhausted {
                attempts: 2,
                last: ReconnectReason::NetworkError
            }
        }
    );
    assert_eq!(conn.ready_state(), ReadyState::Closed);
    assert!(conn.poll_request(Duration::from_secs(1000)).is_none());

    // An event resets the count.
    let mut conn = exact().default_retry(ms(10)).max_retries(Some(1)).build();
    for round in 0..5u64 {
        open(&mut conn, ms(100 * round));
        conn.handle_body(ms(100 * round + 1), b"data: a\n\n");
        conn.handle_end(ms(100 * round + 2));
        assert!(matches!(drain(&mut conn).last(), Some(Output::Reconnecting { attempt: 1, .. })));
    }

    // Some(0): the first end closes.
    let mut once = exact().max_retries(Some(0)).build();
    open(&mut once, ms(0));
    once.handle_end(ms(1));
    assert_eq!(
        drain(&mut once),
        [Output::Closed {
            reason: CloseReason::RetriesExhausted { attempts: 0, last: ReconnectReason::Ended }
        }]
    );
}

#[test]
fn reconnect_after_end_off_closes_on_a_clean_end_only() {
    let mut conn = exact().reconnect_after_end(false).default_retry(ms(10)).build();
    assert_eq!(
        refused(&mut conn, ms(0)),
        Output::Reconnecting { delay: ms(10), reason: ReconnectReason::NetworkError, attempt: 1 }
    );
    open(&mut conn, ms(10));
    conn.handle_body(ms(11), b"data: done\n\n");
    conn.handle_end(ms(12));
    assert_eq!(
        drain(&mut conn),
        [event("done", ""), Output::Closed { reason: CloseReason::Ended }]
    );
}

#[test]
fn idle_timeout_catches_a_silent_server_before_and_after_open() {
    let mut conn = exact().default_retry(ms(5)).idle_timeout(Some(ms(100))).build();
    let _ = conn.poll_request(ms(0)).unwrap();
    assert_eq!(conn.poll_timeout(), Some(ms(100)));
    conn.handle_timeout(ms(99));
    assert_eq!(conn.poll_item(), None);
    conn.handle_timeout(ms(100));
    assert_eq!(
        drain(&mut conn),
        [Output::Reconnecting { delay: ms(5), reason: ReconnectReason::IdleTimeout, attempt: 1 }]
    );
    // Open: each non-empty chunk pushes the deadline; empty ones do not.
    open(&mut conn, ms(105));
    assert_eq!(conn.poll_timeout(), Some(ms(205)));
    conn.handle_body(ms(150), b"data: a");
    assert_eq!(conn.poll_timeout(), Some(ms(250)));
    conn.handle_body(ms(200), b"");
    assert_eq!(conn.poll_timeout(), Some(ms(250)));
    conn.handle_timeout(ms(249));
    assert_eq!(conn.poll_item(), None);
    conn.handle_body(ms(249), b"\n\n");
    conn.handle_timeout(ms(348));
    assert_eq!(conn.poll_item(), Some(event("a", "")));
    conn.handle_timeout(ms(349));
    assert_eq!(
        drain(&mut conn),
        [Output::Reconnecting { delay: ms(5), reason: ReconnectReason::IdleTimeout, attempt: 1 }]
    );
    // Bytes that arrive after the timeout belong to a dead connection.
    conn.handle_body(ms(350), b"data: late\n\n");
    assert_eq!(conn.poll_item(), None);
}

#[test]
fn chosen_statuses_are_retried_honouring_retry_after() {
    let mut conn = exact().default_retry(ms(100)).retry_statuses([429, 503]).build();
    let _ = conn.poll_request(ms(0)).unwrap();
    conn.handle_response(ms(0), 503, Some("text/html"), Some("3"));
    assert_eq!(
        drain(&mut conn),
        [Output::Reconnecting {
            delay: Duration::from_secs(3),
            reason: ReconnectReason::Status(503),
            attempt: 1
        }]
    );
    // A Retry-After shorter than the backoff does not shorten it; an
    // HTTP-date is ignored.
    let _ = conn.poll_request(Duration::from_secs(3)).unwrap();
    conn.handle_response(Duration::from_secs(3), 429, None, Some("0"));
    assert_eq!(delay_of(&drain(&mut conn)[0]), ms(200));
    let _ = conn.poll_request(ms(3200)).unwrap();
    conn.handle_response(ms(3200), 429, None, Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    assert_eq!(delay_of(&drain(&mut conn)[0]), ms(400));
    // Not chosen: fails.
    let _ = conn.poll_request(ms(3600)).unwrap();
    conn.handle_response(ms(3600), 502, None, Some("1"));
    assert_eq!(drain(&mut conn), [Output::Closed { reason: CloseReason::Status(502) }]);
    // Out-of-range statuses are ignored by the setter.
    let mut odd = exact().retry_statuses([0, 99, 600, u16::MAX]).build();
    let _ = odd.poll_request(ms(0)).unwrap();
    odd.handle_response(ms(0), 600, None, None);
    assert_eq!(drain(&mut odd), [Output::Closed { reason: CloseReason::Status(600) }]);
}

#[test]
fn close_works_in_every_state_and_reports_once() {
    let states: [fn(&mut Connection); 5] = [
        |_| {},
        |c| drop(c.poll_request(ms(0))),
        |c| drop(open(c, ms(0))),
        |c| {
            open(c, ms(0));
            c.handle_body(ms(1), b"data: undelivered\n\n");
            c.handle_end(ms(2));
        },
        |c| drop(refused(c, ms(0))),
    ];
    for (i, setup) in states.iter().enumerate() {
        let mut conn = exact().build();
        setup(&mut conn);
        conn.close();
        conn.close();
        assert_eq!(conn.ready_state(), ReadyState::Closed, "{i}");
        assert_eq!(drain(&mut conn), [Output::Closed { reason: CloseReason::Closed }], "{i}");
        assert_eq!(conn.poll_timeout(), None);
        assert!(conn.poll_request(Duration::from_secs(1 << 30)).is_none());
        conn.handle_response(ms(5), 200, SSE, None);
        conn.handle_body(ms(5), b"data: x\n\n");
        assert_eq!(conn.poll_item(), None, "{i}");
    }
}

#[test]
fn input_outside_an_open_connection_is_ignored() {
    let mut conn = exact().build();
    conn.handle_response(ms(0), 200, SSE, None); // no request sent yet
    conn.handle_body(ms(0), b"data: early\n\n");
    conn.handle_end(ms(0));
    assert_eq!(conn.poll_item(), None);
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    let _ = conn.poll_request(ms(1)).unwrap();
    conn.handle_body(ms(1), b"data: before the head\n\n");
    conn.handle_response(ms(2), 200, SSE, None);
    conn.handle_response(ms(2), 500, None, None); // a second head: ignored
    conn.handle_body(ms(3), b"data: ok\n\n");
    assert_eq!(drain(&mut conn), [Output::Open, event("ok", "")]);
}

#[test]
fn comments_and_parse_errors_pass_through_in_order() {
    let parser = Parser::builder().emit_comments(true).max_line_len(20).build();
    let mut conn = exact().build_with_parser(parser);
    open(&mut conn, ms(0));
    conn.handle_body(ms(1), b": hi\ndata: this line is far too long\n\ndata: ok\n\n");
    let items = drain(&mut conn);
    assert_eq!(items[0], Output::Comment(" hi".into()));
    assert!(matches!(items[1], Output::ParseError(ssekit::Error::LineTooLong { .. })), "{items:?}");
    assert_eq!(items[2..], [event("ok", "")]);
}

#[test]
fn time_going_backwards_does_not_panic() {
    let mut conn = Connection::builder().idle_timeout(Some(Duration::MAX)).build();
    let _ = conn.poll_request(Duration::MAX).unwrap();
    conn.handle_response(Duration::MAX, 200, SSE, None);
    conn.handle_body(ms(0), b"data: a\n\n");
    conn.handle_timeout(Duration::ZERO);
    conn.handle_error(Duration::MAX);
    let items = drain(&mut conn);
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(conn.poll_timeout(), Some(Duration::MAX));
    assert!(conn.poll_request(ms(0)).is_none());
    assert!(conn.poll_request(Duration::MAX).is_some());
}

//! `ssekit::client::EventSource` against a real axum server on 127.0.0.1,
//! with faults: dropped connections, cuts mid-event, clean ends, error
//! statuses, wrong content types, silence, a restart on the same port.
//! Delays are milliseconds and every test is bounded by [`TIMEOUT`].

use futures_util::StreamExt;
use ssekit::client::{BuildError, EventSource};
use ssekit::connection::{CloseReason, Output, ReconnectReason};
use ssekit::{ConnectionBuilder, Event, Parser, ReadyState};
use ssekit_interop::faults::{self, Ending, FaultServer, Reply};
use ssekit_interop::{client, serve};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// No test may take longer than this.
const TIMEOUT: Duration = Duration::from_secs(10);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Quick reconnects, exact delays.
fn quick() -> ConnectionBuilder {
    let mut builder = ConnectionBuilder::new();
    builder.default_retry(ms(5)).jitter(0.0).backoff_max(ms(50));
    builder
}

#[derive(Debug)]
enum Seen {
    Item(Output),
    Err(String),
}

impl Seen {
    fn event(&self) -> Option<&Event> {
        match self {
            Self::Item(Output::Event(event)) => Some(event),
            _ => None,
        }
    }
}

/// Runs `source` to its end (or `stop` returns true), bounded by TIMEOUT.
async fn run_until(mut source: EventSource, mut stop: impl FnMut(&[Seen]) -> bool) -> Vec<Seen> {
    let mut seen = Vec::new();
    tokio::time::timeout(TIMEOUT, async {
        while let Some(item) = source.next().await {
            seen.push(match item {
                Ok(output) => Seen::Item(output),
                Err(err) => Seen::Err(err.to_string()),
            });
            if stop(&seen) {
                break;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out; seen so far: {seen:#?}"));
    seen
}

async fn run(source: EventSource) -> Vec<Seen> {
    run_until(source, |_| false).await
}

async fn start(server: &FaultServer) -> String {
    let addr = serve(server.router()).await.unwrap();
    format!("http://{addr}{}", faults::PATH)
}

fn source(url: &str, config: &ConnectionBuilder) -> EventSource {
    EventSource::with_config(client().get(url), config, Parser::new()).unwrap()
}

fn events(seen: &[Seen]) -> Vec<Event> {
    seen.iter().filter_map(Seen::event).cloned().collect()
}

fn all(total: u64) -> Vec<Event> {
    (1..=total).map(faults::event).collect()
}

fn reasons(seen: &[Seen]) -> Vec<ReconnectReason> {
    seen.iter()
        .filter_map(|seen| match seen {
            Seen::Item(Output::Reconnecting { reason, .. }) => Some(*reason),
            _ => None,
        })
        .collect()
}

fn closed(seen: &[Seen]) -> Option<CloseReason> {
    match seen.last() {
        Some(Seen::Item(Output::Closed { reason })) => Some(*reason),
        _ => None,
    }
}

fn ids(list: &[&str]) -> Vec<Option<String>> {
    list.iter().map(|id| (!id.is_empty()).then(|| id.to_string())).collect()
}

#[tokio::test]
async fn a_connection_dropped_mid_event_resumes_after_the_last_whole_event() {
    let server = FaultServer::new(
        6,
        [
            Reply::Events { count: 2, ending: Ending::Dropped },
            Reply::Events { count: 2, ending: Ending::Dropped },
        ],
    );
    let seen = run(source(&start(&server).await, &quick())).await;
    assert_eq!(events(&seen), all(6));
    assert_eq!(server.last_event_ids(), ids(&["", "2", "4", "6"]));
    assert_eq!(
        reasons(&seen),
        [ReconnectReason::NetworkError, ReconnectReason::NetworkError, ReconnectReason::Ended]
    );
    // The transport error is reported before its reconnect notice.
    let err = seen
        .iter()
        .position(|s| matches!(s, Seen::Err(e) if e.starts_with("transport error")))
        .unwrap();
    assert!(
        matches!(
            seen[err + 1],
            Seen::Item(Output::Reconnecting { reason: ReconnectReason::NetworkError, .. })
        ),
        "{seen:#?}"
    );
    assert_eq!(closed(&seen), Some(CloseReason::Status(204)));
}

#[tokio::test]
async fn a_clean_end_and_an_end_mid_event_reconnect() {
    let server = FaultServer::new(
        5,
        [
            Reply::Events { count: 2, ending: Ending::Clean },
            Reply::Events { count: 2, ending: Ending::MidEvent },
        ],
    );
    let seen = run(source(&start(&server).await, &quick())).await;
    assert_eq!(events(&seen), all(5));
    // 4, not the 5 of the event cut off.
    assert_eq!(server.last_event_ids(), ids(&["", "2", "4", "5"]));
    assert_eq!(reasons(&seen), [ReconnectReason::Ended; 3]);
    // The 204 closes: an error item with the response, then Closed.
    assert!(matches!(&seen[seen.len() - 2], Seen::Err(e) if e.contains("204")), "{seen:#?}");
    assert_eq!(closed(&seen), Some(CloseReason::Status(204)));
}

#[tokio::test]
async fn status_500_and_204_close_without_a_retry() {
    for status in [500, 204, 503, 404] {
        let server = FaultServer::new(3, [Reply::Status(status, Some("0"))]);
        let seen = run(source(&start(&server).await, &quick())).await;
        assert_eq!(closed(&seen), Some(CloseReason::Status(status)), "{status}: {seen:#?}");
        assert!(matches!(&seen[0], Seen::Err(e) if e.contains(&status.to_string())), "{seen:#?}");
        tokio::time::sleep(ms(50)).await; // ten reconnection times
        assert_eq!(server.log().len(), 1, "{status} must not be retried");
    }
}

#[tokio::test]
async fn chosen_statuses_are_retried_when_asked() {
    let server = FaultServer::new(2, [Reply::Status(503, Some("0")), Reply::Status(429, None)]);
    let mut config = quick();
    config.retry_statuses([429, 503]);
    let seen = run(source(&start(&server).await, &config)).await;
    assert_eq!(events(&seen), all(2));
    assert_eq!(reasons(&seen)[..2], [ReconnectReason::Status(503), ReconnectReason::Status(429)]);
}

#[tokio::test]
async fn a_wrong_content_type_closes() {
    for content_type in ["text/plain", "application/json", "text/event-streams"] {
        let server = FaultServer::new(3, [Reply::ContentType(content_type)]);
        let seen = run(source(&start(&server).await, &quick())).await;
        assert!(events(&seen).is_empty());
        assert!(matches!(&seen[0], Seen::Err(e) if e.contains("not an event stream")), "{seen:#?}");
        assert_eq!(closed(&seen), Some(CloseReason::ContentType));
        tokio::time::sleep(ms(30)).await;
        assert_eq!(server.log().len(), 1);
    }
}

#[tokio::test]
async fn a_charset_parameter_is_accepted() {
    for content_type in ["text/event-stream; charset=utf-8", "Text/Event-Stream;charset=UTF-8"] {
        let server = FaultServer::new(1, [Reply::ContentType(content_type)]);
        let seen = run(source(&start(&server).await, &quick())).await;
        assert_eq!(events(&seen), all(1), "{content_type}");
        assert!(matches!(seen[0], Seen::Item(Output::Open)));
    }
}

#[tokio::test]
async fn a_silent_server_hits_the_idle_timeout_and_the_client_reconnects() {
    let server = FaultServer::new(4, [Reply::Events { count: 2, ending: Ending::Silent }]);
    let mut config = quick();
    config.idle_timeout(Some(ms(200)));
    let started = Instant::now();
    let seen = run(source(&start(&server).await, &config)).await;
    assert_eq!(events(&seen), all(4));
    assert_eq!(reasons(&seen)[0], ReconnectReason::IdleTimeout);
    assert_eq!(server.last_event_ids()[..2], ids(&["", "2"]));
    let log = server.log();
    let gap = log[1].at - log[0].at;
    assert!(gap >= ms(200) && gap < ms(2000), "{gap:?}");
    assert!(started.elapsed() < ms(3000));
}

#[tokio::test]
async fn the_server_restarted_on_the_same_port() {
    let first = FaultServer::new(3, [Reply::Events { count: 3, ending: Ending::Dropped }]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let app = first.router();
    let mut task = tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://{addr}{}", faults::PATH);
    // The second server has more events and continues where the first left.
    let second = FaultServer::new(6, []);
    let mut config = quick();
    config.backoff_max(ms(40));
    let source = EventSource::with_config(
        reqwest::Client::builder().no_proxy().pool_max_idle_per_host(0).build().unwrap().get(&url),
        &config,
        Parser::new(),
    )
    .unwrap();
    let mut restarted = false;
    let seen = tokio::time::timeout(TIMEOUT, async {
        let mut source = source;
        let mut seen = Vec::new();
        while let Some(item) = source.next().await {
            let item = item.map_err(|err| err.to_string());
            // Three events, then the server goes away: stop it, let the
            // client be refused a few times, then start it again.
            if !restarted && matches!(item, Ok(Output::Reconnecting { .. })) {
                task.abort();
                let _ = (&mut task).await; // the listener is closed now
                restarted = true;
                let second = second.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(ms(150)).await;
                    let socket = tokio::net::TcpSocket::new_v4().unwrap();
                    socket.set_reuseaddr(true).unwrap();
                    socket.bind(addr).unwrap();
                    axum::serve(socket.listen(64).unwrap(), second.router()).await.unwrap();
                });
            }
            seen.push(item);
        }
        seen
    })
    .await
    .expect("finished in time");
    let got: Vec<Event> = seen
        .iter()
        .filter_map(|s| match s {
            Ok(Output::Event(e)) => Some(e.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(got, all(6));
    assert_eq!(first.last_event_ids(), ids(&[""]));
    assert_eq!(second.last_event_ids()[0], Some("3".into()));
    // While it was down, connections were refused: transport errors and
    // growing delays.
    let refused = seen.iter().filter(|s| matches!(s, Err(e) if e.starts_with("transport"))).count();
    assert!(refused >= 2, "{seen:#?}");
}

#[tokio::test]
async fn the_server_retry_is_honoured() {
    let server =
        FaultServer::new(4, [Reply::Events { count: 2, ending: Ending::Clean }]).retry(150);
    let mut config = quick();
    config.default_retry(Duration::from_secs(30)).emit_retry(true);
    let seen = run(source(&start(&server).await, &config)).await;
    assert_eq!(events(&seen), all(4));
    assert!(seen.iter().any(|s| matches!(s, Seen::Item(Output::Retry(150)))));
    let delay = seen.iter().find_map(|s| match s {
        Seen::Item(Output::Reconnecting { delay, .. }) => Some(*delay),
        _ => None,
    });
    assert_eq!(delay, Some(ms(150)));
    let log = server.log();
    let gap = log[1].at - log[0].at;
    assert!(gap >= ms(150) && gap < ms(2000), "{gap:?}");
}

#[tokio::test]
async fn last_event_id_is_sent_and_not_sent_while_empty() {
    // Events 1 and 2 have no id: the reconnects after them send no header
    // (and the server, not knowing where the client is, starts again).
    let server = FaultServer::new(
        4,
        [
            Reply::Events { count: 2, ending: Ending::Clean },
            Reply::Events { count: 0, ending: Ending::Clean },
        ],
    )
    .without_ids(2);
    let seen = run(source(&start(&server).await, &quick())).await;
    let got: Vec<(String, String)> =
        events(&seen).iter().map(|e| (e.data().to_string(), e.id().to_string())).collect();
    assert_eq!(got[..2], [("event 1".into(), "".into()), ("event 2".into(), "".into())]);
    let log = server.log();
    assert_eq!(log[0].last_event_id, None);
    assert_eq!(log[1].last_event_id, None, "still empty after events without an id");
    assert_eq!(log[2].last_event_id, None);
    assert_eq!(log[3].last_event_id, Some("4".into()));
    assert_eq!(log.len(), 4, "then 204");
    for logged in &log {
        assert_eq!(logged.accept.as_deref(), Some("text/event-stream"));
        assert_eq!(logged.cache_control.as_deref(), Some("no-cache"));
    }
}

#[tokio::test]
async fn a_post_with_its_body_is_sent_again_on_every_reconnect() {
    let server = FaultServer::new(3, [Reply::Events { count: 1, ending: Ending::Dropped }]);
    let url = start(&server).await;
    let request = client().post(&url).header("x-api-key", "k").body("{\"prompt\":\"hi\"}");
    let seen = run(EventSource::with_config(request, &quick(), Parser::new()).unwrap()).await;
    assert_eq!(events(&seen), all(3));
    let log = server.log();
    assert!(log.len() >= 2);
    for logged in &log {
        assert_eq!(logged.method, reqwest::Method::POST);
        assert_eq!(&logged.body[..], b"{\"prompt\":\"hi\"}");
    }
}

#[tokio::test]
async fn a_request_that_cannot_be_cloned_or_built_is_refused_at_construction() {
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>("x")]);
    let request = client().post("http://127.0.0.1:9/").body(reqwest::Body::wrap_stream(stream));
    assert!(matches!(EventSource::new(request), Err(BuildError::NotCloneable)));
    let request = client().get("not a url");
    assert!(matches!(EventSource::new(request), Err(BuildError::Request(_))));
}

#[tokio::test]
async fn close_stops_for_good() {
    let server = FaultServer::new(100, [Reply::Events { count: 100, ending: Ending::Silent }]);
    let mut source = source(&start(&server).await, &quick());
    let first = tokio::time::timeout(TIMEOUT, async {
        loop {
            if let Some(Ok(Output::Event(event))) = source.next().await {
                return event;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(first, faults::event(1));
    source.close();
    assert_eq!(source.ready_state(), ReadyState::Closed);
    assert!(matches!(
        source.next().await,
        Some(Ok(Output::Closed { reason: CloseReason::Closed }))
    ));
    assert!(source.next().await.is_none());
    assert_eq!(server.log().len(), 1);
}

#[tokio::test]
async fn max_retries_gives_up_on_a_refused_port() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut config = quick();
    config.max_retries(Some(3));
    let seen = run(source(&format!("http://{addr}/"), &config)).await;
    let transport =
        seen.iter().filter(|s| matches!(s, Seen::Err(e) if e.starts_with("transport"))).count();
    assert_eq!(transport, 4);
    assert_eq!(reasons(&seen), [ReconnectReason::NetworkError; 3]);
    assert_eq!(
        closed(&seen),
        Some(CloseReason::RetriesExhausted { attempts: 3, last: ReconnectReason::NetworkError })
    );
}

/// 100+ connections, each ending in a random fault: every event arrives
/// once, in order.
#[tokio::test]
async fn a_hundred_reconnects_under_random_faults_lose_and_repeat_nothing() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let script: Vec<Reply> = (0..110)
        .map(|_| match next(10) {
            0 => Reply::Status(503, Some("0")),
            1 => Reply::Events { count: next(3), ending: Ending::Silent },
            2 | 3 => Reply::Events { count: next(4), ending: Ending::Dropped },
            4 | 5 => Reply::Events { count: next(4), ending: Ending::MidEvent },
            _ => Reply::Events { count: next(4), ending: Ending::Clean },
        })
        .collect();
    let total = 150;
    let server = FaultServer::new(total, script).retry(1);
    let mut config = ConnectionBuilder::new();
    config.backoff_max(ms(8)).idle_timeout(Some(ms(40))).retry_status(503).seed(99);
    let started = Instant::now();
    let seen = run(source(&start(&server).await, &config)).await;
    assert_eq!(events(&seen), all(total));
    assert!(server.log().len() > 100, "{} connections", server.log().len());
    assert_eq!(closed(&seen), Some(CloseReason::Status(204)));
    // Every request resumed exactly after what had been delivered so far.
    let mut delivered = 0;
    let mut sent = Vec::new();
    for item in &seen {
        match item {
            Seen::Item(Output::Event(e)) => delivered = e.id().parse().unwrap(),
            Seen::Item(Output::Reconnecting { .. }) => sent.push(delivered),
            _ => {}
        }
    }
    let logged: Vec<u64> = server.log()[1..]
        .iter()
        .map(|l| l.last_event_id.as_deref().map_or(0, |id| id.parse().unwrap()))
        .collect();
    assert_eq!(logged, sent);
    assert!(started.elapsed() < ms(8000));
}

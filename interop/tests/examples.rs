//! The examples' logic, run as tests: the reconnecting client loop
//! (`examples/reconnect.rs`) and the proxy (`examples/proxy.rs`), each
//! against local axum servers over real loopback connections.

use futures_util::StreamExt;
use ssekit::stream::EventStream;
use ssekit::{Event, Item, Parser};
use ssekit_interop::proxy::{self, Action, Logger};
use ssekit_interop::reconnect::{self, Ending, FollowError, Options, ServerConfig, Step};
use ssekit_interop::{client, serve};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// No test may take longer than this (so a failure cannot hang the run).
const TIMEOUT: Duration = Duration::from_secs(10);

/// Runs [`reconnect::follow`] against a fresh [`reconnect::server`].
async fn follow(
    config: ServerConfig,
    options: Options,
) -> (Result<Vec<Event>, FollowError>, Vec<Step>, Vec<Option<String>>) {
    let (app, server_log) = reconnect::server(config);
    let addr = serve(app).await.unwrap();
    let url = format!("http://{addr}{}", reconnect::PATH);
    let mut steps = Vec::new();
    let result = tokio::time::timeout(
        TIMEOUT,
        reconnect::follow(&client(), &url, &options, |step| steps.push(step.clone())),
    )
    .await
    .expect("the client loop finishes in time");
    (result, steps, server_log.requests())
}

fn count(steps: &[Step], pred: impl Fn(&Step) -> bool) -> usize {
    steps.iter().filter(|step| pred(step)).count()
}

#[tokio::test]
async fn reconnect_loses_and_repeats_nothing_across_three_disconnects() {
    let config = ServerConfig {
        total: 100,
        per_connection: 3,
        retry_ms: 20,
        // One disconnect of each kind.
        endings: vec![Ending::Clean, Ending::Truncated, Ending::Aborted],
    };
    // The default delay is long: reconnecting in time shows the server's
    // `retry` was used.
    let options =
        Options { max_events: 12, max_connections: 10, default_retry: Duration::from_secs(30) };
    let started = Instant::now();
    let (result, steps, requests) = follow(config, options).await;
    let events = result.expect("12 events");

    // Every event once, in order.
    assert_eq!(events, (1..=12).map(reconnect::event).collect::<Vec<_>>());
    // The client resumed after the last *dispatched* id each time: after the
    // truncated connection that is 6, not the 7 of the event cut off.
    let resumed = [None, Some("3"), Some("6"), Some("9")].map(|id| id.map(String::from));
    assert_eq!(requests, resumed);
    let connecting: Vec<_> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Connecting { last_event_id, .. } => Some(last_event_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(connecting, ["", "3", "6", "9"]);
    // Three disconnects: two ends of the response (clean, truncated), one
    // broken connection; each followed by the server's retry delay.
    assert_eq!(count(&steps, |s| matches!(s, Step::Ended)), 2, "{steps:#?}");
    assert_eq!(count(&steps, |s| matches!(s, Step::Dropped(_))), 1, "{steps:#?}");
    let waits: Vec<_> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Waiting(delay) => Some(*delay),
            _ => None,
        })
        .collect();
    assert_eq!(waits, [Duration::from_millis(20); 3]);
    assert_eq!(count(&steps, |s| *s == Step::Retry(Duration::from_millis(20))), 4);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn reconnect_stops_when_the_server_says_204() {
    let config = ServerConfig {
        total: 5,
        per_connection: 2,
        retry_ms: 10,
        endings: vec![Ending::Truncated],
    };
    let (result, steps, requests) = follow(config, Options::default()).await;
    assert_eq!(result.unwrap(), (1..=5).map(reconnect::event).collect::<Vec<_>>());
    let resumed = [None, Some("2"), Some("4"), Some("5")].map(|id| id.map(String::from));
    assert_eq!(requests, resumed);
    assert_eq!(steps.last(), Some(&Step::NoContent));
}

#[tokio::test]
async fn reconnect_retries_a_refused_connection_then_gives_up() {
    // A port nothing listens on any more: connecting is refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let options =
        Options { max_events: 1, max_connections: 3, default_retry: Duration::from_millis(10) };
    let mut steps = Vec::new();
    let result = tokio::time::timeout(
        TIMEOUT,
        reconnect::follow(&client(), &format!("http://{addr}/"), &options, |step| {
            steps.push(step.clone());
        }),
    )
    .await
    .unwrap();
    assert!(matches!(result, Err(FollowError::TooManyConnections(3))), "{result:?}");
    assert_eq!(count(&steps, |s| matches!(s, Step::Dropped(_))), 3);
    // No retry was ever sent: the default delay applies.
    assert_eq!(count(&steps, |s| *s == Step::Waiting(Duration::from_millis(10))), 2);
}

/// Starts the demo upstream and the proxy in front of it; returns the
/// proxy's URL and the log of its actions.
async fn start_proxy() -> (String, Arc<Mutex<Vec<Action>>>) {
    let upstream = serve(proxy::demo_upstream()).await.unwrap();
    let actions = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&actions);
    let log: Logger =
        Arc::new(move |action: &Action| recorder.lock().unwrap().push(action.clone()));
    let app = proxy::downstream(client(), format!("http://{upstream}{}", proxy::PATH), log);
    let addr = serve(app).await.unwrap();
    (format!("http://{addr}{}", proxy::PATH), actions)
}

fn event(event_type: &str, data: &str, id: &str) -> Event {
    Event::new(event_type, data, id)
}

#[tokio::test]
async fn proxy_filters_rewrites_and_re_encodes() {
    let (url, actions) = start_proxy().await;
    let response = client().get(&url).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let parser = Parser::builder().emit_comments(true).build();
    let mut stream = EventStream::with_parser(Box::pin(response.bytes_stream()), parser);
    let mut items = Vec::new();
    tokio::time::timeout(TIMEOUT, async {
        while let Some(item) = stream.next().await {
            items.push(item.unwrap());
        }
    })
    .await
    .unwrap();

    let update = "{\n  \"temperature\": 21.5\n}";
    assert_eq!(
        items,
        [
            Item::Retry(1500),
            Item::Comment(" upstream says hello".into()),
            Item::Event(event("message", "plain message", "")),
            Item::Event(event("ALERT", "disk 91% full", "1")),
            Item::Comment(" keep-alive".into()),
            // The id of the dropped ping before it is passed on with it.
            Item::Event(event("update", update, "2")),
            Item::Event(event("ALERT", "🔥 température élevée", "3")),
            Item::Event(event("message", "bye", "3")),
        ]
    );

    let actions = actions.lock().unwrap().clone();
    let drops: Vec<_> = actions
        .iter()
        .filter_map(|action| match action {
            Action::Drop(event) => Some((event.data().to_string(), event.id().to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        drops,
        [("0".into(), "".into()), ("1".into(), "2".into()), ("2".into(), "3".into())]
    );
    assert_eq!(
        count_actions(&actions, |a| matches!(a, Action::Rename { from, .. } if from == "alert")),
        2
    );
    assert_eq!(count_actions(&actions, |a| matches!(a, Action::Forward(_))), 6);
    assert_eq!(actions.len(), 11);
}

fn count_actions(actions: &[Action], pred: impl Fn(&Action) -> bool) -> usize {
    actions.iter().filter(|action| pred(action)).count()
}

#[tokio::test]
async fn proxy_output_is_exactly_what_the_encoder_writes() {
    let (url, _) = start_proxy().await;
    let body = tokio::time::timeout(TIMEOUT, async {
        client().get(&url).send().await.unwrap().bytes().await.unwrap()
    })
    .await
    .unwrap();
    let want = concat!(
        "retry: 1500\n",
        ": upstream says hello\n",
        "data: plain message\n\n",
        "event: ALERT\nid: 1\ndata: disk 91% full\n\n",
        ": keep-alive\n",
        "event: update\nid: 2\ndata: {\ndata:   \"temperature\": 21.5\ndata: }\n\n",
        "event: ALERT\nid: 3\ndata: 🔥 température élevée\n\n",
        "data: bye\n\n",
    );
    assert_eq!(String::from_utf8_lossy(&body), want);
}

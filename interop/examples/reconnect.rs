//! A client that reconnects with `Last-Event-ID` after the `retry` delay.
//!
//! Starts a local axum test server (on 127.0.0.1, a free port) that ends
//! every connection after three events: cleanly, in the middle of an event
//! (whose `id` line already arrived), or by dropping the connection. The
//! client loop ([`ssekit_interop::reconnect::follow`]) waits the `retry` the
//! server sent, reconnects with `Last-Event-ID: parser.last_event_id()`, and
//! the server resumes after that id. It stops after N events (default 10)
//! and checks that none was lost or repeated.
//!
//! ```text
//! cargo run --manifest-path interop/Cargo.toml --example reconnect [N]
//! ```

use ssekit_interop::reconnect::{self, Ending, Options, ServerConfig};
use std::error::Error;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let wanted: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|_| format!("usage: reconnect [N], not {arg:?}"))?,
        None => 10,
    };

    let config = ServerConfig {
        total: 1_000,
        per_connection: 3,
        retry_ms: 250,
        endings: vec![Ending::Clean, Ending::Truncated, Ending::Aborted],
    };
    let (app, server_log) = reconnect::server(config);
    let addr = ssekit_interop::serve(app).await?;
    let url = format!("http://{addr}{}", reconnect::PATH);
    println!("test server at {url}: retry 250 ms, 3 events per connection, which it then ends");
    println!("in turn cleanly, in the middle of the next event (after its id line), or abruptly");

    let options = Options {
        max_events: wanted,
        max_connections: 1_000,
        default_retry: Duration::from_secs(3),
    };
    let events = reconnect::follow(&ssekit_interop::client(), &url, &options, |step| {
        println!("{step}");
    })
    .await?;

    let ids: Vec<&str> = events.iter().map(|event| event.id().as_str()).collect();
    println!("\nreceived {} events, ids {}", events.len(), ids.join(" "));
    let requests = server_log.requests();
    let headers: Vec<&str> = requests.iter().map(|id| id.as_deref().unwrap_or("(none)")).collect();
    println!("the server saw {} requests, Last-Event-ID: {}", requests.len(), headers.join(", "));

    let expected: Vec<_> = (1..=wanted as u64).map(reconnect::event).collect();
    if events != expected {
        return Err("events were lost, repeated or reordered".into());
    }
    println!("no event lost or repeated across {} reconnects", requests.len().saturating_sub(1));
    Ok(())
}

//! An event-stream proxy: reads an upstream stream, drops `ping` events,
//! renames `alert` to `ALERT`, forwards comments (keep-alives) and `retry`,
//! and re-encodes everything with `ssekit::Encoder` on its own axum endpoint.
//!
//! ```text
//! cargo run --manifest-path interop/Cargo.toml --example proxy [UPSTREAM_URL] [--serve]
//! ```
//!
//! Without `UPSTREAM_URL` it starts a small upstream of its own (axum's
//! `Sse` type, on 127.0.0.1) so it runs standalone. It then starts the
//! downstream endpoint on 127.0.0.1 and, unless `--serve` is given, reads
//! that endpoint once itself and copies what a downstream client receives to
//! stdout; what the proxy did with each upstream item goes to stderr. With
//! `--serve` it prints the endpoint's URL and serves it until interrupted
//! (try `curl -N URL`).

use futures_util::StreamExt;
use ssekit_interop::proxy::{self, Action, Logger};
use std::error::Error;
use std::io::Write;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut upstream = None;
    let mut serve = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--serve" => serve = true,
            "-h" | "--help" => {
                println!("usage: proxy [UPSTREAM_URL] [--serve]");
                return Ok(());
            }
            url if upstream.is_none() && !url.starts_with('-') => upstream = Some(url.to_string()),
            other => return Err(format!("unexpected argument {other:?}; see --help").into()),
        }
    }
    let upstream = match upstream {
        Some(url) => url,
        None => {
            let addr = ssekit_interop::serve(proxy::demo_upstream()).await?;
            let url = format!("http://{addr}{}", proxy::PATH);
            eprintln!("demo upstream (axum Sse) at {url}");
            url
        }
    };

    let client = ssekit_interop::client();
    let log: Logger = Arc::new(|action: &Action| eprintln!("proxy: {action}"));
    let addr =
        ssekit_interop::serve(proxy::downstream(client.clone(), upstream.clone(), log)).await?;
    let downstream = format!("http://{addr}{}", proxy::PATH);
    eprintln!("proxy of {upstream} at {downstream}");

    if serve {
        println!("{downstream}");
        std::future::pending::<()>().await;
    }

    // Be our own downstream client: what it receives is the re-encoded
    // stream.
    let response = client.get(&downstream).send().await?.error_for_status()?;
    eprintln!(
        "downstream response: {} {:?}",
        response.status(),
        response.headers()["content-type"]
    );
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&chunk?)?;
        stdout.flush()?;
    }
    eprintln!("upstream ended");
    Ok(())
}

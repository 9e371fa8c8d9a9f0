//! Shared pieces of ssekit's interop tests and examples.
//!
//! This crate is not published: it exists to run `ssekit` against a real
//! HTTP server ([axum]) and a real HTTP client ([reqwest]) over real loopback
//! TCP connections, which the main crate's own tests (all in memory) cannot.
//!
//! * [`serve`] and [`client`]: an axum app on `127.0.0.1:0`, and a client
//!   that never goes through a proxy.
//! * [`reconnect`]: a resumable test server that drops its clients after a
//!   few events, and the reconnecting client loop ([`reconnect::follow`])
//!   that the `reconnect` example and `tests/examples.rs` run.
//! * [`faults`]: a scripted event source with faults (dropped connections,
//!   cuts mid-event, silence, error statuses, wrong content types) for the
//!   reconnecting client's tests in `tests/client.rs`.
//! * [`proxy`]: the rewrite rules and the re-encoding pipeline of the `proxy`
//!   example.
//!
//! Everything here binds and connects to `127.0.0.1` only.

use axum::serve::ListenerExt;
use axum::Router;
use std::net::{Ipv4Addr, SocketAddr};

pub mod faults;
pub mod proxy;
pub mod reconnect;

/// Serves `app` on `127.0.0.1` at a port the OS picks, in a background task
/// of the current tokio runtime, and returns its address.
///
/// Accepted connections get `TCP_NODELAY`, so each body chunk the app
/// produces goes out at once as its own segment (no Nagle coalescing): the
/// client then sees the chunking the server chose. The server runs until the
/// runtime shuts down.
///
/// # Errors
///
/// If the port cannot be bound.
pub async fn serve(app: Router) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        // Only an optimisation for chunk boundaries; the tests do not
        // depend on it for correctness.
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            eprintln!("test server failed: {err}");
        }
    });
    Ok(addr)
}

/// A reqwest client for the loopback tests: no proxy (whatever the
/// environment's `HTTP_PROXY` says), plain HTTP/1.1.
///
/// # Panics
///
/// If reqwest cannot build a client (it can: no TLS backend is involved).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("a plain HTTP client")
}

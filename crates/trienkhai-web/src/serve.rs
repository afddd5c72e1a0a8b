//! Serving connections: HTTP/1.1 with a header-read timeout that also closes idle keep-alive
//! connections, a ceiling on open connections below the process's file limit, the client's
//! address handed to the router, and a graceful shutdown that lets requests in flight finish.
//!
//! `axum::serve` sets no timer, so hyper's header-read timeout never fires there: twenty
//! clients trickling headers held their connections for good, and a thousand idle ones used up
//! the file limit until `/healthz` went unanswered. This loop is the few lines that fix both.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// What a connection may cost the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The time a client has to send a request's headers, from the moment the connection opens
    /// or its previous answer was sent: a slow or idle client is closed after it.
    pub header_read_timeout: Duration,
    /// Connections open at once; the next client waits in the listen queue.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(15),
            max_connections: connection_ceiling(open_file_limit()),
        }
    }
}

/// The connections to keep open under a limit of `files` descriptors: an eighth of them (at
/// least 32, at most 256) stay free for the database, the listener, uploads and logs.
pub fn connection_ceiling(files: usize) -> usize {
    let spare = (files / 8).clamp(32, 256);
    files.saturating_sub(spare).max(8)
}

/// The process's soft limit of open files, from `/proc/self/limits` (1024, the usual soft
/// limit, where that cannot be read).
pub fn open_file_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|soft| soft.parse().ok())
        })
        .unwrap_or(1024)
}

/// Serves `router` on `listener` until `shutdown` completes, then waits for the requests in
/// flight to be answered.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Hold a slot before accepting: at the ceiling, clients wait in the kernel's queue
        // instead of the process running out of descriptors.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: not fatal.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                router.clone().oneshot(request)
            },
        );
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_leaves_descriptors_free() {
        assert_eq!(connection_ceiling(1024), 896);
        assert_eq!(connection_ceiling(256), 224);
        assert_eq!(connection_ceiling(1_048_576), 1_048_320);
        assert!(connection_ceiling(40) >= 8);
        assert!(open_file_limit() >= 8);
    }
}

//! Prometheus metrics in plain text: requests by route and status class, and a latency
//! histogram. A few atomics and one map behind a mutex; a metrics crate would add more than it
//! saves here.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    bucket_counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    in_flight: AtomicU64,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let class = status / 100 * 100;
        *self
            .requests
            .lock()
            .expect("metrics lock")
            .entry((method.to_owned(), route.to_owned(), class))
            .or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.bucket_counts[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn render(&self, backend: &str) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP trienkhai_info Build and storage backend.\n# TYPE trienkhai_info gauge"
        );
        let _ = writeln!(
            out,
            "trienkhai_info{{version=\"{}\",backend=\"{backend}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            "# HELP trienkhai_http_requests_total Requests answered, by route and status class."
        );
        let _ = writeln!(out, "# TYPE trienkhai_http_requests_total counter");
        for ((method, route, class), n) in self.requests.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "trienkhai_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{class}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP trienkhai_http_requests_in_flight Requests being answered."
        );
        let _ = writeln!(out, "# TYPE trienkhai_http_requests_in_flight gauge");
        let _ = writeln!(
            out,
            "trienkhai_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP trienkhai_http_request_duration_seconds Time to answer a request."
        );
        let _ = writeln!(
            out,
            "# TYPE trienkhai_http_request_duration_seconds histogram"
        );
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "trienkhai_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                self.bucket_counts[i].load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "trienkhai_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "trienkhai_http_request_duration_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "trienkhai_http_request_duration_seconds_count {count}");
        out
    }
}

/// Middleware: times every request and counts it under its route pattern (never the raw path,
/// which would make one series per id).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().as_str().to_owned();
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, Duration::from_micros(800));
        m.observe("GET", "/healthz", 200, Duration::from_millis(30));
        m.observe("GET", "/api/v1/units", 401, Duration::from_millis(2));
        let text = m.render("sqlite");
        assert!(text.contains(
            "trienkhai_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "trienkhai_http_requests_total{method=\"GET\",route=\"/api/v1/units\",status=\"400\"} 1"
        ));
        assert!(text.contains("trienkhai_http_request_duration_seconds_bucket{le=\"0.001\"} 1"));
        assert!(text.contains("trienkhai_http_request_duration_seconds_bucket{le=\"0.05\"} 3"));
        assert!(text.contains("trienkhai_http_request_duration_seconds_count 3"));
    }
}

//! The web layer on both databases, one test binary with a module per area: the HTTP contract
//! (`http`), what fuzzing and probing found (`hardening`), and the edge of the server:
//! connections, proxies, throttling, cookies (`edge`).

mod edge;
mod hardening;
mod http;

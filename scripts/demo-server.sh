# Sourced by scripts/fuzz-api and scripts/readme-examples: starts the demo (`serve --demo`) on a
# free loopback port over a fresh database, logs in, and stops it again.
#
#   start_demo_server [--database-url postgres://…/empty_db]
#       sets DEMO_PID, DEMO_PORT, DEMO_URL (http://127.0.0.1:PORT), DEMO_DIR (a temporary data
#       directory holding the SQLite database unless a URL is given, and server.log)
#   demo_login USER [PASSWORD]   prints a bearer token (password default: demo)
#   stop_demo_server             SIGTERM, waits, removes DEMO_DIR (unless DEMO_KEEP=1)
#
# The binary is $TRIENKHAI_BIN, by default target/debug/trienkhai of this checkout.

DEMO_PID=
DEMO_DIR=

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_demo_server() {
    local bin=${TRIENKHAI_BIN:-target/debug/trienkhai}
    [ -x "$bin" ] || { echo "demo-server: no binary at $bin (cargo build, or set TRIENKHAI_BIN)" >&2; return 1; }
    DEMO_DIR=$(mktemp -d /tmp/trienkhai-demo.XXXXXX)
    DEMO_PORT=$(free_port)
    DEMO_URL="http://127.0.0.1:$DEMO_PORT"
    # The environment twins of the flags must not redirect the server elsewhere.
    # Background jobs (reminders, webhooks) are turned off: they would change the data under
    # the caller's feet.
    env -u TRIENKHAI_DATABASE_URL -u TRIENKHAI_DATA_DIR -u TRIENKHAI_LISTEN -u TRIENKHAI_SMTP_URL \
        TRIENKHAI_JOBS_EVERY=0 RUST_LOG="${RUST_LOG:-info}" \
        "$bin" serve --demo --data-dir "$DEMO_DIR" --listen "127.0.0.1:$DEMO_PORT" "$@" \
        >>"$DEMO_DIR/server.log" 2>&1 &
    DEMO_PID=$!
    local waited=0
    until curl -sf "$DEMO_URL/healthz" >/dev/null 2>&1; do
        if ! kill -0 "$DEMO_PID" 2>/dev/null; then
            echo "demo-server: the server exited; its log:" >&2
            tail -n 30 "$DEMO_DIR/server.log" >&2
            DEMO_PID=
            return 1
        fi
        if [ "$waited" -ge 1200 ]; then # 120 s: the demo is built on the first start
            echo "demo-server: no answer from $DEMO_URL/healthz after 120 s" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

demo_login() {
    curl -sf -XPOST "$DEMO_URL/api/v1/login" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"${2:-demo}\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

stop_demo_server() {
    if [ -n "${DEMO_PID:-}" ]; then
        kill -TERM "$DEMO_PID" 2>/dev/null || true
        wait "$DEMO_PID" 2>/dev/null || true
        DEMO_PID=
    fi
    if [ -n "${DEMO_DIR:-}" ] && [ "${DEMO_KEEP:-0}" != 1 ]; then
        rm -rf "$DEMO_DIR"
    fi
}

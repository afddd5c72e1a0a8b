# Sourced by scripts/test: starts a throwaway PostgreSQL cluster in a temporary directory,
# exports TRIENKHAI_TEST_PG_URL and stops/removes the cluster when the calling shell exits.
# Uses an already configured TRIENKHAI_TEST_PG_URL instead when one is set.

start_throwaway_postgres() {
    if [ -n "${TRIENKHAI_TEST_PG_URL:-}" ]; then
        echo "test: using PostgreSQL at ${TRIENKHAI_TEST_PG_URL%%\?*}"
        return 0
    fi
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "test: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
        return 1
    fi
    PG_TMP=$(mktemp -d /tmp/trienkhai-pg.XXXXXX)
    local port=$((20000 + RANDOM % 20000))
    local run=()
    if [ "$(id -u)" = 0 ]; then
        # initdb refuses to run as root; the cluster belongs to the postgres user.
        chown postgres "$PG_TMP"
        run=(runuser -u postgres --)
    fi
    "${run[@]}" "$bindir/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1 \
        || { cat "$PG_TMP/initdb.log" >&2; return 1; }
    "${run[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
        -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
        start >/dev/null || { cat "$PG_TMP/server.log" >&2; return 1; }
    PG_STOP=("${run[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data" -m immediate stop)
    trap 'stop_throwaway_postgres' EXIT
    export TRIENKHAI_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "test: started a throwaway PostgreSQL ($("$bindir/postgres" --version | awk '{print $3}')) on port $port"
}

stop_throwaway_postgres() {
    if [ -n "${PG_TMP:-}" ]; then
        "${PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$PG_TMP"
    fi
}

#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the Authentication Cloud suite and bench
# (configurator/cloud/README.md): initdb in a temporary directory, a free local
# TCP port on 127.0.0.1, the unix socket in that directory, trust auth for the
# one local user — and gone at the end.
#
#   .ci/pg-throwaway.sh run -- CMD ARGS…   start, run CMD with NOWBOARD_DB / NOWBOARD_PG_CTL
#                                          exported, stop and delete at exit (trap)
#   .ci/pg-throwaway.sh start              start; print `export …` lines (NOWBOARD_PG_DIR names it)
#   .ci/pg-throwaway.sh stop DIR           stop the cluster in DIR and delete DIR
#
# NOWBOARD_PG_CTL=DIR/ctl takes stop|start: the suite stops the server mid-run
# and starts it again (the "database stopped" fault). PostgreSQL refuses to run
# as root: as root the server runs as the `postgres` user (created if missing).
set -euo pipefail

find_bin() {
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then echo "$PG_BIN"; return; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  echo "pg-throwaway: no PostgreSQL server binaries (install the Debian package postgresql)" >&2
  exit 1
}

run_as_prefix() {
  if [ "$(id -u)" = "0" ]; then
    if ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    echo "runuser -u postgres --"
  fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local bin dir port as
  bin=$(find_bin)
  as=$(run_as_prefix)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/nowboard-pg.XXXXXX")
  chmod 755 "$dir"
  [ -n "$as" ] && chown postgres "$dir"
  port=$(free_port)
  $as "$bin/initdb" -D "$dir/data" -U nowboard --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
  # Server options: local only; the socket in the temp dir (no /var/run/postgresql needed);
  # enough connections for two AC instances plus the suite. PG_THROWAWAY_OPTS adds more.
  local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=100 ${PG_THROWAWAY_OPTS:-}"
  cat >"$dir/ctl" <<CTL
#!/usr/bin/env bash
# stop | start the throwaway cluster in $dir
set -e
case "\$1" in
  stop) $as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  start) $as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w start >/dev/null ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
CTL
  chmod 755 "$dir/ctl"
  "$dir/ctl" start || { cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1; }
  echo "$port" >"$dir/port"
  echo "export NOWBOARD_DB=postgres://nowboard@127.0.0.1:$port/postgres"
  echo "export NOWBOARD_PG_CTL=$dir/ctl"
  echo "export NOWBOARD_PG_DIR=$dir"
}

stop() {
  local dir="$1"
  [ -d "$dir/data" ] || { echo "pg-throwaway: $dir is not a throwaway cluster" >&2; return 1; }
  "$dir/ctl" stop 2>/dev/null || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?usage: pg-throwaway.sh stop DIR}" ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || { echo "usage: pg-throwaway.sh run -- CMD ARGS…" >&2; exit 2; }
    env_lines=$(start)
    eval "$env_lines"
    trap 'stop "$NOWBOARD_PG_DIR"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    "$@"
    ;;
  *) echo "usage: pg-throwaway.sh run -- CMD… | start | stop DIR" >&2; exit 2 ;;
esac

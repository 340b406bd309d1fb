#!/usr/bin/env bash
# Make sure a PostgreSQL server listens on 127.0.0.1:5432 (loopback only) and has the role and
# database the tests use: postgres://fupin:fupin@127.0.0.1:5432/fupin. Safe to run repeatedly,
# as root, on a developer's machine or in CI where nothing has been started yet.
set -euo pipefail

HOST=127.0.0.1
PORT=5432
ROLE=fupin
DATABASE=fupin
NEW_CLUSTER=main  # name of the cluster created when there is none on $PORT
WAIT_SECONDS=${PG_WAIT_SECONDS:-60}

log() { echo "postgres: $*"; }
die() { echo "postgres: $*" >&2; exit 1; }
ready() { pg_isready -q -h "$HOST" -p "$PORT"; }
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres "$@"; }

[ "$(id -u)" -eq 0 ] || die "run as root (it uses runuser and pg_ctlcluster)"
command -v pg_lsclusters >/dev/null || die "PostgreSQL is not installed: run scripts/system-deps.sh"

# The cluster on port 5432, as "version name status" (empty when there is none).
cluster_on_port() {
  pg_lsclusters --no-header | awk -v port="$PORT" '$3 == port { print $1, $2, $4; exit }'
}

loopback_only() {  # listen_addresses value -> true when it names loopback addresses only
  local value=${1//[\'\" ]/} addr
  [ -n "$value" ] || return 1   # '' means Unix sockets only: nothing on 127.0.0.1
  IFS=, read -ra addrs <<<"$value"
  for addr in "${addrs[@]}"; do
    case "$addr" in localhost|127.0.0.1|::1) ;; *) return 1 ;; esac
  done
}

if ! ready; then
  read -r version name status <<<"$(cluster_on_port)" || true
  if [ -z "${version:-}" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    [ -n "$version" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
    name=$NEW_CLUSTER
    log "creating cluster $version/$name on port $PORT"
    pg_createcluster --port "$PORT" --encoding UTF8 --locale C.UTF-8 "$version" "$name"
    status=down
  fi
  # Debian's clusters listen on localhost by default; keep it that way (loopback only).
  configured=$(pg_conftool -s "$version" "$name" show listen_addresses 2>/dev/null || echo localhost)
  if ! loopback_only "$configured"; then
    log "cluster $version/$name had listen_addresses='$configured'; setting it to 'localhost'"
    pg_conftool "$version" "$name" set listen_addresses localhost
  fi
  if [ "$status" = online ]; then
    log "restarting cluster $version/$name"
    pg_ctlcluster "$version" "$name" restart
  else
    log "starting cluster $version/$name"
    pg_ctlcluster "$version" "$name" start
  fi
fi

for ((i = 0; i < WAIT_SECONDS; i++)); do
  ready && break
  sleep 1
done
ready || die "no server on $HOST:$PORT after ${WAIT_SECONDS}s (see /var/log/postgresql/)"

listen=$(psql_admin -At -c 'SHOW listen_addresses')
loopback_only "$listen" || die "the server on $HOST:$PORT listens on '$listen', not loopback only"

psql_admin <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$ROLE';
  ELSE
    ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$ROLE';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $DATABASE OWNER $ROLE ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE') \gexec
SQL

log "ready: postgres://$ROLE:***@$HOST:$PORT/$DATABASE (listen_addresses=$listen)"

# Shared by the deploy/local scripts. Sourced, not run.
# Every setting can be overridden from the environment (SIGMAT_…) before calling a script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA_DIR="${SIGMAT_DATA_DIR:-$ROOT/.data}"
# Tools fetched once per machine and shared by every clone (and CI) on it: Apache Kafka, and
# schemathesis (the API fuzzer of the tests).
TOOLS_DIR="${SIGMAT_TOOLS_DIR:-$HOME/.local/share/sigmat/tools}"
SCHEMATHESIS_HOME="$TOOLS_DIR/schemathesis"
SCHEMATHESIS_BIN="$SCHEMATHESIS_HOME/bin/schemathesis"
schemathesis_sum() { cksum <"$ROOT/deploy/api-fuzz/requirements.txt" | cut -d' ' -f1; }

BROKER_PORT="${SIGMAT_BROKER_PORT:-19092}"
# The local Kafka node's controller (KRaft quorum) listener.
BROKER_CONTROLLER_PORT="${SIGMAT_BROKER_CONTROLLER_PORT:-19093}"
# Every default port is below 32768, where Linux hands out the local ends of outgoing
# connections: a listener there can find its port held by any connection of the moment.
PG_PORT="${SIGMAT_PG_PORT:-15532}"
API_PORT="${SIGMAT_API_PORT:-18080}"
TRACKER_HEALTH_PORT="${SIGMAT_TRACKER_HEALTH_PORT:-18090}"
CI_ADAPTER_PORT="${SIGMAT_CI_ADAPTER_PORT:-18101}"
BF_ADAPTER_PORT="${SIGMAT_BF_ADAPTER_PORT:-18102}"
# The MQTT broker of the tracking providers (Mosquitto) and the telematics gateway's HTTPS port.
MQTT_PORT="${SIGMAT_MQTT_PORT:-11883}"
TELEMATICS_PORT="${SIGMAT_TELEMATICS_PORT:-18110}"
# The other countries of the five corridors (sigmat simulate): country, family, port.
CORRIDOR_ADAPTERS="NE:asycuda:${SIGMAT_NE_ADAPTER_PORT:-18103} BJ:asycuda:${SIGMAT_BJ_ADAPTER_PORT:-18104} TG:asycuda:${SIGMAT_TG_ADAPTER_PORT:-18105} SN:gainde:${SIGMAT_SN_ADAPTER_PORT:-18106} ML:asycuda:${SIGMAT_ML_ADAPTER_PORT:-18107}"

BROKERS="127.0.0.1:$BROKER_PORT"
DATABASE_URL="postgres://sigmat@127.0.0.1:$PG_PORT/sigmat"
# The audit log's insert-only role (created by the tracker's migrations; docs/security.md).
AUDIT_DATABASE_URL="postgres://sigmat_audit@127.0.0.1:$PG_PORT/sigmat"
LOG_DIR="$DATA_DIR/logs"
RUN_DIR="$DATA_DIR/run"
PG_HOME="$DATA_DIR/postgres"   # the cluster (data/) and its log (postgres.log)
# PostgreSQL's programs must reach its files without entering the clone when they live
# outside it (see infra-up), so always use the link's target.
[ -L "$PG_HOME" ] && PG_HOME="$(readlink -f "$PG_HOME")"
PG_DATA="$PG_HOME/data"
KAFKA_DIR="$DATA_DIR/kafka"   # the local node: server.properties and data/
MQTT_DIR="$DATA_DIR/mosquitto" # the local MQTT broker: configuration, users, ACL, persistence
# The local stack's MQTT users: the gateway, and the demo tracking provider (sigmat simulate
# --telematics publishes as it). Local passwords, for this demo only.
MQTT_USERS="sigmat-gateway:sigmat-demo-gateway sahel-track:sigmat-demo-sahel-track"
BIN_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/debug"

mkdir -p "$LOG_DIR" "$RUN_DIR"

say()  { printf '\033[1msigmat:\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33msigmat:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31msigmat: error:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs apt-get install for the given packages, as root or through sudo; or says what to run.
apt_install() {
  local pkgs="$*"
  if is_root; then
    say "installing $pkgs with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs) >"$LOG_DIR/apt.log" 2>&1 \
      || die "apt-get install $pkgs failed; see $LOG_DIR/apt.log"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    say "installing $pkgs with sudo apt-get"
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs) >"$LOG_DIR/apt.log" 2>&1 \
      || die "apt-get install $pkgs failed; see $LOG_DIR/apt.log"
  else
    die "$pkgs missing. Install with: sudo apt-get install $pkgs — then run this command again."
  fi
}

# The directory of PostgreSQL's server programs (initdb, pg_ctl, postgres).
pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# PostgreSQL refuses to run as root: as root, run its programs as the 'postgres' user.
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds what
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    port_open "$1" && return 0
    sleep 0.1
  done
  return 1
}

# Whether http://127.0.0.1:PORT/health/ready answers 200 (database, broker, consumer all fine).
http_ready() {
  python3 -c 'import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health/ready", timeout=3).status == 200 else 1)
except Exception:
    sys.exit(1)' "$1"
}

wait_ready() { # port seconds
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    http_ready "$1" && return 0
    sleep 0.5
  done
  return 1
}

# The test command's claim on this machine's broker and database ports: two test commands at
# once would delete each other's topics and stop each other's database, so a second one is
# refused, naming the first, while that one runs. A pid file in $TMPDIR, removed when the run
# ends; one left by a killed run is taken over (its pid no longer runs deploy/local/test). Not
# flock: the broker and database the run starts would inherit the lock and keep it after.
claim_test_run() {
  local claim="${TMPDIR:-/tmp}/sigmat-test-$BROKER_PORT-$PG_PORT.pid" holder holder_cmd
  if holder=$(cat "$claim" 2>/dev/null) && [ "$holder" != "$$" ] \
    && holder_cmd=$(tr '\0' ' ' <"/proc/$holder/cmdline" 2>/dev/null) \
    && [[ $holder_cmd == *deploy/local/test* ]]; then
    die "another test command (pid $holder: ${holder_cmd% }) is running on this machine's broker and database ports ($BROKER_PORT, $PG_PORT): wait for it to end, or give this one other ports (SIGMAT_BROKER_PORT, SIGMAT_PG_PORT and the others of deploy/local/lib.sh)."
  fi
  # Made anew, never written through: $TMPDIR may be shared, and a link someone planted at the
  # claim's name must not be followed (noclobber makes the file only where nothing has the name).
  rm -f "$claim" 2>/dev/null || true
  ( set -C; echo "$$" >"$claim" ) 2>/dev/null \
    || die "could not make the test command's claim $claim (a file of another user, or a test command that claimed it this instant): remove it if no test command runs, or set TMPDIR to a folder of your own."
  trap "rm -f '$claim'" EXIT
}
pid_alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

# start_bg NAME COMMAND… — runs in the background, logs to $LOG_DIR/NAME.log.
start_bg() {
  local name=$1; shift
  nohup "$@" >>"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
}

stop_bg() {
  local name=$1 pid i
  pid_alive "$name" || { rm -f "$RUN_DIR/$name.pid"; return 0; }
  pid=$(cat "$RUN_DIR/$name.pid")
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$RUN_DIR/$name.pid"
}

# adapter_config CC FAMILY PORT TOKEN — Burkina Faso's configuration (deploy/local/config/
# adapter-bf.toml) made another country's: its country, family, port, schema, broker identity
# and the SHA-256 of its national system's token, on standard output.
adapter_config() {
  local cc=$1 family=$2 port=$3 token=$4 lc hash
  lc=$(echo "$cc" | tr '[:upper:]' '[:lower:]')
  hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
  sed -e "s/^country = \"BF\"/country = \"$cc\"/" -e "s/^family = \"asycuda\"/family = \"$family\"/" \
      -e "s/bf\.json/$lc.json/; s/18102/$port/; s/adapter_bf/adapter_$lc/; s/sigmat-adapter-bf/sigmat-adapter-$lc/" \
      -e "s/asycuda-bf/$family-$lc/g; s/sigmat-demo-bf/sigmat-demo-$lc/; s/country BF/country $cc/" \
      -e "s/^token_sha256 = \".*\"/token_sha256 = \"$hash\"/" \
      "$ROOT/deploy/local/config/adapter-bf.toml"
}

# Environment for the services (overrides on top of deploy/local/config/*.toml).
service_env() {
  export SIGMAT_TRACKER__KAFKA__BROKERS="$BROKERS" SIGMAT_TRACKER__DATABASE__URL="$DATABASE_URL"
  export SIGMAT_TRACKER__HEALTH__LISTEN="127.0.0.1:$TRACKER_HEALTH_PORT"
  export SIGMAT_API__DATABASE__URL="$DATABASE_URL" SIGMAT_API__AUDIT__URL="$AUDIT_DATABASE_URL"
  export SIGMAT_API__HTTP__LISTEN="127.0.0.1:$API_PORT"
  export SIGMAT_ADAPTER__KAFKA__BROKERS="$BROKERS" SIGMAT_ADAPTER__DATABASE__URL="$DATABASE_URL"
  export SIGMAT_TELEMATICS__KAFKA__BROKERS="$BROKERS" SIGMAT_TELEMATICS__HTTP__LISTEN="127.0.0.1:$TELEMATICS_PORT"
  export SIGMAT_TELEMATICS__MQTT__PORT="$MQTT_PORT"
}

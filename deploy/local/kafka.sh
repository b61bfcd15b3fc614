# Apache Kafka for the local stack: fetch, configure, format, start, wait. Sourced by the
# deploy/local scripts after lib.sh, not run. One node (infra-up) and the three-node cluster
# (cluster) are the same program with other values in deploy/kafka/server.properties.in.

KAFKA_POM="$ROOT/deploy/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
# The jars, fetched once per machine and shared by every clone (and CI) on it.
KAFKA_HOME="$TOOLS_DIR/kafka-$KAFKA_VERSION"
KAFKA_HEAP="${SIGMAT_KAFKA_HEAP:-512m}"

# A Java of version 17 or later: $JAVA_HOME's, the one on PATH, or one under /usr/lib/jvm.
java_bin() {
  local candidate
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if [ "$(java_major "$candidate")" -ge 17 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# The major version of a java binary: 17 for "17.0.15", 25 for "25.0.1".
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

# A fingerprint of what was asked of Maven; a changed pom.xml fetches again.
kafka_pom_sum() { cksum <"$KAFKA_POM" | cut -d' ' -f1; }

kafka_installed() {
  [ -f "$KAFKA_HOME/fetched" ] && [ "$(cat "$KAFKA_HOME/fetched")" = "$(kafka_pom_sum)" ]
}

# kafka_run MAIN_CLASS ARGS… — runs one of Kafka's command-line tools (kafka-topics,
# kafka-storage, …) by its main class, with a small heap and quiet logs, for at most
# $KAFKA_TOOL_SECONDS (default 300) seconds.
kafka_run() {
  local java
  java="$(java_bin)" || die "Java 17 or later is needed to run Apache Kafka; run deploy/local/install-prereqs."
  timeout "${KAFKA_TOOL_SECONDS:-300}" "$java" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$ROOT/deploy/kafka/tools-log4j2.properties" \
    -cp "$KAFKA_HOME/libs/*" "$@"
}

# kafka_write_config FILE NODE_ID BROKER_PORT CONTROLLER_PORT VOTERS DATA_DIR REPLICATION MIN_ISR
kafka_write_config() {
  local file=$1
  mkdir -p "$(dirname "$file")" "$6"
  sed -e "s|@NODE_ID@|$2|g" -e "s|@BROKER_PORT@|$3|g" -e "s|@CONTROLLER_PORT@|$4|g" \
    -e "s|@VOTERS@|$5|g" -e "s|@LOG_DIRS@|$6|g" -e "s|@REPLICATION@|$7|g" -e "s|@MIN_ISR@|$8|g" \
    "$ROOT/deploy/kafka/server.properties.in" >"$file"
}

# A new cluster id (22 characters, base64 of a random UUID), as kafka-storage random-uuid.
kafka_new_cluster_id() { kafka_run kafka.tools.StorageTool random-uuid; }

# kafka_format CONFIG DATA_DIR CLUSTER_ID LOG — formats the node's storage unless it already is.
kafka_format() {
  [ -f "$2/meta.properties" ] && return 0
  kafka_run kafka.tools.StorageTool format --config "$1" --cluster-id "$3" >>"$4" 2>&1 \
    || die "formatting Kafka's storage in $2 failed; see $4"
}

# kafka_start NAME CONFIG — starts a node in the background (pid in $RUN_DIR/NAME.pid,
# output in $LOG_DIR/NAME.log), with its heap capped at $KAFKA_HEAP.
kafka_start() {
  local java
  java="$(java_bin)" || die "Java 17 or later is needed to run Apache Kafka; run deploy/local/install-prereqs."
  start_bg "$1" "$java" -Xms128m -Xmx"$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$ROOT/deploy/kafka/log4j2.properties" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$2"
}

# kafka_wait_partitions NAME BOOTSTRAP SECONDS — waits until every partition of the cluster,
# the group coordinator's own topic (__consumer_offsets) included, has a leader and at least
# min.insync.replicas copies in sync, or dies pointing at NAME's log. Nodes started over their
# data answer metadata before they have taken their partitions back: a consumer group whose
# coordinator's partition has no leader yet cannot be joined, and a topic under its minimum
# takes no write, however many brokers answer.
kafka_wait_partitions() {
  local name=$1 bootstrap=$2 deadline=$((SECONDS + $3)) kind out lagging
  while ((SECONDS < deadline)); do
    lagging=""
    for kind in unavailable under-min-isr; do
      if ! out=$(KAFKA_TOOL_SECONDS=60 kafka_run org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
        --describe --"$kind"-partitions 2>&1); then
        lagging="$lagging (asking for $kind partitions failed)"
        continue
      fi
      out=$(printf '%s\n' "$out" | grep -c 'Partition:' || true)
      [ "$out" -gt 0 ] && lagging="$lagging $out $kind"
    done
    [ -z "$lagging" ] && return 0
    sleep 2
  done
  die "Kafka at $bootstrap still has partitions not ready after $3 s:$lagging; see $LOG_DIR/$name.log"
}

# kafka_delete_test_topics BOOTSTRAP — deletes the topics of test stacks (prefix it + 10 hex
# digits) and says how many; never one that is not a test stack's.
kafka_delete_test_topics() {
  local list count
  list=$(kafka_run org.apache.kafka.tools.TopicCommand --bootstrap-server "$1" --list 2>/dev/null) \
    || { warn "could not list the topics at $1 (are its brokers up?)"; return 1; }
  count=$(grep -cE '^it[0-9a-f]{10}\.' <<<"$list" || true)
  if [ "$count" -gt 0 ]; then
    kafka_run org.apache.kafka.tools.TopicCommand --bootstrap-server "$1" --delete --topic 'it[0-9a-f]{10}\..*' >/dev/null 2>&1 \
      || { warn "could not delete the $count topics test stacks left at $1"; return 1; }
  fi
  say "deleted $count topics test stacks left at $1"
}

# kafka_partition_count BOOTSTRAP — how many partitions the cluster holds (empty if it cannot
# be asked).
kafka_partition_count() {
  local out
  out=$(KAFKA_TOOL_SECONDS=60 kafka_run org.apache.kafka.tools.TopicCommand --bootstrap-server "$1" --describe 2>/dev/null) || return 0
  printf '%s\n' "$out" | grep -c 'Partition: ' || true
}

# kafka_brokers_answering BOOTSTRAP — how many brokers the cluster's metadata lists as alive
# (a fenced or starting broker is not listed), asked through BOOTSTRAP; 0 if none answers.
kafka_brokers_answering() {
  local out
  out=$(KAFKA_TOOL_SECONDS=30 kafka_run org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$1" 2>/dev/null) || true
  printf '%s\n' "$out" | grep -c '(id: [0-9]* rack' || true
}

# kafka_wait_ready NAME BOOTSTRAP BROKERS SECONDS — waits until BROKERS brokers answer
# metadata through BOOTSTRAP, or dies pointing at NAME's log.
kafka_wait_ready() {
  local name=$1 bootstrap=$2 want=$3 deadline=$((SECONDS + $4)) got=0
  while ((SECONDS < deadline)); do
    got=$(kafka_brokers_answering "$bootstrap")
    ((got >= want)) && return 0
    sleep 1
  done
  die "Kafka at $bootstrap did not become ready within $4 s ($got of $want brokers answering); see $LOG_DIR/$name.log"
}

#!/usr/bin/env bash
# Topics and rights of a sigmat network on an Apache Kafka cluster (run by provision.yaml in
# the apache/kafka image). The layout is schemas/kafka/topics.md; deploy/local/kafka-rights
# does the same on the local three-node cluster.
#   BOOTSTRAP, PREFIX, COUNTRIES ("BF CI …"), ADMIN_PASSWORD, and <identity>-password for each
#   identity (tracker-password, api-password, adapter-<cc>-password) in the environment;
#   IDENTITIES (default sigmat) names the identities: <IDENTITIES>-tracker, -api,
#   -adapter-<cc> (the training ground's are training-…, so that its services reach only its
#   own topics: overlays/training).
set -euo pipefail
id="${IDENTITIES:-sigmat}"
bin=/opt/kafka/bin
admin=$(mktemp)
cat >"$admin" <<CONF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="sigmat-admin" password="${ADMIN_PASSWORD}";
ssl.truststore.type=PEM
ssl.truststore.location=/etc/sigmat/kafka/ca.crt
CONF
kafka() { "$bin/$1" --bootstrap-server "$BOOTSTRAP" --command-config "$admin" "${@:2}"; }
lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
week=$((7 * 24 * 3600 * 1000)) month=$((30 * 24 * 3600 * 1000))
topic() {
  kafka kafka-topics.sh --create --if-not-exists --topic "$1" --partitions 3 \
    --replication-factor 3 --config min.insync.replicas=2 --config "retention.ms=$2"
}
identity() {
  local variable="${1#"$id"-}-password"
  local password
  password=$(printenv "$variable") || { echo "no $variable in the environment" >&2; exit 1; }
  kafka kafka-configs.sh --alter --entity-type users --entity-name "$1" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=${password}]"
}
allow() { kafka kafka-acls.sh --add --allow-principal "User:$1" "${@:2}"; }

topic "$PREFIX.hub.dead-letter" "$month"
topic "$PREFIX.hub.guarantees" "$week"
# The reference data: one partition (versions in order), compacted (the latest is kept for ever).
kafka kafka-topics.sh --create --if-not-exists --topic "$PREFIX.hub.reference" --partitions 1 \
  --replication-factor 3 --config min.insync.replicas=2 --config cleanup.policy=compact
identity "$id-tracker"
identity "$id-api"
allow "$id-tracker" --operation Read --group "$PREFIX-tracker"
allow "$id-tracker" --operation Write --topic "$PREFIX.hub.dead-letter" --topic "$PREFIX.hub.guarantees" --topic "$PREFIX.hub.reference"
# Every tracker and API reads the reference data whole, by partition (the group is never joined).
for who in "$id-tracker" "$id-api"; do
  allow "$who" --operation Read --operation Describe --topic "$PREFIX.hub.reference" --group "$PREFIX.hub.reference.reader"
done
for cc in $COUNTRIES; do
  lc=$(lower "$cc")
  topic "$PREFIX.$lc.to-hub" "$week"
  topic "$PREFIX.$lc.from-hub" "$week"
  identity "$id-adapter-$lc"
  allow "$id-adapter-$lc" --operation Write --operation Describe --topic "$PREFIX.$lc.to-hub"
  allow "$id-adapter-$lc" --operation Read --operation Describe --topic "$PREFIX.$lc.from-hub"
  allow "$id-adapter-$lc" --operation Read --group "$PREFIX-adapter-$lc"
  # Its country's national mapping tables travel with the reference data.
  allow "$id-adapter-$lc" --operation Read --operation Describe --topic "$PREFIX.hub.reference" --group "$PREFIX.hub.reference.reader"
  allow "$id-tracker" --operation Read --operation Describe --topic "$PREFIX.$lc.to-hub"
  allow "$id-tracker" --operation Write --operation Describe --topic "$PREFIX.$lc.from-hub"
  allow "$id-api" --operation Write --operation Describe --topic "$PREFIX.$lc.to-hub"
done
# Idempotent producers need it on the cluster.
for who in "$id-tracker" "$id-api" $(for cc in $COUNTRIES; do echo "$id-adapter-$(lower "$cc")"; done); do
  allow "$who" --operation IdempotentWrite --cluster
done
echo "topics and rights in place for: $COUNTRIES"

#!/usr/bin/env python3
"""Writes the per-country parts of the Kubernetes base from the reference data.

One adapter per country of schemas/reference/offices.json, speaking the family its mapping
file names (schemas/national/mapping/<cc>.json; `standard` without one): its Deployment and
Service (base/adapters.yaml), its configuration (base/config/adapter-<cc>.toml), its keys in
the Secrets (base/secrets.yaml), the tracker's country list (base/config/tracker.toml), the
services' shared [kafka] sections (and so base/config/api.toml) and the kustomization that
lists them, and the training ground's overlay (overlays/training: the same services in a
namespace of their own, on their own topics, schemas and broker identities). Run it after
onboarding a country; `--check` (run by deploy/k8s/check) fails when the files are not what it
would write.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy/k8s/base"
TRAINING = ROOT / "deploy/k8s/overlays/training"
HEADER = "# Written by deploy/k8s/generate.py from schemas/reference/offices.json: do not edit.\n"


def countries():
    offices = json.loads((ROOT / "schemas/reference/offices.json").read_text())["offices"]
    for cc in sorted({o["country"] for o in offices}):
        mapping = ROOT / f"schemas/national/mapping/{cc.lower()}.json"
        family = json.loads(mapping.read_text())["family"] if mapping.exists() else "standard"
        yield cc, family


def kafka(username):
    """The [kafka] sections every service shares: the cluster, SASL_SSL as `username`."""
    return f"""[kafka]
brokers = "kafka-0.kafka:9093,kafka-1.kafka:9093,kafka-2.kafka:9093"
topic_prefix = "sigmat"
replication_factor = 3
min_insync_replicas = 2
# Topics and rights come from the provisioning Job (provision.yaml).
create_topics = false

[kafka.properties]
"security.protocol" = "SASL_SSL"
"sasl.mechanisms" = "SCRAM-SHA-512"
"sasl.username" = "{username}"
"ssl.ca.location" = "/etc/sigmat/kafka/ca.crt"
"""


def api_config():
    return f"""{HEADER}# The hub API in the cluster. Secrets (database URLs, broker password) come from the
# environment (SIGMAT_API__…), set from Secrets in api.yaml.
control_overdue_hours = 24

[http]
listen = "0.0.0.0:8080"
# The ingress controller's pods (the cluster's pod range; set yours): only from these is
# X-Forwarded-For believed, so that logins are throttled and audited under each client's own
# address, not the ingress's.
trusted_proxies = ["10.244.0.0/16"]

[database]
schema = "tracker"

[notifications]
# Subscribers' webhooks never go to these (besides loopback, private, link-local and other
# special addresses, always refused): the cluster's service and pod ranges — set yours.
blocked_ranges = ["10.96.0.0/12", "10.244.0.0/16"]

{kafka("sigmat-api")}"""


def adapter_config(cc, family):
    lc = cc.lower()
    return f"""{HEADER}# The adapter of {cc}. Secrets (database URL, broker password) come from the environment
# (SIGMAT_ADAPTER__…), set from Secrets in adapters.yaml.
country = "{cc}"
family = "{family}"

# The national system's tokens: add one [[auth.clients]] per system in an overlay
# (`adapter tokens new` prints the lines); without one every call is refused.

[http]
listen = "0.0.0.0:8080"
# HTTPS: the national system's bearer token never travels in clear. The certificate and key
# come from the Secret adapter-{lc}-tls (kubernetes.io/tls: cert-manager, or
# `kubectl create secret tls adapter-{lc}-tls --cert … --key …`; deploy/k8s/README.md).
tls = {{ certificate = "/etc/sigmat/tls/tls.crt", private_key = "/etc/sigmat/tls/tls.key" }}

# Metrics and health checks on a port of their own (Prometheus and the kubelet), not on the
# one the national system is given.
[operations]
listen = "0.0.0.0:8090"

{kafka(f"sigmat-adapter-{lc}")}
[database]
schema = "adapter_{lc}"
"""


def adapter_manifests(cc):
    lc = cc.lower()
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: adapter-{lc}
  labels: {{app.kubernetes.io/name: adapter, app.kubernetes.io/part-of: sigmat, sigmat.example/country: {cc}}}
spec:
  replicas: 1
  selector:
    matchLabels: {{app.kubernetes.io/name: adapter, sigmat.example/country: {cc}}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: adapter, app.kubernetes.io/part-of: sigmat, sigmat.example/country: {cc}}}
      annotations: {{prometheus.io/scrape: "true", prometheus.io/port: "8090"}}
    spec:
      securityContext: {{runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: {{type: RuntimeDefault}}}}
      containers:
        - name: adapter
          image: sigmat/adapter
          args: ["--config", "/etc/sigmat/adapter.toml"]
          ports: [{{name: http, containerPort: 8080}}, {{name: operations, containerPort: 8090}}]
          env:
            - {{name: SIGMAT_LOG_FORMAT, value: json}}
            - name: SIGMAT_ADAPTER__DATABASE__URL
              valueFrom: {{secretKeyRef: {{name: sigmat-database, key: adapter-{lc}-url}}}}
            - name: SIGMAT_ADAPTER__KAFKA__PROPERTIES__SASL.PASSWORD
              valueFrom: {{secretKeyRef: {{name: sigmat-kafka, key: adapter-{lc}-password}}}}
          readinessProbe: {{httpGet: {{path: /health/ready, port: operations}}, periodSeconds: 5, failureThreshold: 3}}
          livenessProbe: {{httpGet: {{path: /health/live, port: operations}}, periodSeconds: 10, failureThreshold: 6}}
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
            limits: {{memory: 256Mi}}
          securityContext: {{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {{drop: [ALL]}}}}
          volumeMounts:
            - {{name: config, mountPath: /etc/sigmat/adapter.toml, subPath: adapter.toml}}
            - {{name: kafka-ca, mountPath: /etc/sigmat/kafka}}
            - {{name: tls, mountPath: /etc/sigmat/tls, readOnly: true}}
      volumes:
        - {{name: config, configMap: {{name: adapter-{lc}}}}}
        - {{name: kafka-ca, secret: {{secretName: sigmat-kafka-ca}}}}
        - {{name: tls, secret: {{secretName: adapter-{lc}-tls}}}}
---
apiVersion: v1
kind: Service
metadata:
  name: adapter-{lc}
  labels: {{app.kubernetes.io/name: adapter, app.kubernetes.io/part-of: sigmat, sigmat.example/country: {cc}}}
spec:
  selector: {{app.kubernetes.io/name: adapter, sigmat.example/country: {cc}}}
  ports: [{{name: http, port: 8080, targetPort: http}}]
"""


def tracker_config(ccs):
    countries = ", ".join(f'"{cc}"' for cc in ccs)
    return f"""{HEADER}# The hub tracker in the cluster. Secrets (database URL, broker password) come from the
# environment (SIGMAT_TRACKER__…), set from Secrets in tracker.yaml.
countries = [{countries}]
group_id = "sigmat-tracker"

{kafka("sigmat-tracker")}
[database]
schema = "tracker"
max_connections = 16

[health]
listen = "0.0.0.0:8090"

[rules]
# Record requests from an office that was not declared (IE002, IE114) go to the office of
# departure, whose answer diverts the movement: in production no office is taken onto a route
# without the departure's word (the local demo lets the hub grant within the declared countries).
record_requests = "departure"
"""


def secrets(ccs):
    urls = "".join(
        f"  adapter-{cc.lower()}-url: postgres://sigmat_adapter_{cc.lower()}:replace-me@postgres-rw:5432/sigmat\n"
        for cc in ccs
    )
    passwords = "".join(f"  adapter-{cc.lower()}-password: replace-me\n" for cc in ccs)
    return f"""{HEADER}# The credentials every service reads from its environment. The values here are placeholders
# that make nothing work: an overlay (or sealed-secrets, or the cluster's secret store) sets the
# real ones — see docs/runbook.md, "Rotate certificates and credentials".
apiVersion: v1
kind: Secret
metadata:
  name: sigmat-database
type: Opaque
stringData:
  tracker-url: postgres://sigmat_tracker:replace-me@postgres-rw:5432/sigmat
  api-url: postgres://sigmat_api:replace-me@postgres-rw:5432/sigmat
  audit-url: postgres://sigmat_audit:replace-me@postgres-rw:5432/sigmat
{urls}---
apiVersion: v1
kind: Secret
metadata:
  name: sigmat-kafka
type: Opaque
stringData:
  admin-password: replace-me
  tracker-password: replace-me
  api-password: replace-me
{passwords}---
# The cluster's CA certificate, to check the brokers' TLS certificates.
apiVersion: v1
kind: Secret
metadata:
  name: sigmat-kafka-ca
type: Opaque
stringData:
  ca.crt: replace-me
"""


def kustomization(ccs):
    generators = "".join(
        f"  - name: adapter-{cc.lower()}\n    files: [adapter.toml=config/adapter-{cc.lower()}.toml]\n"
        for cc in ccs
    )
    return f"""{HEADER}# The hub and one adapter per country, in the namespace sigmat. Overlays set the images
# (and a registry), replicas and the national systems' addresses; see deploy/k8s/README.md.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: sigmat
resources:
  - namespace.yaml
  - secrets.yaml
  - tracker.yaml
  - api.yaml
  - adapters.yaml
  - network-policies.yaml
  - provision.yaml
configMapGenerator:
  - name: tracker
    files: [tracker.toml=config/tracker.toml]
  - name: api
    files: [api.toml=config/api.toml]
  - name: provision
    files: [provision.sh=provision/provision.sh]
    literals: [countries={" ".join(ccs)}]
  - name: prometheus
    files: [prometheus.yml=monitoring/prometheus.yml, alerts.yml=monitoring/alerts.yml]
  - name: grafana-dashboard-sigmat
    files: [sigmat.json=monitoring/dashboard.json]
    options:
      labels: {{grafana_dashboard: "1"}}
{generators}"""


def env_patch(kind, name, container, variables):
    """A strategic-merge patch adding (or replacing, by name) environment variables."""
    lines = "".join(
        f"                  - {{name: {key}, value: {value}}}\n" for key, value in variables
    )
    return f"""  - patch: |-
      apiVersion: {"batch/v1" if kind == "Job" else "apps/v1"}
      kind: {kind}
      metadata: {{name: {name}}}
      spec:
        template:
          spec:
            containers:
              - name: {container}
                env:
{lines}"""


def training_overlay(ccs):
    """The training ground on Kubernetes: the base in the namespace sigmat-training, every
    service on the topic prefix `training`, the schemas `training` and `training_adapter_<cc>`
    and the broker identities training-… (docs/training.md)."""
    service = lambda prefix, who: [
        (f"SIGMAT_{prefix}__KAFKA__TOPIC_PREFIX", "training"),
        (f"SIGMAT_{prefix}__KAFKA__PROPERTIES__SASL.USERNAME", f"training-{who}"),
    ]
    patches = [
        env_patch("Deployment", "tracker", "tracker",
                  service("TRACKER", "tracker")
                  + [("SIGMAT_TRACKER__DATABASE__SCHEMA", "training"),
                     ("SIGMAT_TRACKER__GROUP_ID", "training-tracker")]),
        env_patch("Deployment", "api", "api",
                  service("API", "api") + [("SIGMAT_API__DATABASE__SCHEMA", "training")]),
        env_patch("Job", "provision-kafka", "provision",
                  [("PREFIX", "training"), ("IDENTITIES", "training")]),
    ]
    for cc in ccs:
        lc = cc.lower()
        patches.append(env_patch(
            "Deployment", f"adapter-{lc}", "adapter",
            service("ADAPTER", f"adapter-{lc}")
            + [("SIGMAT_ADAPTER__DATABASE__SCHEMA", f"training_adapter_{lc}"),
               ("SIGMAT_ADAPTER__GROUP_ID", f"training-adapter-{lc}")]))
    return f"""{HEADER}# The training ground (docs/training.md): the whole network again, apart from live data —
# its own namespace, topics (prefix training), database schemas (training,
# training_adapter_<cc>), broker identities (training-tracker, training-api,
# training-adapter-<cc>, each allowed only the training topics) and accounts. Its Secrets are
# its own: set them as for the live network (the same PostgreSQL and Kafka will do), with
# the training identities' passwords. Copy it to set images and the trainers' host.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: sigmat-training
resources:
  - ../../base
patches:
  # The namespace object itself (the namespace: above moves every other object into it).
  - target: {{kind: Namespace, name: sigmat}}
    patch: |-
      - {{op: replace, path: /metadata/name, value: sigmat-training}}
  # One tracker is plenty for a class; scaled on the training group's lag.
  - target: {{kind: HorizontalPodAutoscaler, name: tracker}}
    patch: |-
      - {{op: replace, path: /spec/minReplicas, value: 1}}
      - {{op: replace, path: /spec/maxReplicas, value: 2}}
      - {{op: replace, path: /spec/metrics/0/external/metric/selector/matchLabels/group, value: training-tracker}}
  - target: {{kind: Deployment, name: tracker}}
    patch: |-
      - {{op: replace, path: /spec/replicas, value: 1}}
  - target: {{kind: Deployment, name: api}}
    patch: |-
      - {{op: replace, path: /spec/replicas, value: 1}}
  # The trainees' apps at a host of their own.
  - target: {{kind: Ingress, name: api}}
    patch: |-
      - {{op: replace, path: /spec/rules/0/host, value: training.sigmat.example}}
      - {{op: replace, path: /spec/tls/0/hosts/0, value: training.sigmat.example}}
{"".join(patches)}"""


def files():
    pairs = list(countries())
    out = {BASE / "kustomization.yaml": kustomization([cc for cc, _ in pairs])}
    ccs = [cc for cc, _ in pairs]
    out[BASE / "adapters.yaml"] = HEADER + "".join(adapter_manifests(cc) for cc, _ in pairs)
    out[BASE / "config/tracker.toml"] = tracker_config(ccs)
    out[BASE / "config/api.toml"] = api_config()
    out[BASE / "secrets.yaml"] = secrets(ccs)
    for cc, family in pairs:
        out[BASE / f"config/adapter-{cc.lower()}.toml"] = adapter_config(cc, family)
    out[TRAINING / "kustomization.yaml"] = training_overlay(ccs)
    return out


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for path, text in files().items():
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        sys.exit("not what deploy/k8s/generate.py writes (run it): " + ", ".join(stale))


if __name__ == "__main__":
    main()

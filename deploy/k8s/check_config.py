#!/usr/bin/env python3
"""Checks what the rendered manifests give each sigmat service, with the service itself.

For every container running `tracker`, `adapter` or `api`: its `--config` file is taken from
the ConfigMap mounted there and its environment from the manifest (a value from a Secret or a
ConfigMap becomes a placeholder string), and `<service> --config FILE check-config` is run
with exactly that: an unknown key, a wrong type or a missing required key fails, as the
service would at start. Then every `sigmat_` metric named in the Prometheus alerts and the
Grafana dashboard must be listed in docs/metrics.md. And the training ground's overlay
(rendered as training.yaml) must keep apart from live data: every object in its own namespace,
every service — by its file and its environment together, as it would read them — on the topic
prefix `training`, a `training` schema, a `training-` broker identity and consumer group, and
the provisioning Job making the training topics and identities only.

    check_config.py --bin-dir target/debug rendered.yaml…
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = {"tracker", "adapter", "api"}


def objects(paths):
    for path in paths:
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    yield doc


def config_file(container, volumes, configmaps):
    """The text of the file the container's --config names, from its mounted ConfigMap."""
    args = container.get("args", [])
    path = args[args.index("--config") + 1]
    for mount in container.get("volumeMounts", []):
        if mount["mountPath"] == path:
            volume = volumes[mount["name"]]
            data = configmaps[volume["configMap"]["name"]]["data"]
            return data[mount.get("subPath") or pathlib.Path(path).name]
    sys.exit(f"{container['name']}: nothing is mounted at {path}")


def environment(container):
    env = {}
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = var["value"]
        else:
            env[var["name"]] = "placeholder-from-" + next(iter(var["valueFrom"]))
    return env


def check_services(docs, bin_dir):
    configmaps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    checked = 0
    for d in docs:
        if d["kind"] != "Deployment":
            continue
        spec = d["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in spec["containers"]:
            service = container["image"].split("/")[-1].split(":")[0].split("@")[0]
            if service not in SERVICES:
                continue
            text = config_file(container, volumes, configmaps)
            with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
                f.write(text)
            env = {k: v for k, v in os.environ.items() if not k.startswith("SIGMAT_")}
            env.update(environment(container))
            env["RUST_BACKTRACE"] = "0"
            run = subprocess.run(
                [str(bin_dir / service), "--config", f.name, "check-config"],
                env=env, capture_output=True, text=True,
            )
            os.unlink(f.name)
            if run.returncode != 0:
                sys.exit(f"deployment/{d['metadata']['name']}: {service} refuses its configuration:\n"
                         f"{run.stderr or run.stdout}")
            checked += 1
    if checked == 0:
        sys.exit("no sigmat service found in the manifests")
    print(f"{checked} services read their configuration as the manifests give it")


def effective(container, text):
    """What a service reads for the settings that keep the training ground apart: its file
    with its environment over it (SIGMAT_<SERVICE>__SECTION__KEY)."""
    service = container["image"].split("/")[-1].split(":")[0].split("@")[0]
    config = tomllib.loads(text)
    env = environment(container)
    prefix = f"SIGMAT_{service.upper()}__"
    pick = lambda path, default=None: env.get(prefix + "__".join(path).upper(), _dig(config, path, default))
    return {
        "topic prefix": pick(["kafka", "topic_prefix"]),
        "schema": pick(["database", "schema"]),
        "broker identity": env.get(prefix + "KAFKA__PROPERTIES__SASL.USERNAME",
                                   _dig(config, ["kafka", "properties", "sasl.username"])),
        # As each service picks it: the tracker's is required; an adapter without one joins
        # `sigmat-adapter-<cc>`, the live group; the API joins none.
        "consumer group": {
            "tracker": pick(["group_id"]),
            "adapter": pick(["group_id"], f"sigmat-adapter-{str(config.get('country', '')).lower()}"),
        }.get(service, "training (no group)"),
    }


def _dig(config, path, default=None):
    for key in path:
        if not isinstance(config, dict) or key not in config:
            return default
        config = config[key]
    return config


def check_training(docs):
    configmaps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    wrong = []
    for d in docs:
        name = f"{d['kind']}/{d['metadata']['name']}"
        if d["kind"] == "Namespace":
            if d["metadata"]["name"] != "sigmat-training":
                wrong.append(f"{name}: not the training namespace")
        elif d["metadata"].get("namespace") != "sigmat-training":
            wrong.append(f"{name}: in namespace {d['metadata'].get('namespace')}")
        if d["kind"] not in ("Deployment", "Job"):
            continue
        spec = d["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in spec["containers"]:
            if d["kind"] == "Job":
                env = environment(container)
                for key in ("PREFIX", "IDENTITIES"):
                    if env.get(key) != "training":
                        wrong.append(f"{name}: {key} is {env.get(key)!r}, not 'training'")
                continue
            text = config_file(container, volumes, configmaps)
            for what, value in effective(container, text).items():
                ok = value == "training" if what == "topic prefix" else str(value).startswith("training")
                if not ok:
                    wrong.append(f"{name}: {what} {value!r} is not the training ground's")
    if wrong:
        sys.exit("the training overlay touches live data:\n  " + "\n  ".join(wrong))
    print("the training overlay keeps to its own namespace, topics, schemas and broker identities")


def check_metrics(docs):
    listed = set(re.findall(r"^\| `(sigmat_[a-z_]+)`", (ROOT / "docs/metrics.md").read_text(), re.M))
    named = set()
    for d in docs:
        if d["kind"] == "ConfigMap":
            for text in d.get("data", {}).values():
                named |= set(re.findall(r"\b(sigmat_[a-z_]+?)(?:_bucket|_sum|_count)?\b", text))
    unknown = sorted(named - listed)
    if unknown:
        sys.exit(f"the alerts or the dashboard name metrics docs/metrics.md does not list: {unknown}")
    print(f"{len(named)} metrics named in alerts and dashboard, all listed in docs/metrics.md")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", type=pathlib.Path, default=ROOT / "target/debug")
    parser.add_argument("rendered", nargs="+")
    args = parser.parse_args()
    docs = list(objects(args.rendered))
    check_services(docs, args.bin_dir)
    check_metrics(docs)
    training = [p for p in args.rendered if pathlib.Path(p).stem == "training"]
    if not training:
        sys.exit("no rendered training overlay (training.yaml) among the manifests")
    check_training(list(objects(training)))


if __name__ == "__main__":
    main()

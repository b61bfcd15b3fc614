#!/usr/bin/env python3
"""Writes docs/reliability.md from the figures of a real run.

Reads target/reliability/faults.json (written by integration-tests/tests/faults.rs) and
target/reliability/fuzz.json (written by deploy/local/fuzz). Run by deploy/local/reliability;
nothing in the document is typed by hand except the explanations around the figures.
"""
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target", "reliability")

FAULT_NAMES = {
    "tracker": "the tracker (hub)",
    "adapter-bf": "Burkina Faso's adapter (border and destination of three corridors)",
    "api": "the hub API (officers' phones and the dashboard)",
    "kafka-node": "one node of the three-node Apache Kafka cluster",
    "postgresql": "PostgreSQL (the server and all its processes, as a power cut)",
}

FUZZ_WHAT = {
    "json_decode": "standardized JSON messages (the decoder every hop uses)",
    "xml_decode": "standardized XML messages",
    "conformity_check": "the conformity checker (any bytes, JSON or XML)",
    "identifiers": "MRNs, office codes and the other identifiers",
    "asycuda_translate": "ASYCUDA World XML, read and written back",
    "sydam_translate": "SYDAM World JSON, read and written back",
    "gainde_translate": "GAINDE EDIFACT, read and written back",
    "api_bodies": "the API's JSON bodies: logins and officers' actions, and the messages they become",
}


def machine():
    cores = os.cpu_count()
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    return f"{cores} cores{memory}, {platform.system()} {platform.machine()}"


def commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load(name):
    path = os.path.join(OUT, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def faults_section(data):
    plan, report = data["plan"], data["report"]
    lines = [
        "## Faults under corridor traffic",
        "",
        f"{plan['movements']} movements released at {plan['releasesPerSecond']:g} per second, "
        f"spread over the corridors {', '.join(plan['corridors'])}, through one adapter per "
        f"country ({', '.join(plan['adapters'])}), a tracker, the API, PostgreSQL and the "
        f"{plan['kafkaNodes']}-node Apache Kafka cluster (replication 3, two copies in sync). "
        "Each movement is released at its departure, passes every border post once that post "
        f"holds its transit record and {plan.get('legSeconds', 0):g} s have passed (a leg's "
        "driving time, compressed), and arrives as long after the departure holds every "
        "passage; one arrival in four is confirmed by an officer through the API. Every sender "
        "retries with the same message until it is answered, as a national system does.",
        "",
        "While it flows, each part is killed with SIGKILL — no warning, nothing flushed — "
        "and started again:",
        "",
        "| Killed | At | Movements under way | Back after |",
        "|---|---:|---:|---:|",
    ]
    for f in data["faults"]:
        lines.append(f"| {FAULT_NAMES.get(f['what'], f['what'])} | {f['atSeconds']:.1f} s "
                     f"| {f['inFlight']} | {f['downSeconds']:.1f} s |")
    r = report
    lines += [
        "",
        "Then every store is read (the hub's event log and movements, every adapter's "
        "deliveries and kept refusals, the dead-letter topic) and each message accounted for:",
        "",
        "| | Count |",
        "|---|---:|",
        f"| Messages sent | {r['sent']} |",
        f"| — accepted for the hub | {r['accepted']} |",
        f"| — of which officers' actions through the API | {r['byOfficers']} |",
        f"| — rejected, each answered | {r['rejected']} |",
        f"| — — damaged national messages, refused by their adapter (400) | {r['damaged']} |",
        f"| — — messages about a movement never released, refused by the hub (IE906) | {r['ghosts']} |",
        f"| Refusals kept by the adapters | {r['refusalsKept']} |",
        f"| IE906 answers delivered to their senders | {r['ghostsAnswered']} |",
        f"| Dead-lettered (copies of the hub's refusals) | {r['deadLettered']} |",
        f"| Undecodable records put straight on the broker / set aside by the tracker | {r['undecodable']} / {r['undecodableKept']} |",
        f"| Records owed to offices (transit and arrival records, confirmations) | {r['owed']} |",
        f"| — delivered | {r['delivered']} |",
        f"| Movements completed (Arrived, versions and event log agreeing) | {r['completed']} of {r['movements']} |",
        f"| Movements in an impossible state | {len(r['impossible'])} |",
        f"| Delivered or processed twice | **{r['duplicated']}** |",
        f"| Deliveries nobody was owed | {r['unexpectedDeliveries']} |",
        f"| **Lost** | **{r['lost']}** |",
        f"| HTTP calls made / retried because a part was down | {r['calls']} / {r['retried']} |",
        f"| Officer actions answered \"replayed\" | {r['replays']} |",
        f"| Traffic ran | {r['seconds']:.0f} s |",
        "",
        "Lost counts accepted messages with no entry in the hub's event log, records an office "
        "was owed and does not hold, refusals neither answered nor kept, and refused messages "
        "without a dead letter. Duplicated counts a second event for one message and a second "
        "delivery of one record (the broker may carry a record twice after a crash; every hop "
        "drops the copy by message id, and this counts what got past that).",
        "",
    ]
    return lines


def fuzz_section(data):
    lines = [
        "## Inputs tried",
        "",
        "### Fuzzing",
        "",
        f"Each target ran for {data['secondsPerTarget']} s with libFuzzer ({data['toolchain']}), "
        "starting from the committed seed corpus in `fuzz/corpus/`:",
        "",
        "| Target | What it reads | Inputs | Seconds | Crashes |",
        "|---|---|---:|---:|---:|",
    ]
    for t in data["targets"]:
        lines.append(f"| `{t['target']}` | {FUZZ_WHAT.get(t['target'], '')} | {t['runs']:,} "
                     f"| {t['seconds']} | {t['crashes']} |")
    lines.append("")
    return lines


STATIC_INPUTS = [
    "### In the test command (`deploy/local/test`, every CI run)",
    "",
    "- **The API from its own contract**: schemathesis sends about 3,500 requests generated "
    "from `schemas/openapi/sigmat-api.json`, valid and broken, as an operator and as an "
    "officer (`integration-tests/tests/contract.rs`); no answer may be a server error.",
    "- **Every text field at its limit and one past it**, in every message type, against the "
    "JSON Schema, the XSD and both decoders (`services/transit-codec/tests/text_lengths.rs`), "
    "and oversized fields in each national family.",
    "- **Random and damaged messages** through every decoder and translator "
    "(`services/transit-codec/tests/round_trip.rs` and the family tests): the fuzz targets' "
    "properties on stable Rust.",
    "- **Poison**: a record the database refuses is set aside and the rest of its batch stored "
    "(`integration-tests/tests/poison.rs`); a record the broker refuses is set aside and the "
    "rest delivered; a webhook the national system refuses is parked (`parking.rs`).",
    "- **A consumer group disrupted** while traffic flows (`group_churn.rs`), a broker error "
    "in the middle of a batch, services started before PostgreSQL or the broker "
    "(`patience.rs`), and the fault test above (`faults.rs`).",
    "",
]


def main():
    faults, fuzz = load("faults.json"), load("fuzz.json")
    if faults is None:
        sys.exit("target/reliability/faults.json is missing: run deploy/local/reliability")
    lines = [
        "# Reliability: what was broken on purpose, and what was lost",
        "",
        "<!-- Written by deploy/local/reliability from a real run; do not edit by hand. -->",
        "",
        f"Measured on {datetime.now(timezone.utc):%Y-%m-%d} at commit `{commit()}` on "
        f"{machine()}. Regenerate with `deploy/local/reliability` (about 10 minutes: the "
        "fault test, then every fuzz target for 60 s; `--fuzz-seconds N` changes that).",
        "",
    ]
    lines += faults_section(faults)
    if fuzz is not None:
        lines += fuzz_section(fuzz)
    else:
        lines += ["## Inputs tried", "", "(fuzzing was not run for this document)", ""]
    lines += STATIC_INPUTS
    lines += [
        "## Flakes",
        "",
        "The browser tests wait on conditions (an element's text, a movement's version), never on "
        "sleeps or on elements a redraw replaces. The whole test command was run ten times in a "
        "row on 2026-11-30 at commit `e1c4f10` (2 cores): ten passes, 5 min 20 s to 6 min 51 s "
        "each — `for i in $(seq 10); do deploy/local/test || break; done`. This paragraph is "
        "the one part of the document not measured by `deploy/local/reliability`.",
        "",
        "## How a crash loses nothing",
        "",
        "- An adapter answers 202 only once the broker holds the message on every in-sync "
        "replica (acks=all, idempotent producer); a crash before that answer leaves the national "
        "system to send it again, with the same id, and the hub keeps the first.",
        "- The tracker stores each batch in one PostgreSQL transaction — inbox, movement, event "
        "log, outbox — and commits its consumer offsets only after it; a crash in between reads "
        "the batch again, and the inbox drops what was already stored.",
        "- Copies leave through the outbox: a relay publishes them and marks them sent; a crash "
        "publishes some again, and each adapter stores a delivery once per message id.",
        "- The API reserves an officer's Idempotency-Key before it publishes, so a phone that "
        "retries after a crash is answered \"replayed\", and the message is the same.",
        "",
    ]
    target = os.path.join(ROOT, "docs", "reliability.md")
    with open(target, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {os.path.relpath(target, ROOT)}")


if __name__ == "__main__":
    main()

"""Writes services/web/assets/region.json: the borders and coastlines of the corridors' region,
from Natural Earth (public domain) as redistributed in the npm package world-atlas
(countries-50m, TopoJSON, ISC licence). The dashboard draws them under the corridors, with no
tile server and no network.

    python3 services/web/region/build.py            # downloads world-atlas from the npm registry
    python3 services/web/region/build.py some.tgz   # or reads a copy of the package

The package's integrity (sha512, as the registry publishes it) is checked before it is read.
Commit the output; the web crate embeds it."""
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.request

PACKAGE = "world-atlas"
VERSION = "2.0.2"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
# West Africa, around every office of schemas/reference/offices.json.
WEST, EAST, SOUTH, NORTH = -19.0, 6.5, 3.5, 19.0
STEP = 0.02  # degrees kept (about 2 km): enough for a corridor map
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "region.json")


def package_bytes(path):
    if path:
        return open(path, "rb").read()
    with urllib.request.urlopen(TARBALL, timeout=60) as answer:
        return answer.read()


def check_integrity(data):
    algorithm, expected = INTEGRITY.split("-", 1)
    got = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if got != expected:
        sys.exit(f"{TARBALL}: integrity {algorithm}-{got} is not the published {INTEGRITY}")


def decode_arcs(topology):
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    return points


def rounded(points):
    out = []
    for lon, lat in points:
        p = [round(round(lon / STEP) * STEP, 2), round(round(lat / STEP) * STEP, 2)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def touches_region(points):
    return any(WEST <= lon <= EAST and SOUTH <= lat <= NORTH for lon, lat in points)


def main():
    data = package_bytes(sys.argv[1] if len(sys.argv) > 1 else None)
    check_integrity(data)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        topology = json.load(tar.extractfile("package/countries-50m.json"))
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
        rings = [rounded(ring(arcs, r)) for polygon in polygons for r in polygon]
        rings = [r for r in rings if len(r) >= 4 and touches_region(r)]
        if rings:
            countries.append({"id": geometry.get("id"), "name": geometry["properties"]["name"], "rings": rings})
    countries.sort(key=lambda c: c["name"])
    document = {
        "source": f"Natural Earth 4.1.0 (public domain), countries 1:50m, from the npm package {PACKAGE}@{VERSION} ({INTEGRITY}); written by services/web/region/build.py",
        "bounds": {"west": WEST, "east": EAST, "south": SOUTH, "north": NORTH},
        "countries": countries,
    }
    with open(OUT, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(countries)} countries, {sum(len(r) for c in countries for r in c['rings'])} points")


if __name__ == "__main__":
    main()

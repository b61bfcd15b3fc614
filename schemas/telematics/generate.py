#!/usr/bin/env python3
"""Writes geography.json, the corridor geography sigmat ships as reference data (the file
`telematics/geography.json` of a reference document), from three inputs:

- ../reference/offices.json and ../reference/corridors.json: the offices and the corridors;
- roads/corridor-roads.geojson: one road per corridor, from Natural Earth (see roads/README.md).

Each office on a corridor gets a zone: an octagon centred where the corridor's road passes
nearest the office (a border post is on the road; the town's coordinates may be kilometres
away), 4 km across the radius for a border post, 6 km for a port, an inland office or a
destination. These zones are example data that an administration replaces with its surveyed
customs zones (any polygon; docs/telematics.md). Run after changing an input:

    python3 schemas/telematics/generate.py
"""
import json, math, os

HERE = os.path.dirname(os.path.abspath(__file__))
RADIUS_M = {"border": 4000, "other": 6000}
EARTH_M = 6371008.8


def local(p, origin):
    scale = math.cos(math.radians(origin[1]))
    return ((p[0] - origin[0]) * math.pi / 180 * scale * EARTH_M, (p[1] - origin[1]) * math.pi / 180 * EARTH_M)


def nearest_on_line(line, p):
    """The point of `line` nearest `p`, and its distance in metres."""
    best = (float("inf"), None)
    for a, b in zip(line, line[1:]):
        ax, ay = local(a, p)
        bx, by = local(b, p)
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        x, y = ax + t * dx, ay + t * dy
        d = math.hypot(x, y)
        if d < best[0]:
            best = (d, [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
    return best


def octagon(centre, radius_m):
    scale = math.cos(math.radians(centre[1]))
    ring = []
    for k in range(8):
        angle = 2 * math.pi * (k + 0.5) / 8
        ring.append([round(centre[0] + math.degrees(radius_m * math.cos(angle) / EARTH_M) / scale, 5),
                     round(centre[1] + math.degrees(radius_m * math.sin(angle) / EARTH_M), 5)])
    ring.append(ring[0])
    return ring


def main():
    offices = {o["code"]: o for o in json.load(open(os.path.join(HERE, "../reference/offices.json")))["offices"]}
    corridors = json.load(open(os.path.join(HERE, "../reference/corridors.json")))["corridors"]
    roads = {f["properties"]["corridor"]: f for f in json.load(open(os.path.join(HERE, "roads/corridor-roads.geojson")))["features"]}
    features, zoned = [], set()
    for corridor in corridors:
        if corridor.get("mode") == "rail":
            continue  # trains are not tracked on roads
        road = roads[corridor["id"]]
        line = road["geometry"]["coordinates"]
        features.append({"type": "Feature", "properties": {
            "kind": "road", "corridor": corridor["id"], "offices": corridor["offices"],
            "lengthKm": road["properties"]["lengthKm"], "source": road["properties"]["source"]},
            "geometry": {"type": "LineString", "coordinates": line}})
        for code in corridor["offices"]:
            if code in zoned:
                continue
            office = offices[code]
            distance, centre = nearest_on_line(line, [office["longitude"], office["latitude"]])
            role = "border" if office["roles"] == ["border"] else "other"
            zoned.add(code)
            features.append({"type": "Feature", "properties": {
                "kind": "zone", "office": code, "name": office["name"],
                "radiusM": RADIUS_M[role], "roadDistanceM": round(distance)},
                "geometry": {"type": "Polygon", "coordinates": [octagon(centre, RADIUS_M[role])]}})
    features.sort(key=lambda f: (f["properties"]["kind"] != "zone", f["properties"].get("office", f["properties"].get("corridor"))))
    out = {"type": "FeatureCollection",
           "note": "sigmat's corridor geography: a zone per customs office (example octagons centred on the road; replace them with surveyed customs zones) and a road per corridor. Coordinates are [longitude, latitude], WGS 84. Written by schemas/telematics/generate.py; see docs/telematics.md.",
           "licence": "Roads: Natural Earth, public domain (https://www.naturalearthdata.com/about/terms-of-use/). Zones: sigmat, Apache-2.0.",
           "features": features}
    with open(os.path.join(HERE, "geography.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote geography.json: {len(zoned)} zones, {len(corridors)} roads")


if __name__ == "__main__":
    main()

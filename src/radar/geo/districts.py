"""Districts (Kreise and kreisfreie Städte) by their official key (the first five digits of the
Amtlicher Gemeindeschlüssel), for district resolution.

North Rhine-Westphalia is listed in full, Südwestfalen's home state. Elsewhere a kreisfreie
Stadt is named after its city (the gazetteer knows it); a Landkreis outside this table has no
name here and its actors get no district."""

from collections.abc import Mapping

from radar.matching.normalise import fold

NRW_DISTRICTS: dict[str, str] = {
    "05111": "Düsseldorf",
    "05112": "Duisburg",
    "05113": "Essen",
    "05114": "Krefeld",
    "05116": "Mönchengladbach",
    "05117": "Mülheim an der Ruhr",
    "05119": "Oberhausen",
    "05120": "Remscheid",
    "05122": "Solingen",
    "05124": "Wuppertal",
    "05154": "Kleve",
    "05158": "Mettmann",
    "05162": "Rhein-Kreis Neuss",
    "05166": "Viersen",
    "05170": "Wesel",
    "05314": "Bonn",
    "05315": "Köln",
    "05316": "Leverkusen",
    "05334": "Städteregion Aachen",
    "05358": "Düren",
    "05362": "Rhein-Erft-Kreis",
    "05366": "Euskirchen",
    "05370": "Heinsberg",
    "05374": "Oberbergischer Kreis",
    "05378": "Rheinisch-Bergischer Kreis",
    "05382": "Rhein-Sieg-Kreis",
    "05512": "Bottrop",
    "05513": "Gelsenkirchen",
    "05515": "Münster",
    "05554": "Borken",
    "05558": "Coesfeld",
    "05562": "Recklinghausen",
    "05566": "Steinfurt",
    "05570": "Warendorf",
    "05711": "Bielefeld",
    "05754": "Gütersloh",
    "05758": "Herford",
    "05762": "Höxter",
    "05766": "Lippe",
    "05770": "Minden-Lübbecke",
    "05774": "Paderborn",
    "05911": "Bochum",
    "05913": "Dortmund",
    "05914": "Hagen",
    "05915": "Hamm",
    "05916": "Herne",
    "05954": "Ennepe-Ruhr-Kreis",
    "05958": "Hochsauerlandkreis",
    "05962": "Märkischer Kreis",
    "05966": "Olpe",
    "05970": "Siegen-Wittgenstein",
    "05974": "Soest",
    "05978": "Unna",
}

# The five districts of Südwestfalen and the city of Hagen: the DO IT cluster's region.
SUEDWESTFALEN = frozenset({"05958", "05962", "05966", "05970", "05974", "05914"})

# Landscapes that official names and addresses use as a qualifier ("Neunkirchen (Siegerland)",
# "Menden (Sauerland)"), by the districts they lie in.
REGIONS: dict[str, frozenset[str]] = {
    "Siegerland": frozenset({"05970"}),
    "Wittgenstein": frozenset({"05970"}),
    "Wittgensteiner Land": frozenset({"05970"}),
    "Sauerland": frozenset({"05958", "05962", "05966", "05974"}),
    "Hochsauerland": frozenset({"05958"}),
    "Märkisches Sauerland": frozenset({"05962"}),
    "Kurkölnisches Sauerland": frozenset({"05958", "05966"}),
    "Südwestfalen": SUEDWESTFALEN,
}

_DISTRICT_PREFIXES = ("landkreis ", "kreisfreie stadt ", "stadtkreis ", "kreis ", "lk ", "stadt ")


def district_key(name: str) -> str:
    """The folded spelling a district is looked up by: "Kreis Olpe", "LK Olpe" and "Olpe" alike."""
    folded = fold(name).replace("-", " ")
    for prefix in _DISTRICT_PREFIXES:
        if folded.startswith(prefix):
            return folded.removeprefix(prefix)
    return folded


def district_index(names: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """District names (`names`: key → name) and landscape names, by `district_key`, to the
    keys of the districts they cover."""
    index: dict[str, set[str]] = {}
    for key, name in names.items():
        index.setdefault(district_key(name), set()).add(key)
    for region, keys in REGIONS.items():
        index.setdefault(district_key(region), set()).update(keys)
    return {name: frozenset(keys) for name, keys in index.items()}

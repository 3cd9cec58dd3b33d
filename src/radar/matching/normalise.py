"""Text folding and fuzzy lookup of taxonomy terms (umlaut-insensitive, typo-tolerant)."""

import re
import unicodedata
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz, process

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str, *, spell_umlauts: bool = True) -> str:
    """Lower-case, umlauts spelled out (ä→ae), other accents dropped, whitespace collapsed."""
    lowered = text.casefold()
    if lowered.isascii():
        return " ".join(lowered.split())
    if spell_umlauts:
        lowered = lowered.translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", plain).strip()


def closest(
    query: str, choices: Mapping[str, Iterable[str]], *, limit: int = 3, cutoff: float = 60
) -> list[str]:
    """The keys of `choices` whose names (slug, labels, synonyms) best resemble `query`."""
    names: dict[str, str] = {}
    for key, aliases in choices.items():
        for alias in (key, *aliases):
            names.setdefault(fold(alias.replace("-", " ")), key)
    folded_names = list(names)
    ranked: list[str] = []
    for name, _score, _index in process.extract(
        fold(query.replace("-", " ")),
        folded_names,
        scorer=fuzz.WRatio,
        limit=limit * 4,
        score_cutoff=cutoff,
    ):
        if names[name] not in ranked:
            ranked.append(names[name])
    return ranked[:limit]

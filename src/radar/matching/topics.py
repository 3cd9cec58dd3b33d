"""Free-text terms to taxonomy topics: labels and synonyms in any case and umlaut spelling, then
spelling variants (hyphens, spaces, inflections), small typos and topic names inside a longer
phrase; what matches nothing stays a free term."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from radar.matching.normalise import fold

# A wrong topic is worse than a free term, which still counts in matching: typos are forgiven
# only in longer words (one edit from 5 letters, two from 10, counted on the shorter of the
# two words), never in abbreviations such as KI, AR, PV, H2 or QM, and never when two topics
# are equally close. In a short word a letter typed for another mostly makes another word
# ("Leser", "Lader" are not "Laser"): there only a missing, extra or swapped letter counts.
TYPO_EDITS = ((10, 2), (5, 1))
SUBSTITUTION_MIN = 8
# Inflection endings stripped, longest first and repeatedly, before words are compared: German
# plurals and adjective endings, English plurals. A stem keeps at least MIN_STEM letters, so
# that "Laser" stays "laser" and "Lasers" becomes it.
ENDINGS = ("en", "er", "es", "e", "n", "s")
MIN_STEM = 4
# Inside a longer phrase only names of some substance count ("Reallabor", "KI-Anwendungen"),
# not "KI" or "CAD" on their own.
PHRASE_MIN_LETTERS = 5

How = Literal["exact", "spelling", "fuzzy", "phrase"]


@dataclass(frozen=True)
class TopicName:
    slug: str
    names: tuple[str, ...]  # labels and synonyms


@dataclass(frozen=True)
class Suggestion:
    slug: str
    matched: str  # the label or synonym that matched
    score: float  # 0–100


@dataclass(frozen=True)
class Resolution:
    """What a free term names: a topic's slug (None for nothing), how it was found — `exact`
    (a label, synonym or slug in any case and umlaut spelling), `spelling` (the same apart from
    hyphens, spaces or inflection endings), `fuzzy` (a small typo), `phrase` (a name inside a
    longer text) — and the label or synonym found."""

    slug: str | None
    how: How | None = None
    matched: str | None = None


UNRESOLVED = Resolution(slug=None)


@dataclass(frozen=True)
class _Phrase:
    stems: tuple[str, ...]
    slug: str
    name: str


class TopicNormaliser:
    """Maps free text to taxonomy slugs, built once from the taxonomy."""

    def __init__(self, topics: Iterable[TopicName]) -> None:
        self._exact: dict[str, str] = {}
        self._spelt: dict[str, str] = {}  # folded name → the name as written
        # Spelling variants → {slug: name as written}; more than one slug makes a variant
        # ambiguous, and an ambiguous variant resolves to nothing.
        self._compact: dict[str, dict[str, str]] = {}
        self._stemmed: dict[str, dict[str, str]] = {}
        phrases: dict[tuple[tuple[str, ...], str], str] = {}
        for topic in topics:
            for name in (topic.slug, topic.slug.replace("-", " "), *topic.names):
                for spell in (True, False):
                    self._exact.setdefault(fold(name, spell_umlauts=spell), topic.slug)
            for name in (*topic.names, topic.slug):  # shown as the label, not the slug
                for spell in (True, False):
                    folded = fold(name, spell_umlauts=spell)
                    self._spelt.setdefault(folded, name)
                    words = _words(folded)
                    stems = tuple(_stem(word) for word in words)
                    _add(self._compact, "".join(words), topic.slug, name)
                    _add(self._stemmed, "".join(stems), topic.slug, name)
                    if len(words) >= 2 or len("".join(words)) >= PHRASE_MIN_LETTERS:
                        phrases.setdefault((stems, topic.slug), name)
            self._spelt.setdefault(fold(topic.slug.replace("-", " ")), topic.slug)
        self._phrases: dict[str, list[_Phrase]] = {}  # by first stem
        for (stems, slug), name in phrases.items():
            self._phrases.setdefault(stems[0], []).append(_Phrase(stems, slug, name))
        self._typo_choices = [key for key in self._compact if _typo_edits(len(key))]
        self._seen: dict[str, Resolution] = {}  # imports repeat the same few hundred terms

    def slug_for(self, text: str) -> str | None:
        """The taxonomy slug `text` names, or None."""
        return self.resolve(text).slug

    def slugs_for(self, values: Sequence[str]) -> list[str | None]:
        """The slug each of `values` names (None where none), in order."""
        return [self.slug_for(value) for value in values]

    def resolve(self, text: str) -> Resolution:
        """The topic `text` names and how it was found; rules in order, the first that finds
        anything decides: exact, spelling, fuzzy, phrase (see Resolution). A spelling variant,
        typo or phrase that fits two topics equally well resolves to nothing."""
        found = self._seen.get(text)
        if found is None:  # shared by the threads of a process: read and write it once each
            found = self._lookup(text)
            if len(self._seen) > 100_000:
                self._seen.clear()
            self._seen[text] = found
        return found

    def _lookup(self, text: str) -> Resolution:
        key = fold(text)
        for exact in (key, key.replace("-", " ")):
            if exact in self._exact:
                return Resolution(self._exact[exact], "exact", self._spelt[exact])
        words = _words(key)
        if not words:
            return UNRESOLVED
        compact = "".join(words)
        stems = [_stem(word) for word in words]
        for variants, variant in ((self._compact, compact), (self._stemmed, "".join(stems))):
            if variant in variants:
                return _unique(variants[variant], "spelling")
        return self._typo(compact) or self._phrase(stems) or UNRESOLVED

    def _typo(self, key: str) -> Resolution | None:
        """The single name closest to `key` within the edits its length allows."""
        edits = _typo_edits(len(key))
        if not edits:
            return None
        found = process.extract(
            key,
            self._typo_choices,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=edits,
            limit=None,
        )
        close = [
            (int(distance), name)
            for name, distance, _ in found
            if distance <= _typo_edits(min(len(key), len(name)))
            and (min(len(key), len(name)) >= SUBSTITUTION_MIN or not _substituted(key, name))
        ]
        if not close:
            return None
        nearest = min(distance for distance, _ in close)
        candidates: dict[str, str] = {}
        for distance, name in close:
            if distance == nearest:
                for slug, written in self._compact[name].items():
                    candidates.setdefault(slug, written)
        return _unique(candidates, "fuzzy")

    def _phrase(self, stems: list[str]) -> Resolution | None:
        """The topic whose longest name appears as whole words in a text of several words."""
        if len(stems) < 2:
            return None
        longest = 0
        candidates: dict[str, str] = {}
        for start, stem in enumerate(stems):
            for phrase in self._phrases.get(stem, ()):
                if tuple(stems[start : start + len(phrase.stems)]) != phrase.stems:
                    continue
                length = len("".join(phrase.stems))
                if length > longest:
                    longest, candidates = length, {}
                if length == longest:
                    candidates.setdefault(phrase.slug, phrase.name)
        return _unique(candidates, "phrase") if candidates else None

    def split(self, values: Sequence[str]) -> tuple[list[str], list[str]]:
        """(taxonomy slugs, free tags) for free-text topics, each deduplicated in order. A text
        that only contains a topic's name stays a free tag: it says more than the topic."""
        slugs: dict[str, None] = {}
        tags: dict[str, None] = {}
        for value in values:
            found = self.resolve(value)
            if found.slug is not None and found.how != "phrase":
                slugs[found.slug] = None
            elif value.strip():
                tags[value.strip()] = None
        return list(slugs), list(tags)

    def suggest(self, text: str, *, limit: int = 10) -> list[Suggestion]:
        """Topics for what was typed so far, best first: a name equal to it, then names
        starting with it, then names with a word starting with it, then (from three letters)
        names close to it despite typos; umlauts may be spelt out or dropped."""
        keys = {fold(text), fold(text, spell_umlauts=False)} - {""}
        best: dict[str, Suggestion] = {}
        for name, spelt in self._spelt.items():  # labels before slugs: ties show the label
            slug = self._exact[name]
            score = max((_suggest_score(key, name) for key in keys), default=0.0)
            if score and (slug not in best or score > best[slug].score):
                best[slug] = Suggestion(slug=slug, matched=spelt, score=score)
        ranked = sorted(best.values(), key=lambda s: (-s.score, len(s.matched), s.slug))
        return ranked[:limit]


def topic_names(rows: Iterable[tuple[str, str, str, Sequence[str] | None]]) -> list[TopicName]:
    """The names of each topic, from (slug, label_de, label_en, synonyms) rows."""
    return [
        TopicName(slug=slug, names=(label_de, label_en, *(synonyms or ())))
        for slug, label_de, label_en, synonyms in rows
    ]


def topic_parents(rows: Iterable[tuple[str, str | None]]) -> dict[str, str | None]:
    """Each topic's parent in the tree (None at the top), from (slug, parent_slug) rows; a
    parent missing from the rows counts as none, so every parent is itself a key."""
    parents = dict(rows)
    return {slug: parent if parent in parents else None for slug, parent in parents.items()}


def _words(folded: str) -> list[str]:
    return re.findall(r"[^\W_]+", folded)


def _stem(word: str) -> str:
    while True:
        for ending in ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                word = word[: -len(ending)]
                break
        else:
            return word


def _typo_edits(length: int) -> int:
    return next((edits for shortest, edits in TYPO_EDITS if length >= shortest), 0)


def _substituted(key: str, name: str) -> bool:
    """Whether turning `key` into `name` takes replacing a letter (a swap of two neighbours
    is one Damerau–Levenshtein edit but two replacements)."""
    edits = Levenshtein.editops(key, name)
    swapped = DamerauLevenshtein.distance(key, name) < Levenshtein.distance(key, name)
    return any(op.tag == "replace" for op in edits) and not swapped


def _add(variants: dict[str, dict[str, str]], variant: str, slug: str, name: str) -> None:
    if variant:
        variants.setdefault(variant, {}).setdefault(slug, name)


def _unique(candidates: dict[str, str], how: How) -> Resolution:
    if len(candidates) != 1:
        return UNRESOLVED
    ((slug, name),) = candidates.items()
    return Resolution(slug, how, name)


def _suggest_score(key: str, name: str) -> float:
    if name == key:
        return 100.0
    if name.startswith(key):
        return 95.0
    if any(word.startswith(key) for word in name.replace("-", " ").split()):
        return 90.0
    if len(key) >= 4 and len(name) >= len(key) - 1:
        # A typo in what was typed: close to the name, or to as much of it as was typed.
        prefixes = (name[:length] for length in range(len(key) - 1, len(key) + 3))
        score = max(fuzz.ratio(key, name), *(fuzz.ratio(key, prefix) for prefix in prefixes))
        return float(score) * 0.85 if score >= 80 else 0.0
    return 0.0

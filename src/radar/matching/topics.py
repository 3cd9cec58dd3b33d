"""Free-text topics to taxonomy topics: exact slugs, labels and synonyms (umlaut-folded), then a
conservative fuzzy match; what matches nothing stays a free tag."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from radar.matching.normalise import fold

# High enough that "Kunststoff-Technik" finds kunststofftechnik and "Robotik" does not find
# "Optik": a wrong topic is worse than a free tag, which still counts in matching.
FUZZY_CUTOFF = 92.0


@dataclass(frozen=True)
class TopicName:
    slug: str
    names: tuple[str, ...]  # labels and synonyms


@dataclass(frozen=True)
class Suggestion:
    slug: str
    matched: str  # the label or synonym that matched
    score: float  # 0–100


class TopicNormaliser:
    """Maps free text to taxonomy slugs, built once from the taxonomy."""

    def __init__(self, topics: Iterable[TopicName]) -> None:
        self._exact: dict[str, str] = {}
        self._spelt: dict[str, str] = {}  # folded name → the name as written
        for topic in topics:
            for name in (topic.slug, topic.slug.replace("-", " "), *topic.names):
                for spell in (True, False):
                    self._exact.setdefault(fold(name, spell_umlauts=spell), topic.slug)
            for name in (*topic.names, topic.slug):  # shown as the label, not the slug
                for spell in (True, False):
                    self._spelt.setdefault(fold(name, spell_umlauts=spell), name)
            self._spelt.setdefault(fold(topic.slug.replace("-", " ")), topic.slug)
        self._choices = list(self._exact)
        self._seen: dict[str, str | None] = {}  # imports repeat the same few hundred topics

    def slug_for(self, text: str) -> str | None:
        """The taxonomy slug `text` names, or None."""
        if text not in self._seen:
            if len(self._seen) > 100_000:
                self._seen.clear()
            self._seen[text] = self._lookup(text)
        return self._seen[text]

    def _lookup(self, text: str) -> str | None:
        key = fold(text)
        if not key:
            return None
        if key in self._exact:
            return self._exact[key]
        spaced = key.replace("-", " ")
        if spaced in self._exact:
            return self._exact[spaced]
        found = process.extractOne(key, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return self._exact[found[0]] if found else None

    def split(self, values: Sequence[str]) -> tuple[list[str], list[str]]:
        """(taxonomy slugs, free tags) for free-text topics, each deduplicated in order."""
        slugs: dict[str, None] = {}
        tags: dict[str, None] = {}
        for value in values:
            slug = self.slug_for(value)
            if slug is not None:
                slugs[slug] = None
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

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


class TopicNormaliser:
    """Maps free text to taxonomy slugs, built once from the taxonomy."""

    def __init__(self, topics: Iterable[TopicName]) -> None:
        self._exact: dict[str, str] = {}
        for topic in topics:
            for name in (topic.slug, topic.slug.replace("-", " "), *topic.names):
                for spell in (True, False):
                    self._exact.setdefault(fold(name, spell_umlauts=spell), topic.slug)
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

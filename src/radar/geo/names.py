"""Place names as addresses spell them: umlauts, qualifiers in parentheses or after
"an der", "/" or a comma."""

import re

from radar.matching.normalise import fold

_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)\s*")
# "Menden (Sauerland)", "Wickede (Ruhr)", "Frankfurt am Main", "Halle/Saale": the main name
# and the qualifier each address spells differently.
_QUALIFIER = re.compile(r"\s*(?:/|,|\ban der\b|\bam\b|\bim\b|\ban\b|\bin\b|\bi\.\s?)\s*")


def name_keys(name: str) -> set[str]:
    """Every folded spelling a place name is looked up by: umlauts spelled out and plain, with
    and without its parenthesised or `an der …` qualifier."""
    keys: set[str] = set()
    for variant in (name, _PARENTHESIS.sub(" ", name)):
        for spell in (True, False):
            folded = fold(variant, spell_umlauts=spell)
            if folded:
                keys.add(folded)
                keys.add(folded.replace("-", " "))
        head = _QUALIFIER.split(_PARENTHESIS.sub(" ", variant), maxsplit=1)[0]
        if head and head != variant:
            keys.add(fold(head))
            keys.add(fold(head, spell_umlauts=False))
    return {key for key in keys if key}


def qualifier_of(name: str | None) -> str | None:
    """What follows a place's main name: "Sauerland" in "Menden (Sauerland)", "Siegen-Wittgenstein"
    in "Neunkirchen, Siegen-Wittgenstein"."""
    if not name:
        return None
    parenthesised = _PARENTHESIS.search(name)
    if parenthesised:
        return parenthesised.group(1).strip() or None
    parts = _QUALIFIER.split(name, maxsplit=1)
    return (parts[1].strip() or None) if len(parts) == 2 else None

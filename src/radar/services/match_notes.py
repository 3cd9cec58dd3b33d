"""What an empty suggestion list says: why nothing was found, in German and English."""

from collections.abc import Sequence

from radar.models.match import MatchNote

INCLUDE_PARTNERS_DE = "include_partners=true (radar match --include-partners) nimmt sie auf."
INCLUDE_PARTNERS_EN = "include them with include_partners=true (radar match --include-partners)."


def given_filters(kinds: Sequence[object], districts: Sequence[str], radius: bool) -> list[str]:
    """The names of the list filters given."""
    named = (("kind", bool(kinds)), ("district", bool(districts)), ("radius_km", radius))
    return [name for name, given in named if given]


def make_note(code: str, de: str, en: str) -> MatchNote:
    return MatchNote(code=code, de=de, en=en)


def not_indexed() -> MatchNote:
    return make_note(
        "not_indexed",
        "Der Akteur wurde eben erst gespeichert und ist noch nicht im Matching: bitte gleich "
        "noch einmal versuchen.",
        "The actor was saved a moment ago and is not in the matching yet: try again in a moment.",
    )


def filtered_out(none_de: str, none_en: str, given: Sequence[str]) -> MatchNote:
    """`none_de`, `none_en`: "Kein Akteur", "No actor"."""
    names = ", ".join(given)
    return make_note(
        "filtered_out",
        f"{none_de} erfüllt die Filter ({names}): bitte lockern.",
        f"{none_en} passes the filters ({names}): loosen them.",
    )


def below_min_score(min_score: float, best: float, *, pairs: bool = False) -> MatchNote:
    what_de, what_en = ("Paar", "pair") if pairs else ("Vorschlag", "suggestion")
    return make_note(
        "below_min_score",
        f"Kein {what_de} erreicht min_score {min_score:g}; der beste hatte {best:.4f}.",
        f"No {what_en} reaches min_score {min_score:g}; the best scored {best:.4f}.",
    )


class Nearest:
    """The best score among those within the radius (all when none is given): what the note
    of an empty list of ideas or groups says."""

    def __init__(self) -> None:
        self.best: float | None = None

    def saw(self, score: float) -> None:
        self.best = score if self.best is None else max(self.best, score)

    def note(self, none_de: str, none_en: str, min_score: float) -> MatchNote:
        if self.best is None:
            return filtered_out(none_de, none_en, ["radius_km"])
        return below_min_score(min_score, self.best)

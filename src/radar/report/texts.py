"""The report's words in German and English: one small dictionary, shared by the HTML page, the
PDF and the charts, so that both formats say the same in either language."""

from enum import StrEnum

from radar.matching.explain import KIND_LABELS
from radar.models.actor import ActorKind


class ReportLanguage(StrEnum):
    """The languages the report is written in."""

    de = "de"
    en = "en"


# key → (German, English); `{name}` placeholders are filled by `Texts.get`.
TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Radar – Überblick", "Radar – overview"),
    "date": ("Stand", "As of"),
    "filters": ("Filter", "Filters"),
    "no_filters": ("keine – alle Akteure", "none – all actors"),
    "filter_districts": ("Kreise", "Districts"),
    "filter_fields": ("Handlungsfelder", "Action fields"),
    "audience": (
        "Gezählt wird nur, was die Rolle „{role}“ sehen darf; Standorte so, wie sie "
        "jeder sieht (in der freigegebenen Genauigkeit).",
        "Only what the role “{role}” may see is counted; places as everyone sees them (at "
        "the precision each actor allows).",
    ),
    "empty": (
        "Keine Akteure: Die Datenbank ist leer oder die Filter treffen keinen Akteur. Die "
        "Diagramme bleiben leer.",
        "No actors: the database is empty or the filters match none. The charts are empty.",
    ),
    "no_data": ("Keine Daten", "No data"),
    "data_table": ("Die Zahlen", "The figures"),
    "overview": ("Kennzahlen", "Key figures"),
    "actors": ("Akteure", "Actors"),
    "ideas": ("Ideen", "Ideas"),
    "joint_projects": ("Gemeinsame Projekte", "Joint projects"),
    "joint_projects_note": (
        "Ideen und Verbundprojekte mit mindestens zwei Akteuren",
        "ideas and joint projects with at least two actors",
    ),
    "groups": ("Arbeitsgruppen", "Working groups"),
    "news": ("Neuigkeiten", "News"),
    "ties": ("Verbindungen", "Ties"),
    "ties_note": (
        "Paare mit gemeinsamer Idee, Verbundprojekt oder Arbeitsgruppe",
        "pairs sharing an idea, joint project or working group",
    ),
    "isolated": ("Akteure ohne Verbindung", "Actors without a tie"),
    "districts": ("Kreise", "Districts"),
    "memberships": ("Mitgliedschaften", "Memberships"),
    "collaborations": ("Kooperationen", "Collaborations"),
    "by_kind": ("Akteure nach Art", "Actors by kind"),
    "kind": ("Art", "Kind"),
    "count": ("Anzahl", "Count"),
    "no_district": ("ohne Kreis", "no district"),
    "other_districts": ("übrige Kreise", "other districts"),
    "no_field": ("ohne Handlungsfeld", "no action field"),
    "district": ("Kreis", "District"),
    "action_field": ("Handlungsfeld", "Action field"),
    "heatmap_title": (
        "Akteure nach Kreis und Handlungsfeld",
        "Actors by district and action field",
    ),
    "heatmap_caption": (
        "Wie viele Akteure jedes Kreises in jedem Handlungsfeld arbeiten; wer in mehreren "
        "Feldern arbeitet, zählt in jedem.",
        "How many actors of each district work in each action field; an actor in several "
        "fields counts in each.",
    ),
    "gaps_title": ("Angebot und Nachfrage je Thema", "Supply and demand per topic"),
    "gaps_caption": (
        "Wie viele Akteure ein Thema anbieten und wie viele es suchen – die {count} Themen "
        "mit den meisten ungedeckten Bedarfen zuerst. Rot: Bedarfe, die niemand im "
        "gezeigten Gebiet deckt ({unmet} von {needs}).",
        "How many actors offer a topic and how many seek it – the {count} topics with the "
        "most unmet needs first. Red: needs that nobody in the area shown meets ({unmet} of "
        "{needs}).",
    ),
    "term": ("Thema", "Topic"),
    "offered": ("angeboten", "offered"),
    "sought": ("gesucht", "sought"),
    "unmet": ("ungedeckt", "unmet"),
    "growth_title": ("Wachstum je Monat", "Growth per month"),
    "growth_caption": (
        "Was jeden Monat neu hinzukam: Akteure, Ideen, Arbeitsgruppen, Neuigkeiten, "
        "Mitgliedschaften und Kooperationen.",
        "What was new each month: actors, ideas, working groups, news, memberships and "
        "collaborations.",
    ),
    "month": ("Monat", "Month"),
    "network_title": ("Zusammenarbeit zwischen Kreisen", "Collaboration between districts"),
    "network_caption": (
        "Verbindungen (gemeinsame Idee, Verbundprojekt oder Arbeitsgruppe) innerhalb eines "
        "Kreises (Diagonale) und zwischen zwei Kreisen; {within} innerhalb, {across} "
        "über Kreisgrenzen.",
        "Ties (a shared idea, joint project or working group) within a district (the "
        "diagonal) and between two districts; {within} within, {across} across district "
        "lines.",
    ),
    "map_title": ("Akteure nach Kreis", "Actors by district"),
    "map_caption": (
        "Jeder Punkt ein Akteur, an seinem freigegebenen Standort, eingefärbt nach Kreis "
        "(Längen- und Breitengrad, ohne Kartenhintergrund); {unplaced} ohne Standort.",
        "Each point an actor, at the place it shows, coloured by district (longitude and "
        "latitude, no base map); {unplaced} without a place.",
    ),
    "longitude": ("Längengrad", "Longitude"),
    "latitude": ("Breitengrad", "Latitude"),
    "pairs_title": (
        "Die {count} stärksten Paare ohne Verbindung",
        "The {count} strongest unconnected pairs",
    ),
    "pairs_caption": (
        "Akteure, die noch keine Idee, kein Verbundprojekt und keine Arbeitsgruppe teilen, "
        "wie die Matching-Engine sie bewertet (ab {min_score}), mit ihren Gründen.",
        "Actors that share no idea, joint project or working group yet, as the matching "
        "engine scores them (from {min_score}), with its reasons.",
    ),
    "pairs_sampled": (
        "Bewertet wurden {scanned} von {actors} Akteuren, gleichmäßig verteilt, jeweils "
        "gegen alle anderen.",
        "{scanned} of {actors} actors were scored, evenly spread, each against all others.",
    ),
    "no_pairs": ("Keine Paare über der Schwelle.", "No pairs above the threshold."),
    "pair": ("Paar", "Pair"),
    "score": ("Wert", "Score"),
    "reasons": ("Gründe", "Reasons"),
    "chart_alt": (
        "Diagramm: {title}. Die Zahlen stehen in der Tabelle darunter.",
        "Chart: {title}. The figures are in the table below.",
    ),
}


class Texts:
    """The report's words in one language."""

    def __init__(self, lang: ReportLanguage) -> None:
        self.lang = lang
        self._at = 0 if lang is ReportLanguage.de else 1

    def get(self, key: str, **values: object) -> str:
        text = TEXTS[key][self._at]
        return text.format(**values) if values else text

    def pick(self, pair: tuple[str, str]) -> str:
        """The one of a (German, English) pair in this language."""
        return pair[self._at]

    def number(self, value: float, digits: int = 0) -> str:
        """A number as the language writes it: 1.234,5 in German, 1,234.5 in English."""
        text = f"{value:,.{digits}f}"
        if self.lang is ReportLanguage.de:
            text = text.translate(str.maketrans(",.", ".,"))
        return text

    def kind(self, kind: ActorKind | str) -> str:
        """A kind as a table row names it ("Other" where explanations say "actor")."""
        if ActorKind(kind) is ActorKind.other:
            return self.pick(("Sonstige", "Other"))
        label = self.pick(KIND_LABELS[ActorKind(kind)])
        return label[:1].upper() + label[1:]

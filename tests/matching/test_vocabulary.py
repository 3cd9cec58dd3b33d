"""Free terms to taxonomy topics, on the seeded taxonomy: what resolves, how, and what must not."""

import pytest
from alembic.script import ScriptDirectory

from radar.db import alembic_config
from radar.matching.topics import (
    Resolution,
    TopicName,
    TopicNormaliser,
    topic_names,
    topic_parents,
)

# The seed migration's module, loaded by Alembic from wherever the migrations are.
SEED = ScriptDirectory.from_config(alembic_config()).get_revision("0002").module


@pytest.fixture(scope="module")
def normaliser() -> TopicNormaliser:
    """The normaliser of the taxonomy the migrations seed."""
    return TopicNormaliser(
        topic_names((slug, de, en, synonyms) for slug, de, en, _, synonyms, _ in SEED.TOPICS)
    )


def _resolved(normaliser: TopicNormaliser, text: str) -> tuple[str | None, str | None]:
    found = normaliser.resolve(text)
    assert normaliser.slug_for(text) == found.slug
    return found.slug, found.how


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Kunststofftechnik", "kunststofftechnik"),
        ("KUNSTSTOFFTECHNIK", "kunststofftechnik"),
        ("plastics technology", "kunststofftechnik"),
        ("kunststofftechnik", "kunststofftechnik"),
        ("Roboter", "robotik"),
        ("robotics", "robotik"),
        ("Künstliche Intelligenz", "kuenstliche-intelligenz"),
        ("Artificial Intelligence", "kuenstliche-intelligenz"),
        ("Wärmepumpe", "waermepumpen"),
        ("Waermepumpe", "waermepumpen"),
        ("Warmepumpe", "waermepumpen"),
        ("Waermepumpen", "waermepumpen"),
        ("Wärmepumpen", "waermepumpen"),  # folds to the slug
        ("Spritzgießen", "spritzguss"),
        ("Spritzgiessen", "spritzguss"),
        ("Schweissen", "schweisstechnik"),
        ("SCHWEISSEN", "schweisstechnik"),
        ("KI", "kuenstliche-intelligenz"),
        ("QM", "qualitaetsmanagement"),
    ],
)
def test_labels_and_synonyms_in_any_case_and_umlaut_spelling(
    normaliser: TopicNormaliser, text: str, slug: str
) -> None:
    assert _resolved(normaliser, text) == (slug, "exact")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Kunststoff-Technik", "kunststofftechnik"),
        ("Kunststoff Technik", "kunststofftechnik"),
        ("3D Druck", "additive-fertigung"),
        ("3d druck", "additive-fertigung"),
        ("Leistungs-Elektronik", "leistungselektronik"),
        ("Leanmanagement", "lean-management"),
        ("Supplychain Management", "supply-chain-management"),
    ],
)
def test_hyphens_and_spaces_do_not_matter(
    normaliser: TopicNormaliser, text: str, slug: str
) -> None:
    assert _resolved(normaliser, text) == (slug, "spelling")


def test_a_name_written_like_its_slug_is_exact(normaliser: TopicNormaliser) -> None:
    assert _resolved(normaliser, "CO2 Bilanzierung") == ("co2-bilanzierung", "exact")
    assert _resolved(normaliser, "CO2Bilanzierung") == ("co2-bilanzierung", "spelling")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Lasers", "lasertechnik"),
        ("Sensor", "sensorik"),
        ("Warmepumpen", "waermepumpen"),
        ("Heat pumps", "waermepumpen"),
        ("Digital twins", "digitaler-zwilling"),
        ("Digitale Zwillinge", "digitaler-zwilling"),
        ("Kunststoff-Techniken", "kunststofftechnik"),
        ("Reallaboren", "reallabore"),
        ("Werkstoffprüfungen", "werkstofftechnik"),
    ],
)
def test_plurals_and_inflections_in_german_and_english(
    normaliser: TopicNormaliser, text: str, slug: str
) -> None:
    assert _resolved(normaliser, text) == (slug, "spelling")


def test_a_listed_inflection_stays_exact(normaliser: TopicNormaliser) -> None:
    assert _resolved(normaliser, "Sensoren") == ("sensorik", "exact")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Extrusoin", "extrusion"),  # two letters swapped, 9 letters: one edit
        ("Robtik", "robotik"),  # a letter missing
        ("Kreislaufwirtschfat", "kreislaufwirtschaft"),
        ("Krieslaufwirtschfat", "kreislaufwirtschaft"),  # two edits from 10 letters
        ("Nachhaltigkiet", "nachhaltigkeit"),
        ("Kunststof Technik", "kunststofftechnik"),
    ],
)
def test_small_typos_in_longer_words(normaliser: TopicNormaliser, text: str, slug: str) -> None:
    assert _resolved(normaliser, text) == (slug, "fuzzy")


@pytest.mark.parametrize(
    "text",
    [
        "KJ",  # short words are exact-only: no typo makes them KI, AR, PV, H2 or QM
        "AB",
        "PB",
        "H3",
        "QN",
        "Extrsoin",  # two edits in a word under ten letters
        "Leser",  # a letter replaced in a short word makes another word, not "Laser"
        "Lader",
        "Schritt",  # not "Schrott"
    ],
)
def test_no_typo_tolerance_where_a_wrong_topic_is_likely(
    normaliser: TopicNormaliser, text: str
) -> None:
    assert normaliser.resolve(text) == Resolution(slug=None)


def test_robotik_stays_robotik(normaliser: TopicNormaliser) -> None:
    assert _resolved(normaliser, "Robotik") == ("robotik", "exact")
    assert _resolved(normaliser, "Robotk") == ("robotik", "fuzzy")


def test_the_single_closest_name_wins_and_a_tie_resolves_to_nothing() -> None:
    normaliser = TopicNormaliser(
        [
            TopicName("robotik", ("Robotik",)),
            TopicName("photonik", ("Optik",)),
            TopicName("umformtechnik", ("Walzwerk",)),
            TopicName("salz", ("Salzwerk",)),
        ]
    )

    assert normaliser.resolve("Robtik") == Resolution("robotik", "fuzzy", "Robotik")
    assert normaliser.resolve("Optikk") == Resolution("photonik", "fuzzy", "Optik")
    assert normaliser.slug_for("Alzwerk") is None  # one letter from either


@pytest.mark.parametrize(
    ("text", "slug", "matched"),
    [
        ("Praxispartner für Reallabore", "reallabore", "Reallabor"),
        (
            "Anwendungsfälle für Künstliche Intelligenz",
            "kuenstliche-intelligenz",
            "Künstliche Intelligenz",
        ),
        ("KI-Anwendungen aus dem Mittelstand", "kuenstliche-intelligenz", "KI-Anwendungen"),
        ("Partner für Additive Fertigung", "additive-fertigung", "Additive Fertigung"),
        ("Software für die Lagerlogistik", "intralogistik", "Lagerlogistik"),  # longest name
    ],
)
def test_a_topic_named_inside_a_longer_phrase(
    normaliser: TopicNormaliser, text: str, slug: str, matched: str
) -> None:
    assert normaliser.resolve(text) == Resolution(slug, "phrase", matched)


def test_short_names_do_not_count_inside_a_phrase(normaliser: TopicNormaliser) -> None:
    assert normaliser.slug_for("KI aus dem Mittelstand") is None
    assert normaliser.slug_for("CAD und PDM") is None


def test_two_topics_named_equally_long_in_a_phrase_resolve_to_nothing() -> None:
    normaliser = TopicNormaliser(
        [TopicName("robotik", ("Robotik",)), TopicName("technik", ("Technik",))]
    )

    assert normaliser.slug_for("Robotik und Technik") is None
    assert normaliser.slug_for("Robotik im Mittelstand") == "robotik"


@pytest.mark.parametrize(
    "text", ["Praxispartner", "Verbundprojekte", "Mittelstand", "", "   ", "--", "für"]
)
def test_what_names_no_topic_stays_unresolved(normaliser: TopicNormaliser, text: str) -> None:
    assert normaliser.resolve(text) == Resolution(slug=None)


def test_every_seeded_label_and_synonym_names_its_own_topic(normaliser: TopicNormaliser) -> None:
    # Guards the spelling rules: no stem or compact form of one topic's name reaches another.
    for slug, label_de, label_en, _, synonyms, _ in SEED.TOPICS:
        for name in (label_de, label_en, *synonyms):
            assert normaliser.slug_for(name) == slug, name
            assert normaliser.slug_for(name.replace("-", " ")) == slug, name
            assert normaliser.slug_for(name.replace(" ", "").replace("-", "")) == slug, name


def test_slugs_for_keeps_order_and_length(normaliser: TopicNormaliser) -> None:
    assert normaliser.slugs_for(["Spritzgussteile", "Praxispartner", "KI"]) == [
        "spritzguss",
        None,
        "kuenstliche-intelligenz",
    ]


def test_split_keeps_a_phrase_as_a_free_tag(normaliser: TopicNormaliser) -> None:
    # The text says more than the topic it contains; as a tag it still resolves to it.
    assert normaliser.split(
        ["Kunststoff-Technik", "Robtik", "Praxispartner für Reallabore", "Robotik"]
    ) == (["kunststofftechnik", "robotik"], ["Praxispartner für Reallabore"])


def test_topic_parents_give_the_tree() -> None:
    parents = topic_parents(
        [("kunststofftechnik", None), ("spritzguss", "kunststofftechnik"), ("lost", "gone")]
    )

    assert parents == {"kunststofftechnik": None, "spritzguss": "kunststofftechnik", "lost": None}


def test_topic_parents_of_the_seeded_tree() -> None:
    parents = topic_parents((slug, parent) for slug, _, _, parent, _, _ in SEED.TOPICS)

    assert parents["spritzguss"] == "kunststofftechnik"
    assert parents["kunststofftechnik"] is None
    assert all(parent is None or parent in parents for parent in parents.values())

"""Worked example: the EU's Horizon 2020 collaboration history in Radar's import format.

    python bench/h2020_convert.py ../shared/data/h2020 OUT_DIR

Converts the data set (see its README) into the actor and idea import format of issue 4
(JSON Lines with the documented columns): organisations become actors (external_id = PIC, kind
from the activity type); `history` projects become completed joint projects with their
participants (PICs, in the order CORDIS lists them) and their topic and programme titles as
free-text topics. Writes `actors.jsonl` and `ideas.jsonl` to OUT_DIR. The `dev` projects are
never written: they are what the matching evaluation (bench/h2020_eval.py) predicts. Import
the files with `radar import actors OUT/actors.jsonl` and `radar import ideas OUT/ideas.jsonl`.
"""

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

KINDS = {
    "HES": "university",
    "REC": "research_institute",
    "PRC": "company",
    "PUB": "public_body",
    "OTH": "other",
}
# CORDIS writes Greece and the United Kingdom by their EU codes.
COUNTRIES = {"EL": "GR", "UK": "GB"}
TAG_LENGTH = 80  # the longest free tag Radar stores
MAX_PARTICIPANTS = 100  # the most participants an idea takes in one write


def short(text: str, limit: int = TAG_LENGTH) -> str:
    """A title cut at a word boundary to fit a tag."""
    text = " ".join(text.replace("\ufffd", "-").split())
    if len(text) <= limit:
        return text
    return text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;-")


def programme_topics(titles: str) -> list[str]:
    """`SOCIETAL CHALLENGES - Secure, clean and efficient energy | …` → the specific parts."""
    topics = []
    for title in titles.split("|"):
        specific = title.split(" - ", 1)[-1].strip()
        if specific and specific != "Horizon 2020 Framework Programme":
            topics.append(short(specific))
    return topics


def convert(source: Path, out: Path) -> tuple[int, int, int]:
    """Write actors.jsonl and ideas.jsonl; returns (actors, ideas, truncated participant lists)."""
    out.mkdir(parents=True, exist_ok=True)
    with (source / "participations.csv").open(encoding="utf-8") as fh:
        participants: dict[str, list[str]] = defaultdict(list)
        for row in csv.DictReader(fh):
            if row["pic"] not in participants[row["rcn"]]:
                participants[row["rcn"]].append(row["pic"])
    ideas = 0
    truncated = 0
    active: set[str] = set()
    with (
        (source / "projects.csv").open(encoding="utf-8") as fh,
        (out / "ideas.jsonl").open("w", encoding="utf-8") as ideas_out,
    ):
        for row in csv.DictReader(fh):
            if row["split"] != "history" or not participants.get(row["rcn"]):
                continue
            pics = participants[row["rcn"]]
            truncated += len(pics) > MAX_PARTICIPANTS
            pics = pics[:MAX_PARTICIPANTS]
            active.update(pics)
            topics = [short(row["topic_title"])] if row["topic_title"] else []
            topics += [t for t in programme_topics(row["programme_titles"]) if t not in topics]
            idea = {
                "external_id": f"h2020-{row['rcn']}",
                "title": row["acronym"] or f"H2020 project {row['rcn']}",
                "summary": row["topic_title"],
                "kind": "joint_project",
                "status": "completed",
                "start_date": row["start_date"] or None,
                "topics": topics,
                "tags": [row["funding_scheme"]] if row["funding_scheme"] else [],
                "participants": pics,
            }
            ideas_out.write(json.dumps(idea, ensure_ascii=False) + "\n")
            ideas += 1
    actors = 0
    with (
        (source / "organisations.csv").open(encoding="utf-8") as fh,
        (out / "actors.jsonl").open("w", encoding="utf-8") as actors_out,
    ):
        for row in csv.DictReader(fh):
            actor = {
                "external_id": row["pic"],
                "name": row["name"][:200] or row["short_name"] or row["pic"],
                "kind": KINDS.get(row["activity_type"], "other"),
                "city": row["city"].title() or None,
                "country": COUNTRIES.get(row["country"], row["country"]) or "DE",
                "lat": float(row["lat"]) if row["lat"] else None,
                "lon": float(row["lon"]) if row["lon"] else None,
                "visibility": "members",
            }
            actors_out.write(json.dumps(actor, ensure_ascii=False) + "\n")
            actors += 1
    return actors, ideas, truncated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path, help="the h2020 data folder")
    parser.add_argument("out", type=Path, help="where to write the import files")
    args = parser.parse_args()
    actors, ideas, truncated = convert(args.source, args.out)
    print(f"{actors:,} actors and {ideas:,} joint projects written to {args.out}")
    if truncated:
        print(
            f"{truncated} project(s) had more than {MAX_PARTICIPANTS} participants; kept the first"
        )


if __name__ == "__main__":
    main()

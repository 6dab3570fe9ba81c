"""Word and sentence pools for the synthetic honor-roll archive, read from the data files in words/.

A ``.txt`` file holds one item a line; a ``.tsv`` file one tab-separated row a line; lines starting
with ``#`` are notes. ``category_sentences.txt`` groups its lines under ``[类别]`` headings.
Sentences use ``{name}`` (the subject), ``{ta}`` (the matching pronoun), ``{unit}`` (the unit's short
name) and ``{place}``. No Arabic digits anywhere: the privacy rule scans public text for phone and
ID-card numbers, and the benchmark must stay valid.
"""

from __future__ import annotations

import re
from pathlib import Path

WORDS = Path(__file__).resolve().with_name("words")


def lines(name: str) -> list[str]:
    text = (WORDS / name).read_text(encoding="utf-8")
    if re.search(r"[0-9]", text):
        raise ValueError(f"{WORDS / name}: no Arabic digits, or the privacy rule may refuse the archive")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def rows(name: str) -> list[tuple[str, ...]]:
    return [tuple(line.split("\t")) for line in lines(name)]


def sections(name: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = found.setdefault(line[1:-1], [])
        else:
            current.append(line)
    return found


SURNAMES = rows("surnames.tsv")  # (character, pinyin): story ids carry a readable surname
GIVEN_MALE = "".join(lines("given_male.txt"))
GIVEN_FEMALE = "".join(lines("given_female.txt"))
POSITIONS = lines("positions.txt")
PLACES = rows("places.tsv")  # (name, slug): slugs feed unit ids
NEIGHBOURHOODS = lines("neighbourhoods.txt")
COLLECTIVE_KINDS = lines("collective_kinds.txt")
SYSTEM_DOMAINS = rows("system_domains.tsv")
DIRECT_UNITS = rows("direct_units.tsv")  # (full name, short name, slug)
MEMBER_SUFFIXES = rows("member_suffixes.tsv")
TAGS = lines("tags.txt")
TITLE_TEMPLATES = lines("title_templates.txt")
EPITHETS = lines("epithets.txt")
YEARS_PHRASES = lines("years_phrases.txt")
SUMMARY_TEMPLATES = lines("summary_templates.txt")
DEEDS = lines("deeds.txt")
TIME_PREFIXES = lines("time_prefixes.txt")
OPENINGS = lines("openings.txt")
CLOSINGS = lines("closings.txt")
GENERAL = lines("general.txt")
CATEGORY_SENTENCES = sections("category_sentences.txt")
WITHDRAWAL_REASONS = lines("withdrawal_reasons.txt")
PHOTO_ALTS = lines("photo_alts.txt")
ABOUT_PAGE = (WORDS / "about.md").read_text(encoding="utf-8")

"""A long synthetic news article of any length, for timing one article's worst case.

The sentences are written for this project (no corpus text); places, numbers and days vary with a
seeded generator, so a long article names many places many times, as a long report does.
"""

from __future__ import annotations

import random

TEMPLATES = (
    "Artillery fire hit {town} in {prov} province on {day}, killing {n} civilians, a local monitor said.",
    "Residents of {town} said troops had entered the outskirts of {town2} after a night of heavy fighting.",
    "The governor of {prov} met aid workers in {city} to discuss the return of displaced families.",
    "Officials in {capital} said talks with {country} would resume in {city} next week.",
    "Farmers near {town} said the road to {city} had been closed since {month}.",
    "A car bomb exploded near a checkpoint in {city} on {day}, wounding {n} people, police said.",
    "Clashes between rebels and government forces around {town} left {n} fighters dead, medics said.",
    "{country} sent a convoy of food and medicine to {city}, the foreign ministry in {capital} said.",
    "Thousands of people fled {town} toward {town2} as airstrikes continued across {prov}.",
    "Witnesses said drones struck a fuel depot outside {city} late on {day}.",
)
TOWNS = (
    "Saraqib",
    "Ariha",
    "Maarat al-Numan",
    "Jisr al-Shughur",
    "Khan Shaykhun",
    "Kafr Nabl",
    "Tal Rifaat",
    "Manbij",
    "Kobani",
    "Tel Abyad",
    "Ras al-Ayn",
    "Douma",
    "Harasta",
    "Dumayr",
    "Palmyra",
    "Mayadin",
)
CITIES = (
    "Aleppo",
    "Idlib",
    "Homs",
    "Hama",
    "Raqqa",
    "Deir ez-Zor",
    "Latakia",
    "Tartus",
    "Mosul",
    "Kirkuk",
    "Sanaa",
    "Aden",
    "Taiz",
    "Benghazi",
    "Tripoli",
    "Misrata",
)
PROVINCES = ("Idlib", "Aleppo", "Hama", "Homs", "Raqqa", "Nineveh", "Taiz", "Marib")
CAPITALS = ("Damascus", "Ankara", "Moscow", "Tehran", "Baghdad", "Amman", "Beirut", "Cairo")
COUNTRIES = ("Turkey", "Russia", "Iran", "Iraq", "Jordan", "Lebanon", "Egypt", "Qatar")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "March", "May", "July", "September", "November")


def long_article(chars: int, seed: int = 0) -> str:
    """About `chars` characters of news text (paragraphs of five sentences), never more."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while True:
        para = " ".join(
            rng.choice(TEMPLATES).format(
                town=rng.choice(TOWNS),
                town2=rng.choice(TOWNS),
                city=rng.choice(CITIES),
                prov=rng.choice(PROVINCES),
                capital=rng.choice(CAPITALS),
                country=rng.choice(COUNTRIES),
                day=rng.choice(DAYS),
                month=rng.choice(MONTHS),
                n=rng.randint(2, 40),
            )
            for _ in range(5)
        )
        if size + len(para) + 2 > chars:
            return "\n\n".join(out) if out else para[:chars]
        out.append(para)
        size += len(para) + 2

"""A translation task the project makes itself: dates written in words → ISO dates.

"twenty-first of march nineteen ninety-nine" → "1999-03-21". The source is a sequence of
words (hyphens split, so "twenty-first" is two tokens), the target a sequence of characters.
The year comes last in the source but first in the target, so the decoder must look back
at the right words: a good task for attention (d2l §11.4 uses English → French; this one
needs no download and its answers can be checked by :func:`words_to_date`).
"""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth"]
MONTHS = ["", "january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
FORMATS = ("{day} of {month} {year}", "the {day} of {month} {year}", "{month} {day} {year}")
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2099, 12, 31)
WORDS = sorted({w for w in ONES + TENS + ORDINALS + MONTHS if w}
               | {"thirtieth", "hundred", "thousand", "oh", "and", "the", "of"})


def number_words(n: int) -> str:
    """1–99 in words: "seven", "fourteen", "ninety-nine"."""
    if n < 20:
        return ONES[n]
    return TENS[n // 10] + ("-" + ONES[n % 10] if n % 10 else "")


def day_words(day: int) -> str:
    """1–31 as an ordinal: "first", "twentieth", "twenty-first", "thirtieth"."""
    if day <= 20:
        return ORDINALS[day]
    if day == 30:
        return "thirtieth"
    return TENS[day // 10] + "-" + ORDINALS[day % 10]


def year_words(year: int) -> str:
    """1900–2099 as spoken: "nineteen oh five", "nineteen hundred", "two thousand and seven", "twenty twelve"."""
    century, rest = divmod(year, 100)
    if century == 20 and rest < 10:
        return "two thousand" + (f" and {ONES[rest]}" if rest else "")
    head = number_words(century)
    if rest == 0:
        return head + " hundred"
    return head + " " + (f"oh {ONES[rest]}" if rest < 10 else number_words(rest))


def date_to_words(date: dt.date, fmt: int = 0) -> str:
    return FORMATS[fmt].format(day=day_words(date.day), month=MONTHS[date.month], year=year_words(date.year))


def source_tokens(text: str) -> list[str]:
    """Lower case, hyphens and commas become spaces, split on white space."""
    return re.sub(r"[-,]", " ", text.lower()).split()


def target_tokens(date: dt.date) -> list[str]:
    """The ISO date as characters: ['1', '9', '9', '9', '-', '0', '3', '-', '2', '1']."""
    return list(date.isoformat())


# ---- parsing back (the generator's answers are checked with this) ------------------------

def _two_digits(tokens: list[str]) -> int | None:
    if len(tokens) == 1 and tokens[0] in ONES[1:]:
        return ONES.index(tokens[0])
    if len(tokens) == 1 and tokens[0] in TENS[2:]:
        return 10 * TENS.index(tokens[0])
    if len(tokens) == 2 and tokens[0] in TENS[2:] and tokens[1] in ONES[1:10]:
        return 10 * TENS.index(tokens[0]) + ONES.index(tokens[1])
    return None


def _year(tokens: list[str]) -> int | None:
    if tokens[:2] == ["two", "thousand"]:
        if len(tokens) == 2:
            return 2000
        if len(tokens) == 4 and tokens[2] == "and" and tokens[3] in ONES[1:10]:
            return 2000 + ONES.index(tokens[3])
        return None
    if not tokens or tokens[0] not in ("nineteen", "twenty"):
        return None
    century, rest = (19 if tokens[0] == "nineteen" else 20), tokens[1:]
    if rest == ["hundred"]:
        return century * 100
    if len(rest) == 2 and rest[0] == "oh" and rest[1] in ONES[1:10]:
        return century * 100 + ONES.index(rest[1])
    n = _two_digits(rest)
    return None if n is None or n < 10 else century * 100 + n


def _day(tokens: list[str]) -> int | None:
    if len(tokens) == 1:
        if tokens[0] in ORDINALS[1:]:
            return ORDINALS.index(tokens[0])
        return 30 if tokens[0] == "thirtieth" else None
    if len(tokens) == 2 and tokens[0] in ("twenty", "thirty") and tokens[1] in ORDINALS[1:10]:
        return 10 * TENS.index(tokens[0]) + ORDINALS.index(tokens[1])
    return None


def words_to_date(text: str) -> dt.date | None:
    """Read a date in words in any of the generator's formats; None if it is not one."""
    tokens = [t for t in source_tokens(text) if t not in ("the", "of")]
    months = [i for i, t in enumerate(tokens) if t in MONTHS[1:]]
    if len(months) != 1:
        return None
    month = MONTHS.index(tokens.pop(months[0]))
    ends = [i for i, t in enumerate(tokens) if t in ORDINALS[1:] or t == "thirtieth"]
    if len(ends) != 1:
        return None
    day, year = _day(tokens[:ends[0] + 1]), _year(tokens[ends[0] + 1:])
    if day is None or year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# ---- the data set --------------------------------------------------------------------------

@dataclass(frozen=True)
class Example:
    source: str          # "twenty-first of march nineteen ninety-nine"
    target: str          # "1999-03-21"


def make_dataset(num_train: int, num_test: int, seed: int) -> tuple[list[Example], list[Example]]:
    """Distinct (date, format) pairs drawn with ``random.Random(seed)``: the same seed gives the
    same split, and no test example is in the training set."""
    n_days = (LAST_DAY - FIRST_DAY).days + 1
    picks = random.Random(seed).sample(range(n_days * len(FORMATS)), num_train + num_test)
    examples = []
    for p in picks:
        date = FIRST_DAY + dt.timedelta(days=p // len(FORMATS))
        examples.append(Example(date_to_words(date, p % len(FORMATS)), date.isoformat()))
    return examples[:num_train], examples[num_train:]

"""Load the extractor's lexicon (`rules/lexicon.toml`) once and compile what the rules need."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from targetboard.catalog.units import text_magnitudes


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation that tries longer words first (so 不超过 wins over 超过)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class WordSet:
    """Longest word of a list at the start or end of a string, by set look-ups per length.

    Faster than an anchored regex alternation (`(?:...)$` has to try every position), and these
    look-ups run for every quantity.
    """

    def __init__(self, words: list[str] | tuple[str, ...]) -> None:
        self.words = frozenset(words)
        self.lengths = sorted({len(w) for w in self.words}, reverse=True)
        self.last_chars = frozenset(w[-1] for w in self.words)
        self.first_chars = frozenset(w[0] for w in self.words)

    def suffix(self, s: str) -> str | None:
        if not s or s[-1] not in self.last_chars:
            return None
        for n in self.lengths:
            if n <= len(s) and s[-n:] in self.words:
                return s[-n:]
        return None

    def prefix(self, s: str) -> str | None:
        if not s or s[0] not in self.first_chars:
            return None
        for n in self.lengths:
            if n <= len(s) and s[:n] in self.words:
                return s[:n]
        return None


@dataclass(frozen=True)
class Lexicon:
    """The parsed lexicon plus compiled patterns; see `rules/lexicon.toml` for the meaning of each list."""

    data: dict[str, Any]
    unit_pattern: str
    comparators_after: dict[str, str]
    comparators_before: dict[str, str]
    growth_up: tuple[str, ...]
    growth_down: tuple[str, ...]
    weak_units: frozenset[str]
    before_re: re.Pattern[str]
    after_re: re.Pattern[str]
    measure_re: re.Pattern[str]
    measure_end_re: re.Pattern[str]
    modality_end_re: re.Pattern[str]
    modality_re: re.Pattern[str]
    modality_of: dict[str, str]
    target_cue_re: re.Pattern[str]
    outcome_cue_re: re.Pattern[str]
    plan_section_re: re.Pattern[str]
    review_section_re: re.Pattern[str]
    bulletin_re: re.Pattern[str]
    strip_prefix_re: re.Pattern[str]
    strip_suffix_re: re.Pattern[str]
    task_verb_re: re.Pattern[str]
    condition_re: re.Pattern[str]
    numeral_cue_re: re.Pattern[str]
    counted_numeral_cue_re: re.Pattern[str]
    weak_unit_cue_re: re.Pattern[str]
    action_verbs: frozenset[str]
    #: The last characters of `action_verbs`: a metric ending on another one ends on no action verb.
    action_last_chars: frozenset[str]
    before_words: WordSet
    measure_words: WordSet
    modality_words: WordSet
    prefix_words: WordSet
    suffix_words: WordSet
    empty_metrics: frozenset[str]
    base_re: re.Pattern[str]
    earlier_period_re: re.Pattern[str]
    contribution: str
    time_suffix_re: re.Pattern[str]
    year_prefix_re: re.Pattern[str]
    carry_words: frozenset[str]
    count_verb_re: re.Pattern[str]
    count_units: frozenset[str]
    target_ratio_re: re.Pattern[str]
    basis_re: re.Pattern[str]

    def list(self, section: str, key: str) -> list[str]:
        return list(self.data[section][key])


@cache
def lexicon() -> Lexicon:
    """The packaged lexicon (read with importlib.resources so it works from a wheel)."""
    raw = resources.files("targetboard.extract").joinpath("rules/lexicon.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    u = data["units"]
    base = alternation(u["base"])
    mags = alternation(text_magnitudes())  # the one vocabulary: catalog/units.toml
    unit_pattern = f"(?:{alternation(u['percent'])}|(?:{mags})?(?:{base})|万亿|亿|万|兆)"
    c = data["comparators"]
    m = data["measures"]
    mod = data["modality"]
    modality_of = {w: k for k in ("strive", "ensure", "expect") for w in mod[k]}
    cues = data["cues"]
    q = data["quantity_cues"]
    met = data["metric"]
    return Lexicon(
        data=data,
        unit_pattern=unit_pattern,
        comparators_after=dict(c["after"]),
        comparators_before=dict(c["before"]),
        growth_up=tuple(m["growth_up"]),
        growth_down=tuple(m["growth_down"]),
        weak_units=frozenset(u["weak"]),
        before_re=re.compile(f"(?:{alternation(list(c['before']))})$"),
        after_re=re.compile(f"(?:{alternation(list(c['after']))})"),
        measure_re=re.compile(alternation(m["growth_up"] + m["growth_down"] + m["growth_nouns"])),
        measure_end_re=re.compile(f"(?:{alternation(m['growth_up'] + m['growth_down'] + m['growth_nouns'])})$"),
        modality_end_re=re.compile(f"(?:{alternation(list(modality_of))})$"),
        modality_re=re.compile(alternation(list(modality_of))),
        modality_of=modality_of,
        target_cue_re=re.compile(alternation(cues["target"])),
        outcome_cue_re=re.compile(alternation(cues["outcome"])),
        plan_section_re=re.compile(alternation(cues["plan_section"])),
        review_section_re=re.compile(alternation(cues["review_section"])),
        bulletin_re=re.compile(alternation(cues["bulletin"])),
        strip_prefix_re=re.compile(f"^(?:{alternation(met['strip_prefix'])})"),
        strip_suffix_re=re.compile(f"(?:{alternation(met['strip_suffix'])})$"),
        task_verb_re=re.compile(alternation(data["plan"]["task_verbs"])),
        condition_re=re.compile(met["condition"]),
        numeral_cue_re=re.compile(f"(?:{alternation(q['numeral'])})$"),
        counted_numeral_cue_re=re.compile(f"(?:{alternation(q['counted_numeral'])})$"),
        weak_unit_cue_re=re.compile(f"(?:{alternation(q['weak_unit'])})$"),
        action_verbs=frozenset(q["action_verbs"]),
        action_last_chars=frozenset(w[-1] for w in q["action_verbs"]),
        before_words=WordSet(list(c["before"])),
        measure_words=WordSet(m["growth_up"] + m["growth_down"] + m["growth_nouns"]),
        modality_words=WordSet(list(modality_of)),
        prefix_words=WordSet(met["strip_prefix"]),
        suffix_words=WordSet(met["strip_suffix"]),
        empty_metrics=frozenset(met["empty"]),
        base_re=re.compile(met["comparison_base"]),
        earlier_period_re=re.compile(met["earlier_period"]),
        contribution=met["contribution"],
        time_suffix_re=re.compile(met["time_suffix"]),
        year_prefix_re=re.compile(met["year_inside"]),
        carry_words=frozenset(met["carry_words"]),
        count_verb_re=re.compile(f"(?:{alternation(q['count_verbs'])})$"),
        count_units=frozenset(q["count_units"]),
        target_ratio_re=re.compile(met["target_ratio"]),
        basis_re=re.compile(met["basis"]),
    )

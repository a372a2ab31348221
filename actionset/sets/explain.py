"""The board in a designer's words: why the sets have the sizes they have, how good each set is against the best a
set of its size could be, what raises or lowers it, and what makes it diverse.

Everything here is read from the engine's own problem (its attributes and weights), so the words agree with the scores.
The best a set could be (`set_best`) is worked out per attribute: a set of s people drawn from the whole pool, each
attribute maximised on its own (categories spread as evenly as the pool's counts allow; a level's range filled from
both ends). No set can score more, since the score is the sum of those attribute scores, so the share is never above
100 %; past pairs only lower a score and are left out of the best.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionset.composition import Problem
from actionset.composition.bounds import pairs
from actionset.sets.composer import NOT_RECORDED, SIZES_EVEN


def _attribute_label(name: str) -> str:
    labels = {"department": _("Department"), "level": _("Level"), "site": _("Site")}
    return labels.get(name, name.removeprefix("own:"))


@dataclass(frozen=True)
class _Column:
    """One attribute as the engine scores it: its name, kind, weight and the pool's values."""

    name: str
    ordinal: bool
    weight: float
    values: Sequence[object]
    levels: Sequence[object]


def _columns(problem: Problem) -> list[_Column]:
    return [
        _Column(a.name, a.kind == "ordinal", a.weight, a.values, list(a.levels or ()))
        for a in problem.attributes
        if a.kind in ("categorical", "ordinal")
    ]


def _category_score(counts: Sequence[int], weight: float) -> float:
    size = sum(counts)
    return weight * (pairs([size]) - pairs(counts))


def _rank(column: _Column, value: object) -> float:
    spread = max(len(column.levels) - 1, 1)
    return column.levels.index(value) / spread


def _level_score(ranks: Sequence[float], weight: float) -> float:
    # Within a sorted set the sum of all gaps is sum_k (2k - s - 1) x_(k).
    ordered = sorted(ranks)
    s = len(ordered)
    return weight * sum((2 * k - s + 1) * x for k, x in enumerate(ordered))


class Explainer:
    """Explains the sets of one board. Built once per board: the best a set could be is computed once per size."""

    def __init__(self, problem: Problem) -> None:
        self.columns = _columns(problem)
        self.past_penalty = problem.past_pair_penalty
        self.past_pairs = list(problem.past_pairs)
        self._best: dict[int, list[float]] = {}

    def best(self, size: int) -> list[float]:
        """Per attribute, the most a set of `size` people from this pool could score on it."""
        if size not in self._best:
            self._best[size] = [self._column_best(c, size) for c in self.columns]
        return self._best[size]

    def _column_best(self, column: _Column, size: int) -> float:
        if column.ordinal:
            ranks = sorted(_rank(column, v) for v in column.values)
            half = min(size, len(ranks)) // 2
            # The top `half` ranks take the largest coefficients and the bottom `half` the most negative ones.
            return column.weight * sum((size + 1 - 2 * (k + 1)) * (ranks[-1 - k] - ranks[k]) for k in range(half))
        available = sorted(Counter(column.values).values(), reverse=True)
        taken = [0] * len(available)
        left = size
        level = 1
        # Spread over as many values as the pool has, as evenly as their counts allow (fewest same-value pairs).
        while left > 0 and any(count >= level for count in available):
            for i, count in enumerate(available):
                if left and count >= level:
                    taken[i] += 1
                    left -= 1
            level += 1
        return _category_score(taken, column.weight)

    def scores(self, members: Sequence[int]) -> list[float]:
        """Per attribute, what the set of these people (indices into the problem) scores on it."""
        out = []
        for column in self.columns:
            values = [column.values[p] for p in members]
            if column.ordinal:
                out.append(_level_score([_rank(column, v) for v in values], column.weight))
            else:
                out.append(_category_score(list(Counter(values).values()), column.weight))
        return out

    def explain(self, members: Sequence[int], score: float | None, *, detail: bool = True) -> SetExplanation:
        """The set's share of its best and its sentence; with `detail`, what raises and lowers it too (only a set
        shown in full needs those, so a 300-set board's rows go without)."""
        size = len(members)
        best = self.best(size)
        got = self.scores(members)
        in_set = set(members)
        met_before = sum(1 for i, j in self.past_pairs if i in in_set and j in in_set)
        total_best = sum(best)
        share = None
        if score is not None and total_best > 0:
            share = max(0, min(100, round(100 * score / total_best)))
        raises: list[str] = []
        lowers: list[tuple[float, str]] = []
        if not detail:
            return SetExplanation(best=total_best, share=share, raises=[], lowers=[], sentence=self.sentence(members))
        for column, b, g in zip(self.columns, best, got, strict=True):
            values = [column.values[p] for p in members]
            if b <= 0:
                continue
            if g >= b - 1e-9:
                raises.append(self._raise_text(column, values))
            else:
                lowers.append((b - g, self._lower_text(column, values)))
        lowered = [text for _, text in sorted(lowers, key=lambda item: -item[0])]
        if met_before:
            lowered.append(
                ngettext(
                    "%(count)d pair of members shared a set in an earlier programme",
                    "%(count)d pairs of members shared a set in an earlier programme",
                    met_before,
                )
                % {"count": met_before}
            )
        return SetExplanation(
            best=total_best,
            share=share,
            raises=raises,
            lowers=lowered,
            sentence=self.sentence(members),
        )

    def _raise_text(self, column: _Column, values: list[object]) -> str:
        label = _attribute_label(column.name).lower()
        if column.ordinal:
            return _("levels as far apart as the pool allows")
        if len(set(values)) == len(values):
            return _("a different %(attribute)s for every member") % {"attribute": label}
        return _("%(attribute)s as mixed as the pool allows") % {"attribute": label}

    def _lower_text(self, column: _Column, values: list[object]) -> str:
        label = _attribute_label(column.name).lower()
        if column.ordinal:
            recorded = [v for v in values if v != NOT_RECORDED]
            if len(set(recorded)) <= 1:
                return _("everyone at one level (%(span)s)") % {"span": _level_span(column, values)}
            pool = {v for v in column.values if v != NOT_RECORDED}
            if pool <= set(recorded) or _level_span(column, list(pool)) == _level_span(column, values):
                # The set spans the pool's range: what holds it back is members bunched at one level.
                level, count = Counter(recorded).most_common(1)[0]
                return _("%(count)d of %(size)d at one level (%(level)s)") % {
                    "count": count,
                    "size": len(values),
                    "level": level,
                }
            return _("levels from %(span)s only, short of the pool's whole range") % {
                "span": _level_span(column, values)
            }
        value, count = Counter(values).most_common(1)[0]
        return _("%(count)d of %(size)d share one %(attribute)s (%(value)s)") % {
            "count": count,
            "size": len(values),
            "attribute": label,
            "value": value,
        }

    def sentence(self, members: Sequence[int]) -> str:
        """What makes the set diverse, in a sentence: "4 departments, 3 sites, levels from Team leader to Director;
        Profession: Nurse (2), Porter"."""
        parts, own = [], []
        for column in self.columns:
            values = [column.values[p] for p in members]
            recorded = [v for v in values if v != NOT_RECORDED]
            if not recorded:
                continue
            distinct = len(set(recorded))
            if column.ordinal:
                parts.append(_level_phrase(column, recorded))
            elif column.name == "department":
                parts.append(ngettext("%(count)d department", "%(count)d departments", distinct) % {"count": distinct})
            elif column.name == "site":
                parts.append(ngettext("%(count)d site", "%(count)d sites", distinct) % {"count": distinct})
            elif column.name == "level":
                parts.append(ngettext("%(count)d level", "%(count)d levels", distinct) % {"count": distinct})
            else:
                counted = Counter(recorded).most_common()
                own.append(
                    "{}: {}".format(
                        _attribute_label(column.name),
                        ", ".join(f"{v} ({c})" if c > 1 else str(v) for v, c in counted),
                    )
                )
        text = ", ".join(parts)
        if own:
            text = "; ".join([text, *own]) if text else "; ".join(own)
        return text[:1].upper() + text[1:] if text else _("No recorded differences yet.")


def _level_span(column: _Column, values: list[object]) -> str:
    recorded = [v for v in values if v != NOT_RECORDED]
    if not recorded:
        return _("not recorded")
    ordered = sorted(set(recorded), key=lambda v: column.levels.index(v))
    # The engine's levels run from junior to senior: the sentence names the junior end first.
    return str(ordered[0]) if len(ordered) == 1 else _("%(low)s to %(high)s") % {"low": ordered[0], "high": ordered[-1]}


def _level_phrase(column: _Column, recorded: list[object]) -> str:
    ordered = sorted(set(recorded), key=lambda v: column.levels.index(v))
    if len(ordered) == 1:
        return _("all at %(level)s level") % {"level": ordered[0]}
    return _("levels from %(low)s to %(high)s") % {"low": ordered[0], "high": ordered[-1]}


@dataclass(frozen=True)
class SetExplanation:
    best: float  # the most a set of its size from this pool could score
    share: int | None  # the set's score as a percentage of that
    raises: list[str]
    lowers: list[str]
    sentence: str


@dataclass(frozen=True)
class SizesExplanation:
    sizes: str  # "25 sets of 5 and 25 sets of 7"
    why: str


def sizes_explanation(set_sizes: Sequence[int], *, choice: str, low: int, high: int) -> SizesExplanation | None:
    """The sizes the sets have, and why, from the sizes themselves and the designer's choice of mix."""
    if not set_sizes:
        return None
    counts = sorted(Counter(set_sizes).items())
    sizes = _and(
        [
            ngettext("%(count)d set of %(size)d", "%(count)d sets of %(size)d", c) % {"count": c, "size": s}
            for s, c in counts
        ]
    )
    people, number = sum(set_sizes), len(set_sizes)
    # The evenest split of these people into these sets, whatever the programme's limits.
    even = [people // number + (1 if g < people % number else 0) for g in range(number)]
    if sorted(even) == sorted(set_sizes):
        why = _(
            "%(people)s people in %(sets)s sets: this is as even as the sizes can be. Sets of uneven size hold more "
            "pairs of different people, so “most diverse” on the compose form may score higher."
        ) % {"people": _count(people), "sets": _count(number)}
        if choice == SIZES_EVEN:
            why = _("You asked for sets as even as possible: %(people)s people in %(sets)s sets.") % {
                "people": _count(people),
                "sets": _count(number),
            }
        return SizesExplanation(sizes, why)
    why = _(
        "Sets may hold %(low)d to %(high)d people. These sizes give %(pairs)s pairs of people who meet in a set, "
        "against %(even)s if the sets were as even as possible, and more pairs of different people make the sets more "
        "diverse. Choose “as even as possible” on the compose form for sets within one person of each other."
    ) % {"low": low, "high": high, "pairs": _count(pairs(set_sizes)), "even": _count(pairs(even))}
    if choice == SIZES_EVEN:
        why = _(
            "You asked for sets as even as possible, but locked sets, or people who can attend only some meeting "
            "times, kept these sizes."
        )
    return SizesExplanation(sizes, why)


def _count(number: int) -> str:
    """A count as the reader's language writes it: 2,100 people, not 2100."""
    return number_format(number, force_grouping=True)


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}

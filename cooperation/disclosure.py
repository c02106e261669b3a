"""Disclosure control: every count of people passes through here before it leaves the server.

A *publication* is every figure published about one population for one period: the cells of
its tables, whether each is shown, and the *relations* between them (a total and the cells it
adds up: a row and its total, the dashboard's figure and the report's cells it sums). Cells of
different tables that count the same people are the same cell (the same key), so the
relations reach across the tables, the dashboard, the reports and the API.

``protect`` decides which cells to hide:

1. primary suppression: every count from 1 to 4 (a zero is shown: it identifies nobody);
2. complementary suppression: each relation with a single unknown (a hidden cell, or a figure
   nobody publishes) would give that unknown away by subtraction, so the smallest non-zero
   shown cell of that relation is hidden too, until no relation has exactly one unknown;
3. the auditor (``audit``) then solves the whole linear system exactly, with what an attacker
   knows of each hidden cell (a "<5" is 1–4; an "x" is at least 1, since a zero is never
   hidden; a figure nobody publishes is any whole number from 0),
   and, while it finds a hidden cell that only one value fits, one more shown cell of a
   relation of that cell is hidden; when none is left, the small cells around it are
   withheld as "x" instead of "<5" (an "x" tells nothing, not even that it is not zero).

The result is safe by construction: ``protect`` returns only when the exact auditor finds no
hidden cell whose value the published figures fix. ``audit`` is a complete search (bounds
propagation over the relations with branching), so "no cell found" is a proof, not a sample.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

SMALL_BELOW = 5
"""Counts from 1 to ``SMALL_BELOW - 1`` could point at a person: they are never shown."""
SMALL = "<5"
"""How a hidden count from 1 to 4 is shown."""
HIDDEN = "x"
"""How a count hidden so that a small one cannot be worked out (a complement) is shown."""

Key = Hashable


@dataclass(frozen=True)
class Relation:
    """A published identity: ``total`` is the sum of ``members`` (all cell keys)."""

    total: Key
    members: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        return (self.total, *self.members)


@dataclass
class Publication:
    """The cells of every table published about one population and period, and how they add."""

    values: dict[Key, int] = field(default_factory=dict)
    unpublished: set[Key] = field(default_factory=set)
    relations: list[Relation] = field(default_factory=list)
    hidden: set[Key] = field(default_factory=set)
    withheld: set[Key] = field(default_factory=set)  # small, but shown "x" (see _hide_beside)
    locked: set[Key] = field(default_factory=set)
    protected: bool = False

    def cell(self, key: Key, value: int, *, published: bool = True) -> Key:
        """Add a count (or read it again: the same key is the same people); return its key."""
        value = int(value or 0)
        if key in self.values and self.values[key] != value:
            raise ValueError(f"Cell {key!r} counted twice with different values")
        self.values[key] = value
        if not published:
            self.unpublished.add(key)
        return key

    def relate(self, total: Key, members: Iterable[Key], *, strict: bool = True) -> bool:
        """State that the cell ``total`` is the sum of ``members`` (each counted once).

        A relation built from the tables' own sums must hold (``strict``: else a bug). One
        that holds only if the data keeps a rule (every host of a one-way call is in its
        destination city) is added only when it holds: when it does not, nobody can use it.
        """
        members = tuple(members)
        for key in (total, *members):
            if key not in self.values:
                raise KeyError(f"Relation names a cell not added: {key!r}")
        if sum(self.values[m] for m in members) != self.values[total]:
            if strict:
                raise ValueError(f"Relation does not hold: {total!r} = sum of {members!r}")
            return False
        self.relations.append(Relation(total, members))
        return True

    def include(self, other: Publication) -> None:
        """Add another, already protected publication's cells as they were published.

        Its hidden cells stay hidden and its shown cells stay shown (they are out already);
        this publication's own cells are protected around them.
        """
        if not other.protected:
            raise ValueError("Include only a protected publication")
        for key, value in other.values.items():
            self.cell(key, value, published=key not in other.unpublished)
        self.relations.extend(other.relations)
        self.hidden |= other.hidden
        self.withheld |= other.withheld
        self.locked |= set(other.values)

    def shown(self, key: Key) -> int | str:
        """Return the cell as published: its count, "<5" or "x"."""
        if not self.protected:
            raise RuntimeError("Protect the publication before showing its cells")
        if key in self.unpublished:
            raise KeyError(f"Cell {key!r} is not published")
        value = self.values[key]
        if key in self.hidden:
            return SMALL if is_small(value) and key not in self.withheld else HIDDEN
        return value

    def is_shown(self, key: Key) -> bool:
        return self.protected and key not in self.hidden and key not in self.unpublished

    def number(self, key: Key) -> int | None:
        """Return the count if it is shown, None when hidden (for shares and charts)."""
        shown = self.shown(key)
        return shown if isinstance(shown, int) else None

    def unknown(self, key: Key) -> bool:
        return key in self.hidden or key in self.unpublished


def is_small(value: int) -> bool:
    return 0 < value < SMALL_BELOW


def protect(publication: Publication) -> Publication:
    """Hide every small count and enough others that none of them can be worked out."""
    pub = publication
    for key, value in pub.values.items():
        if key not in pub.unpublished and key not in pub.locked and is_small(value):
            pub.hidden.add(key)
    while True:
        _complete_lines(pub)
        found = audit(pub)
        if not found:
            break
        if not _hide_beside(pub, found):
            _show_what_is_fixed(pub, found)
            break  # nothing left that may be hidden: the auditor's tests would say so
    pub.protected = True
    return pub


def _show_what_is_fixed(pub: Publication, found: set[Key]) -> None:
    """Show again the complements (5 or more) that the published figures fix all the same.

    When nothing is left to hide, a complement may stay determined (six applicants of a call,
    its public total, all women: the zeros beside it tell it). Hiding it hides nothing, and
    showing it tells nothing new, so it is shown; a small count is never shown.
    """
    while found:
        again = {k for k in found if not is_small(pub.values[k]) and k not in pub.locked}
        if not again:
            return
        pub.hidden -= again
        pub.withheld -= again
        found = audit(pub)


def _candidates(pub: Publication, keys: Iterable[Key], *, zeros: bool = False) -> list[Key]:
    """The shown cells among ``keys`` that may still be hidden, smallest first.

    Zeros only when asked (``zeros``): the last resort when no other cell is left.
    """
    return sorted(
        (
            k
            for k in set(keys)
            if not pub.unknown(k) and k not in pub.locked and (zeros or pub.values[k] > 0)
        ),
        key=lambda k: (pub.values[k], repr(k)),
    )


def _complete_lines(pub: Publication) -> None:
    """Hide the smallest shown cell of each relation whose one unknown is a hidden cell.

    (A relation whose one unknown is a figure nobody publishes only tells that figure; if
    that in turn gives a hidden cell away elsewhere, the auditor finds it.)
    """
    changed = True
    while changed:
        changed = False
        for relation in pub.relations:
            unknown = [k for k in relation.cells if pub.unknown(k)]
            if len(unknown) != 1 or unknown[0] not in pub.hidden:
                continue
            choice = _candidates(pub, relation.cells)
            if choice:
                pub.hidden.add(choice[0])
                changed = True


def _hide_beside(pub: Publication, determined: Iterable[Key]) -> bool:
    """Hide one more shown cell next to each determined cell; False if none could be."""
    progress = False
    for key in sorted(determined, key=repr):
        choices = [
            choice
            for relation in pub.relations
            if key in relation.cells
            for choice in _candidates(pub, relation.cells)[:1]
        ]
        if not choices:
            # Its own relations are all unknown: widen to the cells that share one with them.
            near = {k for r in pub.relations if key in r.cells for k in r.cells}
            choices = _candidates(
                pub, (k for r in pub.relations if near & set(r.cells) for k in r.cells)
            )
        if not choices:
            choices = _candidates(pub, pub.values)
        if not choices:
            # Nothing left to hide, and the "<5" themselves give it away (four "<5" adding
            # up to a "<5" total are all 1): withhold the small cells around it as "x",
            # which tells nothing, not even that they are not zero.
            near = {k for r in pub.relations if key in r.cells for k in r.cells}
            # (Not a cell already out as "<5" elsewhere: that much is known of it.)
            small = {
                k
                for k in near | {key}
                if k in pub.hidden and is_small(pub.values[k]) and k not in pub.locked
            }
            if small - pub.withheld:
                pub.withheld |= small
                progress = True
            continue
        if choices:
            pub.hidden.add(min(choices, key=lambda k: (pub.values[k], repr(k))))
            progress = True
    return progress


# --- The auditor ---------------------------------------------------------------------------


def audit(publication: Publication) -> set[Key]:
    """Return every hidden cell that the published figures determine (one value fits).

    The unknowns are the hidden cells and the figures nobody publishes; the shown cells are
    constants; each relation is a linear equation. What an attacker knows of an unknown
    bounds it: a "<5" is 1–4, an "x" at least 1, an unpublished figure at least 0 (all no
    more than the sum of every cell, a bound that only makes the auditor report more). A
    hidden cell is determined when no whole-number solution of the system gives it another
    value; the search for one is complete, so the answer is exact.
    """
    pub = publication
    unknowns = sorted((k for k in pub.values if pub.unknown(k)), key=repr)
    if not unknowns:
        return set()
    index = {key: i for i, key in enumerate(unknowns)}
    cap = sum(pub.values.values()) + SMALL_BELOW
    lower, upper = [], []
    for key in unknowns:
        value = pub.values[key]
        if key in pub.unpublished:
            lower.append(0)
            upper.append(cap)
        elif is_small(value) and key not in pub.withheld:
            lower.append(1)
            upper.append(SMALL_BELOW - 1)
        else:  # an "x": a complement (5 or more) or a withheld small count; never a zero
            lower.append(1)
            upper.append(cap)
    equations: list[tuple[list[tuple[int, int]], int]] = []
    for relation in pub.relations:
        terms: dict[int, int] = {}
        constant = 0  # sum(coef * unknown) == constant
        for key, coefficient in ((relation.total, -1), *((m, 1) for m in relation.members)):
            if key in index:
                terms[index[key]] = terms.get(index[key], 0) + coefficient
            else:
                constant -= coefficient * pub.values[key]
        terms = {i: c for i, c in terms.items() if c}
        if terms:
            equations.append((list(terms.items()), constant))
    truth = [pub.values[key] for key in unknowns]
    solver = _Solver(len(unknowns), equations)
    undetermined: set[int] = set()
    hidden = [index[k] for k in unknowns if k in pub.hidden]
    for i in hidden:
        if i in undetermined:
            continue
        for low, high in ((lower[i], truth[i] - 1), (truth[i] + 1, upper[i])):
            if low > high:
                continue
            lo, hi = list(lower), list(upper)
            lo[i], hi[i] = low, high
            solution = solver.solve(lo, hi, prefer=truth)
            if solution is not None:
                undetermined |= {j for j in hidden if solution[j] != truth[j]}
                break
    return {unknowns[i] for i in hidden if i not in undetermined}


class _Solver:
    """Find a whole-number solution of ``sum(c·x) = b`` equations within bounds, or None."""

    def __init__(self, size: int, equations: list[tuple[list[tuple[int, int]], int]]) -> None:
        self.size = size
        self.equations = equations
        self.watch: list[list[int]] = [[] for _ in range(size)]
        for number, (terms, _constant) in enumerate(equations):
            for i, _c in terms:
                self.watch[i].append(number)

    def _propagate(self, lo: list[int], hi: list[int], queue: set[int]) -> bool:
        while queue:
            number = queue.pop()
            terms, constant = self.equations[number]
            low_sum = sum(c * (lo[i] if c > 0 else hi[i]) for i, c in terms)
            high_sum = sum(c * (hi[i] if c > 0 else lo[i]) for i, c in terms)
            if low_sum > constant or high_sum < constant:
                return False
            for i, c in terms:
                # The others take the rest: c·x_i = constant - (sum of the other terms).
                rest_low = low_sum - c * (lo[i] if c > 0 else hi[i])
                rest_high = high_sum - c * (hi[i] if c > 0 else lo[i])
                a, b = constant - rest_high, constant - rest_low
                if c > 0:
                    new_lo, new_hi = -(-a // c), b // c
                else:
                    new_lo, new_hi = -(-b // c), a // c
                if new_lo > lo[i] or new_hi < hi[i]:
                    lo[i], hi[i] = max(lo[i], new_lo), min(hi[i], new_hi)
                    if lo[i] > hi[i]:
                        return False
                    queue.update(self.watch[i])
        return True

    def solve(self, lo: list[int], hi: list[int], *, prefer: list[int]) -> list[int] | None:
        """Depth first: fix unknowns one by one, nearest to ``prefer`` first, propagating."""
        if not self._propagate(lo, hi, set(range(len(self.equations)))):
            return None
        return self._search(lo, hi, prefer)

    def _search(self, lo: list[int], hi: list[int], prefer: list[int]) -> list[int] | None:
        open_ = [i for i in range(self.size) if lo[i] < hi[i]]
        if not open_:
            return list(lo)
        i = min(open_, key=lambda j: (hi[j] - lo[j], j))
        target = min(max(prefer[i], lo[i]), hi[i])
        for low, high in _halves(lo[i], hi[i], target):
            a, b = list(lo), list(hi)
            a[i], b[i] = low, high
            if self._propagate(a, b, set(self.watch[i])):
                found = self._search(a, b, prefer)
                if found is not None:
                    return found
        return None


def _halves(low: int, high: int, target: int) -> Iterator[tuple[int, int]]:
    """Split a range into the target, then what lies below it and above it."""
    yield target, target
    if low <= target - 1:
        yield low, target - 1
    if target + 1 <= high:
        yield target + 1, high


def grid(
    pub: Publication,
    name: str,
    counts: dict[tuple[Any, Any], int],
    rows: Iterable[Any],
    columns: Iterable[Any],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> None:
    """Add a two-way table ``name`` with its row, column and grand totals and their relations.

    Cells are ``(name, row, column)``, row totals ``(name, row, "*")``, column totals
    ``(name, "*", column)`` and the grand total ``(name, "*", "*")``. Totals not shown by any
    table are still stated, unpublished: the relations hold whether or not they are shown.
    """
    rows, columns = list(rows), list(columns)
    for r in rows:
        for c in columns:
            pub.cell((name, r, c), counts.get((r, c), 0))
    for r in rows:
        pub.cell((name, r, "*"), sum(counts.get((r, c), 0) for c in columns), published=row_totals)
        pub.relate((name, r, "*"), [(name, r, c) for c in columns])
    for c in columns:
        pub.cell((name, "*", c), sum(counts.get((r, c), 0) for r in rows), published=column_totals)
        pub.relate((name, "*", c), [(name, r, c) for r in rows])
    grand = sum(counts.get((r, c), 0) for r in rows for c in columns)
    pub.cell((name, "*", "*"), grand, published=row_totals or column_totals)
    pub.relate((name, "*", "*"), [(name, r, "*") for r in rows])
    pub.relate((name, "*", "*"), [(name, "*", c) for c in columns])

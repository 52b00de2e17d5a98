"""A work budget per deployment: evaluation steps, value sizes and CPU time.

Limits per construct (1,000 `count` instances, 800 `copy` iterations) multiply when
constructs nest: a `count` inside a module called with `count`, a list that doubles in each
of twenty locals, a linked template that links itself 800 times. So every deployment is
evaluated inside one `scope()` with a global budget, and each evaluator reports its work:

- `step(loc, what)` at its central evaluation point (one expression, one JSON value);
- `charge(n, loc, what)` for work proportional to a size (a function walking its inputs);
- `value(data, loc, what)` where a string or a collection is built (its size counts
  towards the memory budget and against the per-value limits);
- `fits(size, what)` before building something whose size is known in advance (a padded
  string, a repeated replacement), so it is refused before it takes memory.

Running out raises `BudgetExceeded`, a `BaseException` so that no evaluator's recovery
(`try()`, "unknown on error") can swallow it: the deployment stops as a whole and becomes
one positioned error naming the construct that hit the budget; other deployments keep
their own budgets. Outside a scope nothing is counted (library use, unit tests of one
function).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from aksnetlint.values import Location, Sourced

MAX_STEPS = 1_000_000
"""Evaluation steps per deployment: about 4 s at the slowest (4 us a step); the largest
real deployments measured take under 10,000."""

MAX_CELLS = 2_000_000
"""Collection entries (plus characters / 64) built per deployment: bounds memory."""

MAX_STRING = 4 * 1024 * 1024
"""Longest string one expression may build (ARM's limit on a whole template)."""

MAX_ITEMS = 100_000
"""Most entries one value may hold, nested ones included (its tree size)."""

MAX_SECONDS = 5.0
"""CPU seconds per deployment: a backstop behind the step budget."""

_CLOCK_EVERY = 4096  # steps between two looks at the clock
_CHARS_PER_CELL = 64

_NAMES = {
    "ForExpr": "for expression", "Template": "string template", "TupleExpr": "list",
    "ObjectExpr": "object", "Conditional": "conditional", "Binary": "operator",
    "Unary": "operator", "Splat": "splat expression", "Variable": "reference",
    "GetAttr": "reference", "Index": "index", "Literal": "value",
}


class BudgetExceeded(BaseException):  # noqa: N818 - named for what happened, like StopIteration
    """The deployment ran out of budget at `path:line:column` (see the module docstring)."""

    def __init__(self, message: str, loc: Location | None) -> None:
        super().__init__(message)
        self.message = message
        self.path = loc.path if loc is not None else None
        self.line = loc.line if loc is not None else None
        self.column = loc.column if loc is not None else None

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        return f"{where}: error: {self.message}"


class Budget:
    """What one deployment may still spend."""

    __slots__ = ("steps", "cells", "deadline", "loc", "what", "sizes", "limits")

    def __init__(self, steps: int | None = None, cells: int | None = None,
                 seconds: float | None = None) -> None:
        self.limits = (steps or MAX_STEPS, cells or MAX_CELLS, seconds or MAX_SECONDS)
        self.steps = self.limits[0]  # counts down
        self.cells = self.limits[1]
        self.deadline = time.process_time() + self.limits[2]
        self.loc: Location | None = None  # where the latest step was
        self.what: object = None
        # id -> (collection, tree size): kept alive with it, so an id is never reused
        self.sizes: dict[int, tuple[object, int]] = {}

    def exceeded(self, message: str, loc: Location | None, what: object) -> BudgetExceeded:
        loc = loc or self.loc
        construct = describe(what if what is not None else self.what)
        return BudgetExceeded(f"work budget exceeded{' in this ' + construct if construct else ''}"
                              f": {message}; this deployment is not scanned", loc)


_current: Budget | None = None


@contextmanager
def scope(budget: Budget | None = None) -> Iterator[Budget]:
    """A fresh budget for the block (one deployment); the enclosing one comes back after."""
    global _current
    outer = _current
    _current = budget or Budget()
    try:
        yield _current
    finally:
        _current = outer


def step(loc: Location | None, what: object = None) -> None:
    """One evaluation step at `loc`, evaluating `what` (an AST node or a phrase)."""
    budget = _current
    if budget is None:
        return
    budget.loc = loc
    budget.what = what
    budget.steps -= 1
    if budget.steps <= 0:
        raise budget.exceeded(f"more than {budget.limits[0]:,} evaluation steps", loc, what)
    if not budget.steps % _CLOCK_EVERY and time.process_time() > budget.deadline:
        raise budget.exceeded(f"more than {budget.limits[2]:g} s of evaluation", loc, what)


def charge(amount: int, loc: Location | None = None, what: object = None) -> None:
    """`amount` steps of work at once (a function walking a large input)."""
    budget = _current
    if budget is None:
        return
    if loc is not None:  # what `fits()` inside a function call reports
        budget.loc, budget.what = loc, what
    before = budget.steps
    budget.steps -= amount
    if budget.steps <= 0:
        raise budget.exceeded(f"more than {budget.limits[0]:,} evaluation steps", loc, what)
    if before // _CLOCK_EVERY != budget.steps // _CLOCK_EVERY and \
            time.process_time() > budget.deadline:
        raise budget.exceeded(f"more than {budget.limits[2]:g} s of evaluation", loc, what)


def value(data: object, loc: Location | None = None, what: object = None) -> None:
    """A string or collection was built: check its size and count it. A collection's size
    is its tree size, repeated parts counted each time (`[for i in range(1000): local.big]`
    is small in memory, but every function that walks it walks a thousand copies)."""
    budget = _current
    if budget is None:
        return
    if isinstance(data, str):
        if len(data) > MAX_STRING:
            raise budget.exceeded(f"a string of {len(data):,} characters is over the limit "
                                  f"of {MAX_STRING:,}", loc, what)
        cells = len(data) // _CHARS_PER_CELL
    elif isinstance(data, list | dict):
        cells = tree_size(data)
        if cells > MAX_ITEMS:
            raise budget.exceeded(f"a value of {cells:,} elements (nested ones included) is "
                                  f"over the limit of {MAX_ITEMS:,}", loc, what)
    else:
        return
    budget.cells -= cells
    if budget.cells <= 0:
        raise budget.exceeded(f"the values built take more than {budget.limits[1]:,} cells of "
                              "memory", loc, what)


def fits(size: int, what: object = None, *, items: bool = False) -> None:
    """Refuse, before building it, a string of `size` characters (or a collection of
    `size` entries) over the per-value limit."""
    budget = _current
    if budget is None:
        return
    limit = MAX_ITEMS if items else MAX_STRING
    if size > limit:
        unit = "elements" if items else "characters"
        raise budget.exceeded(f"a value of {size:,} {unit} would be over the limit of "
                              f"{limit:,}", None, what)


def tree_size(data: object) -> int:
    """Entries of a (nested, possibly `Sourced`) value, repeated parts counted each time,
    plus characters / 64 of its strings: the work of walking it. Sizes of collections are
    remembered for the scope, so a shared part is measured once."""
    if isinstance(data, Sourced):
        data = data.data
    if isinstance(data, str):
        return len(data) // _CHARS_PER_CELL
    if not isinstance(data, list | tuple | dict) or not data:
        return 0
    budget = _current
    memo = budget.sizes if budget is not None else {}
    known = memo.get(id(data))
    if known is not None and known[0] is data:
        return known[1]
    children = data.values() if isinstance(data, dict) else data
    size = len(data) + sum(tree_size(child) for child in children)
    if size >= 16:
        memo[id(data)] = (data, size)
    return size


def active() -> bool:
    return _current is not None


def describe(what: object) -> str:
    """A construct's name for a message: `for expression`, `join()`, `copy loop`."""
    if what is None:
        return ""
    if isinstance(what, str):
        return what
    kind = type(what).__name__
    name = getattr(what, "name", None)
    if kind == "Call" and isinstance(name, str):
        return f"{name}()"
    return _NAMES.get(kind, "expression")

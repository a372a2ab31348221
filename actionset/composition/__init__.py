"""The set-composition engine: put people into sets that are as diverse as possible while keeping every hard rule.

Pure Python, numpy and numba, with OR-Tools CP-SAT for feasibility; nothing here knows about Django. People are the
indices 0..n-1; the caller maps them to its own records.

    from actionset.composition import Attribute, Problem, equal_sets, evaluate, solve

    problem = Problem(
        n=len(people),
        set_sizes=equal_sets(len(people), 5, 7),
        attributes=[Attribute("department", "categorical", departments, weight=2.0),
                    Attribute("site", "hierarchical", [(region, site) for region, site in places])],
        cannot_link=manager_pairs,
    )
    result = solve(problem, time_limit=10, seed=1)
    # result.assignment[p] is person p's set; result.violations is always empty

``evaluate(problem, assignment)`` scores and checks any assignment (for example after a designer moves someone by
hand) without running the search.

Command line::

    python -m actionset.composition solve FILE [--time-limit SECONDS] [--seed N] [--iterations N] [--out ASSIGNMENT]

    python -m actionset.composition warm     # compile the search into numba's cache ahead of any run

FILE is an MDGPLIB instance (plain or ``.gz``: header ``n m ss|ds a_1 b_1 ... a_m b_m``, then ``i j d_ij`` lines) or a
JSON problem. The last line printed is ``objective=<number> violations=<count> seconds=<number>``; the line before it
says how far the search got (``search: complete; ...``, or ``search: FIRST DRAFT, ...`` when it ran for less than it
should have, see ``SolveResult.search``); ``--out`` writes one ``element group`` line per person (0-based).

JSON problem format (every key but the sizes is optional)::

    {
      "n": 6,                                   # or implied by "people"
      "sets": [{"min": 3, "max": 3}, {"min": 3, "max": 3}],
                                                # or "min_size", "max_size" (and "target_size") for equal sets
      "people": [{"dept": "HR", "grade": "B", "age": 41, "site": ["North", "Leeds"]}, ...],
      "attributes": [                           # values come from "people", or give "values": [...] per person
        {"name": "dept", "kind": "categorical", "weight": 2},
        {"name": "grade", "kind": "ordinal", "levels": ["A", "B", "C"]},
        {"name": "age", "kind": "numeric"},
        {"name": "site", "kind": "hierarchical"}
      ],
      "distances": [[0, 1.5, ...], ...],        # instead of attributes: a symmetric n x n matrix
      "cannot_link": [[0, 4]],                  # pairs kept apart (line manager and report, keep-apart lists)
      "must_link": [[1, 2]],                    # groups kept together
      "availability": [{"sets": [0, 2], "people": [3, 4]}],
                                                # people who may join only these sets (a pattern, listed once)
      "allowed_sets": {"3": [0]},               # person -> sets they may join (for a few people)
      "pinned": {"5": 1},                       # person -> set they stay in
      "past_pairs": [[0, 1]], "past_pair_penalty": 0.5,
      "balance": 0.0                            # > 0 trades total diversity for even sets
    }
"""

from typing import TYPE_CHECKING, Any

from .bounds import upper_bound
from .evaluate import Evaluation, evaluate
from .problem import Attribute, Availability, Problem, equal_sets

if TYPE_CHECKING:
    from .solver import Progress, SolveResult, solve

__all__ = [
    "Attribute",
    "Availability",
    "Evaluation",
    "Problem",
    "Progress",
    "SolveResult",
    "equal_sets",
    "evaluate",
    "solve",
    "upper_bound",
]


def __getattr__(name: str) -> Any:
    # The search (``solver``) imports numba and OR-Tools: about 120 MB a process and seconds to load (benchmarks.md).
    # Only the background worker that composes sets needs it: web processes import this package for the board's
    # evaluation and bound, so the search is imported on first use of one of its names, never with the package.
    if name in ("Progress", "SolveResult", "solve"):
        from . import solver

        return getattr(solver, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

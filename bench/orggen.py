"""Synthetic organisations shaped like real ones, for benchmarking set composition.

``generate(n, seed)`` returns the engine's JSON problem format (see ``actionset.composition``) for n people:

- a manager tree: the chief executive at the top, spans of control of 3 to 9, every manager-report pair kept apart;
- department (categorical, weight 2): 12 departments of very unequal size (weights 30, 16, 12, ... 2); a
  department head's whole subtree stays in the department;
- grade (ordinal, weight 1): A (top) to F from depth in the tree, so most people are junior;
- site (hierarchical region/site, weight 1): 4 regions with 2 to 5 sites, head office holds about a quarter of
  people; 70% of reports work at their manager's site;
- years of service (numeric, weight 0.5): exponential, mean 7, capped at 40;
- gender (categorical, weight 1): 51% / 47% / 2%;
- keep-apart lists: 1% of people, each with one colleague from their department;
- availability: sets meet on one of five weekdays (set g on day g mod 5); 15% of people cannot make one or two of
  the days and may only join sets that meet on the others (as patterns: one per combination of days, with its people);
- pinned people: 0.5%, each pinned to a set of their own that meets on a day they can make (a designer's locks);
- sets of 5 to 7 people, about 6 on average.

The same n and seed always give the same organisation.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

DEPARTMENTS = [
    ("Operations", 30),
    ("Customer Service", 16),
    ("Sales", 12),
    ("Engineering", 10),
    ("Finance", 7),
    ("People", 6),
    ("IT", 5),
    ("Marketing", 4),
    ("Legal", 3),
    ("Procurement", 3),
    ("Strategy", 2),
    ("Estates", 2),
]
REGIONS = {
    "London": [("Head office", 25), ("Canary Wharf", 6), ("Croydon", 4)],
    "North": [("Leeds", 10), ("Manchester", 9), ("Newcastle", 5), ("York", 3), ("Hull", 2)],
    "Midlands": [("Birmingham", 9), ("Nottingham", 5), ("Derby", 3)],
    "Scotland": [("Glasgow", 6), ("Edinburgh", 5)],
}
GRADES = ["A", "B", "C", "D", "E", "F"]
GENDERS = [("woman", 51), ("man", 47), ("another", 2)]
DAYS = 5


def _pick(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def generate(n: int, seed: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)
    sites = [((region, site), weight) for region, places in REGIONS.items() for site, weight in places]
    manager = [-1] * n
    depth = [0] * n
    department = [""] * n
    site: list[tuple[str, str]] = [("London", "Head office")] * n
    department[0] = "Strategy"
    queue = [0]
    nxt = 1
    head = 0
    while nxt < n:
        boss = queue[head]
        head += 1
        for _ in range(rng.randint(3, 9)):
            if nxt >= n:
                break
            manager[nxt] = boss
            depth[nxt] = depth[boss] + 1
            # The chief executive's reports head departments; below that a subtree stays in its department.
            department[nxt] = _pick(rng, DEPARTMENTS) if boss == 0 else department[boss]
            if rng.random() < 0.7 and boss != 0:
                site[nxt] = site[boss]
            else:
                site[nxt] = rng.choices([s for s, _ in sites], weights=[w for _, w in sites])[0]
            queue.append(nxt)
            nxt += 1
    grade = [GRADES[min(d, len(GRADES) - 1)] for d in depth]
    years = [round(min(rng.expovariate(1 / 7), 40.0), 1) for _ in range(n)]
    gender = [_pick(rng, GENDERS) for _ in range(n)]

    by_department: dict[str, list[int]] = {}
    for p, dep in enumerate(department):
        by_department.setdefault(dep, []).append(p)
    managed = {(min(p, manager[p]), max(p, manager[p])) for p in range(1, n)}
    keep_apart: set[tuple[int, int]] = set()
    for p in rng.sample(range(n), n // 100):
        colleagues = by_department[department[p]]
        q = rng.choice(colleagues)
        pair = (min(p, q), max(p, q))
        if q != p and pair not in managed:
            keep_apart.add(pair)

    num_sets = max(1, round(n / 6))
    num_sets = min(max(num_sets, -(-n // 7)), max(1, n // 5))
    blocked_days: dict[int, frozenset[int]] = {}
    for p in rng.sample(range(n), int(0.15 * n)):
        blocked_days[p] = frozenset(rng.sample(range(DAYS), rng.choice([1, 1, 2])))
    # Availability as patterns (one per combination of days someone cannot make), never a list of sets per person.
    by_days: dict[frozenset[int], list[int]] = {}
    for p, blocked in blocked_days.items():
        by_days.setdefault(blocked, []).append(p)
    availability = [
        {"sets": [g for g in range(num_sets) if g % DAYS not in blocked], "people": sorted(people)}
        for blocked, people in sorted(by_days.items(), key=lambda item: sorted(item[0]))
    ]
    # Pinned people, as a designer's locked people: 0.5 %, each in a set of their own that meets on a day they can.
    pinned: dict[str, int] = {}
    targets = rng.sample(range(num_sets), min(num_sets, n // 200))
    for p, g in zip(rng.sample(range(n), len(targets)), targets, strict=True):
        if g % DAYS not in blocked_days.get(p, frozenset()):
            pinned[str(p)] = g

    people = [
        {"department": department[p], "grade": grade[p], "site": list(site[p]), "years": years[p], "gender": gender[p]}
        for p in range(n)
    ]
    return {
        "n": n,
        "min_size": 5,
        "max_size": 7,
        "target_size": n / num_sets,
        "people": people,
        "attributes": [
            {"name": "department", "kind": "categorical", "weight": 2},
            {"name": "grade", "kind": "ordinal", "levels": GRADES, "weight": 1},
            {"name": "site", "kind": "hierarchical", "weight": 1},
            {"name": "years", "kind": "numeric", "weight": 0.5},
            {"name": "gender", "kind": "categorical", "weight": 1},
        ],
        "cannot_link": sorted(managed | keep_apart),
        "availability": availability,
        "pinned": pinned,
    }


def write(n: int, seed: int, path: Path) -> Path:
    path.write_text(json.dumps(generate(n, seed)), encoding="utf-8")
    return path


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write a synthetic organisation as a JSON composition problem.")
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write(args.n, args.seed, args.out)

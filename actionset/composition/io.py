"""Reading problems from files: MDGPLIB instances and the engine's own JSON format (see the package docstring)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .problem import Attribute, Availability, Problem, equal_sets


def _open_text(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return f.read()
    return path.read_text(encoding="utf-8")


def parse_mdgplib(text: str) -> Problem:
    lines = text.split("\n", 1)
    header = lines[0].split()
    n, m = int(header[0]), int(header[1])
    bounds = [int(x) for x in header[3 : 3 + 2 * m]]
    sizes = [(bounds[2 * g], bounds[2 * g + 1]) for g in range(m)]
    body = np.array((lines[1] if len(lines) > 1 else "").split(), dtype=np.float64).reshape(-1, 3)
    d = np.zeros((n, n), dtype=np.float64)
    i, j = body[:, 0].astype(np.int64), body[:, 1].astype(np.int64)
    d[i, j] = body[:, 2]
    d[j, i] = body[:, 2]
    return Problem(n=n, set_sizes=sizes, distances=d)


def _pairs(raw: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    return [(int(p[0]), int(p[1])) for p in raw]


def parse_json(data: dict[str, Any]) -> Problem:
    people = data.get("people")
    n = int(data["n"]) if "n" in data else len(people or [])
    if "sets" in data:
        sizes = [(int(s["min"]), int(s["max"])) for s in data["sets"]]
    else:
        sizes = equal_sets(n, int(data["min_size"]), int(data["max_size"]), data.get("target_size"))
    attributes = []
    for spec in data.get("attributes", []):
        name = spec["name"]
        values = spec["values"] if "values" in spec else [person[name] for person in people or []]
        if spec["kind"] == "hierarchical":
            values = [tuple(v) for v in values]
        attributes.append(
            Attribute(
                name=name,
                kind=spec["kind"],
                values=values,
                weight=float(spec.get("weight", 1.0)),
                levels=spec.get("levels"),
            )
        )
    distances = np.array(data["distances"], dtype=np.float64) if "distances" in data else None
    return Problem(
        n=n,
        set_sizes=sizes,
        distances=distances,
        attributes=attributes,
        cannot_link=_pairs(data.get("cannot_link", [])),
        must_link=[[int(p) for p in group] for group in data.get("must_link", [])],
        allowed_sets={int(p): [int(g) for g in sets] for p, sets in data.get("allowed_sets", {}).items()},
        availability=[
            Availability(sets=[int(g) for g in pattern["sets"]], people=[int(p) for p in pattern["people"]])
            for pattern in data.get("availability", [])
        ],
        pinned={int(p): int(g) for p, g in data.get("pinned", {}).items()},
        past_pairs=_pairs(data.get("past_pairs", [])),
        past_pair_penalty=float(data.get("past_pair_penalty", 0.0)),
        balance=float(data.get("balance", 0.0)),
    )


def read_problem(path: str | Path) -> Problem:
    path = Path(path)
    text = _open_text(path)
    if text.lstrip().startswith("{"):
        return parse_json(json.loads(text))
    return parse_mdgplib(text)

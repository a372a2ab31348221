import gzip
import json
from pathlib import Path

import pytest

from actionset.composition.cli import main
from actionset.composition.io import read_problem

MDGP = """6 2 ss 3 3 3 3
0 1 1
0 2 2
0 3 3
0 4 4
0 5 5
1 2 6
1 3 7
1 4 8
1 5 9
2 3 10
2 4 11
2 5 12
3 4 13
3 5 14
4 5 15
"""


def test_it_reads_a_gzipped_mdgplib_instance(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write(MDGP)
    problem = read_problem(path)
    assert problem.n == 6
    assert list(problem.set_sizes) == [(3, 3), (3, 3)]
    assert problem.distances is not None
    assert problem.distances[4, 2] == 11


def test_solve_prints_the_contract_line_last_and_writes_the_assignment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(MDGP)
    out = tmp_path / "assignment.txt"
    assert (
        main(["solve", str(path), "--time-limit", "2", "--seed", "3", "--iterations", "20000", "--out", str(out)]) == 0
    )
    last = capsys.readouterr().out.strip().splitlines()[-1]
    fields = dict(part.split("=") for part in last.split())
    assert list(fields) == ["objective", "violations", "seconds"]
    assert fields["violations"] == "0"
    rows = [tuple(map(int, line.split())) for line in out.read_text().splitlines()]
    assert [element for element, _ in rows] == list(range(6))
    groups = {g for _, g in rows}
    assert groups == {0, 1}
    by_group = {g: [e for e, h in rows if h == g] for g in groups}
    recomputed = sum(
        read_problem(path).distances[i, j]  # type: ignore[index]
        for members in by_group.values()
        for i in members
        for j in members
        if i < j
    )
    assert float(fields["objective"]) == pytest.approx(recomputed)


def test_it_reads_the_json_format_with_people_and_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {
        "min_size": 3,
        "max_size": 3,
        "people": [
            {"dept": d, "grade": g, "age": a, "site": s}
            for d, g, a, s in [
                ("HR", "A", 30, ["N", "Leeds"]),
                ("HR", "B", 40, ["N", "York"]),
                ("IT", "C", 50, ["S", "Kent"]),
                ("IT", "A", 35, ["N", "Leeds"]),
                ("Ops", "B", 45, ["S", "Kent"]),
                ("Ops", "C", 55, ["N", "York"]),
            ]
        ],
        "attributes": [
            {"name": "dept", "kind": "categorical", "weight": 2},
            {"name": "grade", "kind": "ordinal", "levels": ["A", "B", "C"]},
            {"name": "age", "kind": "numeric"},
            {"name": "site", "kind": "hierarchical"},
        ],
        "cannot_link": [[0, 3]],
        "must_link": [[1, 4]],
        "allowed_sets": {"4": [0]},
        "pinned": {"5": 1},
    }
    path = tmp_path / "team.json"
    path.write_text(json.dumps(data))
    problem = read_problem(path)
    assert problem.num_sets == 2
    assert len(problem.attributes) == 4
    assert main(["solve", str(path), "--time-limit", "2", "--iterations", "5000"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("objective=")


def test_it_says_why_a_file_is_infeasible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "n": 3,
                "sets": [{"min": 2, "max": 2}, {"min": 2, "max": 2}],
                "distances": [[0, 1, 1], [1, 0, 1], [1, 1, 0]],
            }
        )
    )
    assert main(["solve", str(path), "--time-limit", "1"]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("infeasible: ")
    assert lines[-1].startswith("objective=nan violations=0 seconds=")

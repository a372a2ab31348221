from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from actionset.coach.classifier import LABELS
from actionset.coach.cli import run

REPO = Path(__file__).resolve().parents[3]


def lines_out(text: str, *, split: bool = False) -> list[dict]:
    out = io.StringIO()
    run(io.StringIO(text), out, split=split)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_classify_writes_one_json_object_per_input_line() -> None:
    rows = lines_out("What would help?\nDid you tell her?\n\nHave you tried asking?\nThanks.\n")
    assert [row["label"] for row in rows] == ["open", "closed", "not_question", "advice", "not_question"]
    for row in rows:
        assert {"label", "confidence", "reason"} <= row.keys()
        assert row["label"] in LABELS


def test_split_lists_each_question_found_per_input_line() -> None:
    rows = lines_out("Fine. Did you tell her? What did she say?\nThanks.\n", split=True)
    assert len(rows) == 2
    assert [q["label"] for q in rows[0]["questions"]] == ["closed", "open"]
    assert rows[0]["questions"][0]["text"] == "Did you tell her?"
    assert {"label", "confidence", "reason", "text"} <= rows[0]["questions"][0].keys()
    assert rows[1]["questions"] == []


def test_the_module_runs_as_a_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "actionset.coach", "classify"],
        input="Why don't you just ask?\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert json.loads(done.stdout)["label"] == "advice"

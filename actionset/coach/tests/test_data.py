from __future__ import annotations

import json
from pathlib import Path

from actionset.coach.classifier import LABELS, LEADING

DATA = Path(__file__).resolve().parents[1] / "data"


def rows(name: str) -> list[dict]:
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_the_held_out_and_development_sets_are_well_formed() -> None:
    for name in ("heldout", "dev", "stress", "heldout_independent", "heldout_spoken", "dev_spoken"):
        for row in rows(name):
            assert set(row) == {"id", "text", "label"}, row
            assert row["label"] in LABELS, row
            assert row["text"], row
            assert row["text"].strip() == row["text"], row


def test_the_sets_hold_over_400_questions_every_label_and_no_text_twice() -> None:
    heldout, dev, stress = rows("heldout"), rows("dev"), rows("stress")
    spoken, spoken_dev = rows("heldout_spoken"), rows("dev_spoken")
    assert len(heldout) + len(dev) >= 400
    # The first sets predate the leading label: their "advice" includes leading questions (see GUIDELINES.md).
    assert {r["label"] for r in heldout} == set(LABELS) - {LEADING}
    assert {r["label"] for r in spoken} == set(LABELS)
    assert len(spoken) >= 150
    texts = [r["text"] for r in heldout + dev + stress + spoken + spoken_dev]
    assert len(texts) == len(set(texts))
    ids = [r["id"] for r in heldout + dev + stress + spoken + spoken_dev]
    assert len(ids) == len(set(ids))


def test_the_labelling_guidelines_are_shipped() -> None:
    assert "No external dataset" in (DATA / "GUIDELINES.md").read_text(encoding="utf-8")


def test_the_spoken_set_says_it_is_self_written() -> None:
    assert "Self-written" in (DATA / "SPOKEN.md").read_text(encoding="utf-8")

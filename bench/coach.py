"""Benchmark the question coach on our own labelled questions, through its command line.

The labels are read back from ``python -m actionset.coach classify`` run in a fresh process, exactly as another
tool would use it; throughput is measured separately, in process, on one core, by labelling the same questions
again and again for a few seconds.

Targets (issue 9): open-vs-closed accuracy ≥ 85% on the held-out set, advice precision ≥ 0.9, ≥ 2,000 questions
per second on one core.

Usage:
  python bench/coach.py                  # the held-out set: the figures to record
  python bench/coach.py --set dev        # the development set, the only one to tune rules against
  python bench/coach.py --set dev --errors
  python bench/coach.py --set stress     # hard cases written after the rules, to show their limits
  python bench/coach.py --set heldout_independent  # written by someone who had not seen the rules: quote these
  python bench/coach.py --set heldout_spoken  # spoken questions from several helping professions (issue 17)
  python bench/coach.py --set dev_spoken --errors  # the spoken development set, the one to tune spoken rules on

Sets labelled before the "leading" label existed count a leading question as advice (their guidelines said so), so
on them a "leading" verdict is scored as "advice"; sets that use the label are scored on all five.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO)]

from actionset.coach.classifier import LABELS, classify  # noqa: E402

DATA = REPO / "actionset" / "coach" / "data"
SETS = ["heldout", "heldout_independent", "heldout_spoken", "dev", "dev_spoken", "stress"]
TUNING_SETS = {"dev", "dev_spoken"}
FLAGS = {"advice", "leading"}


def load(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def labels_from_cli(texts: list[str]) -> tuple[list[dict[str, object]], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "actionset.coach", "classify"],
        input="\n".join(texts) + "\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    elapsed = time.perf_counter() - started
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(texts), f"the CLI answered {len(out)} lines for {len(texts)}"
    for row in out:
        assert {"label", "confidence", "reason"} <= row.keys(), row
        assert row["label"] in LABELS, row
    return out, elapsed


def throughput(texts: list[str], seconds: float) -> float:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    count = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for text in texts:
            classify(text)
        count += len(texts)
    return count / elapsed


def ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, default="heldout")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to measure throughput")
    parser.add_argument("--errors", action="store_true", help="list the disagreements (dev set only)")
    args = parser.parse_args()
    if args.errors and args.set not in TUNING_SETS:
        parser.error("--errors is for the development sets: the other sets are not for tuning")

    rows = load(args.set)
    texts = [row["text"] for row in rows]
    gold = [row["label"] for row in rows]
    out, cli_seconds = labels_from_cli(texts)
    pred = [str(row["label"]) for row in out]
    merged = "leading" not in gold
    if merged:
        pred = ["advice" if p == "leading" else p for p in pred]
    labels = [label for label in LABELS if not (merged and label == "leading")]
    labels += sorted({*gold} - {*labels})

    print(f"coach benchmark — {args.set} set, {len(rows)} questions")
    if merged:
        print("(labelled before the 'leading' label: a leading verdict is scored as advice)")
    print(f"python {platform.python_version()} on {platform.machine()}, load average {os.getloadavg()[0]:.2f}")
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    print(f"accuracy                 {ratio(correct, len(rows)):.3f}  ({correct}/{len(rows)})")
    f1s = []
    print(f"{'class':<14} {'support':>7} {'precision':>9} {'recall':>7} {'f1':>6}")
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        predicted = pred.count(label)
        support = gold.count(label)
        precision, recall = ratio(tp, predicted), ratio(tp, support)
        f1 = 2 * precision * recall / (precision + recall) if predicted and precision + recall else 0.0
        f1s.append(f1)
        print(f"{label:<14} {support:>7} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f}  (predicted {predicted})")
    print(f"macro-F1                 {sum(f1s) / len(f1s):.3f}")
    oc = [(g, p) for g, p in zip(gold, pred, strict=True) if g in {"open", "closed"}]
    oc_right = sum(g == p for g, p in oc)
    print(f"open vs closed accuracy  {ratio(oc_right, len(oc)):.3f}  ({oc_right}/{len(oc)}; target ≥ 0.85)")
    adv_tp = sum(g == p == "advice" for g, p in zip(gold, pred, strict=True))
    adv_pred = pred.count("advice")
    print(f"advice precision         {ratio(adv_tp, adv_pred):.3f}  ({adv_tp}/{adv_pred}; target ≥ 0.9)")
    flag_tp = sum(g in FLAGS and p in FLAGS for g, p in zip(gold, pred, strict=True))
    flag_pred = sum(p in FLAGS for p in pred)
    print(f"advice-or-leading prec.  {ratio(flag_tp, flag_pred):.3f}  ({flag_tp}/{flag_pred}; a flag a member sees)")
    missed = sum(p == "not_question" for _, p in oc)
    print(f"questions called 'not a question'  {ratio(missed, len(oc)):.3f}  ({missed}/{len(oc)} open or closed)")
    rate = throughput(texts, args.seconds)
    print(f"throughput, one core     {rate:,.0f} questions/s in process (target ≥ 2,000)")
    print(f"through the CLI          {len(rows) / cli_seconds:,.0f} questions/s including interpreter start-up")

    if args.errors:
        print("\ndisagreements (gold → predicted):")
        for row, p, o in zip(rows, pred, out, strict=True):
            if row["label"] != p:
                print(f"  {row['id']} {row['label']:>12} → {p:<12} {row['text']}  [{o['reason']}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The coach's command line, a contract that benchmarks and other tools rely on.

`classify` reads one text per line on standard input and writes one JSON object per line on standard output:
`{"label", "confidence", "reason"}` for the turn's main question, or with `--split`, `{"questions": [...]}`
listing each question found (each with `text`, `label`, `confidence`, `reason`). Blank lines give
`not_question` (or an empty list), so output line N always answers input line N.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from actionset.coach.classifier import classify, questions


def run(stdin: TextIO, stdout: TextIO, *, split: bool) -> None:
    for line in stdin:
        text = line.rstrip("\r\n")
        if split:
            result: dict[str, object] = {"questions": [v.as_dict() for v in questions(text)]}
        else:
            result = classify(text).as_dict()
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actionset.coach", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    classify_cmd = commands.add_parser("classify", help="label one text per line of standard input")
    classify_cmd.add_argument("--split", action="store_true", help="list each question found instead")
    args = parser.parse_args(argv)
    run(sys.stdin, sys.stdout, split=args.split)
    return 0

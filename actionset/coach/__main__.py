"""`python -m actionset.coach classify [--split]`: one text per line in, one JSON object per line out."""

from actionset.coach.cli import main

raise SystemExit(main())

"""What the sets app announces for the apps above it, which it may not import."""

from django.dispatch import Signal

#: A member was moved to another set after the sets were published, so they already know their old set and have
#: its meetings in their calendar. Sent once the move is committed, with `enrolment`, `old_set` and `new_set`;
#: the meetings app tells the person and puts their calendar right.
member_moved = Signal()

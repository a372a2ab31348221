"""What the sets app announces for the apps above it, which it may not import."""

from django.dispatch import Signal

#: A member was moved to another set after the sets were published, so they already know their old set and have
#: its meetings in their calendar. Sent once the move is committed, with `enrolment`, `old_set` and `new_set`;
#: the meetings app tells the person and puts their calendar right.
member_moved = Signal()

#: A set's meeting link was set, changed or removed. Sent once the change is committed, with `learning_set`; the
#: meetings app sends the set's people their meetings to come again, so the link in their calendars is the new one.
meeting_link_changed = Signal()

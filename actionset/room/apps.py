from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomConfig(AppConfig):
    """What happens in the room: the set's contract, and each meeting's progress round, airtime, actions,
    consensus and process review. Its models still live in `actionset.sets` (see the note in sets/models.py)."""

    name = "actionset.room"
    label = "room"
    verbose_name = _("The set's work in the room")

    def ready(self) -> None:
        # The live meeting (a layer below) hands airtime in the order the set agreed, which only the room knows:
        # it asks through this hook rather than importing upwards.
        from actionset.core import extensions
        from actionset.meetings import live
        from actionset.room import demo
        from actionset.room.airtime import bid_minutes, presenter_order
        from actionset.room.trios import rounds

        live.presenter_order_source = presenter_order
        live.presenter_minutes_source = bid_minutes
        live.rounds_source = rounds
        # What this app adds to the demo world (see actionset.core.extensions).
        extensions.contribute("room", demo=demo.seed)

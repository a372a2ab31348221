"""Every method has a progress round now, inserted into the WIAL, incident and Troika run sheets; a Troika round
counts its rounds.

A run records its place in the run sheet by index, so a meeting started before this change would find itself a
phase early. Each run of those methods moves to the same phase (by key) in the new sheet. The old sheets are
written out here, as they were, because methods.py now holds only the new ones.
"""

from django.db import migrations, models

OLD = {
    "wial": ["ground_rules", "presentation", "questions", "consensus", "actions", "coach", "reflection"],
    "incident": ["case", "clarifying", "takes", "response", "review"],
    "troika": ["checkin", "round", "checkout"],
}
NEW = {
    "wial": ["ground_rules", "progress", "presentation", "questions", "consensus", "actions", "coach", "reflection"],
    "incident": ["progress", "case", "clarifying", "takes", "response", "review"],
    "troika": ["checkin", "progress", "round", "checkout"],
}


def remap(old, new):
    def run(apps, schema_editor):
        MeetingRun = apps.get_model("meetings", "MeetingRun")
        for method, keys in old.items():
            for meeting_run in MeetingRun.objects.filter(method=method):
                index = min(meeting_run.phase_index, len(keys) - 1)
                # Going back, the progress round is in no old sheet: a run there goes to the phase after it.
                later = [k for k in keys[index:] if k in new[method]]
                moved = new[method].index(later[0])
                if moved != meeting_run.phase_index:
                    # A new version too: every device showing the old index redraws.
                    meeting_run.phase_index = moved
                    meeting_run.version += 1
                    meeting_run.save(update_fields=["phase_index", "version"])

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0007_facilitator_presence'),
    ]

    operations = [
        migrations.AddField(
            model_name='meetingrun',
            name='round',
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(remap(OLD, NEW), remap(NEW, OLD)),
    ]

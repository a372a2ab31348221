"""The awards and their requirements, loaded as data (idempotent: `manage.py accreditation_awards` runs it again)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from actionset.accreditation.awards import awards_load

    awards_load(apps.get_model("accreditation", "Award"), apps.get_model("accreditation", "Requirement"))


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

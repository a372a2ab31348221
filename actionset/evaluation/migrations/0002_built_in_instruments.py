"""Install the built-in instruments (idempotent: an instrument whose code exists is left as it is)."""

from typing import Any

from django.db import migrations


def install_built_ins(apps: Any, schema_editor: Any) -> None:
    from actionset.evaluation.instruments import BUILT_IN, install, parse

    models = {name: apps.get_model("evaluation", name) for name in ("Instrument", "Scale", "Item")}
    for data in BUILT_IN:
        if not models["Instrument"].objects.filter(code=data["code"]).exists():
            install(parse(data), models=models, built_in=True)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(install_built_ins, migrations.RunPython.noop)]

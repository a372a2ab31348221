"""A web process never loads the composition engine's search: numba (and OR-Tools with it) is for the worker.

numba took about 145 MB of a web worker's 265 MB and 2-5 s on its first request (issue 21). Web processes need the
engine only for the set board's evaluation and upper bound, which are plain numpy; the search is imported where a
composition runs. What a process has imported is a matter of the whole process, so each check starts Django afresh.
"""

from __future__ import annotations

from tests.fresh_process import django_json

#: Loads what gunicorn loads (the WSGI application, its middleware), then every view module the URLconf names, then
#: does what the set board does on a request with the engine: evaluate an assignment and bound the best one.
WEB_PROCESS = """
import importlib, json, sys
from django.urls import URLPattern, URLResolver, get_resolver
import actionset.wsgi

def walk(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry.callback

modules = set()
for callback in walk(get_resolver().url_patterns):
    module = getattr(callback, "__module__", None) or getattr(getattr(callback, "func", None), "__module__", None)
    if module:
        importlib.import_module(module)
        modules.add(module)

from actionset.composition import Attribute, Problem, equal_sets, evaluate, upper_bound
problem = Problem(
    n=6,
    set_sizes=equal_sets(6, 3, 3),
    attributes=[Attribute("department", "categorical", ["a", "b", "a", "b", "c", "c"])],
)
evaluation = evaluate(problem, [0, 0, 0, 1, 1, 1])
bound = upper_bound(problem)
loaded_for_pages = {name: name in sys.modules for name in ("numba", "ortools", "actionset.composition.solver")}

from actionset.composition import solve
print(json.dumps({
    "views": len(modules),
    "sets_views": "actionset.sets.views" in modules,
    "scored": bool(evaluation.objective <= bound),
    "for_pages": loaded_for_pages,
    "for_composing": "numba" in sys.modules and callable(solve),
}))
"""


def test_a_web_process_serving_every_page_never_imports_numba() -> None:
    found = django_json(WEB_PROCESS)

    assert found["views"] > 20
    assert found["sets_views"]
    assert found["scored"]
    assert found["for_pages"] == {"numba": False, "ortools": False, "actionset.composition.solver": False}
    # The check can see numba: asking for the search loads it.
    assert found["for_composing"]


def test_the_background_worker_s_task_module_loads_without_the_search_until_a_composition_runs() -> None:
    found = django_json(
        "import json, sys; import actionset.sets.tasks, actionset.sets.services; "
        "print(json.dumps({'numba': 'numba' in sys.modules}))"
    )

    assert found == {"numba": False}

"""What a web process would otherwise do on its first requests, done once before gunicorn forks its workers.

gunicorn replaces each worker after about a thousand requests (so that memory a large export took is given back).
A worker that imported the application itself spent its first second or two importing it and then, page kind by page
kind, compiling templates, building the URL resolver's tables and loading the translation catalogues, while the
requests sent to it waited: under bench/web.py's load both workers were replaced within two minutes, and the waits
showed as the slowest twentieth of every page. With the application loaded in gunicorn's master (`preload_app`) and
this run there, a new worker is a fork that has all of it already.

Nothing here may leave behind what a fork must not share: a database connection (closed at the end) or a cache
client's socket (the cache is never touched).
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import URLResolver, get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

#: Files under a template directory that are templates; anything else there (images, scripts) is left alone.
TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".ics", ".svg")


@dataclass(frozen=True)
class Warmed:
    templates: int
    skipped: int
    url_names: int


def _template_names(directory: Path) -> list[str]:
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
    )


def compile_templates() -> tuple[int, int]:
    """Compile every template the engines can find into their cached loaders; returns (compiled, skipped).

    A name found in several directories is compiled once, as the loaders resolve it (the first directory wins, as
    it does for a request). Templates that do not compile here (a library's templates for apps not installed) are
    skipped: a page that used one would report its error as it always did."""
    compiled = skipped = 0
    for engine in engines.all():
        seen: set[str] = set()
        for directory in engine.template_dirs:
            for name in _template_names(Path(directory)):
                if name in seen:
                    continue
                seen.add(name)
                try:
                    engine.get_template(name)
                except (TemplateSyntaxError, TemplateDoesNotExist, UnicodeDecodeError):
                    skipped += 1
                else:
                    compiled += 1
    return compiled, skipped


def _build_url_tables(resolver: URLResolver) -> int:
    """Build the tables `reverse` reads, of the resolver and of every namespace under it (each builds its own on
    first use); returns how many names they hold."""
    names = sum(1 for key in resolver.reverse_dict if isinstance(key, str))
    for _prefix, namespaced in resolver.namespace_dict.values():
        names += _build_url_tables(namespaced)
    return names


def warm_up() -> Warmed:
    """Load, once, what every worker forked afterwards would otherwise build on its first requests."""
    # Pages are served in the site's language: its catalogues are read and the URL tables (kept per language) built
    # for it. Importing every view module comes with the tables.
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Home")
        url_names = _build_url_tables(get_resolver())
    compiled, skipped = compile_templates()
    # A connection opened here would be one socket shared by every worker.
    connections.close_all()
    # What is loaded now lives as long as the process: kept out of the collector's reach, so the workers' collections
    # neither walk it nor write to its pages (which would copy them out of the memory the workers share).
    gc.collect()
    gc.freeze()
    warmed = Warmed(compiled, skipped, url_names)
    logger.info(
        "warmed before forking: %s templates (%s skipped), %s URL names",
        warmed.templates,
        warmed.skipped,
        warmed.url_names,
    )
    return warmed

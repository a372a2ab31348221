"""gunicorn's settings for actionset: `gunicorn -c python:actionset.gunicorn_conf actionset.wsgi`.

Each can be changed from the environment without editing this file. Pages are rendered synchronously and every
slow thing (mail, composing sets) is handed to the worker, so plain sync workers suit. The worker count and timeout
were measured with bench/web.py (docs/benchmarks.md, "Web workers").
"""

from __future__ import annotations

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# gunicorn's advice, two per core plus one, stays the default: it assumes workers spend part of each request waiting
# on a database elsewhere, which bench/web.py could not measure. With the database on the same 2-core machine, more
# workers than cores served no more pages and made the slowest slower, each worker costing memory (about 130 MB more
# while web workers still loaded the composition engine, docs/deployment.md); such an installation sets
# WEB_CONCURRENCY to its number of cores (at least 2, so one slow request holds up nobody else).
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1))
# Threads per worker (gunicorn's gthread worker when more than one): a cheap page then need not wait behind a slow one
# (an export, a large programme's results) that holds the worker, though the worker's threads share one core.
# bench/web.py measured both (docs/benchmarks.md); one thread, plain sync workers, unless WEB_THREADS says otherwise.
threads = int(os.environ.get("WEB_THREADS", "1"))
# A request past this is cut off and its worker replaced. The slowest page measured (a programme's results) took
# about 1 s at p99 under load, downloads of the demo world under 0.1 s: 60 s is left for exports of large programmes.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Old workers are replaced now and then, so that memory a large export took is given back.
max_requests = 1000
max_requests_jitter = 100
# The application is loaded once, in the master, and warmed there (`when_ready`): a replacement worker is a fork ready
# to serve, rather than a process that imports everything and compiles each page's templates while requests wait
# (measured: the slowest twentieth of pages under load, docs/benchmarks.md). New code therefore needs the master
# restarted, not `kill -HUP` (docs/deployment.md). WEB_PRELOAD=0 loads it in each worker as before.
preload_app = os.environ.get("WEB_PRELOAD", "1") != "0"
accesslog = "-"
# gunicorn's usual line, ending with the request id the app gave the response, to join it to the app's own lines.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'

errorlog = "-"
# The proxy in front terminates TLS; its X-Forwarded-* headers are trusted only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server: object) -> None:
    """In the master, once the application is loaded and before the first worker is forked."""
    if preload_app:
        # Here, not at the top: without preloading the master must not import Django at all.
        from actionset.core.warm import warm_up

        warm_up()

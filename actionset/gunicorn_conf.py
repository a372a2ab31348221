"""gunicorn's settings for actionset: `gunicorn -c python:actionset.gunicorn_conf actionset.wsgi`.

Each can be changed from the environment without editing this file. Pages are rendered synchronously and every
slow thing (mail, composing sets) is handed to the worker, so plain sync workers suit; how many depends on the
machine, gunicorn's own advice being two per core plus one.
"""

from __future__ import annotations

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1))
# Exports (PDF reports, evidence packs) are the slowest pages; a request past this is cut off and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Old workers are replaced now and then, so that memory a large export took is given back.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
# gunicorn's usual line, ending with the request id the app gave the response, to join it to the app's own lines.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'

errorlog = "-"
# The proxy in front terminates TLS; its X-Forwarded-* headers are trusted only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

"""gunicorn's settings for the live meetings' event streams:
`gunicorn -c python:actionset.gunicorn_events_conf actionset.wsgi`, with the proxy sending it
`/meetings/<id>/live/events/` (docs/deployment.md, "Live meetings").

The same application as the web process, served differently: each open stream (meetings/events.py) holds a thread
for as long as a device has the meeting open, waiting, not computing; so threads (`gthread`), many of them, rather
than the web process's few sync workers, each of which a stream would take whole. A device's page asks the web
process for the state itself, so these threads never render a page.
"""

from __future__ import annotations

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('EVENTS_PORT', '8001')}"
worker_class = "gthread"
# One process is enough for hundreds of devices (bench/live.py --events, docs/benchmarks.md); each process keeps one
# PostgreSQL connection listening for changes, and one thread per device.
workers = int(os.environ.get("EVENTS_WORKERS", "1"))
threads = int(os.environ.get("EVENTS_THREADS", "1000"))
# Devices beyond the threads wait for one to free; a little room above them for the heartbeat's reconnects.
worker_connections = threads + 100
# A stream is a long request by design; gthread's timeout watches the worker, not each request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# A stream ends by itself every ten minutes (events.STREAM_SECONDS) and the browser opens another: nothing to recycle.
max_requests = 0
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

"""gunicorn settings for OneWindow's web tier: ASGI through uvicorn workers.

    gunicorn -c deploy/gunicorn.conf.py onewindow.asgi:application

Every value can be changed from the environment (var/prod.env on a single machine, the unit's
environment on a node): ONEWINDOW_BIND, WEB_CONCURRENCY, ONEWINDOW_WEB_TIMEOUT,
ONEWINDOW_WEB_MAX_REQUESTS, ONEWINDOW_ACCESS_LOG. Sizing (docs/deploy.md "Sizing"): one worker
per core; each request runs in a thread of its own (onewindow/asgi.py, reused from request to
request), so a worker waiting on the database still serves other requests, and more
processes than cores measured slower.
"""

from __future__ import annotations

import multiprocessing
import os

bind = [
    address.strip() for address in os.environ.get("ONEWINDOW_BIND", "127.0.0.1:8000").split(",")
]
worker_class = "uvicorn_worker.UvicornWorker"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, multiprocessing.cpu_count()))
# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("ONEWINDOW_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# nginx keeps connections to the upstream open (keepalive in its upstream block).
keepalive = 75
backlog = 2048
# Recycle workers now and then, so that slow growth of memory never accumulates.
max_requests = int(os.environ.get("ONEWINDOW_WEB_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# X-Forwarded-Proto and X-Forwarded-For are believed only from the proxy in front.
forwarded_allow_ips = os.environ.get("ONEWINDOW_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
# nginx writes the access log; set ONEWINDOW_ACCESS_LOG=- (or a path) to have one here too.
accesslog = os.environ.get("ONEWINDOW_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("ONEWINDOW_WEB_LOG_LEVEL", "info")
proc_name = "onewindow-web"

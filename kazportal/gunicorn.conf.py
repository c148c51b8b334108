"""gunicorn settings: `gunicorn -c kazportal/gunicorn.conf.py kazportal.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# CPU count + 1 (3 on 2 cores): with 5 the warm page cache's 99th percentile latency at 16
# connections was 2-5x worse for the same requests per second (make bench-load).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
graceful_timeout = 30
# Workers are recycled now and then (a guard against slow leaks). Each recycle drops the
# worker's kept-alive connections and its warm caches: at 1000 requests that was every second
# or two under load, seen as read errors and latency spikes by the load benchmark.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# "-": stdout; empty: no access log (e.g. when the proxy in front already logs requests).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

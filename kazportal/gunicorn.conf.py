"""gunicorn settings: `gunicorn -c kazportal/gunicorn.conf.py kazportal.wsgi`."""

import multiprocessing
import os

# Loopback only: the proxy in front (nginx, a load balancer's agent) connects here, the world
# does not. GUNICORN_BIND=0.0.0.0:8000 (or a unix:/path socket) to change it.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# CPU count + 1 (3 on 2 cores): with 5 the warm page cache's 99th percentile latency at 16
# connections was 2-5x worse for the same requests per second (make bench-load).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A worker silent this long (seconds) is killed and replaced: above the 5 s statement timeout.
timeout = 30
# Seconds a worker gets to finish its requests after a restart or a stop before it is killed.
graceful_timeout = 30
# Seconds an idle kept-alive connection from the proxy stays open (the proxy must drop idle
# upstream connections sooner, e.g. nginx's upstream `keepalive_timeout 4s`).
keepalive = 5
# Longest request line in bytes (gunicorn's default 4094): longer URIs get a 400.
limit_request_line = 4094
# At most this many header fields per request (the default 100 is plenty behind a proxy).
limit_request_fields = 50
# Longest header field in bytes (cookies included): 8 KiB, as nginx's large_client_header_buffers.
limit_request_field_size = 8190
# Workers are recycled now and then (a guard against slow leaks). Each recycle drops the
# worker's kept-alive connections and its warm caches: at 1000 requests that was every second
# or two under load, seen as read errors and latency spikes by the load benchmark.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# "-": stdout; empty: no access log (e.g. when the proxy in front already logs requests).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
# Access and error logs without batyr portrait tokens, and without client addresses unless
# GUNICORN_LOG_IPS=1 (batyr/README.md, Privacy).
logger_class = "kazportal.access_log.AccessLogger"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

"""`make serve`: the production stack on one machine, behind nginx.

nginx (Debian's; `make nginx`) on 127.0.0.1:PORT (8080) reads whole requests with short
timeouts, serves /static/ (collectstatic's output) and /media/ (public media) itself and passes
complete requests to gunicorn on 127.0.0.1:GUNICORN_PORT (8000), with the production settings;
the task worker (`manage.py db_worker`) runs beside them. It runs collectstatic and migrate
first. Ctrl-C or SIGTERM stops all three.

Needs DJANGO_SECRET_KEY; DATABASE_URL (and every other setting of README: Settings) is used
when set. Its files (nginx.conf, pid, logs, temp files) are in .serve/ (RUN_DIR).
"""

import grp
import json
import math
import os
import pwd
import re
import shutil
import signal
import string
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
RUN_DIR = BASE_DIR / ".serve"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))


class ConfTemplate(string.Template):
    """Only ${UPPER_CASE} is ours: nginx's own $host, $scheme, ${kp_head} stay as they are."""

    delimiter = "$"
    idpattern = r"[A-Z][A-Z0-9_]*"
    flags = re.NOFLAG


def require_nginx():
    """The nginx binary, or an error telling how to get it."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if not nginx:
        raise SystemExit("nginx is missing: run `make nginx` (Debian's nginx-light).")
    return nginx


def site_env(gunicorn_port, base=None):
    """The environment of gunicorn, the worker and manage.py: production settings, the client's
    address taken from nginx's X-Forwarded-For (kazportal/client.py)."""
    env = dict(os.environ if base is None else base)
    env.setdefault("DJANGO_SETTINGS_MODULE", "kazportal.settings.production")
    if not env.get("DJANGO_SECRET_KEY"):
        raise SystemExit("DJANGO_SECRET_KEY must be set (see README: Settings).")
    # Plain HTTP on loopback: no redirect to HTTPS (set DJANGO_SECURE_SSL_REDIRECT=1 when a TLS
    # proxy in front of nginx sends X-Forwarded-Proto and DJANGO_SECURE_PROXY_SSL_HEADER=1).
    env.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    env["DJANGO_TRUSTED_PROXIES"] = "127.0.0.1"
    env["GUNICORN_BIND"] = f"127.0.0.1:{gunicorn_port}"
    env.setdefault("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
    return env


def site_settings(env):
    """The settings nginx needs, read from Django with `env` (in a child process: the caller's
    own Django settings, e.g. a test's, play no part)."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'STATIC_ROOT': str(s.STATIC_ROOT), 'MEDIA_ROOT': str(s.MEDIA_ROOT), "
        "'PRIVATE_MEDIA_ROOT': str(s.PRIVATE_MEDIA_ROOT), "
        "'BATYR_MAX_UPLOAD_MB': s.BATYR_MAX_UPLOAD_MB, "
        "'PHOTO_MAX_UPLOAD_MB': s.PHOTO_MAX_UPLOAD_MB}))"
    )
    result = subprocess.run(
        [PYTHON, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def user_line():
    """As root, nginx's workers would run as `nobody`, who may not read the repository's (or a
    temporary folder's) files: run them as the repository's owner instead."""
    if os.geteuid() != 0:
        return "# (not root: nginx runs as the current user)"
    owner = pwd.getpwuid(BASE_DIR.stat().st_uid)
    return f"user {owner.pw_name} {grp.getgrgid(owner.pw_gid).gr_name};"


def render_config(values, port, gunicorn_port, run_dir):
    """nginx.conf for `values` (site_settings) and the ports, from nginx.conf.template."""
    media, private = Path(values["MEDIA_ROOT"]).resolve(), Path(values["PRIVATE_MEDIA_ROOT"])
    private = private.resolve()
    if private == media or media in private.parents:
        raise SystemExit(
            f"PRIVATE_MEDIA_ROOT ({private}) is inside MEDIA_ROOT ({media}): nginx would "
            "serve visitors' photos. Move it out (DJANGO_PRIVATE_MEDIA_ROOT)."
        )
    max_mb = max(values["BATYR_MAX_UPLOAD_MB"], values["PHOTO_MAX_UPLOAD_MB"])
    text = ConfTemplate(TEMPLATE.read_text()).safe_substitute(
        PORT=port,
        GUNICORN_PORT=gunicorn_port,
        RUN_DIR=Path(run_dir).resolve(),
        STATIC_ROOT=Path(values["STATIC_ROOT"]).resolve(),
        MEDIA_ROOT=media,
        MAX_BODY_MB=math.ceil(max_mb) + 1,
        USER_LINE=user_line(),
    )
    left = re.findall(r"\$\{[A-Z][A-Z0-9_]*\}", text)
    if left:
        raise ValueError(f"nginx.conf.template: no value for {sorted(set(left))}")
    return text


def write_config(values, port, gunicorn_port, run_dir=RUN_DIR):
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    Path(values["MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(render_config(values, port, gunicorn_port, run_dir))
    return conf


def manage(env, *command):
    subprocess.run([PYTHON, "manage.py", *command], env=env, cwd=BASE_DIR, check=True)


def prepare(env):
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "migrate", "--noinput", "-v", "0")


def start_nginx(conf, run_dir=RUN_DIR, nginx=None):
    nginx = nginx or require_nginx()
    run_dir = str(Path(run_dir).resolve())
    check = subprocess.run(
        [nginx, "-t", "-q", "-p", run_dir, "-c", str(conf), "-g", "daemon off;"],
        capture_output=True,
        text=True,
    )
    if check.returncode:
        raise SystemExit(f"nginx refused {conf}:\n{check.stderr}")
    return subprocess.Popen([nginx, "-p", run_dir, "-c", str(conf), "-g", "daemon off;"])


def start_gunicorn(env, *extra_args, **popen):
    return subprocess.Popen(
        [GUNICORN, "-c", "kazportal/gunicorn.conf.py", *extra_args, "kazportal.wsgi"],
        env=env,
        cwd=BASE_DIR,
        **popen,
    )


def start_worker(env):
    return subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--no-reload"], env=env, cwd=BASE_DIR
    )


def wait_until_up(port, processes, path="/healthz", timeout=60):
    """Wait until 127.0.0.1:port answers `path` (with any status but nginx's 502/504 and
    /healthz's 503: a 400 for a Host outside DJANGO_ALLOWED_HOSTS is an answer too); fail if a
    process exits first."""
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise SystemExit(f"{process.args[0]} exited with {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            if connection.getresponse().status not in (502, 503, 504):
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise SystemExit(f"127.0.0.1:{port}{path} did not answer within {timeout} s")


def stop_all(processes, timeout=15):
    """SIGTERM to every process that still runs, then SIGKILL to those left after `timeout`."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    port = int(os.environ.get("PORT", "8080"))
    gunicorn_port = int(os.environ.get("GUNICORN_PORT", "8000"))
    nginx = require_nginx()
    env = site_env(gunicorn_port)
    prepare(env)
    conf = write_config(site_settings(env), port, gunicorn_port)

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    # Ctrl-C, also when started where SIGINT was ignored (a background job of a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    processes = []
    try:
        processes.append(start_gunicorn(env))
        processes.append(start_worker(env))
        processes.append(start_nginx(conf, nginx=nginx))
        wait_until_up(port, processes)
        print(f"Serving http://127.0.0.1:{port}/ (nginx; logs in {RUN_DIR}). Ctrl-C stops.")
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print("A process of the stack exited; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all(processes)


if __name__ == "__main__":
    sys.exit(main())

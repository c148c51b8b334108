"""Varnish in front of one or more web nodes: `python deploy/varnish.py --listen 127.0.0.1:6081
--backend 127.0.0.1:8000 [--backend 127.0.0.1:8001 ...]` renders deploy/varnish.vcl.template
into RUN_DIR and runs varnishd in the foreground (Debian's varnish and varnish-modules:
`make varnish`). Ctrl-C stops it. Also used by the many-machines test.
"""

import argparse
import os
import shutil
import signal
import string
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("varnish.vcl.template")
RUN_DIR = BASE_DIR / ".varnish"


def require_varnishd():
    varnishd = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.access("/usr/sbin/varnishd", os.X_OK) else None
    )
    if not varnishd:
        raise SystemExit("varnishd is missing: run `make varnish` (Debian's varnish).")
    return varnishd


def render(backends, purgers=("127.0.0.1", "::1")):
    """The VCL for `backends` ("host:port" each)."""
    lines, adds = [], []
    for number, address in enumerate(backends):
        host, port = address.rsplit(":", 1)
        lines.append(
            f'backend node{number} {{\n    .host = "{host}";\n    .port = "{port}";\n'
            "    .connect_timeout = 2s;\n    .first_byte_timeout = 30s;\n"
            '    .probe = {\n        .url = "/healthz";\n        .interval = 2s;\n'
            "        .timeout = 2s;\n        .window = 3;\n        .threshold = 2;\n    }\n}"
        )
        adds.append(f"    nodes.add_backend(node{number});")
    return string.Template(TEMPLATE.read_text()).safe_substitute(
        BACKENDS="\n".join(lines),
        NODES="\n".join(adds),
        PURGERS="\n".join(f'    "{address}";' for address in purgers),
    )


def start(listen, backends, run_dir=RUN_DIR, **popen):
    """varnishd in the foreground on `listen`, in front of `backends`; the Popen."""
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # varnishd's compiler runs as its own user (vcache): it reads the VCL
    vcl = run_dir / "default.vcl"
    vcl.write_text(render(backends))
    vcl.chmod(0o644)
    command = [
        require_varnishd(),
        "-F",
        "-a",
        listen,
        "-T",
        "127.0.0.1:0",
        "-n",
        str(run_dir / "state"),
        "-f",
        str(vcl),
        "-s",
        "malloc,128m",
        "-p",
        "http_resp_hdr_len=16k",  # Surrogate-Key names every row a page shows
        "-p",
        "http_resp_size=64k",
    ]
    return subprocess.Popen(command, **popen)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:6081")
    parser.add_argument("--backend", action="append", default=[], help="host:port of a node")
    args = parser.parse_args(argv)
    process = start(args.listen, args.backend or ["127.0.0.1:8000"])
    signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()


if __name__ == "__main__":
    sys.exit(main())

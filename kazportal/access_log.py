"""Logs that keep batyr portrait tokens (and, in gunicorn's access log, visitors' IP addresses)
out of the files.

A portrait's token is the only key to a visitor's photo (batyr/README.md, Privacy), and its
pages poll `/<lang>/batyr/<token>/status/` every few seconds: a plain access log wrote the
token dozens of times, each next to the visitor's address.

* `AccessLogger`: gunicorn's `logger_class` (kazportal/gunicorn.conf.py). Every access log
  field is masked (`/<lang>/batyr/<token>/…` becomes `/<lang>/batyr/…/…`), the client address
  is left out unless `GUNICORN_LOG_IPS=1`, and gunicorn's error log masks tokens too (it names
  the request URI when a request fails).
* `MaskTokensFilter`: a `logging` filter for Django's own logs (`LOGGING` in
  kazportal/settings/base.py): "Not Found: /kk/batyr/<token>/", runserver's request lines,
  tracebacks.
"""

import logging
import os
import re
from urllib.parse import unquote

from gunicorn.glogging import Logger

MASK = "…"
# A token after `/batyr/`: the token converter in batyr/urls.py accepts 20 to 64 of
# [A-Za-z0-9_-] (longer runs are masked too). Not the landing page `/<lang>/batyr/` itself.
_TOKEN_PATH = re.compile(r"(/batyr/+)[A-Za-z0-9_-]{20,}", re.IGNORECASE)
# Headers and WSGI variables that carry a client's address.
_ADDRESS_ATOMS = (
    "h",
    "{remote_addr}e",
    "{remote_port}e",
    "{x-forwarded-for}i",
    "{x-real-ip}i",
    "{forwarded}i",
    "{http_x_forwarded_for}e",
    "{http_x_real_ip}e",
    "{http_forwarded}e",
)

_INVALID_FROM = re.compile(r"(Invalid request from ip=)[^:\s]*(?::[0-9a-fA-F:.]*)?(?=: )")


def mask_tokens(text):
    """`text` with every batyr token path segment replaced by "…".

    A token that is percent-encoded in `text` (`/kk/batyr%2FTOKEN/`, `?next=%2Fkk%2Fbatyr%2F…`)
    is found in the decoded form, which is then returned masked."""
    if not isinstance(text, str) or "batyr" not in text.lower():
        return text
    masked = _TOKEN_PATH.sub(rf"\1{MASK}", text)
    if "%" in masked:
        decoded = unquote(masked)
        if decoded != masked:
            decoded_masked = _TOKEN_PATH.sub(rf"\1{MASK}", decoded)
            if decoded_masked != decoded:
                return decoded_masked
    return masked


def env_flag(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


class AccessLogger(Logger):
    """gunicorn's logger without portrait tokens and, unless `GUNICORN_LOG_IPS=1`, without
    client addresses."""

    def __init__(self, cfg):
        self.log_ips = env_flag("GUNICORN_LOG_IPS")
        super().__init__(cfg)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms = {key: mask_tokens(value) for key, value in atoms.items()}
        if not self.log_ips:
            for key in _ADDRESS_ATOMS:
                if key in atoms:
                    atoms[key] = "-"
        return atoms

    # gunicorn's error log: "Error handling request /kk/batyr/<token>/" and the like.
    def critical(self, msg, *args, **kwargs):
        super().critical(mask_tokens(msg), *map(mask_tokens, args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(mask_tokens(msg), *map(mask_tokens, args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        # gunicorn formats a bad request's warning itself: "Invalid request from ip=ADDRESS: …"
        if not self.log_ips and isinstance(msg, str):
            msg = _INVALID_FROM.sub(r"\1-", msg)
        super().warning(mask_tokens(msg), *map(mask_tokens, args), **kwargs)

    def info(self, msg, *args, **kwargs):
        super().info(mask_tokens(msg), *map(mask_tokens, args), **kwargs)

    def debug(self, msg, *args, **kwargs):
        super().debug(mask_tokens(msg), *map(mask_tokens, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        # The traceback is formatted by the handler: mask it through the filter below.
        super().exception(mask_tokens(msg), *map(mask_tokens, args), **kwargs)

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            if not any(isinstance(f, MaskTokensFilter) for f in handler.filters):
                handler.addFilter(MaskTokensFilter())


class MaskTokensFilter(logging.Filter):
    """Masks batyr tokens in a record's message, traceback and stack (changes the record, so
    every handler after this one sees it masked too)."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_tokens(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_tokens(record.stack_info)
        return True

"""Production: debug is always off; DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are required."""

import os

os.environ["DJANGO_DEBUG"] = "0"

from .base import *  # noqa: E402,F403

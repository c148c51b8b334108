"""A real S3-compatible server for the object storage tests: moto's server mode on loopback (a
free port, its own thread), two buckets per test, the site's STORAGES pointed at them.

    from tests.s3 import s3_fixture, s3_server_fixture  # noqa: F401 (fixtures s3, s3_server)
"""

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ACCESS = {"access_key": "test", "secret_key": "test"}
REGION = "us-east-1"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Requests(logging.Handler):
    """The request lines the server answered ("GET /bucket/key HTTP/1.1", status), from
    werkzeug's request log."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def emit(self, record):
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) >= 2 and isinstance(args[0], str):
            self.seen.append((_ANSI.sub("", args[0]), str(args[1])))


@pytest.fixture(scope="session", name="s3_server")
def s3_server_fixture():
    """moto's S3 server on 127.0.0.1 (a free port): yields its endpoint URL and request log."""
    from moto.server import ThreadedMotoServer  # the dev extra; with the s3 one (make setup-dev)

    log = logging.getLogger("werkzeug")
    requests = _Requests()
    log.addHandler(requests)
    level, propagate = log.level, log.propagate
    log.setLevel(logging.INFO)
    log.propagate = False  # the request log stays out of the test output
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}", requests
    finally:
        server.stop()
        log.removeHandler(requests)
        log.setLevel(level)
        log.propagate = propagate


@dataclass
class Buckets:
    endpoint: str
    public: str
    private: str
    client: object
    requests: list = field(default_factory=list)

    def keys(self, bucket):
        """Every object name in `bucket` (its name, or "public" / "private")."""
        bucket = getattr(self, bucket, bucket)
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def url(self, bucket, key):
        return f"{self.endpoint}/{getattr(self, bucket, bucket)}/{key}"


def local_files(*roots):
    return sorted(
        str(p)
        for root in roots
        if Path(root).exists()
        for p in Path(root).rglob("*")
        if p.is_file()
    )


@pytest.fixture(name="s3")
def s3_fixture(settings, s3_server):
    """Two fresh buckets on the server, public media in one (anyone may read it, by its bucket
    policy, as in production) and the private storage in the other, set up by the site's own
    `object_storages()`; MEDIA_ROOT and PRIVATE_MEDIA_ROOT are empty folders (tests/conftest.py)
    that must stay empty."""
    import boto3

    from kazportal import renditions
    from kazportal.settings.base import object_storages

    endpoint, requests = s3_server
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    suffix = uuid.uuid4().hex[:12]
    buckets = Buckets(endpoint, f"media-{suffix}", f"private-{suffix}", client, requests.seen)
    client.create_bucket(Bucket=buckets.public)
    client.create_bucket(Bucket=buckets.private)
    client.put_bucket_policy(
        Bucket=buckets.public,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{buckets.public}/*",
                    }
                ],
            }
        ),
    )
    found = object_storages(
        {
            "AWS_STORAGE_BUCKET_NAME": buckets.public,
            "DJANGO_PRIVATE_BUCKET": buckets.private,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": REGION,
        }
    )
    for entry in found.values():
        entry["OPTIONS"].update(ACCESS)
    settings.STORAGES = {**settings.STORAGES, **found}
    renditions.forget()  # URLs and fragments remembered with the local storage
    roots = (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    assert local_files(*roots) == []
    yield buckets
    renditions.forget()
    assert local_files(*roots) == [], "a file was written on local disk"

"""Local object-store servers for the artifact tests, each on a free port of 127.0.0.1.

- S3: no S3-compatible server (MinIO and the like) installs here from a package registry,
  so the S3 tests talk to moto's server mode (``moto[server]``'s ``ThreadedMotoServer``): a
  real HTTP server speaking the S3 API, used through a real boto3 client.
- GCS: ``gcp-storage-emulator`` (PyPI), a real HTTP server speaking the GCS JSON API, used
  through a real ``google.cloud.storage`` client.

Both are started once per test module; every test gets a bucket of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from _artifact_servers import free_port, gcs_client, s3_client


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """URL of a moto S3 server running in this process."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> tuple[Any, str]:
    """``(client, bucket_name)``: a new, empty bucket on the moto server."""
    client = s3_client(s3_endpoint)
    name = f"albacore-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture(scope="module")
def gcs_endpoint() -> Iterator[str]:
    """URL of a gcp-storage-emulator server (in memory) running in this process."""
    from gcp_storage_emulator.server import create_server

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def gcs_bucket(gcs_endpoint: str) -> tuple[Any, str]:
    """``(client, bucket_name)``: a new, empty bucket on the emulator."""
    client = gcs_client(gcs_endpoint)
    name = f"albacore-{uuid.uuid4().hex[:12]}"
    client.create_bucket(name)
    return client, name

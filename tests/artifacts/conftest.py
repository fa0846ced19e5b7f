"""Local object-store servers for the artifact tests, each on a free port of 127.0.0.1.

- S3: no S3-compatible server (MinIO and the like) installs here from a package registry,
  so the S3 tests talk to moto's server mode (``moto[server]``'s ``ThreadedMotoServer``): a
  real HTTP server speaking the S3 API, used through a real boto3 client.
- GCS: ``gcp-storage-emulator`` (PyPI), a real HTTP server speaking the GCS JSON API, used
  through a real ``google.cloud.storage`` client.

Both are started once per test module; every test gets a bucket of its own.
"""

from __future__ import annotations

import socket
import uuid
from typing import Any, Iterator

import pytest

ACCESS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """URL of a moto S3 server running in this process."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str, **config: Any) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, config=Config(**config), **ACCESS)


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


def gcs_client(endpoint: str) -> Any:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    return storage.Client(project="albacore-test", credentials=AnonymousCredentials(), client_options={"api_endpoint": endpoint})


@pytest.fixture
def gcs_bucket(gcs_endpoint: str) -> tuple[Any, str]:
    """``(client, bucket_name)``: a new, empty bucket on the emulator."""
    client = gcs_client(gcs_endpoint)
    name = f"albacore-{uuid.uuid4().hex[:12]}"
    client.create_bucket(name)
    return client, name

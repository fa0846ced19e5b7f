"""Helpers of the artifact tests' local servers (the fixtures are in conftest.py)."""

from __future__ import annotations

import socket
from typing import Any

ACCESS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def s3_client(endpoint: str, **config: Any) -> Any:
    """A boto3 S3 client for ``endpoint``, with test credentials and botocore ``Config(**config)``."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, config=Config(**config), **ACCESS)


def gcs_client(endpoint: str) -> Any:
    """A google.cloud.storage client for the emulator at ``endpoint``."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    return storage.Client(
        project="albacore-test", credentials=AnonymousCredentials(), client_options={"api_endpoint": endpoint}
    )

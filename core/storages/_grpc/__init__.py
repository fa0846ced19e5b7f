"""The gRPC storage proxy: many workers, one server holding the storage (and its connections)."""

from albacore.storages._grpc._client import GrpcStorageProxy
from albacore.storages._grpc._server import run_grpc_proxy_server

__all__ = ["GrpcStorageProxy", "run_grpc_proxy_server"]

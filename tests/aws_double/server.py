"""The double's gRPC server: the Python provider SDK's, except that a failed operation reaches the engine as the
real provider's does, with its message alone.

The SDK's servicer appends the provider's Python traceback to any exception, and gRPC then reports it as
``Unexpected <class 'Exception'>: ...`` (``pulumi/provider/experimental/server.py``, ``_raise_with_traceback``).
The bridge answers a failed Create, Read, Update or Delete with a gRPC error whose message is the provider's error
(pulumi-terraform-bridge ``pkg/tfbridge/provider.go``): here a :class:`ProviderError` aborts the call the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental.provider import Provider
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

from tests.aws_double.errors import ProviderError

Method = Callable[[Any, Any], Awaitable[Any]]


async def _reported(method: Method, request: Any, context: Any) -> Any:
    try:
        return await method(request, context)
    except Exception as error:
        cause = error.__context__ if not isinstance(error, ProviderError) else error
        if isinstance(cause, ProviderError):
            await context.abort(grpc.StatusCode.UNKNOWN, str(cause))
        raise


class Servicer(ProviderServicer):  # type: ignore[misc]
    # gRPC's method names.
    async def Create(self, request: Any, context: Any) -> Any:
        return await _reported(super().Create, request, context)

    async def Read(self, request: Any, context: Any) -> Any:
        return await _reported(super().Read, request, context)

    async def Update(self, request: Any, context: Any) -> Any:
        return await _reported(super().Update, request, context)

    async def Delete(self, request: Any, context: Any) -> Any:
        return await _reported(super().Delete, request, context)

    async def Invoke(self, request: Any, context: Any) -> Any:
        return await _reported(super().Invoke, request, context)


def main(args: list[str], version: str, provider: Provider) -> None:
    """Serve ``provider`` to the engine at the address the CLI passes (as the SDK's ``server.main`` does)."""
    parser = argparse.ArgumentParser(description="the AWS provider double (a Pulumi resource provider plugin)")
    parser.add_argument("engine")
    engine = parser.parse_known_args(args)[0].engine

    async def serve() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(
            Servicer(args, version, provider, engine_address=engine), server
        )
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())

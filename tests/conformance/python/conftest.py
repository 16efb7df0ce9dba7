"""Fixtures for the taos-ws-py (module `taosws`) conformance tests against the dev server."""
import os

import pytest
import taosws


@pytest.fixture(scope="session")
def addr():
    """`host:port` of the dev server started by ../run.sh."""
    value = os.environ.get("TAOS_DEVSERVER_ADDR")
    if not value:
        pytest.fail("TAOS_DEVSERVER_ADDR is not set: run tests/conformance/run.sh")
    return value


@pytest.fixture
def conn(addr):
    """A fresh WebSocket connection through the official Python client."""
    c = taosws.connect(f"ws://root:taosdata@{addr}")
    yield c
    c.close()

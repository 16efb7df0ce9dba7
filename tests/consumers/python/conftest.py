"""Fixtures for the taospy tests: taospy loads our libtaos.so (LD_LIBRARY_PATH) and reaches the
dev server started by ../run.sh, whose address is in TAOS_DEVSERVER_ADDR. run.sh also writes the
configuration our library reads (TAOS_CONFIG_DIR/taos.cfg and TAOS_* env) so that `taos.connect()`
with no host reaches that server."""
import os

import pytest
import taos


@pytest.fixture(scope="session")
def addr():
    """(host, port) of the dev server."""
    value = os.environ.get("TAOS_DEVSERVER_ADDR")
    if not value:
        pytest.fail("TAOS_DEVSERVER_ADDR is not set: run tests/consumers/run.sh")
    host, port = value.rsplit(":", 1)
    return host, int(port)


@pytest.fixture
def conn(addr):
    """A connection with explicit host and port."""
    c = taos.connect(host=addr[0], user="root", password="taosdata", port=addr[1])
    yield c
    c.close()

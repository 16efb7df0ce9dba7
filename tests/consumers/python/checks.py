"""Values and conversions shared by the taospy tests (imported as `checks`: pytest puts this
directory on sys.path)."""
import datetime

# First timestamp (ms) the tests write.
TS0 = 1_700_000_000_000
# WKB of POINT(1 2), little-endian.
POINT_1_2 = bytes.fromhex("0101000000000000000000f03f0000000000000040")


def epoch_ms(value):
    """Milliseconds since the epoch of a TIMESTAMP cell. taospy gives naive datetimes in local
    time (run.sh sets TZ=UTC), or aware ones once a connection set `timezone=`; ns precision
    stays an int."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return round(value.timestamp() * 1000)
    return int(value)


def cell(value):
    """One cell in comparable form: datetimes as epoch ms, binary buffers as bytes."""
    if isinstance(value, datetime.datetime):
        return epoch_ms(value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


def normalise(row):
    """A row in comparable form (see cell)."""
    return tuple(cell(v) for v in row)


def full_code(exc):
    """taos.Error.errno as the unsigned 32-bit TDengine code."""
    return exc.errno & 0xFFFFFFFF

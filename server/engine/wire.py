"""The messages between the pool and a query process, over their socket pair.

Each is one ``send_bytes``: a tag, then DATA (result bytes), FINAL (a summary, then the last
bytes), ERROR (JSON: why the job got no result) or READY (the process opened the store).
"""

from __future__ import annotations

import json
import struct

from accords.server.engine.jobs import ExecutionError

QUERY_PROCESS = "accords.server.engine.query_process"  # python -m QUERY_PROCESS: a query process
CHUNK_BYTES = 64 * 1024
DATA, FINAL, ERROR, READY = b"D", b"F", b"E", b"R"
OUT_OF_MEMORY_EXIT = 3  # a query process exits so after a MemoryError


def final(summary: dict, data: bytes | bytearray) -> bytes:
    """The last message of a result: its summary and its last bytes."""
    meta = json.dumps(summary).encode()
    return FINAL + struct.pack("!I", len(meta)) + meta + data


def split_final(message: bytes) -> tuple[dict, bytes]:
    """The summary and the last bytes of a final message."""
    (length,) = struct.unpack("!I", message[1:5])
    return json.loads(message[5 : 5 + length]), message[5 + length :]


def error_message(failure: ExecutionError) -> bytes:
    """An ERROR message: why the job got no result, the reason and its details."""
    fields = {"failure": failure.failure.value, "message": failure.message, **failure.details}
    return ERROR + json.dumps(fields).encode()


def read_error(message: bytes) -> ExecutionError:
    """The error an ERROR message tells."""
    fields = json.loads(message[1:])
    return ExecutionError(fields.pop("failure"), fields.pop("message"), fields)

"""Moving values between pyarrow and numpy through their buffers.

pyarrow converts numpy arrays, Python scalars and lists, and arrays bound for numpy through
code that first imports pandas wherever pandas is installed: about 0.16 s of CPU, paid again
by every worker process, a ninth of reading and counting all 93 NSW districts.  The
readers build and read arrays from their buffers instead, which never looks for pandas
(``tests/formats/test_arrow.py`` holds them to that).  Every helper takes arrays without
nulls, as the readers' conversion options produce them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["binaries", "bools", "from_numpy", "scalar", "to_numpy"]


def binaries(values: list[bytes]) -> Any:
    """A binary array of ``values``."""
    import pyarrow as pa

    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum([len(v) for v in values], out=offsets[1:])
    data = b"".join(values)
    return pa.Array.from_buffers(
        pa.binary(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def scalar(value: bytes) -> Any:
    """A binary scalar holding ``value``, to compare a column with."""
    return binaries([value])[0]


def from_numpy(values: npt.NDArray[Any]) -> Any:
    """A pyarrow array sharing the memory of a one-dimensional numeric numpy array."""
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(
        pa.from_numpy_dtype(values.dtype), values.size, [None, pa.py_buffer(values)]
    )


def to_numpy(array: Any) -> npt.NDArray[Any]:
    """A numeric array's values as numpy, sharing its memory (read only)."""
    array = _whole(array)
    if array.null_count:
        raise ValueError("an array with nulls")
    dtype = _dtype(array.type)
    buffer = array.buffers()[1]
    values = np.frombuffer(buffer, dtype=dtype, count=array.offset + len(array))
    return values[array.offset :]


def bools(array: Any) -> npt.NDArray[np.bool_]:
    """A boolean array's values as numpy booleans (unpacked from its bits)."""
    array = _whole(array)
    if array.null_count:
        raise ValueError("an array with nulls")
    n, offset = len(array), array.offset
    bits = np.frombuffer(array.buffers()[1], dtype=np.uint8)
    unpacked = np.unpackbits(bits, count=offset + n, bitorder="little")
    return unpacked[offset:].view(np.bool_)


def _dtype(arrow_type: Any) -> np.dtype[Any]:
    """The numpy dtype of a fixed-width numeric arrow type (``to_pandas_dtype`` loads pandas)."""
    import pyarrow as pa

    for code in "bhilBHILfd":
        if arrow_type == pa.from_numpy_dtype(np.dtype(code)):
            return np.dtype(code)
    raise TypeError(f"not a fixed-width numeric type: {arrow_type}")


def _whole(array: Any) -> Any:
    """One array of a chunked array's chunks (a plain array as it is)."""
    combine = getattr(array, "combine_chunks", None)
    return array if combine is None else combine()

"""Arrays moved between pyarrow and numpy by their buffers, and readers that never load pandas."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from tellers.formats import _arrow

from .test_nsw_raw import ROWS, district


@given(st.lists(st.binary(max_size=12), max_size=40))
def test_binaries_equal_pyarrows_own(values: list[bytes]) -> None:
    built = _arrow.binaries(values)
    assert built.equals(pa.array(values, pa.binary()))
    if values:
        assert _arrow.scalar(values[0]).as_py() == values[0]


@given(st.lists(st.booleans(), max_size=70), st.integers(0, 9), st.integers(0, 9))
def test_bools_read_bits_at_any_offset(values: list[bool], cut: int, keep: int) -> None:
    # Slices start inside a byte of the bitmap: the offset must be honoured.
    array = pa.array(values, pa.bool_()).slice(cut, keep)
    assert _arrow.bools(array).tolist() == values[cut : cut + keep]
    chunked = pa.chunked_array([pa.array(values, pa.bool_()), pa.array([True])])
    assert _arrow.bools(chunked).tolist() == [*values, True]


@given(st.lists(st.integers(-(2**31), 2**31 - 1), max_size=50), st.integers(0, 5))
def test_numbers_both_ways(values: list[int], cut: int) -> None:
    ints = np.array(values, dtype=np.int32)
    array = _arrow.from_numpy(ints)
    assert array.type == pa.int32()
    assert array.to_pylist() == values
    assert _arrow.to_numpy(array.slice(cut)).tolist() == values[cut:]
    doubled = pc.add(
        _arrow.from_numpy(ints.astype(np.int64)), _arrow.from_numpy(ints.astype(np.int64))
    )
    assert _arrow.to_numpy(doubled).tolist() == [2 * v for v in values]


def test_to_numpy_refuses_nulls_and_text() -> None:
    import pytest

    with pytest.raises(ValueError, match="nulls"):
        _arrow.to_numpy(pa.array([1, None]))
    with pytest.raises(TypeError, match="numeric"):
        _arrow.to_numpy(pa.array(["a"]))


def test_readers_never_look_for_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas, where installed, on its numpy and Python-object paths: about
    0.16 s of CPU in every process.  A finder placed first on the import path records any attempt
    (and then lets it fail, which pyarrow takes as "no pandas"), installed or not."""
    nsw = district(tmp_path, ROWS)
    plain = tmp_path / "plain.csv"
    plain.write_text("count,rank1,rank2,rank3\n3,AL,BO,\n2,BO,,\n1,CY,AL,BO\n")
    script = textwrap.dedent(
        f"""
        import sys

        tried = []

        class Watch:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "pandas":
                    tried.append(name)
                    raise ImportError(name)
                return None

        sys.meta_path.insert(0, Watch())
        from tellers.formats import csv_ranks, nsw_raw
        from tellers.methods import count

        member = nsw_raw._member(r"{nsw}")
        with member as f:
            nsw = nsw_raw._load_fast(f, r"{nsw}", member.info.file_size)
        plain = csv_ranks._load_fast(open(r"{plain}", "rb").read(), r"{plain}")
        assert nsw is not None and plain is not None, "the fast paths were not taken"
        count(nsw, "av")
        count(plain, "av")
        print(tried)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"

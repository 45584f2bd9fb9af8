"""The hostile-input corpus, run as a returning officer's machine would run it (issue 15).

Every case of ``tests/hostile.py`` is read, counted by every method and written in every report
format inside one subprocess limited to 1 GiB of address space (``RLIMIT_AS``) and 300 s of CPU
(``RLIMIT_CPU``): the limits bound memory and time without a timing assertion that could flake.
The only outcomes allowed are a result or a :class:`tellers.TellersError`; a traceback, a
MemoryError or a killed process fails the case.  A property test then fuzzes the same pipeline
with near-valid files of every format (bounded examples; a fixed seed under CI, see conftest).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tellers

sys.path.insert(0, str(Path(__file__).resolve().parent))
from formats.test_fuzz import SEEDS, SUFFIX, _write, near_valid
from hostile import CASES, corpus

# Every reader over a corpus of damaged files: seconds; not in scripts/test --fast.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

#: Runs in the limited subprocess: argv[1] is a JSON list of [name, path, format].
_RUNNER = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
resource.setrlimit(resource.RLIMIT_CPU, (300, 300))
import tellers
from tellers.methods import REGISTRY
from tellers.report.rctab_json import to_rctab_json
from tellers.report.html.count import render_count

def run(path, fmt):
    try:
        election = tellers.read(path, fmt)
    except tellers.TellersError as e:
        return "refused", str(e)[:300]
    counted = 0
    for method in REGISTRY.names():
        try:
            result = tellers.count(election, method)
        except tellers.TellersError:
            continue
        counted += 1
        tellers.render_text(result)
        tellers.to_csv(result)
        json.dumps(tellers.to_json_dict(result), ensure_ascii=False).encode("utf-8")
        to_rctab_json(result)
        render_count(result, election).encode("utf-8")
    return "counted", f"{counted} methods"

out = {}
for name, path, fmt in json.loads(sys.argv[1]):
    try:
        out[name] = run(path, fmt)
    except BaseException as e:  # anything but TellersError is a failure, MemoryError too
        out[name] = ("crashed", f"{type(e).__name__}: {str(e)[:300]}")
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Make the corpus and run it once in the limited subprocess."""
    folder = tmp_path_factory.mktemp("hostile")
    cases = [[name, str(path), fmt] for name, path, fmt in corpus(folder)]
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, json.dumps(cases)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, f"the corpus run died ({done.returncode}): {done.stderr[-2000:]}"
    got: dict[str, Any] = json.loads(done.stdout)
    return {k: (v[0], v[1]) for k, v in got.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_case_crashes_or_exhausts_memory(
    outcomes: dict[str, tuple[str, str]], name: str
) -> None:
    kind, detail = outcomes[name]
    assert kind in {"refused", "counted"}, f"{name}: {detail}"


#: Cases that must be refused (not counted), with words the refusal says.
REFUSED = {
    "blt-weight-2^63": "9,223,372,036,854,775,807",
    "dat-total-2^63": "9,223,372,036,854,775,807",
    "csv-total-2^63": "9,223,372,036,854,775,807",
    "json-weight-2^63": "9,223,372,036,854,775,807",
    "soi-total-2^63": "9,223,372,036,854,775,807",
    "csv-2000-candidates": "2,000 candidates",
    "blt-blank-name": "has no name",
    "blt-alike-names": "differ only in case or spacing",
    "json-lone-surrogate": "lone surrogate",
    "json-10mb-string": "the title has 10,000,000 characters",
    "json-deep-nesting": "nested more than",
    "nsw-bad-crc": "damaged",
    "nsw-corrupt-deflate": "damaged",
    "nsw-bomb": "would inflate",
}


@pytest.mark.parametrize(("name", "words"), sorted(REFUSED.items()))
def test_hostile_cases_are_refused_in_words(
    outcomes: dict[str, tuple[str, str]], name: str, words: str
) -> None:
    kind, detail = outcomes[name]
    assert kind == "refused" and words in detail, f"{name}: {kind}: {detail}"


def test_every_format_is_in_the_corpus() -> None:
    from tellers.formats import FORMATS

    covered = {fmt for fmt, _ in CASES.values()}
    assert {"blt", "dat", "soi", "csv", "json", "nsw-raw"} <= covered
    assert covered <= set(FORMATS)


# --- fuzzing the whole pipeline ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(SEEDS))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_near_valid_file_is_counted_or_refused(
    tmp_path: Path, fmt: str, data: st.DataObject
) -> None:
    """Read, count by every method and report: a result or a TellersError, nothing else."""
    from tellers.methods import REGISTRY

    path = tmp_path / f"fuzz{SUFFIX.get(fmt, '.' + fmt)}"
    _write(path, fmt, data.draw(near_valid(fmt)))
    try:
        election = tellers.read(path, fmt)
    except tellers.TellersError:
        return
    for method in REGISTRY.names():
        try:
            result = tellers.count(election, method)
        except tellers.TellersError:
            continue
        tellers.render_text(result)
        tellers.to_csv(result)
        tellers.to_json(result)

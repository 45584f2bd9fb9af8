"""Where the shared election data is, and what a test that needs it does when it is missing.

One place for the whole suite: ``../shared/data`` beside the checkout, or the folder
``TELLERS_SHARED_DATA`` names.  Tests that read it carry ``@pytest.mark.shared_data`` (and
``tests/conftest.py`` marks every user of the ``shared_data`` fixture); before such a test runs,
:func:`require_shared_data` skips it on a laptop without the data and fails it in CI, where
``.ci/run`` sets ``CI`` and ``TELLERS_REQUIRE_SERVICES``, so a bare checkout cannot pass CI
without the regression suites having run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Read at import, so collection (test_scottish's Droop cases, RCTab's case folders) sees it too.
SHARED_DATA = Path(os.environ.get("TELLERS_SHARED_DATA") or ROOT.parent / "shared" / "data")


def require_shared_data() -> Path:
    """Return the shared data folder, or skip (laptop) or fail (CI) naming where it was sought."""
    if not SHARED_DATA.is_dir():
        reason = f"shared data not found at {SHARED_DATA} (TELLERS_SHARED_DATA names another)"
        # The rule tests/service/_services.py applies to a missing server, with CI added: the
        # data is not a server a CI runner may lack, so CI=1 alone requires it as well.
        if os.environ.get("CI") or os.environ.get("TELLERS_REQUIRE_SERVICES"):
            pytest.fail(f"required data unavailable: {reason}", pytrace=False)
        pytest.skip(reason)
    return SHARED_DATA

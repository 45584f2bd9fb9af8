"""Shared fixtures: the real election data (tests/_shared.py), hypothesis's CI profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from ._shared import require_shared_data

SERVICE_TESTS = Path(__file__).resolve().parent / "service"

# CI runs each property test from a fixed seed, so a failure there reproduces exactly.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Return the shared data folder (tests/_shared.py: a laptop without it skips, CI fails)."""
    return require_shared_data()


# First, before ``-m`` deselects by marker.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the shared data folder, so ``-m "not shared_data"`` leaves it out.

    A test that reads the folder without the fixture (at collection, or through
    ``tests/formats/_helpers.shared``) carries the marker itself.  Every test under
    ``tests/service/`` is marked ``service``.
    """
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "shared_data"
        ):
            item.add_marker(pytest.mark.shared_data)
        # The ballot service's tests build a Django database each (minutes in all).
        if SERVICE_TESTS in item.path.parents:
            item.add_marker(pytest.mark.service)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (laptop) or fail (CI) a test marked ``shared_data`` when the folder is missing."""
    if item.get_closest_marker("shared_data"):
        require_shared_data()

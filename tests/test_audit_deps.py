"""scripts/audit_deps.py, CI's dependency audit: fails on a known vulnerability, warns (and
passes) when nothing could be looked up.  Reports are written by pip-audit's own JSON
formatter, so a change in its format breaks this test rather than silently passing CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pip_audit")

from packaging.version import Version
from pip_audit._format.json import JsonFormat
from pip_audit._service.interface import (
    ResolvedDependency,
    SkippedDependency,
    VulnerabilityResult,
)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_deps.py"

DJANGO = ResolvedDependency(name="django", version=Version("4.2.0"))
CLEAN = ResolvedDependency(name="pynacl", version=Version("1.5.0"))
VULN = VulnerabilityResult(
    id="PYSEC-2023-0001",
    description="SQL injection",
    fix_versions=[Version("4.2.2")],
    aliases={"CVE-2023-0001"},
)


def _judge(tmp_path: Path, result: dict) -> subprocess.CompletedProcess[str]:
    report = tmp_path / "audit.json"
    report.write_text(JsonFormat(False, False).format(result, []), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--from-json", str(report)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_known_vulnerability_fails(tmp_path: Path) -> None:
    r = _judge(tmp_path, {DJANGO: [VULN], CLEAN: []})
    assert r.returncode == 1
    assert "django 4.2.0: PYSEC-2023-0001 (fixed in 4.2.2)" in r.stderr


def test_a_clean_environment_passes(tmp_path: Path) -> None:
    r = _judge(tmp_path, {DJANGO: [], CLEAN: []})
    assert r.returncode == 0
    assert "2 packages audited, no known vulnerabilities" in r.stdout


def test_an_outage_warns_and_passes(tmp_path: Path) -> None:
    skipped = {
        SkippedDependency(name=n, skip_reason=f"Dependency not found on PyPI: {n}"): []
        for n in ("django", "pynacl")
    }
    r = _judge(tmp_path, skipped)
    assert r.returncode == 0
    assert "warning" in r.stderr and "NOT audited" in r.stderr


def test_a_vulnerability_fails_even_when_other_lookups_failed(tmp_path: Path) -> None:
    result = {DJANGO: [VULN], SkippedDependency(name="x", skip_reason="not found"): []}
    assert _judge(tmp_path, result).returncode == 1


def test_no_report_warns_and_passes(tmp_path: Path) -> None:
    report = tmp_path / "audit.json"
    report.write_text("", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, str(SCRIPT), "--from-json", str(report)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and "NOT audited" in r.stderr

#!/usr/bin/env python3
"""Audit the installed environment for known vulnerabilities (pip-audit), for CI.

Runs ``pip-audit --local --skip-editable`` (the installed packages of .venv, not tellers
itself) against PyPI's advisory data and reads its JSON:

- any package with a known vulnerability: the list is printed and the exit status is 1;
- no package could be audited (no network, PyPI unreachable, pip-audit timed out or printed
  no report): a warning on standard error and exit status 0, so an outage does not fail CI;
- otherwise a one-line summary (and how many packages could not be looked up) and status 0.

``--from-json FILE`` judges a report already written (the tests use it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300


def run_pip_audit() -> tuple[str, str]:
    """Run pip-audit on the installed environment; return (JSON report or "", its stderr)."""
    exe = ROOT / ".venv" / "bin" / "pip-audit"
    command = [
        str(exe) if exe.exists() else "pip-audit",
        "--local",
        "--skip-editable",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "", f"pip-audit took longer than {TIMEOUT} s"
    except OSError as e:
        return "", f"cannot run pip-audit: {e}"
    return done.stdout, done.stderr


def judge(report: str, stderr: str = "") -> tuple[int, str]:
    """Return (exit status, message) for a pip-audit JSON report."""
    try:
        data: Any = json.loads(report)
        deps = list(data["dependencies"])
    except (ValueError, KeyError, TypeError):
        tail = stderr.strip().splitlines()[-1:] or ["no report"]
        return 0, f"warning: pip-audit gave no report ({tail[0]}); dependencies NOT audited"
    vulnerable = [d for d in deps if d.get("vulns")]
    if vulnerable:
        lines = ["pip-audit: known vulnerabilities in installed packages:"]
        for d in vulnerable:
            for v in d["vulns"]:
                fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
                lines.append(
                    f"  {d['name']} {d.get('version', '?')}: {v.get('id')} (fixed in {fixed})"
                )
        return 1, "\n".join(lines)
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = len(deps) - len(skipped)
    if audited == 0:
        return 0, (
            f"warning: pip-audit could not look up any of {len(deps)} packages "
            "(is the network or PyPI down?); dependencies NOT audited"
        )
    note = f" ({len(skipped)} could not be looked up)" if skipped else ""
    return 0, f"pip-audit: {audited} packages audited, no known vulnerabilities{note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-json", type=Path, help="judge this report instead of running")
    args = parser.parse_args(argv)
    if args.from_json:
        report, stderr = args.from_json.read_text(encoding="utf-8"), ""
    else:
        report, stderr = run_pip_audit()
    status, message = judge(report, stderr)
    print(message, file=sys.stderr if status or message.startswith("warning") else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())

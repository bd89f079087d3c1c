"""Audit the installed, pinned dependencies for known vulnerabilities with pip-audit.

The requirement list is the virtualenv's exact versions (``pip freeze``: the pins of
pyproject.toml and what they pulled in), audited without resolving anything again. Exits 1
when a dependency has a known vulnerability. When the vulnerability service cannot be reached
nothing could be audited: that is reported on stderr, and is not a failure.

Usage: python scripts/audit_dependencies.py [--service pypi|osv]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

UNREACHABLE_SIGNS = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out")


def _freeze() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        report = Path(tmp) / "report.json"
        requirements.write_text(_freeze(), encoding="utf-8")
        command = [
            *(sys.executable, "-m", "pip_audit"),
            *("-r", str(requirements), "--no-deps", "--disable-pip"),
            *("--vulnerability-service", args.service, "--progress-spinner", "off"),
            *("--format", "json", "--output", str(report)),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (fixed argv)
        if not report.exists() or not report.read_text(encoding="utf-8").strip():
            if any(sign in result.stderr for sign in UNREACHABLE_SIGNS):
                print(
                    f"pip-audit: the {args.service} vulnerability service is unreachable; "
                    "nothing was audited",
                    file=sys.stderr,
                )
                return 0
            print(result.stderr, file=sys.stderr)
            return result.returncode or 1
        dependencies = json.loads(report.read_text(encoding="utf-8"))["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(dependencies) - len(skipped)
    if skipped and audited == 0:
        print(
            f"pip-audit: the {args.service} vulnerability service answered for none of the "
            f"{len(skipped)} dependencies (unreachable from here?); nothing was audited",
            file=sys.stderr,
        )
    elif skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        print(f"pip-audit: not audited (unknown to {args.service}): {names}", file=sys.stderr)
    if vulnerable:
        print(f"{len(vulnerable)} of {audited} audited dependencies have known vulnerabilities")
        return 1
    print(f"no known vulnerabilities in {audited} audited dependencies")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The backup drill: back up a populated platform (cases with files, notices, a licence, the
audit log), restore into an empty database and storage, compare row counts and file checksums,
verify the audit chain. On PostgreSQL (pg_dump) and on SQLite (the backup API)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from . import infra
from .conftest import CACHE_DIR

pytestmark = pytest.mark.xdist_group("faults")


def _media(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _json(result: Any) -> dict[str, Any]:
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _drill(
    source_env: dict[str, str], target_env: dict[str, str], backup: Path, *, refusals: bool
) -> None:
    infra.scenario(source_env, "setup", "--cases", "3", "--licences", "--grant")
    before = infra.scenario(source_env, "check")
    assert before["licences"] == 3
    assert before["documents"] >= 6
    assert before["files"] >= 3

    summary = _json(infra.manage(source_env, "backup", "--output", str(backup)))
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert summary["files"] == len(manifest["files"]) > 0
    assert manifest["tables"]["cases_case"] == 3
    assert manifest["tables"]["licences_licence"] == 3
    assert manifest["audit_head"][0] == before["audit_records"]

    report = _json(infra.manage(target_env, "restore", str(backup)))
    assert report["ok"], report
    assert report["mismatched_tables"] == {}
    assert report["mismatched_files"] == []
    assert report["audit_ok"]
    assert report["audit_records"] == before["audit_records"]

    after = infra.scenario(target_env, "check")
    for key in ("cases", "events", "documents", "licences", "files", "audit_records"):
        assert after[key] == before[key], key
    assert after["audit_ok"]
    assert after["problems"] == []
    source_media = _media(Path(source_env["MEDIA_ROOT"]))
    assert _media(Path(target_env["MEDIA_ROOT"])) == source_media
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == source_media

    if not refusals:
        return
    # A second restore onto the restored platform is refused, unless forced.
    refused = infra.manage(target_env, "restore", str(backup))
    assert refused.returncode != 0
    assert "not empty" in refused.stderr
    assert _json(infra.manage(target_env, "restore", str(backup), "--force"))["ok"]

    # A damaged backup is refused before anything is touched.
    damaged = backup.parent / "damaged"
    shutil.copytree(backup, damaged)
    victim = damaged / "media" / manifest["files"][0]["path"]
    victim.write_bytes(victim.read_bytes() + b"x")
    refused = infra.manage(target_env, "restore", str(damaged), "--force")
    assert refused.returncode != 0
    assert "checksum differs" in refused.stderr


def test_backup_drill_postgresql(pg_cluster, platform_db, tmp_path: Path):
    source = infra.env_for(platform_db, tmp_path / "source")
    target = infra.env_for(pg_cluster.create_db(f"{platform_db.rsplit('/', 1)[1]}_restored",
                                                template=None), tmp_path / "target")  # fmt: skip
    _drill(source, target, tmp_path / "backup", refusals=True)


def test_backup_drill_sqlite(tmp_path: Path):
    template = infra.migrated_sqlite(CACHE_DIR)
    database = tmp_path / "source.sqlite3"
    shutil.copyfile(template, database)
    source = infra.env_for(f"sqlite:///{database}", tmp_path / "source")
    target = infra.env_for(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "target")
    _drill(source, target, tmp_path / "backup", refusals=False)

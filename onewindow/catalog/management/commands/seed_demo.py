"""``manage.py seed_demo``: load the demo service centre (idempotent, one transaction per part).

First the catalog's demo (regions, departments with their credit codes, windows, posts,
themes, synonyms, items, duty lists), then, outside production, the demo accounts
(``catalog.demo.accounts``), then the demo of every installed app that has a ``demo`` module
with ``load_demo()`` and ``summary()`` (licences, hotline, evaluation…). Those are found
through the app registry, as the admin finds ``admin`` modules, so the catalog never imports
an app to its right; a module may name the apps whose demo must run first (``DEMO_AFTER``)
and may offer ``notes()``, lines printed before the summary (e.g. where to verify a licence).

The last line of the output is a one-line JSON summary, e.g.
``{"regions": 4, "departments": 19, …, "demo_accounts": 15, "licence_types": 23, …,
"created": true}``; the counts are read after every part has committed (a granted demo case's
licence is issued on commit). A second run changes nothing, prints the same counts and
``"created": false``.
"""

from __future__ import annotations

import json
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from onewindow.catalog.demo import accounts, load_demo, summary

CATALOG = "catalog"


def app_demos() -> list[tuple[str, ModuleType]]:
    """(app label, demo module) of the installed apps other than the catalog, in
    ``INSTALLED_APPS`` order except that each comes after the apps in its ``DEMO_AFTER``."""
    found: dict[str, ModuleType] = {}
    for config in apps.get_app_configs():
        if config.label == CATALOG or not module_has_submodule(config.module, "demo"):
            continue
        module = import_module(f"{config.name}.demo")
        if callable(getattr(module, "load_demo", None)) and callable(
            getattr(module, "summary", None)
        ):
            found[config.label] = module
    ordered: list[tuple[str, ModuleType]] = []
    done: set[str] = set()

    def visit(label: str, path: tuple[str, ...] = ()) -> None:
        if label in done or label not in found:
            return
        if label in path:
            raise RuntimeError(f"demo modules depend on each other in a cycle: {path}")
        for before in getattr(found[label], "DEMO_AFTER", ()):
            visit(before, (*path, label))
        done.add(label)
        ordered.append((label, found[label]))

    for label in found:
        visit(label)
    return ordered


def seed() -> dict[str, Any]:
    """Run every part of the demo; the combined summary, ``created`` last."""
    created = bool(load_demo()["created"])
    created = bool(accounts.load_accounts()["created"]) or created
    demos = app_demos()
    for _label, module in demos:
        created = bool(module.load_demo()["created"]) or created
    result: dict[str, Any] = summary(created=created)
    result.pop("created")
    result.update(accounts.summary())
    for _label, module in demos:
        result.update(module.summary())
    result["created"] = created
    return result


class Command(BaseCommand):
    help = (
        "加载演示数据：蚌埠高新区政务服务中心的区划、部门、窗口、岗位、主题、同义词、事项、"
        "责任清单，以及电子证照、12345热线、考核权重和（非生产环境）演示账户与办件"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed()
        verb = "已加载" if result["created"] else "演示数据已存在，未作修改："
        self.stdout.write(
            f"{verb}蚌埠高新区政务服务中心：{result['departments']}个部门，"
            f"{result['windows']}个窗口，{result['items']}个事项"
            f"（{result['parallel_items']}个并联审批事项）"
        )
        if accounts.enabled() and result.get("demo_accounts"):
            self.stdout.write(
                f"演示账户（密码均为 {accounts.DEMO_PASSWORD}）："
                + "、".join(accounts.USERNAMES)
                + "\n工作人员登录还需动态验证码（TOTP）：在验证器应用中添加密钥 "
                f"{accounts.DEMO_TOTP_SECRET}，或扫描/打开\n{accounts.totp_uri()}"
            )
        for _label, module in app_demos():
            for line in getattr(module, "notes", list)():
                self.stdout.write(line)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

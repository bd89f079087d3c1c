"""``manage.py seed_demo``: load the demo service centre (idempotent, one transaction).

The last line of the output is a one-line JSON summary, e.g.
``{"regions": 4, "departments": 19, "windows": 25, "items": 45, "parallel_items": 9, ...,
"created": true}``. A second run changes nothing, prints the same counts and
``"created": false``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from onewindow.catalog.demo import load_demo


class Command(BaseCommand):
    help = (
        "加载演示数据：蚌埠高新区政务服务中心的区划、部门、窗口、岗位、主题、同义词、事项和责任清单"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        verb = "已加载" if result["created"] else "演示数据已存在，未作修改："
        self.stdout.write(
            f"{verb}蚌埠高新区政务服务中心：{result['departments']}个部门，"
            f"{result['windows']}个窗口，{result['items']}个事项"
            f"（{result['parallel_items']}个并联审批事项）"
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False))

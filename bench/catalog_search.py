"""Catalog search at scale: 10,000 generated items, realistic Chinese queries, p50/p95.

Runs the production code paths: items are indexed by ``catalog.search.index_implementation``
and queried through ``catalog.queries.find_items`` (jieba segmentation, synonyms, BM25 in SQL).
Uses a scratch SQLite database unless DATABASE_URL names another server.

    .venv/bin/python bench/catalog_search.py [--items 10000] [--rounds 20]

The last line of output is one JSON object: {"items", "p50_ms", "p95_ms", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_NAMES = [
    ("食品经营许可", "食品经营许可证"),
    ("企业设立登记", "营业执照"),
    ("个体工商户登记", "营业执照"),
    ("特种设备使用登记", "特种设备使用登记证"),
    ("药品经营许可（零售）", "药品经营许可证"),
    ("企业投资项目备案", "备案证明"),
    ("企业投资项目核准", "核准文件"),
    ("建设项目环境影响评价文件审批", "环评批复"),
    ("排污许可", "排污许可证"),
    ("建设用地规划许可证核发", "建设用地规划许可证"),
    ("建设工程规划许可证核发", "建设工程规划许可证"),
    ("建筑工程施工许可证核发", "施工许可证"),
    ("建设工程消防验收", "消防验收意见书"),
    ("城镇污水排入排水管网许可", "排水许可证"),
    ("城市建筑垃圾处置核准", "核准文件"),
    ("临时占用城市道路许可", "批准文件"),
    ("公众聚集场所投入使用、营业前消防安全检查", "检查意见书"),
    ("公共场所卫生许可", "卫生许可证"),
    ("医疗机构执业登记", "医疗机构执业许可证"),
    ("出生医学证明首次签发", "出生医学证明"),
    ("生育登记", "生育登记服务单"),
    ("户口迁移登记", "户口簿"),
    ("居民身份证申领", "居民身份证"),
    ("结婚登记", "结婚证"),
    ("职工参保登记", "参保记录"),
    ("社会保障卡申领", "社会保障卡"),
    ("失业保险金申领", ""),
    ("最低生活保障审核确认", "低保证"),
    ("残疾人证核发", "残疾人证"),
    ("人力资源服务许可", "人力资源服务许可证"),
    ("劳务派遣经营许可", "劳务派遣经营许可证"),
    ("出版物零售许可", "出版物经营许可证"),
    ("娱乐场所经营许可", "娱乐经营许可证"),
    ("烟草专卖零售许可", "烟草专卖零售许可证"),
    ("危险化学品经营许可", "危险化学品经营许可证"),
    ("农药经营许可", "农药经营许可证"),
    ("动物防疫条件合格证核发", "动物防疫条件合格证"),
    ("取水许可", "取水许可证"),
    ("林木采伐许可证核发", "林木采伐许可证"),
    ("不动产转移登记", "不动产权证书"),
    ("涉税信息确认", ""),
    ("发票领用", "发票"),
    ("道路货物运输经营许可", "道路运输经营许可证"),
]
VARIANTS = [
    "",
    "（新办）",
    "（变更）",
    "（延续）",
    "（注销）",
    "（补办）",
    "（换发）",
    "（告知承诺）",
]
PLACES = [
    "蚌埠高新区",
    "固镇县",
    "怀远县",
    "五河县",
    "龙子湖区",
    "蚌山区",
    "禹会区",
    "淮上区",
    "经开区",
    "新城区",
    "湖滨",
    "城关镇",
    "连城镇",
    "任桥镇",
    "濠城镇",
    "刘集镇",
]
DEPARTMENTS = [
    ("SCJG", "市场监督管理局"),
    ("ZJ", "住房和城乡建设局"),
    ("FG", "发展和改革委员会"),
    ("STHJ", "生态环境分局"),
    ("GA", "公安分局"),
    ("RS", "人力资源和社会保障局"),
    ("WJ", "卫生健康委员会"),
    ("XF", "消防救援大队"),
    ("ZRZY", "自然资源和规划分局"),
    ("SW", "税务局"),
    ("MZ", "民政局"),
    ("YJ", "应急管理局"),
    ("JT", "交通运输局"),
    ("NY", "农业农村局"),
    ("SL", "水利局"),
    ("WL", "文化和旅游局"),
]
QUERIES = [
    "食品经营许可",
    "开饭店要办什么许可",
    "怎么开公司",
    "营业执照",
    "工商登记",
    "个体户",
    "施工许可证",
    "环评审批",
    "排污许可证",
    "失业金",
    "社保卡",
    "身份证",
    "户口迁移",
    "结婚登记",
    "低保",
    "卫生许可证",
    "消防检查",
    "不动产登记",
    "发票",
    "药店许可",
    "特种设备",
    "道路运输",
    "建筑垃圾",
    "规划许可",
    "人力资源服务",
    "烟草零售",
    "危险化学品",
    "取水",
    "出生医学证明",
    "food licence",
]
SYNONYMS = [
    "营业执照 工商登记 企业登记 公司注册 开公司",
    "社保 社会保险 社会保障",
    "失业金 失业保险金",
    "低保 最低生活保障",
    "环评 环境影响评价",
    "个体户 个体工商户",
    "药店 药品经营",
    "消防检查 消防安全检查",
    "饭店 餐饮 食品经营",
]


def setup_django(database_url: str | None) -> None:
    os.environ["ONEWINDOW_ENV"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(count: int, seed: int = 2026) -> None:
    from django.db import transaction

    from onewindow.catalog import search
    from onewindow.catalog.models import (
        ItemImplementation,
        ItemVersion,
        MaterialRequirement,
        ServiceItem,
        SynonymGroup,
    )
    from onewindow.org.models import Department, Region

    rng = random.Random(seed)
    region, _ = Region.objects.get_or_create(
        code="340371", defaults={"name": "高新区", "level": "zone"}
    )
    departments = [
        Department.objects.get_or_create(code=code, defaults={"name": name, "region": region})[0]
        for code, name in DEPARTMENTS
    ]
    for terms in SYNONYMS:
        SynonymGroup.objects.get_or_create(terms=terms)
    with transaction.atomic():
        for n in range(count):
            base, result = BASE_NAMES[n % len(BASE_NAMES)]
            name = f"{rng.choice(PLACES)}{base}{rng.choice(VARIANTS)}"
            department = departments[n % len(departments)]
            item = ServiceItem.objects.create(
                basic_code=f"B{n:011d}", name=name, item_type="licensing"
            )
            implementation = ItemImplementation.objects.create(
                implementation_code=ItemImplementation.make_code(
                    item.basic_code, region.code, department.code
                ),
                item=item,
                department=department,
                region=region,
            )
            version = ItemVersion.objects.create(
                implementation=implementation,
                number=1,
                status=ItemVersion.Status.PUBLISHED,
                name=name,
                result_name=result,
                legal_basis="《中华人民共和国行政许可法》",
                conditions="申请人应当符合法定条件，提交材料齐全、符合法定形式。",
                summary=f"{department.name}办理{base}。",
                statutory_days=20,
                promised_days=10,
            )
            MaterialRequirement.objects.create(version=version, name=f"{base}申请表")
            implementation.current_version = version
            implementation.save(update_fields=["current_version"])
            search.index_implementation(implementation)
    search.refresh_norms(force=True)


def measure(rounds: int) -> list[float]:
    from onewindow.catalog.queries import ItemFilters, find_items

    for query in QUERIES:  # warm-up: jieba dictionary, connection, caches
        find_items(ItemFilters(q=query))
    timings = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            page = find_items(ItemFilters(q=query), offset=0, limit=20)
            timings.append((time.perf_counter() - started) * 1000)
            assert page.results or query in {"food licence"}, query
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    scratch = None
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        scratch = tempfile.TemporaryDirectory()
        database_url = f"sqlite:///{scratch.name}/bench.sqlite3"
    setup_django(database_url)
    from django.db import connection

    started = time.perf_counter()
    generate(args.items)
    build_s = time.perf_counter() - started
    timings = measure(args.rounds)
    cut = statistics.quantiles(timings, n=100)
    result = {
        "items": args.items,
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(cut[94], 2),
        "p99_ms": round(cut[98], 2),
        "max_ms": round(max(timings), 2),
        "target_p95_ms": 15,
        "p95_vs_target": round(cut[94] / 15, 2),
        "index_build_s": round(build_s, 1),
        "database": connection.vendor,
    }
    print(f"indexed {args.items} items in {build_s:.1f} s on {connection.vendor}")
    print(
        f"{len(timings)} queries: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"p99 {result['p99_ms']} ms (target p95 < 15 ms: {result['p95_vs_target']}× the target)"
    )
    if scratch is not None:
        connection.close()
        scratch.cleanup()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

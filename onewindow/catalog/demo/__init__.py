"""Demo data: a realistic development-zone service centre (蚌埠高新区政务服务中心).

``load_demo()`` loads it idempotently in one transaction; the ``seed_demo`` management command
calls it. The data modules are ``org_data`` (regions, centre, departments, windows, posts,
themes, synonyms) and ``items_data`` (the service items, with the code rule and the sources).
"""

from __future__ import annotations

from .loader import load_demo, summary

__all__ = ["load_demo", "summary"]

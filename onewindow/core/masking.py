"""Masking of personal data for display: ``110***********1234``, ``138****5678``, ``张*``."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if value.isascii():  # Latin names: keep the initial of each word
        return " ".join(word[0] + "*" * (len(word) - 1) for word in value.split())
    return value[0] + "*" * (len(value) - 1)

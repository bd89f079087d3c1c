"""``{% load masking %}``: ``{{ value|mask_id }}``, ``|mask_phone``, ``|mask_name``."""

from __future__ import annotations

from django import template

from onewindow.core import masking

register = template.Library()

register.filter("mask_id", masking.mask_id_number)
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_name", masking.mask_name)

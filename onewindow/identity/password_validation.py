"""Password rules of the platform (see ``docs/adr/0005-password-policy.md``).

- ``LengthValidator``: 8 to 128 characters, counting a run of spaces as one (ASVS 2.1.1/2.1.2);
- ``CharacterClassValidator``: at least 3 of the 4 classes upper case, lower case, digit and
  other characters (等保 2.0 三级 口令复杂度). Any printable Unicode character is allowed; a
  letter without case (汉字, kana…) and a space count as "other".

Django's ``CommonPasswordValidator`` (about 20,000 common passwords, compared in lower case)
and ``UserAttributeSimilarityValidator`` complete the policy in ``AUTH_PASSWORD_VALIDATORS``.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SPACE_RUNS = re.compile(r" {2,}")


def effective_length(password: str) -> int:
    """The length ASVS 2.1.1 counts: consecutive spaces count as one."""
    return len(_SPACE_RUNS.sub(" ", password))


def character_classes(password: str) -> set[str]:
    """Which of ``upper``, ``lower``, ``digit`` and ``other`` the password uses."""
    found: set[str] = set()
    for char in password:
        if char.isupper():
            found.add("upper")
        elif char.islower():
            found.add("lower")
        elif char.isdecimal():
            found.add("digit")
        elif char.isprintable():
            found.add("other")
    return found


class LengthValidator:
    """At least ``min_length`` and at most ``max_length`` characters."""

    def __init__(self, min_length: int = 8, max_length: int = 128) -> None:
        if not 0 < min_length <= max_length:
            raise ValueError("LengthValidator needs 0 < min_length <= max_length")
        self.min_length = min_length
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if effective_length(password) < self.min_length:
            raise ValidationError(
                _("密码过短：至少需要%(min_length)d个字符。") % {"min_length": self.min_length},
                code="password_too_short",
                params={"min_length": self.min_length},
            )
        if len(password) > self.max_length:
            raise ValidationError(
                _("密码过长：最多%(max_length)d个字符。") % {"max_length": self.max_length},
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("密码长度为%(min_length)d至%(max_length)d个字符。") % {
            "min_length": self.min_length,
            "max_length": self.max_length,
        }


class CharacterClassValidator:
    """At least ``min_classes`` of: upper case, lower case, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        if not 1 <= min_classes <= 4:
            raise ValueError("CharacterClassValidator needs 1 <= min_classes <= 4")
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                _(
                    "密码过于简单：须包含大写字母、小写字母、数字、符号四类中的至少%(min_classes)d类。"
                )
                % {"min_classes": self.min_classes},
                code="password_too_simple",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _("须包含大写字母、小写字母、数字、符号四类中的至少%(min_classes)d类。") % {
            "min_classes": self.min_classes
        }

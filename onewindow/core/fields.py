"""Model fields for personal data encrypted at rest (SM4-GCM, see ``core.crypto``)."""

from __future__ import annotations

from typing import Any

from django.db import models

from . import crypto


class EncryptedCharField(models.TextField):
    """A short text stored encrypted; it cannot be filtered on — pair it with a digest field.

    The field's identity (``app_label.model.field``) is authenticated with the ciphertext, so a
    value copied into another column does not decrypt.
    """

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self._context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self._context())

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        options: dict[str, Any] = {
            "max_length": self.plain_max_length,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        options.update(kwargs)
        options.pop("form_class", None)
        options.pop("choices_form_class", None)
        return forms.CharField(**options)

"""Parsing of the public search form (GET parameters of ``/items/``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import ItemType, ItemVersion
from onewindow.catalog.queries import ItemFilters

AUDIENCE_CHOICES = [("", _("全部")), ("person", _("个人")), ("enterprise", _("法人"))]
ITEM_TYPE_CHOICES = [("", _("全部")), *ItemType.choices]
ONLINE_DEPTH_CHOICES = [("", _("全部")), *ItemVersion.OnlineDepth.choices]


class ItemSearchForm(forms.Form):
    """The filters of the item search. Every field is optional; a bad value is an error."""

    q = forms.CharField(label=_("检索词"), required=False)
    department = forms.CharField(label=_("部门"), required=False, max_length=16)
    theme = forms.SlugField(label=_("主题"), required=False, max_length=40)
    audience = forms.ChoiceField(label=_("服务对象"), required=False, choices=AUDIENCE_CHOICES)
    item_type = forms.ChoiceField(label=_("事项类型"), required=False, choices=ITEM_TYPE_CHOICES)
    online_depth = forms.TypedChoiceField(
        label=_("网上可办程度"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=ONLINE_DEPTH_CHOICES,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read at run time, not import time, so that settings overrides apply.
        limit = settings.ONEWINDOW_SEARCH_MAX_QUERY
        q = cast(forms.CharField, self.fields["q"])
        q.max_length = limit
        q.validators.append(MaxLengthValidator(limit))
        q.error_messages["max_length"] = _(
            "检索词过长：最多%(limit_value)d个字，您输入了%(show_value)d个字。"
        )

    def filters(self) -> ItemFilters:
        """The catalog filters of a valid form."""
        data = self.cleaned_data
        return ItemFilters(
            q=" ".join(data["q"].split()),
            department=data["department"],
            item_type=data["item_type"],
            online_depth=data["online_depth"],
            theme=data["theme"],
            audience=data["audience"],
        )

"""Identifiers in the GB/T 36904 style and their ISO 7064 MOD 37,36 check character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from onewindow.licences import identifiers

ISSUER = "11340300MB1957000U"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_an_identifier_has_the_prefix_parts_and_check_character():
    value = identifiers.build("XFAQ0001", ISSUER, 42, 1)
    body, check = value.rsplit(".", 1)
    assert body == f"1.2.156.3005.2.XFAQ0001.{ISSUER}.0000000042.01"
    assert check == mod_37_36.calc_check_digit(body.replace(".", ""))
    assert identifiers.parse(value) == identifiers.Identifier("XFAQ0001", ISSUER, 42, 1)


def test_the_check_character_is_iso_7064_mod_37_36():
    # The worked example of python-stdnum's module documentation.
    assert identifiers.check_char("A12425GABC1234002") == "M"
    # The whole identifier, dots removed, passes the MOD 37,36 check.
    value = identifiers.build("YYZZ", ISSUER, 1, 2)
    assert mod_37_36.is_valid(value.replace(".", ""))


@given(st.integers(min_value=0, max_value=70), st.sampled_from(ALPHABET))
def test_every_single_character_substitution_is_caught(position, replacement):
    value = identifiers.build("XFAQ0001", ISSUER, 1234567, 3)
    chars = [i for i, c in enumerate(value) if c != "."]
    index = chars[position % len(chars)]
    if value[index] == replacement or (index < 15):  # the fixed prefix is checked by pattern
        return
    changed = value[:index] + replacement + value[index + 1 :]
    assert not identifiers.is_valid(changed)


def test_swapping_two_adjacent_serial_digits_is_caught():
    value = identifiers.build("XFAQ0001", ISSUER, 1234567, 3)
    serial_start = value.index("0001234567")
    swapped = (
        value[: serial_start + 7]
        + value[serial_start + 8]
        + value[serial_start + 7]
        + value[serial_start + 9 :]
    )
    assert swapped != value
    assert not identifiers.is_valid(swapped)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1.2.156.3005.2",
        "1.2.156.3005.3.XFAQ0001.11340300MB1957000U.0000000001.01.X",
        "1.2.156.3005.2.xfaq.11340300MB1957000U.0000000001.01",
        "1.2.156.3005.2.XFAQ0001.113403.0000000001.01.A",
    ],
)
def test_malformed_identifiers_are_refused(value):
    assert not identifiers.is_valid(value)
    with pytest.raises(identifiers.InvalidIdentifier):
        identifiers.parse(value)


def test_building_refuses_bad_parts():
    with pytest.raises(identifiers.InvalidIdentifier):
        identifiers.build("xf", ISSUER, 1, 1)
    with pytest.raises(identifiers.InvalidIdentifier):
        identifiers.build("XF", "123", 1, 1)
    with pytest.raises(identifiers.InvalidIdentifier):
        identifiers.build("XF", ISSUER, 0, 1)

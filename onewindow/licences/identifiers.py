"""Licence identifiers in the style of GB/T 36904 (电子证照 标识规范).

``1.2.156.3005.2.<type code>.<issuer credit code>.<serial>.<version>.<check char>``

* ``1.2.156.3005.2`` — the fixed prefix (the e-licence arc under China's OID root 1.2.156);
* type code — the licence type's code: 1–16 digits or upper-case letters;
* issuer credit code — the issuing department's unified social credit code (18 characters);
* serial — a decimal serial per (type, issuer), ten digits, zero-padded;
* version — ``01``, ``02``…: a change or a renewal issues the next version of the same serial;
* check char — ISO 7064 MOD 37,36 (python-stdnum ``iso7064.mod_37_36``) over every character
  before it with the dots removed, so a mistyped or swapped character is caught.

See ``docs/licences.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_36

PREFIX = "1.2.156.3005.2"
SERIAL_DIGITS = 10
TYPE_CODE_PATTERN = r"[0-9A-Z]{1,16}"
_PATTERN = re.compile(
    rf"^{re.escape(PREFIX)}\.(?P<type>{TYPE_CODE_PATTERN})\.(?P<issuer>[0-9A-Z]{{18}})"
    rf"\.(?P<serial>\d{{{SERIAL_DIGITS}}})\.(?P<version>\d{{2,4}})\.(?P<check>[0-9A-Z])$"
)


class InvalidIdentifier(ValueError):
    """Not a licence identifier, or its check character does not match."""


@dataclass(frozen=True)
class Identifier:
    type_code: str
    issuer_code: str
    serial: int
    version: int

    def body(self) -> str:
        return (
            f"{PREFIX}.{self.type_code}.{self.issuer_code}."
            f"{self.serial:0{SERIAL_DIGITS}d}.{self.version:02d}"
        )

    def __str__(self) -> str:
        body = self.body()
        return f"{body}.{check_char(body)}"


def check_char(body: str) -> str:
    """The ISO 7064 MOD 37,36 check character of an identifier body (dots ignored)."""
    plain = body.replace(".", "").upper()
    if not plain or not re.fullmatch(r"[0-9A-Z]+", plain):
        raise InvalidIdentifier("an identifier holds only digits, upper-case letters and dots")
    return mod_37_36.calc_check_digit(plain)


def build(type_code: str, issuer_code: str, serial: int, version: int) -> str:
    if not re.fullmatch(TYPE_CODE_PATTERN, type_code):
        raise InvalidIdentifier("type code: 1 to 16 digits or upper-case letters")
    if not re.fullmatch(r"[0-9A-Z]{18}", issuer_code):
        raise InvalidIdentifier("issuer code: an 18-character unified social credit code")
    if not 0 < serial < 10**SERIAL_DIGITS or not 0 < version < 10000:
        raise InvalidIdentifier("serial or version out of range")
    return str(Identifier(type_code, issuer_code, serial, version))


def parse(value: str) -> Identifier:
    """The parts of an identifier; raises ``InvalidIdentifier`` for a malformed one or a
    wrong check character."""
    text = (value or "").strip().upper()
    match = _PATTERN.match(text)
    if match is None:
        raise InvalidIdentifier("not a licence identifier")
    body = text.rsplit(".", 1)[0]
    if not mod_37_36.is_valid(body.replace(".", "") + match["check"]):
        raise InvalidIdentifier("wrong check character")
    return Identifier(match["type"], match["issuer"], int(match["serial"]), int(match["version"]))


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except InvalidIdentifier:
        return False
    return True

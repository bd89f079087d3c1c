from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from onewindow.core import crypto, masking


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016 appendix A, example 1: SM3("abc").
    assert crypto.sm3(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_sm4_gcm_round_trip_with_a_fresh_nonce_each_time():
    first = crypto.encrypt("110105194912310021", context="identity.user.id_number")
    second = crypto.encrypt("110105194912310021", context="identity.user.id_number")
    assert first != second
    assert first.startswith(crypto.PREFIX)
    assert "110105" not in first
    assert crypto.decrypt(first, context="identity.user.id_number") == "110105194912310021"


def test_a_value_moved_to_another_column_does_not_decrypt():
    token = crypto.encrypt("13800138000", context="identity.user.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="identity.user.id_number")


def test_tampering_is_detected():
    token = crypto.encrypt("secret", context="x")
    body = token[len(crypto.PREFIX) :]
    middle = len(body) // 2
    flipped = body[:middle] + ("A" if body[middle] != "A" else "B") + body[middle + 1 :]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(crypto.PREFIX + flipped, context="x")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("plain text", context="x")


def test_digest_is_keyed_normalised_and_purpose_bound(settings):
    a = crypto.digest(" 11010519491231002x ", purpose="id_number")
    assert a == crypto.digest("11010519491231002X", purpose="id_number")
    assert a != crypto.digest("11010519491231002X", purpose="phone")
    settings.ONEWINDOW_DIGEST_KEY = "00" * 16
    assert a != crypto.digest("11010519491231002X", purpose="id_number")


def test_bad_keys_fail_loudly(settings):
    settings.ONEWINDOW_FIELD_KEY = "not-hex"
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context="y")
    settings.ONEWINDOW_FIELD_KEY = "abcd"
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context="y")


@pytest.mark.parametrize(
    ("function", "value", "masked"),
    [
        (masking.mask_id_number, "110105194912310021", "110***********0021"),
        (masking.mask_phone, "13856785678", "138****5678"),
        (masking.mask_name, "张三", "张*"),
        (masking.mask_name, "欧阳修远", "欧***"),
        (masking.mask_name, "Li Lei", "L* L**"),
        (masking.mask_id_number, "", ""),
        (masking.mask_phone, None, ""),
        (masking.mask_phone, "12345", "*****"),
    ],
)
def test_masking(function, value, masked):
    assert function(value) == masked

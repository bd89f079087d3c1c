"""The two signature tracks: PAdES on the PDF (checked by pyHanko and by poppler's pdfsig as an
independent checker) and SM2 over the licence data; the keys live in encrypted files only."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from onewindow.licences import queries, signing
from onewindow.licences.models import Authority, Licence, Seal

pytestmark = pytest.mark.django_db
PDFSIG = shutil.which("pdfsig")


def _root(licence: Licence) -> asn1_x509.Certificate:
    cert = x509.load_pem_x509_certificate(licence.seal.authority.certificate.encode())
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _pdf(licence: Licence) -> bytes:
    with licence.pdf.open("rb") as handle:
        return handle.read()


def _tampered(pdf: bytes) -> bytes:
    """One byte of the page content changed (inside the signed range)."""
    position = pdf.index(b"stream") + 40
    return pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1 :]


def _appended(pdf: bytes) -> bytes:
    """A new revision appended after the signature (an incremental update)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_the_pdf_validates_with_pyhanko_intact_trusted_and_covering_the_whole_file(licence):
    reader = PdfFileReader(io.BytesIO(_pdf(licence)))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[_root(licence)]))
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.md_algorithm == "sha256"
    assert status.signing_cert.public_key.algorithm == "ec"
    assert status.signing_cert.public_key.curve[1] == "secp256r1"
    assert "市场监督管理局" in status.signing_cert.subject.native["common_name"]


def test_the_signature_is_not_trusted_against_another_root(licence, tmp_path, settings):
    settings.ONEWINDOW_LICENCE_CA_KEY_PATH = tmp_path / "other-ca.pem"
    from django.utils import timezone

    other = signing.create_authority("别的根证书", now=timezone.now())
    result = signing.check_pdf(_pdf(licence), authority_pems=[other.certificate_pem])
    assert result.intact
    assert not result.trusted
    assert not result.ok


@pytest.mark.skipif(PDFSIG is None, reason="poppler-utils (pdfsig) is not installed")
def test_pdfsig_finds_a_valid_signature_over_the_whole_document(licence, tmp_path):
    path = tmp_path / "licence.pdf"
    path.write_bytes(_pdf(licence))
    output = subprocess.run(  # noqa: S603
        [PDFSIG, "-nocert", str(path)], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    assert "Signature is Valid." in output
    assert "Total document signed" in output
    assert "ETSI.CAdES.detached" in output
    assert "SHA-256" in output


@pytest.mark.skipif(PDFSIG is None, reason="poppler-utils (pdfsig) is not installed")
def test_pdfsig_reports_a_tampered_or_extended_file(licence, tmp_path):
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(_tampered(_pdf(licence)))
    output = subprocess.run(  # noqa: S603
        [PDFSIG, "-nocert", str(tampered)], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    assert "Signature is Valid." not in output
    extended = tmp_path / "extended.pdf"
    extended.write_bytes(_appended(_pdf(licence)))
    output = subprocess.run(  # noqa: S603
        [PDFSIG, "-nocert", str(extended)], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    assert "Not total document signed" in output


def test_the_platform_check_accepts_the_issued_pdf(licence):
    result = signing.check_pdf(_pdf(licence), authority_pems=queries.authority_pems())
    assert result.ok, result.problems
    assert result.sha256 == licence.pdf_sha256


def test_a_tampered_byte_is_reported_invalid(licence):
    result = signing.check_pdf(_tampered(_pdf(licence)), authority_pems=queries.authority_pems())
    assert not result.ok
    assert "tampered" in result.problems or "unreadable" in result.problems


def test_an_appended_revision_is_reported_invalid(licence):
    result = signing.check_pdf(_appended(_pdf(licence)), authority_pems=queries.authority_pems())
    assert result.intact  # the signed revision itself is untouched…
    assert not result.entire_file  # …but it no longer covers the file
    assert not result.ok


def test_an_unsigned_pdf_is_reported(licence):
    from onewindow.licences import rendering, services

    unsigned = rendering.render_licence(services._sheet(licence))
    result = signing.check_pdf(unsigned, authority_pems=queries.authority_pems())
    assert result.problems == ["unsigned"]
    assert signing.check_pdf(b"%PDF-1.7 garbage", authority_pems=[]).problems == ["unreadable"]


def test_the_sm2_signature_verifies_and_fails_on_changed_data(licence):
    assert queries.sm2_ok(licence)
    payload = licence.signed_payload.encode()
    signature = base64.b64decode(licence.sm2_signature)
    assert signing.sm2_verify(payload, signature, licence.seal.sm2_public_key)
    changed = payload.replace("示例影城".encode(), "别的影城".encode())
    assert not signing.sm2_verify(changed, signature, licence.seal.sm2_public_key)
    # A changed record no longer matches what was signed.
    licence.data = {**licence.data, "area": "99999"}
    assert not queries.sm2_ok(licence)


def test_the_sm2_payload_is_canonical_json_and_hides_the_id_number(licence, people):
    payload = licence.signed_payload
    assert payload == signing.canonical_json(__import__("json").loads(payload)).decode()
    assert people["citizen"].id_number not in payload
    assert "110***********" in payload


def test_the_seal_certificate_chains_to_the_root_and_vouches_for_the_sm2_key(seals):
    seal = seals["SCJG"]
    cert = x509.load_pem_x509_certificate(seal.certificate.encode())
    root = x509.load_pem_x509_certificate(seal.authority.certificate.encode())
    cert.verify_directly_issued_by(root)
    assert queries._certified(seal.certificate, seal.sm2_public_key)
    assert not queries._certified(seal.certificate, seals["XF"].sm2_public_key)


def test_private_keys_are_encrypted_files_and_never_in_the_database(seals, key_dir, settings):
    ca_file = settings.ONEWINDOW_LICENCE_CA_KEY_PATH
    assert ca_file.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert oct(ca_file.stat().st_mode & 0o777) == "0o600"
    for seal in Seal.objects.all():
        for path in signing.seal_key_paths(seal.key_name):
            assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    for model in (Authority, Seal):
        for row in model.objects.values():
            assert not any("PRIVATE KEY" in str(value) for value in row.values())


def test_a_key_file_is_never_overwritten(authority):
    from onewindow.licences import services

    with pytest.raises(services.LicenceError):
        services.init_authority(name="again")
    Authority.objects.all().delete()
    with pytest.raises(signing.KeyFileError):
        services.init_authority(name="again")


def test_the_wrong_passphrase_does_not_open_a_key(seals, settings):
    signing._load_ecdsa.cache_clear()
    settings.ONEWINDOW_LICENCE_SEAL_PASSPHRASE = "wrong"
    with pytest.raises(signing.KeyFileError):
        signing.load_seal_keys(seals["SCJG"].key_name)

"""Keys, certificates and the two signature tracks of a licence.

* **The platform CA** (``create_authority``): a self-signed ECDSA P-256 root. Its private key
  is written, encrypted with the passphrase from settings, to ``ONEWINDOW_LICENCE_CA_KEY_PATH``;
  the database holds its certificate only.
* **A department's seal** (``create_seal``): an ECDSA P-256 key with an X.509 certificate
  issued by the CA, and an SM2 key whose public key the certificate carries in a private,
  non-critical extension (``SM2_KEY_EXTENSION``), so the CA vouches for both keys. Both private
  keys are encrypted PEM files under ``ONEWINDOW_LICENCE_SEAL_KEY_DIR``.
* **PAdES** (``pades_sign`` / ``check_pdf``): pyHanko, ``ETSI.CAdES.detached``, SHA-256,
  ECDSA P-256 — verifiable by any PDF reader and by poppler's ``pdfsig``.
* **SM2** (``sm2_sign`` / ``sm2_verify``): tongsuopy, SM2 with SM3 (GB/T 32918, default
  distinguishing identifier) over the licence data's canonical JSON (``canonical_json``).

Decrypted keys are cached per process, keyed by file path, modification time and passphrase,
so a rotated key file is read again; nothing else is kept between calls.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from tongsuopy.crypto import hashes as sm_hashes
from tongsuopy.crypto import serialization as sm_serialization
from tongsuopy.crypto.asymciphers import ec as sm_ec
from tongsuopy.crypto.exceptions import InvalidSignature as SM2InvalidSignature

# A private extension carrying the seal's SM2 public key (SubjectPublicKeyInfo, DER). The OID
# is under 2.25 (a UUID as an OID, ITU-T X.667), which needs no registration.
SM2_KEY_EXTENSION = x509.ObjectIdentifier("2.25.216441577394128462287136738315930312906")
SIGNATURE_FIELD = "OneWindowSeal"
SIGNATURE_BYTES_RESERVED = 8192
CA_YEARS = 20
SEAL_YEARS = 5


class KeyFileError(Exception):
    """A key file is missing, unreadable, exists already (when creating one) or does not
    open with the configured passphrase."""


# --------------------------------------------------------------------------- settings


def _passphrase(setting: str) -> bytes:
    value = str(getattr(settings, setting, "") or "")
    if not value:
        raise ImproperlyConfigured(f"{setting} (or {setting}_FILE) is not configured")
    return value.encode()


def ca_key_path() -> Path:
    return Path(settings.ONEWINDOW_LICENCE_CA_KEY_PATH)


def seal_key_dir() -> Path:
    return Path(settings.ONEWINDOW_LICENCE_SEAL_KEY_DIR)


def seal_key_paths(key_name: str) -> tuple[Path, Path]:
    """The ECDSA and SM2 key files of the seal whose files are named ``key_name``."""
    base = seal_key_dir()
    return base / f"{key_name}-ecdsa.pem", base / f"{key_name}-sm2.pem"


# --------------------------------------------------------------------------- key files


def _write_new(path: Path, data: bytes) -> None:
    """Write a new key file readable by its owner only; never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError as exc:
        raise KeyFileError(f"{path} exists already; refusing to overwrite a key") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror}") from exc


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror}") from exc


@functools.lru_cache(maxsize=64)
def _load_ecdsa(path: str, _mtime_ns: int, passphrase: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(Path(path)), password=passphrase)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path} does not open with the configured passphrase") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise KeyFileError(f"{path} is not an ECDSA P-256 key")
    return key


@functools.lru_cache(maxsize=64)
def _load_sm2(path: str, _mtime_ns: int, passphrase: bytes) -> Any:
    try:
        return sm_serialization.load_pem_private_key(_read(Path(path)), password=passphrase)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path} does not open with the configured passphrase") from exc


def load_ca_key() -> ec.EllipticCurvePrivateKey:
    path = ca_key_path()
    return _load_ecdsa(str(path), _mtime(path), _passphrase("ONEWINDOW_LICENCE_CA_PASSPHRASE"))


def load_seal_keys(key_name: str) -> tuple[ec.EllipticCurvePrivateKey, Any]:
    ecdsa_path, sm2_path = seal_key_paths(key_name)
    passphrase = _passphrase("ONEWINDOW_LICENCE_SEAL_PASSPHRASE")
    return (
        _load_ecdsa(str(ecdsa_path), _mtime(ecdsa_path), passphrase),
        _load_sm2(str(sm2_path), _mtime(sm2_path), passphrase),
    )


def _encrypted_pem(key: Any, passphrase: bytes, module: Any) -> bytes:
    pem: bytes = key.private_bytes(
        module.Encoding.PEM,
        module.PrivateFormat.PKCS8,
        module.BestAvailableEncryption(passphrase),
    )
    return pem


# --------------------------------------------------------------------------- certificates


def fingerprint(certificate_pem: str) -> str:
    cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    return cert.fingerprint(hashes.SHA256()).hex()


def _name(organisation: str, common_name: str, credit_code: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
    ]
    if credit_code:
        # The unified social credit code as the organisation identifier (X.520 2.5.4.97).
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, credit_code))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


@dataclass(frozen=True)
class NewAuthority:
    certificate_pem: str
    not_before: dt.datetime
    not_after: dt.datetime


def create_authority(name: str, *, now: dt.datetime, years: int = CA_YEARS) -> NewAuthority:
    """A new root: key written (encrypted) to the configured path, certificate returned."""
    passphrase = _passphrase("ONEWINDOW_LICENCE_CA_PASSPHRASE")
    path = ca_key_path()
    if path.exists():
        raise KeyFileError(f"{path} exists already; refusing to overwrite a key")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, f"{name} 电子证照根证书")
    not_before = now - dt.timedelta(minutes=5)
    not_after = now + dt.timedelta(days=365 * years)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_new(path, _encrypted_pem(key, passphrase, serialization))
    return NewAuthority(
        cert.public_bytes(serialization.Encoding.PEM).decode(), not_before, not_after
    )


@dataclass(frozen=True)
class NewSeal:
    key_name: str
    certificate_pem: str
    sm2_public_key_pem: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime


def create_seal(
    *,
    authority_pem: str,
    department_name: str,
    credit_code: str,
    key_name: str,
    now: dt.datetime,
    years: int = SEAL_YEARS,
) -> NewSeal:
    """A department's seal: both key files written (encrypted), certificate issued by the CA."""
    passphrase = _passphrase("ONEWINDOW_LICENCE_SEAL_PASSPHRASE")
    ecdsa_path, sm2_path = seal_key_paths(key_name)
    for path in (ecdsa_path, sm2_path):
        if path.exists():
            raise KeyFileError(f"{path} exists already; refusing to overwrite a key")
    ca_key = load_ca_key()
    ca_cert = x509.load_pem_x509_certificate(authority_pem.encode())
    if ca_cert.public_key().public_numbers() != ca_key.public_key().public_numbers():  # type: ignore[union-attr]
        raise KeyFileError("the CA key file does not belong to the current root certificate")
    key = ec.generate_private_key(ec.SECP256R1())
    sm2_key = sm_ec.generate_private_key(sm_ec.SM2())
    sm2_public_der = sm2_key.public_key().public_bytes(
        sm_serialization.Encoding.DER, sm_serialization.PublicFormat.SubjectPublicKeyInfo
    )
    sm2_public_pem = sm2_key.public_key().public_bytes(
        sm_serialization.Encoding.PEM, sm_serialization.PublicFormat.SubjectPublicKeyInfo
    )
    not_before = now - dt.timedelta(minutes=5)
    not_after = min(now + dt.timedelta(days=365 * years), ca_cert.not_valid_after_utc)
    public = key.public_key()
    serial = x509.random_serial_number()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(department_name, f"{department_name} 电子印章", credit_code))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.UnrecognizedExtension(SM2_KEY_EXTENSION, sm2_public_der), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_new(ecdsa_path, _encrypted_pem(key, passphrase, serialization))
    _write_new(sm2_path, _encrypted_pem(sm2_key, passphrase, sm_serialization))
    return NewSeal(
        key_name=key_name,
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        sm2_public_key_pem=sm2_public_pem.decode(),
        serial=f"{serial:x}",
        not_before=not_before,
        not_after=not_after,
    )


def certified_sm2_key(certificate_pem: str) -> bytes:
    """The SM2 public key (DER) a seal certificate vouches for."""
    cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    extension = cert.extensions.get_extension_for_oid(SM2_KEY_EXTENSION)
    value: bytes = extension.value.value  # type: ignore[attr-defined]
    return value


# --------------------------------------------------------------------------- SM2 track


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no insignificant white space, UTF-8: the bytes the SM2 signature covers."""
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def sm2_sign(payload: bytes, key_name: str) -> bytes:
    _ecdsa, sm2_key = load_seal_keys(key_name)
    signature: bytes = sm2_key.sign(payload, sm_ec.ECDSA(sm_hashes.SM3()))
    return signature


@functools.lru_cache(maxsize=256)
def _sm2_public(public_key_pem: str) -> Any:
    return sm_serialization.load_pem_public_key(public_key_pem.encode())


def sm2_verify(payload: bytes, signature: bytes, public_key_pem: str) -> bool:
    try:
        _sm2_public(public_key_pem).verify(signature, payload, sm_ec.ECDSA(sm_hashes.SM3()))
    except (SM2InvalidSignature, ValueError):
        return False
    return True


# --------------------------------------------------------------------------- PAdES track


@functools.lru_cache(maxsize=256)
def _asn1_certificate(pem: str) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def pades_sign(
    pdf: bytes, *, key_name: str, certificate_pem: str, authority_pem: str, reason: str
) -> bytes:
    """Sign ``pdf`` (PAdES baseline B-B: ETSI.CAdES.detached, SHA-256, ECDSA P-256) as one
    incremental update covering the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    ecdsa_key, _sm2 = load_seal_keys(key_name)
    signing_key = asn1_keys.PrivateKeyInfo.load(
        ecdsa_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(certificate_pem),
        signing_key=signing_key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(authority_pem)]),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="CN",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = io.BytesIO()
    # A fixed reservation for the CMS container (ECDSA signature, seal and root certificates,
    # about 2 KB) spares pyHanko a trial signature to measure it.
    signers.PdfSigner(metadata, signer=signer).sign_pdf(
        writer, output=output, bytes_reserved=SIGNATURE_BYTES_RESERVED
    )
    return output.getvalue()


@dataclass
class PdfCheck:
    """What the signature of an uploaded PDF says."""

    signed: bool = False
    intact: bool = False
    trusted: bool = False
    entire_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None
    sha256: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and self.entire_file


def check_pdf(pdf: bytes, *, authority_pems: list[str]) -> PdfCheck:
    """Validate the PAdES signature of ``pdf`` against the platform's roots.

    ``ok`` needs exactly one signature, cryptographically intact, its certificate chaining
    to one of ``authority_pems``, and covering the entire file: a changed byte breaks the
    digest, an appended revision leaves bytes the signature does not cover.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    result = PdfCheck(sha256=hashlib.sha256(pdf).hexdigest())
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # pyHanko raises many kinds on malformed input
        result.problems.append("unreadable")
        return result
    if not signatures:
        result.problems.append("unsigned")
        return result
    result.signed = True
    if len(signatures) > 1:
        result.problems.append("several_signatures")
    context = ValidationContext(
        trust_roots=[_asn1_certificate(pem) for pem in authority_pems],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:
        result.problems.append("unverifiable")
        return result
    result.intact = bool(status.intact and status.valid)
    result.trusted = bool(status.trusted)
    coverage = status.coverage
    result.entire_file = (
        coverage is not None and coverage.name == "ENTIRE_FILE" and len(signatures) == 1
    )
    result.signed_at = status.signer_reported_dt
    cert = status.signing_cert
    result.signer = cert.subject.native.get("common_name", "") if cert is not None else ""
    if not result.intact:
        result.problems.append("tampered")
    if not result.trusted:
        result.problems.append("untrusted")
    if not result.entire_file:
        result.problems.append("not_entire_file")
    return result

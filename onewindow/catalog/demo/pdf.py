"""A minimal, valid one-page PDF for the demo's blank forms and samples.

ReportLab is not a dependency of the seed, so the file is written by hand: PDF 1.4, one A4
page, the standard Helvetica font (no embedding), ASCII text only, a correct cross-reference
table. Any PDF reader opens it; it is a placeholder for the real form a department uploads.
"""

from __future__ import annotations

from collections.abc import Sequence

PAGE_WIDTH = 595
PAGE_HEIGHT = 842


def _escape(text: str) -> str:
    if not text.isascii():
        raise ValueError("the minimal PDF writer takes ASCII text only")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(title: str, lines: Sequence[str], boxes: Sequence[tuple[str, str]]) -> bytes:
    ops = ["BT", "/F1 16 Tf", f"56 {PAGE_HEIGHT - 72} Td", f"({_escape(title)}) Tj", "ET"]
    y = PAGE_HEIGHT - 100
    ops.append("BT /F1 10 Tf 14 TL")
    ops.append(f"56 {y} Td")
    for line in lines:
        ops.append(f"({_escape(line)}) Tj T*")
    ops.append("ET")
    y -= 14 * len(lines) + 24
    # Labelled boxes: the fields of the form, filled in on a sample.
    for label, value in boxes:
        ops.append(f"BT /F1 10 Tf 56 {y + 6} Td ({_escape(label)}) Tj ET")
        ops.append(f"200 {y} 339 20 re S")
        if value:
            ops.append(f"BT /F1 10 Tf 206 {y + 6} Td ({_escape(value)}) Tj ET")
        y -= 30
    ops.append(f"56 56 m {PAGE_WIDTH - 56} 56 l S")
    ops.append(
        f"BT /F1 8 Tf 56 44 Td ({_escape('OneWindow demo data - not an official form')}) Tj ET"
    )
    return "\n".join(ops).encode("ascii")


def minimal_pdf(
    title: str, lines: Sequence[str] = (), boxes: Sequence[tuple[str, str]] = ()
) -> bytes:
    """A one-page PDF with a title, some lines of text and labelled boxes (label, value)."""
    content = _content(title, lines, boxes)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        ).encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        f"<< /Title ({_escape(title)}) /Producer (OneWindow seed_demo) >>".encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)

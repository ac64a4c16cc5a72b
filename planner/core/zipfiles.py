"""The one check of an uploaded Office file (XLSX, DOCX) before anything unpacks it.

An Office file is a ZIP archive. Before a library reads it, the archive must open, hold the parts its
kind needs, declare no more unpacked data than allowed and no member packed tighter than any real
document is (a zip bomb declares gigabytes, or hides them behind a thousandfold ratio), and its main
parts must unpack intact (the CRC checked) into well-formed XML. Python's zipfile never unpacks more
than a member declares, so declared sizes that lie end in a CRC error, not in a flood.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.etree import ElementTree as ET  # only for parts checked free of DTDs and entities  # nosec B405

# Real Office parts pack at most a few hundred to one (repetitive XML); a bomb packs a thousand to one.
MAX_RATIO = 500
RATIO_FROM_BYTES = 1024 * 1024   # small members may pack tighter; they cannot flood anything


class OfficeFileRefused(ValueError):
    """Why: ``not_zip``, ``parts_missing``, ``too_large`` (unpacked), ``damaged``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_office_file(data: bytes, *, required: tuple[str, ...], parse: tuple[str, ...] = (),
                      max_unpacked: int) -> set[str]:
    """The archive's member names, or OfficeFileRefused; `parse` members are unpacked and parsed as XML."""
    if not data.startswith(b"PK\x03\x04"):
        raise OfficeFileRefused("not_zip")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any(name not in names for name in required):
                raise OfficeFileRefused("parts_missing")
            if sum(info.file_size for info in infos) > max_unpacked:
                raise OfficeFileRefused("too_large")
            for info in infos:
                if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise OfficeFileRefused("too_large")
            for name in parse:
                body = archive.read(name)   # at most its declared size; a CRC error if that lies
                prolog = body[:65536].upper()   # a DTD can only stand before the root element
                if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                    raise OfficeFileRefused("damaged")
                ET.fromstring(body)  # noqa: S314 - DTDs and entities refused just above  # nosec B314
    except OfficeFileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ET.ParseError, ValueError, OSError, EOFError,
            NotImplementedError, RuntimeError, zlib.error):
        # NotImplementedError: an unknown compression; RuntimeError: an encrypted member; zlib.error: a
        # damaged deflate stream (one flipped byte of a workbook was a 500 before).
        raise OfficeFileRefused("damaged") from None
    return names

"""The one check of an uploaded Office file (XLSX, DOCX) before anything unpacks it.

An Office file is a ZIP archive. Before a library reads it, the archive must open, hold the parts its
kind needs, declare no more unpacked data than allowed and no member packed tighter than any real
document is (a zip bomb declares gigabytes, or hides them behind a thousandfold ratio), and its main
parts must unpack intact (the CRC checked) into well-formed XML. Python's zipfile never unpacks more
than a member declares, so declared sizes that lie end in a CRC error, not in a flood.

No part may hold a document type declaration: a DTD's entities turn a few kilobytes of XML into
megabytes of text in the reader (a 1.5 MB workbook grew to 60 MB in openpyxl). The Open Packaging
Conventions forbid them outright, and their text encodings too, other than UTF-8 and UTF-16 (ECMA-376
Part 2, §8.1.4 "XML Usage": [M1.17] encodings, [M1.18] "DTD declarations shall not be used … package
implementers … shall treat the presence of DTD declarations as an error"), so Excel and Word never write
either and refusing them costs no real file. Every member is unpacked as a stream and searched whole, in
UTF-8 and UTF-16 alike, whatever its name or declared type (a reader follows relationships, not names;
a DTD once hid behind a 70 KB comment past a 64 KB look at the start). The parts the caller parses are
then read with defusedxml, which refuses a DTD again: the second wall, as in openpyxl (which uses
defusedxml once it is installed) and python-docx (whose lxml parser does not resolve entities).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from flask_babel import gettext as _

# Real Office parts pack at most a few hundred to one (repetitive XML); a bomb packs a thousand to one.
MAX_RATIO = 500
RATIO_FROM_BYTES = 1024 * 1024   # small members may pack tighter; they cannot flood anything

CHUNK = 64 * 1024
# "<!DOCTYPE" and "<!ENTITY" as bytes, and in UTF-16 without the last NUL, which matches the little-
# and the big-endian form alike. Searched in upper-cased bytes: the marks in any case are refused.
_MARKS = tuple(form for mark in ("<!DOCTYPE", "<!ENTITY")
               for form in (mark.encode("ascii"), mark.encode("utf-16-le")[:-1]))
_OVERLAP = max(len(mark) for mark in _MARKS) - 1
# How XML in UTF-32 (either byte order, with or without a byte order mark) or EBCDIC begins: "<" or "<?xm".
_OTHER_ENCODINGS = (b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00\x00<\x00", b"\x00<\x00\x00",
                    b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x4c\x6f\xa7\x94")
_DECLARED = re.compile(r"\A(?:\ufeff|\xef\xbb\xbf)?<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_UTF8 = {"utf-8", "utf8"}
_UTF16 = {"utf-16", "utf16", "utf-16le", "utf-16be"}


class OfficeFileRefused(ValueError):
    """Why: ``not_zip``, ``parts_missing``, ``too_large`` (unpacked), ``damaged``, ``markup`` (a DTD, or a
    text encoding other than UTF-8 and UTF-16, in some part)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def markup_message(kind: str) -> str:
    """What a user reads when their file was refused for ``markup``; ``kind`` is ``xlsx`` or ``docx``."""
    if kind == "xlsx":
        return _("The workbook contains XML that Excel never writes (a DTD with entity definitions, or an "
                 "unusual text encoding), which can be used to overload the server, so it was refused and "
                 "nothing was saved. Open it in Excel, save it again as .xlsx and upload the new file.")
    return _("The document contains XML that Word never writes (a DTD with entity definitions, or an unusual "
             "text encoding), which can be used to overload the server, so it was refused and nothing was "
             "saved. Open it in Word, save it again as .docx and upload the new file.")


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
            for info in infos:
                if not info.is_dir():
                    with archive.open(info) as member:   # at most its declared size; a CRC error if that lies
                        _refuse_markup(member)
            for name in parse:
                with archive.open(name) as member:
                    for _event, element in iterparse(member, events=("end",), forbid_dtd=True):
                        element.clear()   # only well-formedness is asked: keep no tree
    except OfficeFileRefused:
        raise
    except DefusedXmlException:
        raise OfficeFileRefused("markup") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ParseError, ValueError, OSError, EOFError,
            NotImplementedError, RuntimeError, zlib.error):
        # NotImplementedError: an unknown compression; RuntimeError: an encrypted member; zlib.error: a
        # damaged deflate stream (one flipped byte of a workbook was a 500 before).
        raise OfficeFileRefused("damaged") from None
    return names


def _refuse_markup(member: IO[bytes]) -> None:
    """Read the whole member in chunks (memory stays flat) and refuse a DTD or a foreign encoding in it."""
    tail = b""
    first = True
    while chunk := member.read(CHUNK):
        if first:
            _refuse_encoding(chunk)
            first = False
        window = tail + chunk.upper()
        if any(mark in window for mark in _MARKS):
            raise OfficeFileRefused("markup")
        tail = window[-_OVERLAP:]


def _refuse_encoding(head: bytes) -> None:
    """XML in UTF-8 or UTF-16 only, as [M1.17] asks: other encodings (UTF-32, EBCDIC, UTF-7…) would let
    a DTD pass the byte search above."""
    if head.startswith(_OTHER_ENCODINGS):
        raise OfficeFileRefused("markup")
    if head.startswith((b"\xff\xfe", b"<\x00")):
        text, allowed = head[:512].decode("utf-16-le", "replace"), _UTF16
    elif head.startswith((b"\xfe\xff", b"\x00<")):
        text, allowed = head[:512].decode("utf-16-be", "replace"), _UTF16
    else:
        text, allowed = head[:512].decode("latin-1"), _UTF8
    declared = _DECLARED.match(text)
    if declared and declared.group(1).strip().lower() not in allowed:
        raise OfficeFileRefused("markup")

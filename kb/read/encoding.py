"""Bytes -> text: refuse binaries, detect the encoding (BOMs, UTF-16 without BOM, UTF-8, GB18030,
Big5, a declared charset, charset-normalizer last), normalise line endings and control characters."""
from __future__ import annotations

import codecs
import io
import re
import zipfile

from charset_normalizer import from_bytes

from kb import rules

SNIFF_BYTES = 64 * 1024        # prefix examined for binary and UTF-16 byte patterns
MAX_CONTROL_SHARE = 0.05       # more control bytes/chars than this share -> not text
UTF16_MIN_NUL_SHARE = 0.02     # share of code units with a NUL high byte (ASCII chars) marking BOM-less UTF-16
UTF16_MAX_OTHER_NULS = 0.25    # NULs on the other byte parity, relative to the first
MIN_CJK_SHARE = 0.8            # of the non-ASCII chars, for a GB/Big5 decode to count as Chinese
MIN_COMMON_SHARE = 0.9         # of the ideographs, in the encoding's common-character block
MAX_BAD_SHARE = 0.005          # undecodable chars tolerated in a damaged file (at least one)

MAGIC = (
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office file (.doc/.xls)"),
    (b"\x7fELF", "an ELF executable"),
)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Report every GB encoding as gb18030 and decode with it: it is a superset of gb2312 and gbk.
ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5", "cp950": "big5"}
DECODE_WITH = {"big5": "cp950"}  # Microsoft's Big5 superset decodes more real-world files

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_CLEAN_MAP = {c: None for c in range(32) if c not in (9, 10)} | {0x0B: "\n", 0x0C: "\n", 0x2028: "\n", 0x2029: "\n"}
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3000-\u303f\uff00-\uffef\u2000-\u206f]")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


class Unreadable(Exception):
    """The reason a file is refused; read_document adds the path."""


def looks_like(data: bytes) -> str | None:
    head = data[:SNIFF_BYTES].lstrip(b" \t\r\n")
    for magic, what in MAGIC:
        if head.startswith(magic):
            if what == "a ZIP archive" and _is_docx_zip(data):
                return "a Word .docx document (rename it to .docx)"
            return what
    return None


def _is_docx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def refuse_binary_magic(data: bytes) -> None:
    what = looks_like(data)
    if what:
        raise Unreadable(f"binary file (looks like {what})")


def _control_share(text: str) -> float:
    return len(_CONTROL_CHARS.findall(text)) / max(len(text), 1)


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name), trying the cheap certain cases before guessing."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec  # a BOM is proof enough; tolerate bad bytes

    sample = data[:SNIFF_BYTES]
    utf16 = _utf16_codec(sample)
    if utf16:
        text = data.decode(utf16, errors="replace")  # the NUL pattern is strong evidence: tolerate a cut end
        if _control_share(text[:SNIFF_BYTES]) <= MAX_CONTROL_SHARE:
            return text, utf16

    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls / len(sample) > MAX_CONTROL_SHARE:
        raise Unreadable("binary file (many NUL/control bytes; not a text document)")

    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    chinese = (("gb18030", "gb18030", _in_gb2312), ("cp950", "big5", _in_big5_level1))
    # strong evidence of Chinese beats a <meta charset> (a GBK page declaring iso-8859-1 exists)
    for codec, name, common in chinese:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _is_chinese(text, common):
            return text, name

    declared = _declared_charset(data)
    # the declaration was found as ASCII bytes, so a UTF-16/32 one is wrong
    if declared and not declared.startswith(("utf-16", "utf-32")):
        try:
            return data.decode(DECODE_WITH.get(declared, declared)), declared
        except (UnicodeDecodeError, LookupError):  # LookupError: "base64" and other non-text codecs
            pass  # pages often declare the wrong charset: detect instead

    # damaged files (cut in the middle of a character, a stray byte): tolerate a few bad bytes
    for codec, name, common in (("utf-8", "utf-8", None), *chinese):
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(1, MAX_BAD_SHARE * len(text)) \
                and (common is None or _is_chinese(text, common)):
            return text, name

    best = from_bytes(data).best()
    name = _canonical(best.encoding) if best is not None else None
    if name:
        text = data.decode(DECODE_WITH.get(name, name), errors="replace")
        if _control_share(text[:SNIFF_BYTES]) <= MAX_CONTROL_SHARE:
            return text, name
    raise Unreadable("not text: could not detect an encoding")


def _utf16_codec(sample: bytes) -> str | None:
    """BOM-less UTF-16: ASCII chars leave NUL high bytes on one parity only (odd for LE, even for BE)."""
    units = len(sample) // 2
    if units < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for nuls, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= UTF16_MIN_NUL_SHARE * units and other <= UTF16_MAX_OTHER_NULS * nuls:
            return codec
    return None


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:SNIFF_BYTES])
    return _canonical(m.group(1).decode("ascii")) if m else None


def _canonical(name: str) -> str | None:
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return ENCODING_ALIASES.get(name, name)


def _is_chinese(text: str, common) -> bool:
    """Mostly Chinese characters, and mostly everyday ones: GB and Big5 byte ranges overlap,
    and reading one as the other gives rare characters."""
    non_ascii = [c for c in text if ord(c) > 127]
    return (_share(non_ascii, _CJK.match) >= MIN_CJK_SHARE
            and _share(_IDEOGRAPH.findall(text), common) >= MIN_COMMON_SHARE)


def _share(chars, test) -> float:
    return sum(1 for c in chars if test(c)) / len(chars) if chars else 0.0


def _in_gb2312(c: str) -> bool:
    try:
        c.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _in_big5_level1(c: str) -> bool:
    try:
        return 0xA4 <= c.encode("cp950")[0] <= 0xC6  # Big5 lead bytes of the frequent characters
    except UnicodeEncodeError:
        return False


# str.translate is slow on CJK text: translate only the runs of characters it would change
_CLEAN_RUN = re.compile(rules.char_class(_CLEAN_MAP) + "+")


def normalise(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _CLEAN_RUN.sub(lambda m: m.group().translate(_CLEAN_MAP), text)

"""Personal data on printed lists is minimised: phone and ID numbers are masked.

:func:`scrub` masks every phone or ID number found in free text (a name cell
with a phone typed into it, a complaint's content, a finding message), in the
spellings staff actually type:

* mobiles — ``13800000001``, ``138-0000-0002``, ``138 0000 0003``,
  ``+86 13800000004``, ``0086-138…``, full-width ``１３８…``;
* landlines — ``020-12345678``, ``(020)1234567``, ``（0755）12345678``,
  ``020 12345678``, with or without an extension;
* resident ID numbers — 18 digits (last may be X) and the old 15 digits,
  also written in groups (``110101 19900101 1234``).

Masked numbers keep the first three and the last four digits (a landline its
area code and last four), enough for a clerk to tell two apart and no more.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

_SEP = r"[ \t\-\u2010-\u2015\u2212\uFF0D\u3000]?"  # one optional space or dash (ASCII, Unicode or full-width)
_D = r"[0-9\uFF10-\uFF19]"  # ASCII or full-width digit
_NOT_DIGIT_BEFORE = r"(?<![0-9\uFF10-\uFF19])"
_NOT_DIGIT_AFTER = r"(?![0-9\uFF10-\uFF19])"

_ID = (rf"(?P<id>{_NOT_DIGIT_BEFORE}{_D}{{6}}{_SEP}(?:{_D}{{8}}{_SEP}{_D}{{3}}[0-9\uFF10-\uFF19XxＸｘ]|{_D}{{6}}{_SEP}{_D}{{3}})"
       rf"(?![0-9\uFF10-\uFF19XxＸｘ]))")
_MOBILE = (rf"(?P<mobile>(?:(?:\+|＋|00|００)?[8８][6６]{_SEP}|[(（](?:\+|＋)?[8８][6６][)）]{_SEP})?"
           rf"{_NOT_DIGIT_BEFORE}[1１][3-9３-９]{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}{_NOT_DIGIT_AFTER})")
_LANDLINE = (rf"(?P<landline>(?:[(（][0０]{_D}{{2,3}}[)）]{_SEP}|{_NOT_DIGIT_BEFORE}[0０]{_D}{{2,3}}{_SEP})"
             rf"[1-9１-９]{_D}{{2,3}}{_SEP}{_D}{{4}}{_NOT_DIGIT_AFTER})")  # an extension (转123) stays as written
_PERSONAL = re.compile(f"{_ID}|{_MOBILE}|{_LANDLINE}")
# Every spelling above holds three digits, at most one separator, then four digits (a mobile's 138-0000, a
# landline's 1234-5678, an ID's 19900101): text without them cannot match _PERSONAL, and most text with digits
# (dates 2026-11-20, times, amounts, units 1-1-1001) has none. Of the bench night's 780,000 values scrubbed,
# 370,000 went on to _PERSONAL.sub after a test for three digits in a row, 32,000 after this one (0.87 → 0.22 s).
_CANDIDATE = re.compile(rf"{_D}{{3}}{_SEP}{_D}{{4}}")


def _digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit() or ch in "Xx")


def _mask(m: re.Match) -> str:
    digits = _digits(m.group())
    if m.group("id"):
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:].upper()
    if m.group("mobile"):
        mobile = digits[-11:]
        return mobile[:3] + "****" + mobile[-4:]
    code = re.match(r"[(（]?[0０][0-9０-９]{2,3}", m.group())
    assert code is not None  # _LANDLINE begins with an area code: an optional bracket, 0 and two or three digits
    area = _digits(code.group())
    local = digits[len(area):]
    return f"{area}-" + "*" * max(len(local) - 4, 0) + local[-4:]


def scrub(text: str) -> str:
    """Mask every mobile, landline or ID number in free text (a finding message, a name, a complaint)."""
    if not text or not isinstance(text, str) or not _CANDIDATE.search(text):
        return text
    return _PERSONAL.sub(_mask, text)


def may_hold_personal(values: Iterable) -> bool:
    """Whether any text among ``values`` (other values are passed over) could hold a phone or ID number: when
    not, none needs :func:`scrub`. One search over them all instead of one call per value."""
    # joined by \n, which is no separator: two texts never join into one number
    return _CANDIDATE.search("\n".join(v for v in values if isinstance(v, str))) is not None


def mask_phone(phone: str | None) -> str:
    """A phone column's value: 13812345678 → 138****5678; several numbers or a landline masked in place."""
    if not phone:
        return ""
    text = str(phone)
    masked = scrub(text)
    if masked != text:
        return masked
    digits = _digits(text)
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * len(digits)


def mask_id(number: str | None) -> str:
    """An ID column's value: 110101199001011234 → 110***********1234."""
    if not number:
        return ""
    digits = _digits(str(number))
    return digits[:3] + "*" * max(len(digits) - 7, 0) + digits[-4:].upper() if len(digits) > 7 else "*" * len(digits)


def mask_name(name: str | None) -> str:
    """张三丰 → 张**: for lists that only need to say whose it is."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)

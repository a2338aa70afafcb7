"""Personal data on printed lists is minimised: phone and ID numbers are masked."""
from __future__ import annotations

import re


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = re.sub(r"\D", "", str(phone))
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * len(digits)


def mask_name(name: str | None) -> str:
    """张三丰 → 张**: for lists that only need to say whose it is."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


_LONG_NUMBER = re.compile(r"\d{11}")
_PHONE_RE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")
_ID_RE = re.compile(r"(?<![\dXx])(\d{3})\d{11}(\d{3}[\dXx])(?![\dXx])")


def scrub(text: str) -> str:
    """Mask any mobile or ID number that made its way into free text (a finding message, a note)."""
    if not text or not _LONG_NUMBER.search(text):
        return text
    return _PHONE_RE.sub(r"\1****\2", _ID_RE.sub(r"\1***********\2", text))

"""The ledger kinds and the header names staff actually write (shared/ledgers.md).

The vocabulary is data, not code: one YAML file per kind in ``engine/read/vocab/``::

    name: keys
    title: 钥匙借用登记表
    fields:
      - {name: key_id, type: text, required: true, aliases: [钥匙编号, 钥匙号], label: 钥匙编号}

Every ``*.yaml`` in that folder is a kind (files starting with ``_`` are shared
vocabularies, e.g. ``_address.yaml``, the split-address columns). A kind is
recognised from its headers (a score over the whole header row, see
``sheets.py``); the mapping file in the ledgers folder can pin a sheet to a kind
and rename columns for anything not listed here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

# libyaml's parser where PyYAML was built with it (the usual wheels are): the vocabulary is read at every start
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
TYPES = ("text", "unit", "date", "datetime", "period", "amount", "int", "bool")


class VocabularyError(ValueError):
    """A vocabulary file that cannot be used (names the file)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    aliases: tuple[str, ...]
    type: str = "text"  # text | unit | date | datetime | period | amount | int | bool
    required: bool = False
    label: str = ""  # Chinese name used in messages when the sheet has no header for it
    alternatives: tuple[str, ...] = ()  # ``or:`` other fields that can stand in for a required one
    may_be_blank: bool = False  # required as a column (it identifies the kind), but a blank cell is data, not an error

    @property
    def title(self) -> str:
        return self.label or (self.aliases[0] if self.aliases else self.name)


@dataclass(frozen=True)
class WideSpec:
    """How a wide sheet (one column per fee item or month) becomes one row per unit, item and period."""

    value: str
    item: str
    period: str
    note: str | None = None
    groups: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    totals: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindSpec:
    name: str
    title: str
    fields: tuple[FieldSpec, ...]
    skip_when_blank: tuple[tuple[str, str], ...] = ()  # (field, reason): rows without it are skipped, not errors
    wide: WideSpec | None = None
    # master data every policy area looks things up in (the owner file, the staff sheet): validated before the
    # areas are shared between two processes, and tying no two areas together (engine.areas.run)
    reference: bool = False

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)


def _load_kind(path: Path) -> KindSpec:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise VocabularyError(f"{path.name}: YAML 无法解析 — {exc}") from exc
    if not isinstance(data, dict) or not data.get("name") or not isinstance(data.get("fields"), list):
        raise VocabularyError(f"{path.name}: 须有 name、title 和 fields 列表")
    fields = []
    seen: set[str] = set()
    for item in data["fields"]:
        if not isinstance(item, dict) or not item.get("name"):
            raise VocabularyError(f"{path.name}: 字段须写明 name: {item!r}")
        unknown = set(item) - {"name", "type", "required", "aliases", "label", "or", "may_be_blank"}
        if unknown:
            raise VocabularyError(f"{path.name}: 字段 {item['name']} 有未知的键 {', '.join(sorted(unknown))}")
        ftype = item.get("type", "text")
        if ftype not in TYPES:
            raise VocabularyError(f"{path.name}: 字段 {item['name']} 的类型 {ftype!r} 未知，可选: {', '.join(TYPES)}")
        if item["name"] in seen:
            raise VocabularyError(f"{path.name}: 字段 {item['name']} 重复")
        seen.add(item["name"])
        aliases = tuple(str(a) for a in (item.get("aliases") or ()))
        fields.append(FieldSpec(str(item["name"]), aliases, ftype, bool(item.get("required", False)),
                                str(item.get("label") or ""), tuple(str(a) for a in item.get("or") or ()),
                                bool(item.get("may_be_blank", False))))
    for f in fields:
        bad = [a for a in f.alternatives if a not in seen]
        if bad:
            raise VocabularyError(f"{path.name}: 字段 {f.name} 的 or: 指向不存在的字段 {', '.join(bad)}")
    skips = data.get("skip_when_blank") or {}
    if not isinstance(skips, dict) or any(k not in seen for k in skips):
        raise VocabularyError(f"{path.name}: skip_when_blank 须为 {{字段: 原因}}，字段须在 fields 中")
    wide = None
    if data.get("wide"):
        w = data["wide"]
        try:
            wide = WideSpec(value=w["value"], item=w["item"], period=w["period"], note=w.get("note"),
                            groups=tuple(w.get("groups") or ()), items=tuple(w.get("items") or ()),
                            totals=tuple(w.get("totals") or ()))
        except (KeyError, TypeError) as exc:
            raise VocabularyError(f"{path.name}: wide 须写明 value、item、period — {exc}") from exc
        for name in (wide.value, wide.item, wide.period, wide.note):
            if name is not None and name not in seen:
                raise VocabularyError(f"{path.name}: wide 指向不存在的字段 {name}")
    unknown = set(data) - {"name", "title", "fields", "skip_when_blank", "wide", "description", "reference"}
    if unknown:
        raise VocabularyError(f"{path.name}: 未知的键 {', '.join(sorted(unknown))}")
    return KindSpec(str(data["name"]), str(data.get("title") or data["name"]), tuple(fields),
                    tuple((str(k), str(v)) for k, v in skips.items()), wide, data.get("reference") is True)


def load_kinds(folder: Path = VOCAB_DIR) -> dict[str, KindSpec]:
    """Every kind in the vocabulary folder, in file-name order."""
    out: dict[str, KindSpec] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        kind = _load_kind(path)
        if kind.name in out:
            raise VocabularyError(f"{path.name}: 台账类型 {kind.name} 已在另一个文件中定义")
        out[kind.name] = kind
    return out


def load_address_vocab(folder: Path = VOCAB_DIR) -> dict[str, tuple[str, ...]]:
    """The split-address header words: building, stairwell, room, shop (``_address.yaml``)."""
    path = folder / "_address.yaml"
    if not path.exists():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    return {k: tuple(norm_header(a) for a in v or ()) for k, v in data.items()}


KINDS: dict[str, KindSpec] = load_kinds()

# Bracketed notes a header carries: (必填), (选填), (㎡), (元), 【说明…】
_BRACKETED = re.compile(r"[(\[{<（【「《〔][^)\]}>）】」》〕]*[)\]}>）】」》〕]?")
_EXPLAIN = re.compile(r"[:：;；,，。].*$")
_TRAILING = re.compile(r"(必填|选填|必输|可选|非必填|\*)+$")


@lru_cache(maxsize=8192)
def norm_header(text: object) -> str:
    """Header text for matching: NFKC, first line only, no spaces, no bracketed notes or explanations.

    ``房间号(必填)`` → ``房间号``; ``建筑面积\\n(㎡)`` → ``建筑面积``; ``*姓名`` → ``姓名``;
    ``手机号：请填写11位`` → ``手机号``.
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = s.strip().strip("*").strip()
    if "\n" in s:
        first = s.split("\n", 1)[0].strip()
        s = first or s.replace("\n", "")
    s = re.sub(r"\s+", "", s)
    stripped = _BRACKETED.sub("", s)
    s = stripped or s
    cut = _EXPLAIN.sub("", s)
    s = cut or s
    s = _TRAILING.sub("", s) or s
    return s.strip("*：:_-")


ADDRESS_WORDS: dict[str, tuple[str, ...]] = load_address_vocab()
ADDRESS_PARTS = ("building", "stairwell", "room", "shop")


def _build_index() -> dict[str, dict[str, str]]:
    return {kind.name: {norm_header(a): f.name for f in kind.fields for a in f.aliases} for kind in KINDS.values()}


_ALIAS_INDEX: dict[str, dict[str, str]] = _build_index()


def field_for_header(kind: str, header: object) -> str | None:
    return _ALIAS_INDEX[kind].get(norm_header(header))


def address_part(header: object) -> str | None:
    """Which part of a split address a header names: building | stairwell | room | shop, or None."""
    return _ADDRESS_INDEX.get(norm_header(header))


# each address word → the first part (in ADDRESS_PARTS order) that lists it (later entries overwrite earlier
# ones, hence reversed): one look-up per header, not a search of every part's words (the header matcher asks
# for every column of twenty rows for every kind)
_ADDRESS_INDEX: dict[str, str] = {word: part for part in reversed(ADDRESS_PARTS)
                                  for word in ADDRESS_WORDS.get(part, ())}

"""YAML loading that remembers line numbers and rejects duplicate keys.

Rule files are parsed with ``yaml.SafeLoader`` (never ``eval``); each mapping
becomes a :class:`LineDict` that knows the line of every key, so a pydantic
error at ``rules[2].when.days_late`` is reported at its line in the file.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import RuleFileError


class LineDict(dict):
    line: int = 0
    key_lines: dict


class LineList(list):
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


# libyaml's parser, where PyYAML was built with it, reads the rule files about ten times faster (measured: the
# eleven rule files, 1.1 s → 0.1 s); the same constructors and resolvers apply. A file it rejects is read again
# with the pure-Python loader, so a YAML error is reported in exactly the same words either way.
_FastLoader: type[_CLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):
        name: str  # the file's name for messages, as on the pure-Python loader

    _FastLoader = _CLoader

# Dates stay text here and are checked by pydantic, so a bad date is reported with its field and line.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
if _FastLoader is not None:
    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise RuleFileError(f"{loader.name}:{key_node.start_mark.line + 1}: 键 {key!r} 重复出现")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    return out


for _cls in (_Loader, _FastLoader):
    if _cls is not None:
        _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
        _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM (Notepad's "UTF-8") is fine
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise RuleFileError(f"{path.name}:{line}: 文件不是 UTF-8 编码（可能被另存为 GBK/ANSI），"
                            "请用记事本或 VS Code 另存为 UTF-8 编码后重试") from None
    except OSError as exc:
        raise RuleFileError(f"{path.name}: 无法读取（{'这是一个文件夹' if path.is_dir() else exc.strerror}）") from None
    if _FastLoader is not None:
        fast = _FastLoader(text)
        fast.name = path.name
        try:
            return fast.get_single_data()
        except yaml.YAMLError:
            pass  # read again below, for the pure-Python loader's report
        finally:
            fast.dispose()
    loader = _Loader(text)
    loader.name = path.name
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}" if mark else ""
        raise RuleFileError(f"{path.name}{at}: YAML 格式错误 — {getattr(exc, 'problem', exc)}") from exc
    finally:
        loader.dispose()


def line_of(data, loc: tuple) -> int:
    """The line of the deepest node on the path ``loc`` (a pydantic error location)."""
    line = getattr(data, "line", 1)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line

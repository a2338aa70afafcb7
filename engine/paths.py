"""Where the rule files, forms and demo ledgers are: a source checkout's folders, or the copies installed
with the package; a ``wuye.toml`` in the ledgers folder may name others::

    # ledgers/wuye.toml
    rules = "../我们公司的规则"      # relative to this file
    forms = "../文书模板"
"""
from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from pathlib import Path

from .errors import WuyeError

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
CONFIG = "wuye.toml"


def bundled(name: str) -> Path:
    """``rules``, ``forms`` or ``ledgers`` shipped with wuye: the checkout's folder, else the installed copy."""
    if (CHECKOUT / "pyproject.toml").exists() and (CHECKOUT / name).is_dir():
        return CHECKOUT / name
    return PACKAGE / f"bundled_{name}"


def folders(ledgers: Path, rules: Path | None, forms: Path | None) -> tuple[Path, Path]:
    """The rules and forms for a run: given on the command line, else named in ``<ledgers>/wuye.toml``,
    else the ones shipped with wuye."""
    config: dict = {}
    path = Path(ledgers) / CONFIG
    if path.is_file():
        try:
            config = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise WuyeError(f"配置文件 {path} 无法读取: {exc}",
                            '请用 UTF-8 保存，格式如：rules = "../规则"  forms = "../文书模板"') from None

    def pick(given: Path | None, key: str) -> Path:
        if given is not None:
            return Path(given)
        if key in config:
            return (path.parent / str(config[key])).resolve()
        return bundled(key)

    return pick(rules, "rules"), pick(forms, "forms")

"""Load the standard from its TOML data files, with errors that name the file and the problem.

The folder holds `standard.toml` (version, title, source), `rules.toml` (reassessment, discussion
conduct, ULN rule) and one file per component (every other `*.toml`).
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from discussion.errors import UserError
from discussion.paths import standard_dir
from discussion.standard.conduct import Conduct
from discussion.standard.models import (
    COMPONENT_IDS,
    Component,
    DiscussionConduct,
    GatewayItem,
    Rules,
    Standard,
    UlnRules,
)

M = TypeVar("M", Component, Rules, DiscussionConduct, UlnRules, GatewayItem, Conduct)

META_FILE = "standard.toml"
RULES_FILE = "rules.toml"


def load_standard(path: Path | None = None) -> Standard:
    """Load and validate the standard in folder `path` (default: the bundled data).

    Raises `UserError` naming the file and the problem when a file is missing, is not valid
    TOML or does not match the expected fields. The bundled standard is loaded once per process.
    """
    if path is None:
        return _bundled()
    return _load(Path(path))


@functools.cache
def _bundled() -> Standard:
    return _load(standard_dir())


def content_hash(files: list[Path]) -> str:
    """sha256 over the files sorted by name: each name, a NUL, its bytes, a NUL.

    Names are included so renaming a component file changes the hash too.
    """
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.name):
        digest.update(file.name.encode() + b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _load(folder: Path) -> Standard:
    if not folder.is_dir():
        raise UserError(f"standard data folder {folder} does not exist or is not a folder")
    files = sorted(folder.glob("*.toml"))
    names = {f.name for f in files}
    for required in (META_FILE, RULES_FILE):
        if required not in names:
            raise UserError(f"{folder / required}: missing (the standard needs it)")
    meta_file = folder / META_FILE
    meta = _read(meta_file)
    rules = _read(folder / RULES_FILE)
    components = [
        _validate(Component, _read(f), f) for f in files if f.name not in (META_FILE, RULES_FILE)
    ]
    _check_components(folder, components)
    rules_file = folder / RULES_FILE
    unknown_tables = sorted(set(rules) - {"reassessment", "discussion_conduct", "uln", "gateway"})
    if unknown_tables:
        raise UserError(f"{rules_file}: unknown table(s): {', '.join(unknown_tables)}")
    unknown_meta = sorted(set(meta) - {"version", "title", "source", "conduct"})
    if unknown_meta:
        raise UserError(f"{folder / META_FILE}: unknown key(s): {', '.join(unknown_meta)}")
    try:
        return Standard(
            version=str(meta.get("version", "")),
            title=str(meta.get("title", "")),
            source=str(meta.get("source", "")),
            content_hash=content_hash(files),
            components=sorted(components, key=lambda c: c.order),
            rules=_validate(Rules, _table(rules, "reassessment", rules_file), rules_file),
            discussion_conduct=_validate(
                DiscussionConduct, _table(rules, "discussion_conduct", rules_file), rules_file
            ),
            uln=_validate(UlnRules, _table(rules, "uln", rules_file), rules_file),
            gateway=_gateway(rules, rules_file),
            conduct=_validate(Conduct, _table(meta, "conduct", meta_file), meta_file),
        )
    except ValidationError as error:
        raise UserError(f"{folder / META_FILE}: {_describe(error)}") from None


def _read(file: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{file}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{file}: TOML syntax error: {error}") from None
    except RecursionError:
        raise UserError(
            f"{file}: nested too deeply (hundreds of levels); check its contents"
        ) from None
    except OSError as error:
        raise UserError(f"{file}: cannot read: {error.strerror or error}") from None


def _gateway(rules: dict[str, Any], file: Path) -> list[GatewayItem]:
    items = rules.get("gateway")
    if not isinstance(items, list) or not items:
        raise UserError(f"{file}: missing the [[gateway]] items (the gateway declaration)")
    gateway = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise UserError(f"{file}: gateway[{index}] must be a table (key, label, short)")
        try:
            gateway.append(GatewayItem.model_validate(item))
        except ValidationError as error:
            raise UserError(f"{file}: gateway[{index}].{_describe(error)}") from None
    keys = [g.key for g in gateway]
    if len(set(keys)) != len(keys):
        raise UserError(f"{file}: two gateway items share the same key")
    return gateway


def _table(data: dict[str, Any], name: str, file: Path) -> dict[str, Any]:
    table = data.get(name)
    if not isinstance(table, dict):
        raise UserError(f"{file}: missing table [{name}]")
    return table


def _validate(model: type[M], data: dict[str, Any], file: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise UserError(f"{file}: {_describe(error)}") from None


def _describe(error: ValidationError) -> str:
    """The first problem as `where: what`, with a count of any others."""
    problems = error.errors(include_url=False)
    first = problems[0]
    where = _location(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"{where}: {message}{more}" if where else f"{message}{more}"


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _check_components(folder: Path, components: list[Component]) -> None:
    ids = [c.id for c in components]
    missing = [i for i in COMPONENT_IDS if i not in ids]
    if missing:
        raise UserError(f"{folder}: no data file for component(s): {', '.join(missing)}")
    if len(set(ids)) != len(ids):
        raise UserError(f"{folder}: a component id appears in two data files")
    orders = [c.order for c in components]
    if len(set(orders)) != len(orders):
        raise UserError(f"{folder}: two components share the same `order`")

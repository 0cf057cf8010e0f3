"""Every bilingual string table of the app: each module-level ``{key: {"en": …, "zh": …}}`` in
``engine`` (the lessons' STRINGS, CORE, CORPUS_STRINGS, …), found by walking the package, so a
new table is checked the moment it exists."""
from __future__ import annotations

import importlib
import pkgutil

import engine


def _is_table(value) -> bool:
    return (isinstance(value, dict) and bool(value)
            and all(isinstance(e, dict) and isinstance(e.get("en"), str) for e in value.values()))


def string_tables() -> dict[str, dict]:
    """'module.NAME' -> table, each table once (tables re-exported elsewhere are not repeated)."""
    found: dict[int, tuple[str, dict]] = {}
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if _is_table(value) and id(value) not in found:
                found[id(value)] = (f"{info.name}.{name}", value)
    return dict(found.values())


def strings(lang: str):
    """(table name, key, text) for every string of ``lang``."""
    for table_name, table in string_tables().items():
        for key, entry in table.items():
            if entry.get(lang):
                yield table_name, key, entry[lang]

"""site/data/*: YAML, JSON, TOML and CSV files, available to templates as ``data.<name>``.

``site/data/features.yaml`` is ``data.features``; a CSV file is a list of rows, each a
dict keyed by the header row. A malformed file is an error naming the file and line.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from .errors import SiteError
from .frontmatter import load_yaml
from .paths import link_problem

DATA_FOLDER = "site/data"


def load_data(root: Path) -> tuple[dict[str, Any], list[SiteError]]:
    """Every data file by name, and every error found (not only the first)."""
    folder = root / DATA_FOLDER
    data: dict[str, Any] = {}
    errors: list[SiteError] = []
    if not folder.is_dir():
        return data, errors
    for path in sorted(folder.iterdir()):
        reader = READERS.get(path.suffix.lower())
        if reader is None or path.name.startswith("."):
            continue
        where = f"{DATA_FOLDER}/{path.name}"
        if path.is_symlink() and (problem := link_problem(path, root.resolve())):
            errors.append(SiteError(where, None, *problem))  # never read, never in a page
            continue
        if path.stem in data:
            errors.append(SiteError(where, None, f"another data file is also named '{path.stem}'"))
            continue
        try:
            data[path.stem] = reader(path.read_text("utf-8-sig"), where)
        except UnicodeDecodeError:
            errors.append(SiteError(where, None, "is not UTF-8 text"))
        except OSError as error:  # a folder with a data file's name, say
            errors.append(SiteError(where, None, f"cannot be read: {error.strerror}"))
        except RecursionError:
            errors.append(SiteError(where, None, "is nested too deeply"))
        except SiteError as error:
            errors.append(error)
    return data, errors


def _yaml(text: str, where: str) -> Any:
    try:
        return load_yaml(text)
    except (ValueError, RecursionError) as error:
        raise SiteError(where, None, f"YAML refused: {error or 'nested too deeply'}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise SiteError(
            where, mark.line + 1 if mark else None, f"invalid YAML: {error.problem}"
        ) from None


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SiteError(where, error.lineno, f"invalid JSON: {error.msg}") from None


def _toml(text: str, where: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+)", str(error))
        message = re.sub(r"\s*\(at (line|end).*\)", "", str(error))
        line = int(match.group(1)) if match else text.count("\n") or 1
        raise SiteError(where, line, f"invalid TOML: {message}") from None


def _csv(text: str, where: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        rows = []
        for row in reader:
            if len(row) != len(header):
                raise SiteError(
                    where,
                    reader.line_num,
                    f"this row has {len(row)} cells, the header has {len(header)}",
                )
            rows.append(dict(zip(header, row, strict=True)))
    except csv.Error as error:
        raise SiteError(where, reader.line_num, f"invalid CSV: {error}") from None
    return rows


READERS = {".yaml": _yaml, ".yml": _yaml, ".json": _json, ".toml": _toml, ".csv": _csv}

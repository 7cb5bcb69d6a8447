"""The only module that opens data files: CSV as text cells, YAML as plain values.

Everything read is parsed once per file version (path, modification time, size
and today's date, since validation refuses dates after today) and handed out as
copies. Errors name the file and the line. YAML is read with a safe loader that
leaves dates as text (one date parser checks them), bounds alias expansion and
nesting, and refuses duplicate keys.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import yaml

from targets.errors import DataError, GoalError

T = TypeVar("T")

#: YAML documents may reuse a node through an alias at most this many times, and nest at
#: most this deep: a goal file is a list of small mappings, never a bomb of aliases.
YAML_MAX_ALIASES = 200
YAML_MAX_DEPTH = 40
#: The most nodes a document may hold once its aliases are expanded.
YAML_MAX_NODES = 200_000
#: Files larger than this are refused before they are parsed (bytes).
MAX_FILE_BYTES = 50_000_000

_MEMO: dict[tuple, Any] = {}


def file_key(path: Path) -> tuple:
    """What identifies one version of a file: resolved path, mtime (ns), size, today."""
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size, date.today())


def memo(path: Path, what: str, parse: Callable[[], T]) -> T:
    """``parse()``'s result for ``path``, computed once per file version; callers get a copy."""
    key = (*file_key(path), what)
    if key not in _MEMO:
        if len(_MEMO) > 512:
            _MEMO.clear()
        _MEMO[key] = parse()
    value = _MEMO[key]
    return value.copy() if isinstance(value, pd.DataFrame) else copy.deepcopy(value)


def content_hash(paths: list[Path]) -> str:
    """A SHA-256 of the files' names and contents (in the order given).

    Keys on-disk results by what was read, not where: the same data and code in
    another folder (an installed wheel) give the same key.
    """
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(memo(path, "sha256", lambda p=path: hashlib.sha256(p.read_bytes()).digest()))
    return digest.hexdigest()


def _check_size(path: Path, error: type[Exception]) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise error(
            f"{path}: {size:,} bytes is larger than the {MAX_FILE_BYTES:,} a data file may have"
        )


def read_csv_text(path: Path) -> pd.DataFrame:
    """A CSV file as text cells (stripped), naming the file on an empty or non-UTF-8 file.

    Raises
    ------
    DataError
        For a missing, empty, oversized, non-UTF-8 or unreadable file.
    """
    return memo(path, "csv-text", lambda: _read_csv_text(path))


def _read_csv_text(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{path}: not a file")
    _check_size(path, DataError)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes); expected a header line and rows")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raw = path.read_bytes()
        try:  # pandas reports offsets within a chunk; find the first bad byte in the file
            raw.decode("utf-8")
            start = 0
        except UnicodeDecodeError as exc:
            start = exc.start
        line = raw[:start].count(b"\n") + 1
        raise DataError(
            f"{path}, line {line}: not UTF-8 text (byte {raw[start]:#04x} at offset {start}); "
            "save the file as UTF-8"
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: no header line; expected a header line and rows") from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame.apply(lambda s: s.str.strip())


def csv_header(path: Path) -> list[str] | None:
    """The first line of a CSV file as cells; ``None`` for an empty or unreadable file."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            line = fh.readline(65536)
    except (OSError, UnicodeDecodeError):
        return None
    if not line.strip():
        return None
    return [c.strip() for c in line.strip().lstrip("\ufeff").split(",")]


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe YAML: dates stay text, duplicate keys refused (aliases and depth are bounded
    beforehand by :func:`_check_events`)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be plain text", key_node.start_mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {str(key)[:60]!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _plain_resolver(tag: str, rx: re.Pattern) -> tuple[str, re.Pattern]:
    """YAML 1.1 reads ``1_000`` as 1000 and ``1:30`` as 90 (base 60): a goal file's numbers are
    plain, so such scalars stay text and the field's check refuses them by name."""
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return tag, re.compile(r"(?![^\n]*[_:])" + rx.pattern, rx.flags)
    return tag, rx


_Loader.yaml_implicit_resolvers = {
    key: [_plain_resolver(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_events(text: str) -> None:
    """Refuse, before anything is built, a document with more than :data:`YAML_MAX_ALIASES`
    aliases, nested deeper than :data:`YAML_MAX_DEPTH`, or whose aliases would expand to more
    than :data:`YAML_MAX_NODES` nodes (a "billion laughs" bomb is refused unexpanded)."""
    aliases = 0
    sizes: dict[str, int] = {}  # anchor -> nodes in the anchored node, aliases expanded
    stack: list[list] = [[None, 0]]  # per open collection: its anchor and its node count
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > YAML_MAX_ALIASES:
                raise yaml.YAMLError(
                    f"more than {YAML_MAX_ALIASES} aliases (*name); a goal file needs few"
                )
            stack[-1][1] += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1][1] += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) - 1 > YAML_MAX_DEPTH:
                raise yaml.YAMLError(f"nested deeper than {YAML_MAX_DEPTH} levels")
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            anchor, count = stack.pop()
            if anchor:
                sizes[anchor] = count
            stack[-1][1] += count
        if stack[-1][1] > YAML_MAX_NODES or (len(stack) > 1 and stack[0][1] > YAML_MAX_NODES):
            raise yaml.YAMLError(
                f"the document would expand to more than {YAML_MAX_NODES:,} nodes through its "
                "aliases"
            )


def read_yaml(path: Path, error: type[Exception] = GoalError) -> Any:
    """A YAML file as plain values (lists, mappings, text, numbers), parsed once per version.

    Raises
    ------
    GoalError (or ``error``)
        For a missing, oversized or non-UTF-8 file, malformed YAML, too many
        aliases, too deep nesting or a duplicate key; the message names the file
        and the line.
    """
    if not path.is_file():
        raise error(f"{path}: file not found")
    return memo(path, "yaml", lambda: _read_yaml(path, error))


def _read_yaml(path: Path, error: type[Exception]) -> Any:
    _check_size(path, error)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"{path.name}: not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8"
        ) from None
    try:
        _check_events(text)
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except RecursionError:
        raise error(f"{path.name}: malformed YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"{path.name}{where}: malformed YAML: {str(problem)[:200]}") from None

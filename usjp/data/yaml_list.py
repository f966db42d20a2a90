"""A YAML file holding a list of entries (the events file, the calendar), read in bounded time and memory.

Whatever is at the path (nothing, a directory, a FIFO, a huge file, bytes that are not UTF-8, YAML that
is not a list, an alias bomb) becomes a problem line `file[:line] ...`, never an exception; each entry
is validated against its model with one `file:line id field: message` per problem. The limits are
documented where each file is described (usjp/data/events_file.py, data/README.md).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from usjp.paths import data_dir

M = TypeVar("M", bound=BaseModel)

# libyaml's safe loader when PyYAML was built with it (about 10x faster on the timeline file).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 100_000  # YAML values (scalars, lists, mappings, aliases): the timeline has ~55 per event
_MAX_ECHO = 60  # characters of an id or field name from the file repeated in a problem line


def _echo(value: object, fallback: str) -> str:
    """`value` as it may be repeated in a problem line: a short printable string, else `fallback`
    (a problem line must not carry a megabyte key or terminal escapes from a hostile file)."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        if 0 < len(text) <= _MAX_ECHO and text.isprintable():
            return text
    return fallback


def _yaml_line(exc: yaml.YAMLError, text: str) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return mark.line + 1
    position = getattr(exc, "position", None)  # a ReaderError (a character YAML does not allow)
    if isinstance(position, int):
        return text.count("\n", 0, position) + 1
    return 0


def _alias_expansion(root: yaml.Node) -> tuple[int | None, int]:
    """For a document that uses aliases: (the characters it would take written out in full, each alias
    replaced by what it names, counted on the composed node graph without expanding it, or None for a
    document that contains itself as in `&a [*a]`; the line of a value used more than once). For a
    document without aliases: (0, 0).

    The safe loaders still expand aliases: ten nested lists of ten aliases each load in a millisecond
    as a small shared structure, but anything that walks it meets ten billion items (a "billion
    laughs"). The model itself rejects such a field at its first level, but printing or logging its
    ValidationError (which shows the input) costs 100x more per level and never ends, and so would a
    page or json.dumps given the raw data. Refusing anchors outright is not an option: PyYAML's own dumper
    writes them whenever two entries share a list, and the tests write files that way. So the work is
    bounded instead: a document may use aliases as long as, written out in full, it would still be
    within the file size limit; validating it then costs no more than validating a file of that size.
    Each node is visited once and its size memoised, so this is linear in the file, bomb or not.
    """
    size: dict[int, int] = {}
    on_path: set[int] = set()
    reused_line = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            if isinstance(node, yaml.SequenceNode):
                size[key] = 1 + sum(size[id(child)] for child in node.value)
            else:
                size[key] = 1 + sum(size[id(k)] + size[id(v)] for k, v in node.value)
            continue
        if key in on_path:
            return None, node.start_mark.line + 1
        if key in size:
            reused_line = reused_line or node.start_mark.line + 1
            continue
        if isinstance(node, yaml.ScalarNode):
            size[key] = 1 + len(node.value)
            continue
        on_path.add(key)
        stack.append((node, True))
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for kv in node.value for n in kv]
        stack.extend((child, False) for child in children)
    return (size[id(root)], reused_line) if reused_line else (0, 0)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _scan(text: str) -> tuple[int, bool]:
    """(the line of the first YAML value past MAX_NODES, or 0; whether the document uses an alias).

    libyaml turns a 2 MB file of `[1,1,1,...` into a million nodes at ~9 us each (compose, construct):
    ten seconds. Its event stream costs ~1.5 us a value and is read here only up to the limit, before
    anything is built, so a file at the limits loads in about a second and a bigger one is refused in
    a fraction of that. Raises yaml.YAMLError for a syntax error (reported like any other)."""
    count, alias = 0, False
    for event in yaml.parse(text, Loader=YAML_LOADER):
        if isinstance(event, _NODE_EVENTS):
            count += 1
            alias = alias or isinstance(event, yaml.AliasEvent)
            if count > MAX_NODES:
                return event.start_mark.line + 1, alias
    return 0, alias


def entries(text: str, path: str | Path, noun: str, max_entries: int) -> tuple[list[tuple[int, object]], list[str]]:
    """(line, raw value) of each entry of the list, or the one problem that stops the file being read
    (`noun`: what the entries are, in plural, for the messages). An empty file has no entries."""
    if len(text) > MAX_FILE_BYTES:  # characters, not bytes here: a text handed in, not read from disk
        return [], [f"{path}: {len(text):,} characters, more than the limit of {MAX_FILE_BYTES:,}"]
    loader = None
    try:
        too_many, alias = _scan(text)
        if too_many:
            return [], [f"{path}:{too_many} - yaml: more than {MAX_NODES:,} values (the limit)"]
        loader = YAML_LOADER(text)  # a safe loader (C or Python), never yaml.Loader
        root = loader.get_single_node()
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == "tag:yaml.org,2002:null"):
            return [], []  # an empty file, or `~` / `null` alone: no entries
        expanded, line = _alias_expansion(root) if alias else (0, 0)
        if expanded is None:
            return [], [f"{path}:{line} - yaml: an alias (*name) makes the value anchored here contain itself"]
        if expanded > MAX_FILE_BYTES:
            return [], [
                f"{path}:{line} - yaml: aliases (*name) of the value anchored here expand the file to "
                f"{expanded:,} characters, more than the limit of {MAX_FILE_BYTES:,}"
            ]
        if not isinstance(root, yaml.SequenceNode):
            return [], [f"{path}:{root.start_mark.line + 1} - file: expected a list of {noun}"]
        if len(root.value) > max_entries:
            line = root.value[max_entries].start_mark.line + 1
            return [], [f"{path}:{line} - file: {len(root.value):,} entries, more than the limit of {max_entries:,}"]
        raw = loader.construct_document(root)
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or getattr(exc, "reason", None) or exc  # `reason`: a ReaderError
        return [], [f"{path}:{_yaml_line(exc, text)} - yaml: {reason}"]
    except RecursionError:  # the pure-Python loader on deep nesting (libyaml stops at 1,000 levels)
        return [], [f"{path}: the YAML is nested too deeply"]
    finally:
        if loader is not None:
            loader.dispose()
    return [(node.start_mark.line + 1, item) for node, item in zip(root.value, raw, strict=True)], []


def validate_entries(
    entries: list[tuple[int, object]], model: type[M], path: str | Path, noun: str
) -> tuple[list[M], list[str]]:
    """Each (line, entry) through `model`: the valid ones in file order, and one `file:line id field:
    message` per problem (a duplicate id is one); shared by the events file and the calendar."""
    good: list[M] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, (line, item) in enumerate(entries):
        ident = _echo(item.get("id"), f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
        if not isinstance(item, dict):
            problems.append(f"{path}:{line} {ident} entry: expected a mapping of fields")
            continue
        try:
            valid = model.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(_echo(p, "?") for p in err["loc"]) or noun
                message = err["msg"].removeprefix("Value error, ")
                if ":" in message and not err["loc"]:
                    field, _, message = message.partition(": ")
                problems.append(f"{path}:{line} {ident} {field}: {message}")
            continue
        ident = valid.id  # type: ignore[attr-defined]
        if ident in seen:
            problems.append(f"{path}:{line} {ident} id: duplicate of the {noun} on line {seen[ident]}")
            continue
        seen[ident] = line
        good.append(valid)
    return good, problems


def file_label(path: Path) -> str:
    """How problems name the file: `data/events.yaml` for a file in the data folder, else the path."""
    try:
        return str(Path(data_dir().name) / path.resolve().relative_to(data_dir().resolve()))
    except (ValueError, OSError):
        return str(path)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _read_bounded(path: Path, label: str) -> tuple[bytes | None, str | None]:
    """The file's bytes, or a problem: checked to be a regular file of at most MAX_FILE_BYTES before a
    byte is read. A FIFO or device is never opened (opening a FIFO blocks until a writer comes); the
    open is non-blocking and the check repeated on the opened file, so a swap between stat and open
    cannot slip one through; the read stops one byte past the limit whatever the file does meanwhile."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, f"{label}: not a regular file ({_kind(info.st_mode)})"
        if info.st_size > MAX_FILE_BYTES:
            return None, f"{label}: {info.st_size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}"
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            opened = os.fstat(fh.fileno())
            if not stat.S_ISREG(opened.st_mode):
                return None, f"{label}: not a regular file ({_kind(opened.st_mode)})"
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None, f"{label}: missing (no such file)"
    except OSError as exc:
        return None, f"{label}: cannot be read ({exc.strerror or type(exc).__name__})"
    if len(data) > MAX_FILE_BYTES:
        return None, f"{label}: more than the limit of {MAX_FILE_BYTES:,} bytes"
    return data, None


def _decode(data: bytes, label: str) -> tuple[str | None, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - line_start + 1  # in bytes, 1-based
        return None, f"{label}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at column {column})"


def read_text(path: Path, label: str) -> tuple[str | None, str | None]:
    """(the file's text, None), or (None, the problem): a regular file within MAX_FILE_BYTES, in UTF-8."""
    data, problem = _read_bounded(path, label)
    if problem is not None:
        return None, problem
    return _decode(data, label)


def mapping(text: str, path: str | Path) -> tuple[dict | None, dict[tuple, int], list[str]]:
    """A YAML file holding one mapping (a story), read with the same limits as `entries`: (the mapping,
    the line of every key and list item by its path, e.g. ('steps', 2, 'caption') -> 41, problems). The
    lines let a model's validation errors name `file:line`; see `line_of`."""
    if len(text) > MAX_FILE_BYTES:
        return None, {}, [f"{path}: {len(text):,} characters, more than the limit of {MAX_FILE_BYTES:,}"]
    loader = None
    try:
        too_many, alias = _scan(text)
        if too_many:
            return None, {}, [f"{path}:{too_many} - yaml: more than {MAX_NODES:,} values (the limit)"]
        if alias:
            return None, {}, [f"{path}: yaml: aliases (*name) are not allowed in this file"]
        loader = YAML_LOADER(text)
        root = loader.get_single_node()
        if not isinstance(root, yaml.MappingNode):
            line = root.start_mark.line + 1 if root is not None else 1
            return None, {}, [f"{path}:{line} - file: expected a mapping (id:, title:, steps: ...)"]
        lines: dict[tuple, int] = {}

        def walk(node: yaml.Node, where: tuple) -> None:
            lines.setdefault(where, node.start_mark.line + 1)  # a key's own line, not its value's
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode):
                        lines[(*where, key.value)] = key.start_mark.line + 1
                        walk(value, (*where, key.value))
            elif isinstance(node, yaml.SequenceNode):
                for i, item in enumerate(node.value):
                    walk(item, (*where, i))

        walk(root, ())
        raw = loader.construct_document(root)
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or getattr(exc, "reason", None) or exc
        return None, {}, [f"{path}:{_yaml_line(exc, text)} - yaml: {reason}"]
    except RecursionError:
        return None, {}, [f"{path}: the YAML is nested too deeply"]
    finally:
        if loader is not None:
            loader.dispose()
    return raw, lines, []


def line_of(lines: dict[tuple, int], where: tuple) -> int:
    """The line of `where` or of its nearest enclosing key or item that has one (1 when none)."""
    for n in range(len(where), -1, -1):
        if where[:n] in lines:
            return lines[where[:n]]
    return 1


def validate_mapping(
    raw: dict, lines: dict[tuple, int], model: type[M], path: str | Path
) -> tuple[M | None, list[str]]:
    """`raw` through `model`: (the model, []) or (None, one `file:line field: message` per problem)."""
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(_echo(p, "?") for p in loc) or "file"
            message = err["msg"].removeprefix("Value error, ")
            problems.append(f"{path}:{line_of(lines, loc)} {field}: {message}")
        return None, problems

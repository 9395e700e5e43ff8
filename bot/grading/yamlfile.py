"""YAML loading that can say where in a file something is wrong.

Rule files are written by people; an error that names the file, the line and the problem is the difference between a
two-minute fix and a support ticket. Loading is fast (libyaml when present); the line of a path is only looked up when
an error is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

PathKey = Sequence[str | int]


class RuleFileError(ValueError):
    """A rule or lexicon file is malformed; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


def load_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into a RuleFileError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(path, None, f"cannot read the file ({exc})") from exc
    import yaml  # here, not at the top: a cached rule set (cache.py) is loaded without reading any YAML

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RuleFileError(path, line, f"YAML syntax: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise RuleFileError(path, None, f"YAML syntax: {exc}") from exc


def line_of(path: Path, key_path: PathKey) -> int | None:
    """The 1-based line of the node at `key_path` (or of its nearest existing parent)."""
    import yaml

    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for key in key_path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if getattr(k, "value", None) == str(key)), None)
            if pair is None:
                return line
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def fail(path: Path, key_path: PathKey, problem: str) -> RuleFileError:
    """Build the error for a problem at `key_path` in `path` (raise the result)."""
    where = ".".join(str(k) for k in key_path)
    return RuleFileError(path, line_of(path, key_path), f"{where}: {problem}" if where else problem)

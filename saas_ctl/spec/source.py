"""Reading a YAML document into plain Python data, remembering the line of every key and list item.

libyaml (PyYAML's C parser) builds the node graph, which keeps a 10,000-tenant file well under a second;
this module then walks it once. The walk refuses what a hand-rolled loader would silently accept:
duplicate keys, non-string keys, and alias expansion past a fixed budget (a "billion laughs" file).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml

from saas_ctl.errors import SpecError, SpecIssue

Path = tuple[str | int, ...]

# Nodes a document may expand to, counting each alias expansion again. A tenants file with 10,000 tenants
# has a few hundred thousand; an alias bomb has billions.
MAX_EXPANDED_NODES = 2_000_000

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """Parsed data plus the 1-based line of every path in it."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def _issue(file: str, line: int | None, message: str) -> SpecError:
    return SpecError([SpecIssue(file, line, "", message)])


def parse(raw: bytes, file: str) -> Document:
    """Parse ``raw`` as one YAML document; raise :class:`SpecError` (with a line) for any malformed input."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _issue(file, line, f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "unreadable"
        raise _issue(file, mark.line + 1 if mark else None, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise _issue(file, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise _issue(file, None, "the document is nested too deeply to be a tenants file") from None
    if root is None:
        raise _issue(file, None, "the file is empty; `saasctl schema` prints the expected structure")
    try:
        _check_expansion(root, file)
        return _Walker(file).document(root)
    except RecursionError:
        raise _issue(file, None, "the document is nested too deeply to be a tenants file") from None


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Refuse a document whose aliases expand past the budget or form a cycle, in time linear in its nodes."""
    sizes: dict[int, int] = {}
    in_progress = -1

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known == in_progress:
            raise _issue(file, node.start_mark.line + 1, "an alias refers to a node that contains it (a cycle)")
        if known is not None:
            return known
        sizes[id(node)] = in_progress
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        sizes[id(node)] = total
        if total > MAX_EXPANDED_NODES:
            raise _issue(
                file,
                node.start_mark.line + 1,
                f"the document expands to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)",
            )
        return total

    size(root)


class _Walker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[Path, int] = {}
        self.scalars = yaml.SafeLoader("")  # only its scalar constructors are used

    def document(self, root: yaml.Node) -> Document:
        data = self.node(root, ())
        return Document(data, self.lines)

    def node(self, node: yaml.Node, path: Path) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.node(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.node(value_node, (*path, "<<"))
                merges.extend(merged if isinstance(merged, list) else [merged])
                continue
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise _issue(self.file, line, f"keys must be strings, got {key_node.value!r}")
            if key in result:
                first = self.lines.get((*path, key))
                raise _issue(self.file, line, f"duplicate key {key!r} (first defined on line {first})")
            self.lines[(*path, key)] = line
            result[key] = self.node(value_node, (*path, key))
        # Keys written out in the mapping win over keys merged in with '<<', as YAML specifies.
        for source in merges:
            if not isinstance(source, dict):
                raise _issue(self.file, self.lines.get(path), "'<<' must merge a mapping")
            for merged_key, merged_value in source.items():
                result.setdefault(merged_key, merged_value)
        return result

    def scalar(self, node: yaml.Node) -> Hashable:
        try:
            value: Hashable = self.scalars.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise _issue(self.file, node.start_mark.line + 1, f"invalid value: {exc.problem}") from None
        return value

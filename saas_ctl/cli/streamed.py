"""A JSON array made item by item while the document is written, and the writing of such a document.

A `--json` run over a thousand stacks would otherwise hold, at once, every result as a dict, a copy of them
with each suggested command carried (cli/invocation.py), and every piece of the encoded text: about as much
memory again as the run itself. Written as it is encoded, the document is the same, byte for byte, as
``json.dumps(document, indent=2, default=str)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

# Encoded text is written in pieces of about this many characters (the encoder yields much smaller ones).
_PIECE = 1 << 16


class Streamed(list[Any]):
    """A JSON array whose items are ``make(item)`` for each item of ``source``, made only as they are read: the
    encoder reads one, writes it, and lets it go. Everything else sees the list of them."""

    def __init__(self, source: Sequence[Any], make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.source = source
        self.make = make

    def __iter__(self) -> Iterator[Any]:
        return (self.make(item) for item in self.source)

    def __len__(self) -> int:
        return len(self.source)

    def __bool__(self) -> bool:
        return bool(self.source)

    def __getitem__(self, index: Any) -> Any:
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        return repr(list(self))

    def mapped(self, then: Callable[[Any], Any]) -> Streamed:
        """The same array with ``then`` applied to each item once it is made."""
        make = self.make
        return Streamed(self.source, lambda item: then(make(item)))


def write_document(document: Any, stream: TextIO) -> None:
    """``document`` as ``json.dumps(document, indent=2, default=str)`` writes it, then a newline; written as it
    is encoded (with an indent, the standard library encodes in Python, reading a list by iterating it)."""
    import json

    pieces: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(indent=2, default=str).iterencode(document):
        pieces.append(chunk)
        size += len(chunk)
        if size >= _PIECE:
            stream.write("".join(pieces))
            pieces.clear()
            size = 0
    pieces.append("\n")
    stream.write("".join(pieces))

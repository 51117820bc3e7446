"""A --json document written as it is encoded: the same bytes as json.dumps of the whole document."""

import io
import json
from pathlib import Path

from saas_ctl.cli.invocation import Invocation
from saas_ctl.cli.streamed import Streamed, write_document


def written(document: object) -> str:
    stream = io.StringIO()
    write_document(document, stream)
    return stream.getvalue()


def test_a_streamed_array_is_written_as_the_list_of_its_items_would_be() -> None:
    document = {"results": Streamed(["acme", "globex"], lambda name: {"tenant": name, "path": Path("/x")})}
    expected = {"results": [{"tenant": "acme", "path": Path("/x")}, {"tenant": "globex", "path": Path("/x")}]}
    assert written(document) == json.dumps(expected, indent=2, sort_keys=False, default=str) + "\n"


def test_an_empty_streamed_array_is_written_as_an_empty_list() -> None:
    assert written({"results": Streamed([], str), "interrupted": False}) == (
        json.dumps({"results": [], "interrupted": False}, indent=2) + "\n"
    )


def test_a_streamed_array_is_made_only_as_it_is_written() -> None:
    made: list[str] = []
    array = Streamed(["a", "b"], lambda item: made.append(item) or item)
    assert made == []
    assert written(array) == '[\n  "a",\n  "b"\n]\n'
    assert made == ["a", "b"]


def test_commands_suggested_in_a_streamed_array_are_carried() -> None:
    document = {"results": Streamed(["run `saasctl tenant up acme`"], lambda text: {"error": text})}
    carried = Invocation(file="other.yaml").carry_all(document)
    assert carried == {"results": [{"error": "run `saasctl tenant up acme -f other.yaml`"}]}

"""Reading YAML with lines: malformed input of every kind is a SpecError with a line, never an exception."""

from __future__ import annotations

import pytest

from saas_ctl.errors import SpecError
from saas_ctl.spec.source import MAX_EXPANDED_NODES, parse


def only_issue(raw: bytes) -> tuple[int | None, str]:
    with pytest.raises(SpecError) as caught:
        parse(raw, "t.yaml")
    [issue] = caught.value.issues
    return issue.line, issue.message


def test_lines_are_recorded_for_keys_and_list_items() -> None:
    document = parse(b"a: 1\nb:\n  - x: 2\n  - y: 3\n", "t.yaml")
    assert document.lines[("a",)] == 1
    assert document.lines[("b", 1)] == 4
    assert document.lines[("b", 1, "y")] == 4


def test_line_of_a_missing_path_falls_back_to_its_parent() -> None:
    document = parse(b"a:\n  b: 1\n", "t.yaml")
    assert document.line_of(("a", "missing")) == 1


def test_duplicate_key_names_both_lines() -> None:
    assert only_issue(b"a: 1\nb: 2\na: 3\n") == (3, "duplicate key 'a' (first defined on line 1)")


def test_malformed_yaml_reports_the_line_of_the_problem() -> None:
    line, message = only_issue(b"a: 1\nb: [1, 2\nc: 3\n")
    assert line == 3
    assert message.startswith("invalid YAML:")


def test_empty_file_is_an_error() -> None:
    assert only_issue(b"   \n# only a comment\n") == (
        None,
        "the file is empty; `saasctl schema` prints the expected structure",
    )


def test_non_utf8_bytes_give_the_line_of_the_bad_byte() -> None:
    assert only_issue(b"a: 1\nb: caf\xe9\n") == (2, "the file is not valid UTF-8 (byte 0xe9)")


def test_alias_bomb_is_refused_before_expanding() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    line, message = only_issue("\n".join(lines).encode())
    assert message == f"the document expands to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"
    assert line is not None


def test_merge_keys_are_applied_and_explicit_keys_win() -> None:
    document = parse(b"base: &b {cpu: 256, memory: 512}\nt:\n  <<: *b\n  cpu: 1024\n", "t.yaml")
    assert document.data["t"] == {"cpu": 1024, "memory": 512}


def test_non_string_keys_are_refused() -> None:
    assert only_issue(b"1: a\n") == (1, "keys must be strings, got '1'")


def test_multiple_documents_are_refused() -> None:
    line, message = only_issue(b"a: 1\n---\nb: 2\n")
    assert message == "invalid YAML: expected a single document in the stream, but found another document"
    assert line == 2


def test_nesting_deeper_than_python_can_walk_is_an_error_not_a_crash() -> None:
    assert only_issue(b"a: " + b"[" * 990 + b"]" * 990 + b"\n") == (
        None,
        "the document is nested too deeply to be a tenants file",
    )


def test_nesting_deeper_than_libyaml_allows_is_an_error_with_its_line() -> None:
    assert only_issue(b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n") == (
        1,
        "invalid YAML: while increasing flow level, exceeded maximum nesting depth",
    )


def test_recursive_alias_is_refused_with_its_line() -> None:
    assert only_issue(b"x: 1\nplatform: &a\n  project: *a\n") == (
        2,
        "an alias refers to a node that contains it (a cycle)",
    )

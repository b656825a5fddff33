"""The line-tracking YAML loader: positions, duplicates, alias bombs, timestamps."""

from __future__ import annotations

import pytest

from incidentkit.records.yamlsource import YamlProblem, parse


def test_positions_of_keys_and_list_items_are_file_lines() -> None:
    parsed = parse(
        "id: X\naction_items:\n  - id: A1\n    owner: '@a'\n  - id: A2\n    owner: '@b'\n",
        first_line=2,
    )
    assert parsed.positions.at(("action_items", 1, "owner")) == (7, 5)
    assert parsed.positions.at(("action_items", 0)) == (4, 5)
    # a key that does not exist points at its nearest ancestor
    assert parsed.positions.at(("action_items", 1, "due")) == (6, 5)


def test_quoted_and_unquoted_timestamps_read_the_same() -> None:
    parsed = parse(
        'a: 2026-03-04T10:00:00Z\nb: "2026-03-04T10:00:00Z"\nc: 2026-03-04\nd: "2026-03-04"\n'
    )
    assert parsed.data == {
        "a": "2026-03-04T10:00:00Z",
        "b": "2026-03-04T10:00:00Z",
        "c": "2026-03-04",
        "d": "2026-03-04",
    }


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    parsed = parse("id: A\ntitle: one\ntitle: two\n")
    assert [(d.key, d.line, d.first_line) for d in parsed.duplicates] == [("title", 3, 2)]


def test_alias_bomb_is_refused_without_expansion() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, prev in zip("bcdefgh", "abcdefg", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    with pytest.raises(YamlProblem) as info:
        parse("\n".join(lines) + "\n")
    assert info.value.rule == "alias-bomb"


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlProblem) as info:
        parse("a: &a [1, *a]\n")
    assert info.value.rule == "alias-bomb"


def test_tab_indentation_gets_its_own_message() -> None:
    with pytest.raises(YamlProblem) as info:
        parse("a:\n\tb: 1\n", first_line=2)
    assert (info.value.rule, info.value.line) == ("yaml-syntax", 3)
    assert "tab" in info.value.message


def test_syntax_error_carries_yaml_line_and_column() -> None:
    with pytest.raises(YamlProblem) as info:
        parse("a: [1, 2\nb: 3\n", first_line=2)
    assert info.value.rule == "yaml-syntax"
    assert info.value.line == 3  # "b: 3", where the flow sequence is found unclosed

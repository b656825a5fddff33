"""Round-trip YAML editing: one mapping set at a key path, every other byte kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from incidentkit.records.roundtrip import RoundTripError, set_mapping_text, set_mappings

VALUE = {"fails_on": "a@1", "passes_on": "a@2", "runs_before": 3, "failure_rate_before": 0.5}

SINGLE = """\
# header comment
id: one   # inline comment
incidents: ['INC-2026-0001']
expected:
  - contains: "x"   # why x
notes: |
  a literal block
  that ends the case

# footer comment
"""


def test_inserts_after_the_last_value_and_before_trailing_comments() -> None:
    out = set_mapping_text(SINGLE, (), "verification", VALUE)
    assert out == SINGLE.replace(
        "  that ends the case\n",
        "  that ends the case\nverification:\n  fails_on: a@1\n  passes_on: a@2\n"
        "  runs_before: 3\n  failure_rate_before: 0.5\n",
    )


def test_replaces_an_existing_block_and_nothing_else() -> None:
    first = set_mapping_text(SINGLE, (), "verification", VALUE)
    second = set_mapping_text(first, (), "verification", {"fails_on": "a@0", "passes_on": "a@9"})
    assert second == SINGLE.replace(
        "  that ends the case\n",
        "  that ends the case\nverification:\n  fails_on: a@0\n  passes_on: a@9\n",
    )


def test_replaces_a_flow_style_value_on_one_line() -> None:
    text = "id: x\nverification: {fails_on: old@1, passes_on: old@2}  # stale\nexpected: [{contains: y}]\n"
    out = set_mapping_text(text, (), "verification", {"fails_on": "a@1", "passes_on": "a@2"})
    assert (
        out
        == "id: x\nverification:\n  fails_on: a@1\n  passes_on: a@2\nexpected: [{contains: y}]\n"
    )


def test_edits_one_case_of_a_list_at_its_indentation() -> None:
    text = (
        "cases:\n"
        "  # first\n"
        "  - id: a\n"
        "    tier: regression\n"
        "\n"
        "  # second\n"
        "  - id: b\n"
        "    tier: regression\n"
    )
    out = set_mapping_text(text, ("cases", 0), "verification", {"fails_on": "x@1"})
    assert out == text.replace(
        "    tier: regression\n\n",
        "    tier: regression\n    verification:\n      fails_on: x@1\n\n",
        1,
    )
    # a deeper key path, as issue 9 needs for verification.reproduction
    deeper = set_mapping_text(out, ("cases", 0, "verification"), "reproduction", {"runs": 10})
    assert yaml.safe_load(deeper)["cases"][0]["verification"] == {
        "fails_on": "x@1",
        "reproduction": {"runs": 10},
    }


def test_a_key_that_opens_a_list_item_keeps_its_dash() -> None:
    text = "cases:\n  - verification: {fails_on: o@1}\n    id: a\n"
    out = set_mapping_text(text, ("cases", 0), "verification", {"fails_on": "n@1"})
    assert out == "cases:\n  - verification:\n      fails_on: n@1\n    id: a\n"


def test_crlf_bom_and_a_missing_final_newline_are_kept() -> None:
    text = "\ufeffid: a\r\ntier: regression"
    out = set_mapping_text(text, (), "verification", {"fails_on": "x@1"})
    assert out == "\ufeffid: a\r\ntier: regression\r\nverification:\r\n  fails_on: x@1"


def test_quoting_that_needs_it_is_rendered_safely() -> None:
    out = set_mapping_text("id: a\n", (), "verification", {"fails_on": "@odd: value", "n": 1.0})
    assert yaml.safe_load(out)["verification"] == {"fails_on": "@odd: value", "n": 1.0}


@pytest.mark.parametrize(
    ("text", "path", "says"),
    [
        ("- a\n- b\n", (), "not a YAML mapping"),
        ("cases: [{id: a}]\n", ("cases", 0), "flow style"),
        ("cases:\n  - id: a\n", ("cases", 3), "no entry .cases[3]"),
        ("id: [unclosed\n", (), "not valid YAML"),
    ],
)
def test_unsafe_edits_are_refused(text: str, path: tuple[str | int, ...], says: str) -> None:
    with pytest.raises(RoundTripError, match=None) as info:
        set_mapping_text(text, path, "verification", {"fails_on": "x@1"})
    assert says in str(info.value)


def test_set_mappings_writes_once_and_reports_no_change(tmp_path: Path) -> None:
    file = tmp_path / "c.yaml"
    file.write_text("cases:\n  - id: a\n  - id: b\n", encoding="utf-8")
    assert set_mappings(
        file, [(("cases", 0), "verification", {"k": 1}), (("cases", 1), "verification", {"k": 2})]
    )
    assert yaml.safe_load(file.read_text())["cases"] == [
        {"id": "a", "verification": {"k": 1}},
        {"id": "b", "verification": {"k": 2}},
    ]
    assert not set_mappings(file, [(("cases", 0), "verification", {"k": 1})])
    assert list(tmp_path.iterdir()) == [file]  # no temporary file left behind


def test_set_mappings_keeps_the_files_crlf_and_bom_on_disk(tmp_path: Path) -> None:
    file = tmp_path / "c.yaml"
    file.write_bytes(b"\xef\xbb\xbf# a comment\r\nid: a\r\ntier: regression\r\n")
    assert set_mappings(file, [((), "verification", {"fails_on": "x@1"})])
    assert file.read_bytes() == (
        b"\xef\xbb\xbf# a comment\r\nid: a\r\ntier: regression\r\nverification:\r\n  fails_on: x@1\r\n"
    )


def test_a_symlink_is_edited_through_inside_the_repository_and_refused_outside(
    tmp_path: Path,
) -> None:
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    (repo / "evals").mkdir(parents=True)
    (repo / "library").mkdir()
    elsewhere.mkdir()
    inside, outside = repo / "library/c.yaml", elsewhere / "c.yaml"
    for target in (inside, outside):
        target.write_text("id: a\n", encoding="utf-8")
    linked_in, linked_out = repo / "evals/in.yaml", repo / "evals/out.yaml"
    linked_in.symlink_to("../library/c.yaml")
    linked_out.symlink_to(outside)
    edit = [((), "verification", {"k": 1})]

    assert set_mappings(linked_in, edit, root=repo)
    assert linked_in.is_symlink() and yaml.safe_load(inside.read_text())["verification"] == {"k": 1}
    with pytest.raises(RoundTripError, match="outside the repository"):
        set_mappings(linked_out, edit, root=repo)
    with pytest.raises(RoundTripError, match="outside the repository"):
        set_mappings(linked_in, edit)  # no repository given: no link is followed
    assert linked_out.is_symlink() and outside.read_text() == "id: a\n"


def test_a_symlink_loop_is_refused_with_a_message(tmp_path: Path) -> None:
    loop = tmp_path / "c.yaml"
    loop.symlink_to(loop)
    with pytest.raises(RoundTripError, match="cannot follow the symlink"):
        set_mappings(loop, [((), "verification", {"k": 1})], root=tmp_path)
    assert loop.is_symlink()

"""The README shows the workflow as it is."""

from pathlib import Path

from factcheck import transitions

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_shows_the_transition_table_as_the_code_has_it():
    assert transitions.markdown_table() in README.read_text(encoding="utf-8")


def test_the_printed_table_has_a_row_per_transition():
    lines = transitions.markdown_table().splitlines()
    assert len(lines) == 2 + len(transitions.TABLE)
    assert all(f"`{action}`" in "\n".join(lines) for action in transitions.TABLE)

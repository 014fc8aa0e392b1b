"""Issue 13, item 10: the requirements install the same with any current pip.

pip 23 does not install what a dependency's dependency asks for through an extra of a package
that is already pinned (justext asks for ``lxml[html_clean]``; ``lxml`` is pinned), so the app
then failed to start without ``lxml_html_clean``. Every distribution that such an extra adds
must be pinned in requirements.txt itself."""

from importlib.metadata import distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def pinned() -> dict[str, Requirement]:
    lines = (line.split("#")[0].strip() for line in REQUIREMENTS.read_text().splitlines())
    return {canonicalize_name(r.name): r for r in map(Requirement, filter(None, lines))}


def _applies(requirement: Requirement, extras: frozenset[str]) -> bool:
    marker = requirement.marker
    return marker is None or any(marker.evaluate({"extra": extra}) for extra in extras or {""})


def extras_asked_for() -> list[tuple[str, Requirement]]:
    """(who asks, ``package[extra]``) for every extra reachable from the pinned distributions."""
    todo = [(name, frozenset(r.extras)) for name, r in pinned().items()]
    seen, asked = set(), []
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for text in distribution(name).requires or []:
            requirement = Requirement(text)
            if _applies(requirement, extras):
                asked += [(name, requirement)] if requirement.extras else []
                todo.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return asked


def test_what_an_extra_adds_is_pinned_explicitly():
    pins, missing = pinned(), []
    for asker, requirement in extras_asked_for():
        for text in distribution(requirement.name).requires or []:
            added = Requirement(text)
            if added.marker is not None and _applies(added, frozenset(requirement.extras)):
                if not _applies(added, frozenset()) and canonicalize_name(added.name) not in pins:
                    missing.append(f"{added.name} (from {asker}'s {requirement})")
    assert not missing, "pin these in requirements.txt: " + ", ".join(missing)


def test_justext_s_html_cleaner_is_among_them():
    assert ("justext", "lxml") in {(asker, r.name) for asker, r in extras_asked_for()}
    assert "lxml-html-clean" in pinned()

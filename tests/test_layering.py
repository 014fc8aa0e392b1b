"""The layering contracts (pyproject.toml, run by `make lint`) cover every module: a new
module must be placed among the faces, the domain or the models before it lands."""

import pkgutil
import tomllib
from pathlib import Path

import factcheck

ROOT = Path(__file__).resolve().parent.parent
# The composition root and the package's own glue: they may import anything.
WIRING = {"factcheck.apps", "factcheck.migrations", "factcheck.static"}


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {contract["name"]: contract for contract in config["tool"]["importlinter"]["contracts"]}


def test_every_module_of_the_app_is_placed_in_a_layering_contract():
    contracts = _contracts()
    domain = set(contracts["The domain imports no face, and never the tasks module"]["source_modules"])
    faces = set(contracts["The domain imports no face, and never the tasks module"]["forbidden_modules"])
    above_models = set(contracts["Models import nothing above them"]["forbidden_modules"])
    modules = {f"factcheck.{info.name}" for info in pkgutil.iter_modules(factcheck.__path__)}
    placed = domain | faces | {"factcheck.models", "factcheck.tasks"}
    assert modules - placed - WIRING == set(), "place the new module in pyproject.toml's contracts"
    assert (modules - {"factcheck.models", "factcheck.migrations", "factcheck.static"}) <= above_models | {
        "factcheck.defaults"
    }


def test_the_domain_and_the_faces_do_not_overlap():
    contract = _contracts()["The domain imports no face, and never the tasks module"]
    assert not set(contract["source_modules"]) & set(contract["forbidden_modules"])

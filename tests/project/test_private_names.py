"""A module's underscore names are its own: another module that needs one gets a public name for it."""

import ast
from pathlib import Path

import pytest

from reports.distributions import normal_quantile
from reports.significance import welch

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "core",
    "stores",
    "observations",
    "reports",
    "photos",
    "notifications",
    "coaching",
    "planning",
    "api",
    "mobile",
    "sso",
    "webhooks",
    "site_pages",
    "demo",
    "project",
]


def private_names_imported_from_other_modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom):
                    continue
                module = node.module or ""
                if node.level == 0 and module.split(".")[0] not in PACKAGES:
                    continue
                for alias in node.names:
                    if alias.name.startswith("_"):
                        where = path.relative_to(ROOT)
                        found.append(f"{where}:{node.lineno} imports {alias.name} from {'.' * node.level}{module}")
    return found


def test_no_module_imports_a_private_name_of_another_module():
    assert private_names_imported_from_other_modules() == []


def test_welch_gives_the_standard_error_and_welch_satterthwaite_degrees_of_freedom():
    se, df = welch(4.0, 5, 1.0, 11)
    assert se == pytest.approx(5.0**0.5)
    assert df == pytest.approx(25.0 / (16.0 / 4 + 1.0 / 10))


@pytest.mark.parametrize(("p", "z"), [(0.5, 0.0), (0.975, 1.959964), (0.8, 0.841621)])
def test_normal_quantile_matches_the_standard_table(p, z):
    assert normal_quantile(p) == pytest.approx(z, abs=1e-5)

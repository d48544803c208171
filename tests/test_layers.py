"""The layers in docs/architecture.md, checked by reading every import in the package.

A module may import from the layers below its own; foundation modules, records and the top know one another; a
feature of the round may import the features before it. Anything else is listed in KNOWN_EXCEPTIONS (and in
the document) or is a mistake.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = PROJECT_ROOT / "peerchallenge"

FOUNDATION = {
    "extensions",
    "errors",
    "error_pages",
    "forms",
    "sanitise",
    "dates",
    "status",
    "routing",
    "text_limits",
    "memory",
    "components",
    "widgets",
    "page_cache",
}
# Pure domain code: plain values in, plain values out.
PURE = {
    "documents",
    "assignments.solver",
    "assignments.grouping",
    "letters.merge",
    "letters.compose",
    "letters.diff",
    "letters.template",
    "letters.output",
    "cycles.defaults",
    "inspections.framework",
    "datapack.catalogue",
    "datapack.reading",
    "datapack.figures",
    "datapack.chart",
    "datapack.calibration",
    "moderation.allocation",
    "themes.lexicon",
    "themes.tagging",
    "themes.asks",
    "themes.chart",
}
RECORDS = {"regions", "accounts", "audit", "mail"}
ROUND = [
    "cycles",
    "assignments",
    "submissions",
    "inspections",
    "datapack",
    "moderation",
    "reviews",
    "letters",
    "actions",
    "events",
    "monitoring",
    "themes",
]
TOP = {"core", "demo", "models", "__init__"}

# (importing module, imported feature): deliberate, and each listed under "Known exceptions" in the document.
KNOWN_EXCEPTIONS = {
    ("cycles.routes", "submissions"),  # the cycle page's table of self-assessment statuses
    ("submissions.routes", "inspections"),  # the self-assessment page shows own grades and inspections
    ("submissions.routes", "datapack"),  # the data pack and areas for development beside the text
    ("submissions.routes", "actions"),  # the author writes about progress beside last year's actions
    ("reviews.routes", "actions"),  # the review form shows last year's letter and actions
    ("assignments.services", "letters"),  # a withdrawal tells the letters their reviewers changed
    ("submissions.services", "reviews"),  # a self-assessment under review can't be replaced
    ("reviews.services", "letters"),  # the last review in composes the letter; a reopened one marks it
    # What holds the cycle's next move counts self-assessments, reviews and letters.
    ("cycles.lifecycle", "assignments"),
    ("cycles.lifecycle", "submissions"),
    ("cycles.lifecycle", "reviews"),
    ("cycles.lifecycle", "letters"),
    ("cycles.lifecycle", "themes"),  # a cycle closing is tagged, if it never was
    # Moderation: what holds the move on counts it, and starting it emails the moderators.
    ("cycles.lifecycle", "moderation"),
    ("submissions.access", "moderation"),  # an allocated moderator reads the signed-off self-assessment
    ("submissions.routes", "moderation"),  # the author reads the moderators' comments on the page
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> tuple[int, int]:
    """(layer, position within the round) of a module."""
    top = module.split(".")[0]
    if top in FOUNDATION:
        return (1, 0)
    if any(module == pure or module.startswith(pure + ".") for pure in PURE):
        return (2, 0)
    if top in RECORDS:
        return (3, 0)
    if top in ROUND:
        return (4, ROUND.index(top))
    assert top in TOP, f"peerchallenge.{top} is in no layer: add it to docs/architecture.md and this test"
    return (5, 0)


def imports_of(path: Path) -> set[str]:
    """The peerchallenge modules a file imports, at the top or inside functions, without the prefix."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("peerchallenge"):
            if node.module == "peerchallenge":
                found.update(alias.name for alias in node.names)
            else:
                base = node.module.removeprefix("peerchallenge.")
                found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("peerchallenge.")
                for a in node.names
                if a.name.startswith("peerchallenge.")
            )
    return found


def resolve(name: str) -> str:
    """The longest prefix of an imported name that is a module or package of ours."""
    parts = name.split(".")
    while parts:
        candidate = PACKAGE.joinpath(*parts)
        if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
            return ".".join(parts)
        parts.pop()
    raise AssertionError(f"peerchallenge.{name} does not exist")


def allowed(importer: str, imported: str) -> bool:
    if importer.split(".")[0] == imported.split(".")[0] and layer_of(importer)[0] != 2:
        return True  # a feature's own modules (pure modules are checked like any other)
    (mine, my_place), (theirs, their_place) = layer_of(importer), layer_of(imported)
    if mine == 2:
        return theirs <= 2
    if mine == theirs and mine in (1, 3, 5):
        return True  # foundation modules, records and the top each know one another
    if mine == 4 and theirs == 4:
        return their_place < my_place
    return theirs < mine


def test_every_import_keeps_to_the_layers():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = module_name(path)
        for name in imports_of(path):
            imported = resolve(name)
            feature = imported.split(".")[0]
            if not allowed(importer, imported) and (importer, feature) not in KNOWN_EXCEPTIONS:
                wrong.append(f"peerchallenge.{importer} imports peerchallenge.{imported}")
    assert not wrong, "Imports against the layers of docs/architecture.md:\n" + "\n".join(sorted(set(wrong)))


def test_the_known_exceptions_are_still_needed_and_documented():
    document = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for importer, feature in KNOWN_EXCEPTIONS:
        path = PACKAGE.joinpath(*importer.split(".")).with_suffix(".py")
        assert any(resolve(name).split(".")[0] == feature for name in imports_of(path)), (importer, feature)
        assert f"`{importer.replace('.', '/')}.py`" in document, f"{importer} is not listed in the document"


def test_the_rule_catches_an_import_that_runs_up_the_layers():
    assert not allowed("mail.routes", "core.routes")
    assert not allowed("documents.analysis", "cycles.models")
    assert not allowed("cycles.services", "letters.services")
    assert allowed("letters.services", "reviews.services")
    assert allowed("documents.analysis", "cycles.defaults")


# Heavy libraries (PDF, Word, solver, spreadsheets, fuzzy matching), each imported only by the code that
# uses it: a worker serving pages and a `flask` command start without them (importing them all took the app
# from about 85 MB to 180 MB).
HEAVY_LIBRARIES = ("typst", "docx", "mammoth", "pypdf", "ortools", "openpyxl", "rapidfuzz", "numpy", "pandas")


def test_importing_the_app_imports_no_heavy_library():
    script = f"import sys, wsgi; print(' '.join(name for name in {HEAVY_LIBRARIES!r} if name in sys.modules))"
    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed script)
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PEERCHALLENGE_ENV": "testing"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == []

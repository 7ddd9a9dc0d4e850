"""The package as shipped: the wheel holds the library, the schema and the docs stay in step with the code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest
import yaml

from selfcare import models
from selfcare.library import builtin_dir, load
from selfcare.schema import json_schema, vocabulary_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_schema_file_is_generated_from_the_vocabularies() -> None:
    shipped = json.loads((ROOT / "routines" / "schema.json").read_text())
    assert shipped == json_schema(), "run: python -m selfcare.schema > routines/schema.json"


def test_every_builtin_file_passes_the_schema_and_broken_ones_do_not() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    files = sorted(builtin_dir().glob("*.yaml"))
    assert len(files) >= 8
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
        assert not errors, (path.name, errors[0].message)
    broken = yaml.safe_load((builtin_dir() / "neck.yaml").read_text())
    broken["practices"][0]["kind"] = "masage"
    assert list(validator.iter_errors(broken))


def test_routines_readme_lists_the_vocabularies_from_the_code() -> None:
    text = (ROOT / "routines" / "README.md").read_text()
    block = re.search(r"<!-- vocabularies.*?-->\n(.*?)\n<!-- end vocabularies -->", text, re.S)
    assert block and block.group(1).strip() == vocabulary_markdown()


def test_vocabularies_hold_the_words_the_contract_names() -> None:
    content = ROOT.parent / "shared" / "CONTENT.md"
    assert set(models.KINDS) == {"massage", "stretch", "breathing", "meditation"}
    assert {"neck", "shoulders", "feet", "lower-back", "hands", "jaw", "head"} <= set(models.AREAS)
    assert {"pain-relief", "tension", "stress", "sleep", "flexibility"} <= set(models.GOALS)
    assert len(models.CONDITIONS) == 16
    if content.exists():  # the words CONTENT.md lists in backticks under Vocabularies
        section = content.read_text().split("## Vocabularies")[1].split("## How much to claim")[0]
        for word in re.findall(r"`([a-z-]+)`", section):
            assert word in {**models.KINDS, **models.AREAS, **models.GOALS, **models.CONDITIONS}, word


def test_the_builtin_library_has_the_promised_practices() -> None:
    library = list(load(None, None))
    kinds = {k: [p for p in library if p.kind == k] for k in models.KINDS}
    assert len(library) >= 40
    assert len(kinds["massage"]) >= 12 and len(kinds["stretch"]) >= 10
    assert len(kinds["breathing"]) >= 5 and len(kinds["meditation"]) >= 4
    for area in ("neck", "shoulders", "feet"):
        assert len([p for p in kinds["massage"] if area in p.areas]) >= 3, area
    for area in ("neck", "shoulders", "chest", "upper-back", "lower-back", "hips", "legs"):
        assert any(area in p.areas for p in kinds["stretch"]), area
    patterns = {
        (p.pacing.inhale, p.pacing.hold_in, p.pacing.exhale, p.pacing.hold_out) for p in kinds["breathing"] if p.pacing
    }
    assert (4, 4, 4, 4) in patterns and (4, 7, 8, 0) in patterns
    assert any(p.pacing and 10 <= p.pacing.cycle_seconds <= 60 / 5.5 for p in kinds["breathing"])  # resonance
    assert any(p.pacing and p.pacing.top_up for p in kinds["breathing"])  # cyclic sighing
    assert any(p.seconds == 180 for p in kinds["meditation"])  # the three-minute reset
    for p in library:
        assert p.evidence and p.cautions, p.id
        for claim in ("cure", "detox", "boosts immun", "Smith et al", "Lee et al", "Johnson et al. 2018"):
            assert claim.lower() not in (p.summary + p.evidence.note + p.evidence.source).lower(), (p.id, claim)
        if p.pacing and p.pacing.hold_in >= 7:
            assert p.pacing.cycles <= 8
        if p.kind == "stretch":
            assert all(s.seconds <= 30 for s in p.steps), p.id


def test_wheel_contains_the_libraries_and_the_schema(tmp_path: Path) -> None:
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("not run from a source checkout")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    [wheel] = tmp_path.glob("selfcare-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "routines").iterdir():
        assert f"selfcare/routines/{path.name}" in names
    assert "selfcare/cli/__init__.py" in names


def test_the_typer_pin_resolves_and_keeps_pydantic_out() -> None:
    wanted = [r for r in metadata.requires("selfcare") or [] if r.lower().startswith("typer")]
    assert wanted, "typer is not a dependency"
    low, high = re.search(r">=([\d.]+)", wanted[0]).group(1), re.search(r"<([\d.]+)", wanted[0]).group(1)
    installed = metadata.version("typer")

    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split(".")[:3])

    assert parts(low) <= parts(installed) < parts(high), (installed, wanted[0])
    probe = "import sys, selfcare.cli as c; c.application(); print('pydantic' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )

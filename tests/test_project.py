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
from selfcare.models import Practice
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


GUIDE = ROOT / "docs" / "content-guide.md"


def guide_vocabularies() -> dict[str, list[str]]:
    """The words docs/content-guide.md lists under Vocabularies, by label ("kinds", "areas", ...)."""
    section = GUIDE.read_text().split("## Vocabularies")[1].split("\n## ")[0]
    found = {}
    for bullet in re.split(r"\n- ", "\n" + section.split("\n- ", 1)[1]):
        label, words = bullet.strip().split(":", 1)
        found[label] = re.findall(r"`([a-z0-9-]+)`", words)
    return found


def test_the_content_guide_lists_exactly_the_programs_words() -> None:
    listed = guide_vocabularies()
    program = {
        "kinds": models.KINDS,
        "areas": models.AREAS,
        "goals": models.GOALS,
        "conditions": models.CONDITIONS,
        "equipment": models.EQUIPMENT,
        "intensity": models.INTENSITIES,
        "position": models.POSITIONS,
        "movements": models.MOVEMENTS,
    }
    assert set(listed) == set(program)
    for label, words in program.items():
        assert listed[label] == list(words), label  # the same words, in the same order
    text = GUIDE.read_text()
    for condition in ("diabetes", "balance-problems", "joint-replacement", "inflammatory-arthritis", "hypermobility"):
        assert f"(`{condition}`" in text, f"no section says what the planner does for {condition}"
    assert "(`postpartum`" in text


def test_the_guide_and_the_library_stand_alone() -> None:
    # The content rules live in docs/content-guide.md; no file here points to a document the repository lacks.
    outside = [name + ".md" for name in ("CONTENT", "PRODUCT")]
    # Everything the repository ships or tests, this file aside (it must name what it looks for).
    files = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("routines/*")]
    files += [*ROOT.glob("src/selfcare/**/*.py"), *ROOT.glob("benchmarks/*")]
    files += [p for p in ROOT.glob("tests/*.py") if p != Path(__file__)]
    for path in files:
        text = path.read_text()
        assert not [name for name in outside if name in text], path.name


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


# --- the built-in library states what each practice is, and its avoid_if follows the guide ---

LIBRARY = load(None, None)


def test_every_builtin_practice_states_intensity_position_and_movements() -> None:
    for path in sorted(builtin_dir().glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text())["practices"]:
            for field in models.SAFETY_FIELDS:
                assert field in raw, (path.name, raw["id"], field)
            assert raw["position"] in models.POSITIONS, (raw["id"], "uses an old word")  # not an alias
    assert all(p.unstated == () for p in LIBRARY)


def test_every_care_if_has_a_caution_that_names_the_condition() -> None:
    for p in LIBRARY:
        for condition in p.care_if:
            tagged = [c for c in p.cautions if condition in c.conditions]
            assert tagged, (p.id, condition)
            assert not tagged[0].stop, (p.id, condition, "a caution for a condition says what to change")
        assert any(c.stop for c in p.cautions), (p.id, "every practice has a stop rule")
        assert set(p.care_if).isdisjoint(p.avoid_if), p.id


NECK_MOVES = {"neck-side-bend", "neck-rotation", "head-down"}
JOINTS_OFTEN_REPLACED = {"hips", "legs", "shoulders", "chest"}


def rules_say_avoid(p: Practice) -> set[str]:
    """The conditions the guide's rules rule a practice out for, from what the practice is."""
    areas, moves = set(p.areas), set(p.movements)
    out = set()
    if p.pacing and (p.pacing.hold_in or p.pacing.hold_out):
        out |= {"pregnancy", "heart-condition", "high-blood-pressure", "respiratory-condition"}
    if p.position == "lying-back":
        out.add("pregnancy")
    if p.kind == "massage" and p.intensity != "gentle":  # pressure: the effort of an exercise is not pressure
        out |= {"anticoagulants", "osteoporosis", "cancer", "pregnancy", "postpartum"}
        if "feet" in areas:
            out.add("diabetes")
    if p.kind == "massage" and areas & {"legs", "feet"}:
        out |= {"blood-clots", "varicose-veins", "neuropathy"}
    if p.kind == "massage" and "legs" in areas:
        out |= {"pregnancy", "postpartum"}
    if p.kind == "massage":
        out |= {"skin-condition", "recent-injury", "recent-surgery"}
    if p.kind not in ("breathing", "meditation"):
        out |= {"fever", "recent-surgery"}
    if moves & NECK_MOVES:
        out.add("vertigo")
    if "spine-flexion" in moves:
        out.add("osteoporosis")
    if "end-range" in moves:
        out.add("hypermobility")
        if areas & JOINTS_OFTEN_REPLACED:
            out.add("joint-replacement")
    if "neck" in areas and ("end-range" in moves or p.kind == "massage"):
        out.add("inflammatory-arthritis")
    if "one-leg" in moves or (p.position == "standing" and not {"wall", "chair"} & set(p.equipment)):
        out.add("balance-problems")
    return out


def test_builtin_avoid_if_holds_every_rule_the_guide_states() -> None:
    for p in LIBRARY:
        missing = rules_say_avoid(p) - set(p.avoid_if)
        assert not missing, (p.id, sorted(missing))
    # The rules reach every condition they name, so none of them is a rule on paper only.
    named = set().union(*(rules_say_avoid(p) for p in LIBRARY))
    assert {"postpartum", "diabetes", "hypermobility", "joint-replacement", "inflammatory-arthritis"} <= named
    assert "balance-problems" in named and "vertigo" in named


def test_the_content_fixes_hold() -> None:
    calf = LIBRARY.practices["legs-calf-knead"]
    assert calf.intensity == "moderate" and {"pregnancy", "postpartum"} <= set(calf.avoid_if)
    for pid, spot in (
        ("hands-palm-thumb", "web between the thumb"),
        ("neck-trap-knead", "top of the shoulder"),
        ("feet-thumb-walk", "above the inner ankle"),
    ):
        assert any("pregnancy" in c.conditions and spot in c.text for c in LIBRARY.practices[pid].cautions), pid
    twist = LIBRARY.practices["stretch-seated-rotation"]
    assert any("pregnancy" in c.conditions and "open" in c.text for c in twist.cautions)
    pec, circles = LIBRARY.practices["shoulders-pec-release"], LIBRARY.practices["chest-pec-circles"]
    assert {c.text for c in circles.cautions} <= {c.text for c in pec.cautions}
    assert pec.family == circles.family
    lying = [p for p in LIBRARY if "lie down" in " ".join(s.text for s in p.steps)]
    assert lying
    for p in lying:
        side = any("lie on your side, not your back" in c.text for c in p.cautions)
        assert side or "pregnancy" in p.avoid_if, p.id
    assert LIBRARY.practices["breath-box"].family == LIBRARY.practices["breath-box-3"].family
    assert LIBRARY.practices["neck-trap-knead"].family == LIBRARY.practices["neck-trap-squeeze-quick"].family


def test_doses_and_evidence_follow_the_sources() -> None:
    def pacing(pid: str) -> models.Pacing:
        p = LIBRARY.practices[pid].pacing
        assert p is not None
        return p

    relaxed, sigh, four_seven_eight = pacing("breath-relaxed"), pacing("breath-cyclic-sigh"), pacing("breath-478")
    assert relaxed.min_cycles * relaxed.cycle_seconds >= 180  # at least three minutes
    assert sigh.min_cycles * sigh.cycle_seconds >= 300  # five minutes, the trial's dose
    assert four_seven_eight.min_cycles == 4 and four_seven_eight.cycles <= 8
    short = LIBRARY.practices["breath-sigh-quick"]
    assert "short dose" in short.name and short.family == LIBRARY.practices["breath-cyclic-sigh"].family
    assert "about six breaths a minute" in LIBRARY.practices["breath-resonance"].summary
    assert "sleep" not in LIBRARY.practices["med-body-scan"].goals
    for p in LIBRARY:
        if "circulation" in p.goals:  # only where a source measured blood flow, and never for massage or stretch
            assert p.kind == "exercise" and p.evidence, p.id
            assert "Kwon" in p.evidence.source or "Thosar" in p.evidence.source, p.id
        if p.evidence and "Goyal" in p.evidence.source:
            assert "small" in p.evidence.note and "eight-week" in p.evidence.note.lower(), p.id
            assert "moderate effects" not in p.evidence.note, p.id


# A number of seconds or minutes, or a count of breaths, rounds or repetitions, written in words or digits.
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|sixty)"
DURATION = re.compile(rf"\b{_NUMBER}(?:\s+(?:to|or|and)\s+{_NUMBER})?[\s-]+(?:seconds?|minutes?|secs?|mins?)\b", re.I)
COUNT = re.compile(
    rf"\b(?:{_NUMBER}|twice)(?:\s+more)?(?:\s+(?:long|slow|deep|full))?\s+"
    r"(?:times?|rounds?|breaths?|out-breaths?|cycles?|sighs?|repetitions?|reps?|nods?)\b(?!\s+(?:a\s+minute|per\s+minute|every))|"
    r"\btwice more\b",
    re.I,
)


def changeable_numbers(p: Practice) -> list[str]:
    """What in a practice's texts states a length or a count that the planner may change.

    The planner lengthens stretch holds and changes breathing cycles, so those
    practices' texts state neither; a rate ("one pass every two to four
    seconds") stays true however long a step lasts.
    """
    texts = [s.text for s in p.steps] + ([p.reps.text] if p.reps else [])
    changing = ("stretch", "breathing", "exercise")  # holds, cycles, and an exercise's repetitions and holds
    if p.kind in changing:
        texts += [p.name, p.summary]
    found = [m.group(0) for t in texts for m in DURATION.finditer(t) if not t[: m.start()].rstrip().endswith("every")]
    if p.kind in changing:
        found += [m.group(0) for t in texts for m in COUNT.finditer(t)]
    return found


def test_no_step_text_states_a_length_or_count_the_timer_may_change() -> None:
    for p in LIBRARY:
        assert not changeable_numbers(p), (p.id, changeable_numbers(p))


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("stretch", "Hold for about fifteen seconds, then let go."),
        ("stretch", "Hold for about 20 seconds."),
        ("stretch", "Hold for a breath, and let go. Do it twice more."),
        ("breathing", "Four rounds of in for four, hold for seven."),
        ("breathing", "Four long out-breaths."),
        ("breathing", "A breath in, a sip on top, a long breath out; about five minutes."),
        ("massage", "Rest on a tender spot for 10 to 15 seconds."),
        ("exercise", "Nod gently; do it ten times."),
        ("exercise", "Hold the bridge for five seconds."),
    ],
)
def test_the_text_check_catches_what_the_timer_would_contradict(kind: str, text: str) -> None:
    p = Practice(id="x", name="X", kind=kind, areas=("neck",), goals=("tension",), summary="s", steps=())
    p = p._replace(steps=(models.Step(text, 20),))
    assert changeable_numbers(p), text
    fine = p._replace(steps=(models.Step("One pass every two to four seconds; about six breaths a minute.", 20),))
    assert not changeable_numbers(fine)

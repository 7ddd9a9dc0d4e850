"""Run exactly what you want: named routines kept in the person's own library, and practices by id,
through the same safety rules as the plan of the day."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from conftest import file_mode
from test_start import Terminal

SAVED = "saved-routines.yaml"


def test_save_keeps_todays_plan_privately_and_today_name_shows_it(run, home: Path) -> None:
    planned = [i["id"] for i in run.json("today")["items"]]
    out = run("routines", "save", "desk-break").stdout
    assert "Saved desk-break" in out and "selfcare start desk-break" in out
    path = home / "routines" / SAVED
    assert yaml.safe_load(path.read_text())["routines"] == [{"name": "desk-break", "practices": planned}]
    assert file_mode(path) == 0o600 and file_mode(path.parent) == 0o700
    shown = run.json("today", "desk-break")
    assert [i["id"] for i in shown["items"]] == planned
    assert shown["routine"] == "desk-break" and shown["total_seconds"] == sum(i["seconds"] for i in shown["items"])
    assert all(i["reason"].startswith("in your routine desk-break") for i in shown["items"])
    table = run("today", "desk-break").stdout
    assert "your routine desk-break" in table and "selfcare start desk-break" in table
    total = next(line for line in table.splitlines() if line.startswith("total"))
    assert " of " not in total  # what a person chose has no budget
    assert "desk-break" in run("routines", "list").stdout
    assert run.json("routines", "show", "desk-break")["practices"] == planned


def test_save_given_ids_in_order_and_replace_only_with_force(run, home: Path) -> None:
    run("routines", "save", "bedtime", "breath-relaxed", "med-body-scan")
    run("routines", "save", "desk-break", "ex-chin-nod", "stretch-neck-side-bend")
    path = home / "routines" / SAVED
    kept = path.read_text()
    assert "--force" in run.fails("routines", "save", "bedtime", "breath-box")
    assert path.read_text() == kept  # a failed command changes nothing
    run("routines", "save", "bedtime", "breath-box", "med-grounding", "--force")
    routines = {r["name"]: r["practices"] for r in yaml.safe_load(path.read_text())["routines"]}
    assert routines == {
        "bedtime": ["breath-box", "med-grounding"],
        "desk-break": ["ex-chin-nod", "stretch-neck-side-bend"],
    }
    assert [i["id"] for i in run.json("today", "bedtime")["items"]] == ["breath-box", "med-grounding"]


def test_bad_names_and_ids_are_refused_in_one_line_and_nothing_is_written(run, home: Path) -> None:
    assert "did you mean 'ex-chin-nod'" in run.fails("routines", "save", "desk-break", "ex-chin-nodd")
    assert "practice's id" in run.fails("routines", "save", "breath-box", "breath-relaxed")
    assert "kebab-case" in run.fails("routines", "save", "Desk Break", "breath-relaxed")
    assert not (home / "routines" / SAVED).exists()
    assert "no practice or routine named 'desk-brake'" in run.fails("today", "desk-brake")
    run("routines", "save", "desk-break", "breath-relaxed")
    assert "did you mean 'desk-break'" in run.fails("today", "desk-brake")
    assert "one routine's name" in run.fails("today", "desk-break", "breath-box")
    assert "--minutes shapes the plan of the day" in run.fails("today", "desk-break", "--minutes", "5")


def test_a_routine_obeys_the_safety_rules_and_says_what_it_leaves_out(run) -> None:
    run("routines", "save", "desk-break", "ex-chin-nod", "ex-band-row", "stretch-neck-side-bend", "med-body-scan")
    run("profile", "set", "conditions", "pregnancy,mental-health")
    shown = run.json("today", "desk-break")
    ids = [i["id"] for i in shown["items"]]
    assert ids == ["stretch-neck-side-bend", "med-grounding"]  # the body scan gives way to its gentler variant
    assert "gentler than Body scan, for trauma, psychosis or severe anxiety" in shown["items"][1]["reason"]
    said = [n["text"] for n in shown["notes"] if n["kind"] == "left-out"]
    assert said == [
        # the condition is named once
        "Chin nod (deep neck muscles) is left out: its file says to avoid it with pregnancy and it is done lying "
        "on the back.",
        "Band rows is left out: it needs a light resistance band, which your profile does not list.",
    ]
    assert shown["left_out"] == {"pregnancy": 1}
    run("profile", "set", "equipment", "wall,chair,band")
    assert "ex-band-row" in [i["id"] for i in run.json("today", "desk-break")["items"]]


def test_practice_ids_play_as_chosen_through_the_same_rules(run) -> None:
    shown = run.json("today", "ex-bridge", "breath-relaxed")
    assert [i["id"] for i in shown["items"]] == ["ex-bridge", "breath-relaxed"]
    assert shown["chosen"] == ["ex-bridge", "breath-relaxed"] and shown["items"][0]["reason"] == "you chose it"
    run("profile", "set", "conditions", "pregnancy")
    again = run.json("today", "ex-bridge", "breath-relaxed")
    assert [i["id"] for i in again["items"]] == ["breath-relaxed"]
    assert "Bridges is left out" in again["notes"][0]["text"]


def test_a_hand_written_routine_is_checked_like_any_routine_file(run, home: Path, tmp_path: Path) -> None:
    folder = home / "routines"
    folder.mkdir(parents=True)
    good = "routines:\n  - name: morning\n    practices: [breath-relaxed, ex-scapular-setting]\n"
    (folder / "mine.yaml").write_text(good)
    assert [i["id"] for i in run.json("today", "morning")["items"]] == ["breath-relaxed", "ex-scapular-setting"]
    assert "1 routine" in run("routines", "validate", str(folder / "mine.yaml")).stdout
    bad = tmp_path / "bad.yaml"
    for text, words in (
        (good.replace("breath-relaxed", "breath-relax"), ["bad.yaml:2", "routine 'morning'", "field 'practices'"]),
        (good.replace("name: morning", "name: breath-box"), ["bad.yaml:2", "is also a practice's id"]),
        (good.replace("name: morning", "name: Morning"), ["bad.yaml:2", "field 'name'", "kebab-case"]),
        (good.replace("ex-scapular-setting", "breath-relaxed"), ["bad.yaml:3", "listed twice"]),
        (good + "  - name: morning\n    practices: [breath-box]\n", ["bad.yaml:4", "already on line 2"]),
        (good.replace("    practices:", "    steps:"), ["missing required field 'practices'", "unknown field 'steps'"]),
    ):
        bad.write_text(text)
        err = run("routines", "validate", str(bad), code=2).stderr
        for word in words:
            assert word in err, (word, err)
    (folder / "mine.yaml").write_text(good.replace("breath-relaxed", "breath-relax"))
    today = run("today")  # a broken file of one's own is named, and skipped
    assert "mine.yaml:2" in today.stderr and "warning: skipped" in today.stderr
    assert "Start with" in today.stdout


def test_start_name_plays_the_saved_practices_and_leaves_out_what_a_rule_keeps_out(run) -> None:
    run("routines", "save", "desk-break", "ex-chin-nod", "stretch-neck-side-bend")
    run("profile", "set", "conditions", "pregnancy")
    term = Terminal([sys.executable, "-m", "selfcare", "start", "desk-break", "--quiet"])
    screen = term.expect("Pain or tension now?")
    assert "is left out" in screen and "lying on the back" in screen
    assert "1 practice" in screen and "Neck side bend" in screen
    term.send("\r")
    term.expect("Stress now?")
    term.send("\r")
    term.expect("press any key to begin")
    term.send("x")
    term.countdown_moves()
    term.send("q")
    term.expect("Log what you did")
    term.send("y\r")
    for question in ("Pain or tension now?", "Stress now?", "A note?"):
        term.expect(question)
        term.send("\r")
    term.expect("session logged")
    assert term.wait() == 0
    [session] = run.json("history")
    assert session["practices"] == ["stretch-neck-side-bend"]


def test_start_an_exercise_by_id_counts_its_repetitions(run) -> None:
    term = Terminal([sys.executable, "-m", "selfcare", "start", "ex-scapular-setting", "--quiet"])
    for question in ("Pain or tension now?", "Stress now?"):
        term.expect(question)
        term.send("\r")
    term.expect("press any key to begin")
    term.send("x")
    term.expect("Sit tall near the front of your chair")
    term.send("n")  # past the set-up step, into the first set
    screen = term.expect("rep 1 of 10 · set 1 of 2")
    assert "Shoulder blade setting" in screen and "Then: a rest before set 2 of 2" in screen
    term.send("q")
    term.expect("Log what you did")
    term.send("n\r")
    term.expect("Not logged")
    assert term.wait() == 0


def test_start_says_so_when_nothing_chosen_is_safe(run) -> None:
    run("profile", "set", "conditions", "pregnancy")
    term = Terminal([sys.executable, "-m", "selfcare", "start", "ex-bridge", "--quiet"])
    screen = term.expect("is safe for you today")
    assert "Bridges is left out" in screen and "Traceback" not in screen
    assert term.wait() == 2


def test_a_choice_the_safety_rules_leave_empty_says_so_rather_than_an_empty_table(run) -> None:
    run("profile", "set", "conditions", "high-blood-pressure")
    shown = run("today", "breath-box").stdout
    assert "Nothing to do: the safety rules leave out what you chose." in shown
    assert "total" not in shown and "selfcare start" not in shown
    assert "Box breathing" in shown and "high blood pressure" in shown  # and why

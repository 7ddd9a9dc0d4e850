"""Pictures of the habit: weekly trends and the year calendar in the terminal, and the page of `report --html`.

Through the real CLI and a real SQLite log; the page is read as HTML, and
rendered and printed by headless Chromium where Debian's package is there.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import quarter
from browser import CHROMIUM, Browser
from conftest import app, file_mode

ROOT = Path(__file__).resolve().parent.parent
SPARKS = "▁▂▃▄▅▆▇█"


@pytest.fixture
def quarterly(run, tmp_path: Path) -> dict[str, Any]:
    """A simulated quarter in the log (tests/quarter.py) and a neck-and-shoulders profile; its report as JSON."""
    run("import", str(quarter.write(tmp_path / "quarter.json")))
    run("profile", "set", "areas", "neck,shoulders")
    run("profile", "set", "goals", "tension,posture")
    data: dict[str, Any] = run.json("report", "--days", "90")
    return data


def at_width(run, width: int, *args: str) -> str:
    result = run.runner.invoke(app, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, (result.stdout, result.stderr)
    out: str = result.stdout
    return out


# --- the record -------------------------------------------------------------------------


def test_weeks_hold_minutes_and_ratings_with_gaps_never_zeros(run) -> None:
    # Week of 9 Nov: three sessions, two rated. Week of 16 Nov: one rated session. Week of 23 Nov: nothing.
    for day, pain in (("2026-11-10", (6, 4)), ("2026-11-11", (5, 2)), ("2026-11-12", None), ("2026-11-17", (4, 1))):
        ratings = ["--pain-before", str(pain[0]), "--pain-after", str(pain[1])] if pain else []
        run("log", "neck-trap-knead", "--date", day, "--minutes", "10", *ratings)
    weeks = run.json("report", "--days", "28")["weeks"]
    assert [(w["start"], w["end"]) for w in weeks] == [
        ("2026-10-31", "2026-11-01"),
        ("2026-11-02", "2026-11-08"),
        ("2026-11-09", "2026-11-15"),
        ("2026-11-16", "2026-11-22"),
        ("2026-11-23", "2026-11-27"),
    ]
    before_first, _, rated, single, empty = weeks
    assert before_first["minutes"] is None and weeks[1]["minutes"] is None  # before the first session: no figure
    assert rated["minutes"] == 30.0 and (rated["pain_sessions"], rated["pain_before"], rated["pain_after"]) == (
        2,
        5.5,
        3.0,
    )
    assert single["minutes"] == 10.0 and single["pain_sessions"] == 1
    assert single["pain_before"] is None and single["pain_after"] is None  # one rating is a gap, not a zero
    assert empty["minutes"] == 0.0  # a week with nothing logged after the first session is a real zero
    assert empty["pain_before"] is None and empty["stress_before"] is None


def test_weeks_add_up_to_the_reports_own_figures(quarterly) -> None:
    weeks = quarterly["weeks"]
    assert weeks[0]["start"] == quarterly["since"] and weeks[-1]["end"] == quarterly["as_of"]
    for a, b in itertools.pairwise(weeks):
        assert date.fromisoformat(b["start"]) == date.fromisoformat(a["end"]) + timedelta(days=1)
        assert date.fromisoformat(b["start"]).weekday() == 0
    for measure in ("pain", "stress"):
        assert sum(w[f"{measure}_sessions"] for w in weeks) == quarterly[measure]["sessions"]
        for w in weeks:
            if w[f"{measure}_sessions"] < quarterly["min_rated"]:
                assert w[f"{measure}_before"] is None and w[f"{measure}_after"] is None
            else:
                assert 0 <= w[f"{measure}_after"] <= 10 and 0 <= w[f"{measure}_before"] <= 10
    home = sum(c["minutes"] for c in quarterly["calendar"])
    assert sum(w["minutes"] or 0 for w in weeks) == pytest.approx(home, abs=0.1 * len(weeks))
    sparse = next(w for w in weeks if w["start"] == quarter.SPARSE_WEEK.isoformat())
    assert sparse["pain_sessions"] == 1 and sparse["pain_before"] is None


def test_the_year_is_fifty_three_weeks_to_the_as_of_day_whatever_the_window(run, quarterly) -> None:
    assert "year" not in quarterly, "a report's JSON holds the year only when asked (--year)"
    whole = run.json("report", "--year")
    year = whole["year"]
    first, last = date.fromisoformat(year[0]["date"]), date.fromisoformat(year[-1]["date"])
    assert first.weekday() == 0 and last == quarter.LAST
    assert len(year) == 52 * 7 + last.weekday() + 1
    assert [d["date"] for d in year] == [(first + timedelta(days=i)).isoformat() for i in range(len(year))]
    assert {d["before"] for d in year if d["date"] < quarter.FIRST.isoformat()} == {True}
    assert not any(d["before"] for d in year if d["date"] >= quarter.FIRST.isoformat())
    assert sum(d["rest"] for d in year) == len(quarter.TRAVEL)
    # `report --year` is the report over that same year: its calendar is the year's.
    assert whole["days"] == len(year) and whole["calendar"] == year


# --- the terminal ---------------------------------------------------------------------------


def trend_lines(out: str) -> dict[str, str]:
    """label -> the marks of its sparkline, from the 'week by week' block."""
    found = {}
    measure = ""
    for line in out.splitlines():
        m = re.match(r"^  (minutes|pain before|stress before|\s+after)\s+(\S+)", line)
        if m:
            label = m.group(1).strip()
            if label != "after":
                measure = label.split()[0]
            found[label if label != "after" else f"{measure} after"] = m.group(2)
    return found


@pytest.mark.parametrize("width", [80, 40])
def test_report_draws_weekly_trends_that_fit_the_screen(run, quarterly, width: int) -> None:
    out = at_width(run, width, "report", "--days", "90")
    assert all(len(line) <= width for line in out.splitlines()), max(out.splitlines(), key=len)
    lines = trend_lines(out)
    assert set(lines) == {"minutes", "pain before", "pain after", "stress before", "stress after"}
    weeks = [w for w in quarterly["weeks"] if w["minutes"] is not None]
    shown = weeks[-len(lines["pain before"]) :]
    if width == 80:
        assert len(shown) == len(weeks) and "(the last" not in out
    else:
        assert len(shown) < len(weeks) and f"(the last {len(shown)} weeks)" in " ".join(out.split())
    for measure in ("pain", "stress"):
        for when in ("before", "after"):
            want = "".join(
                "·" if w[f"{measure}_{when}"] is None else SPARKS[round(7 * w[f"{measure}_{when}"] / 10)] for w in shown
            )
            assert lines[f"{measure} {when}"] == want, (measure, when)
    assert "· fewer than 2 rated sessions that week" in " ".join(out.split())
    top = max(w["minutes"] for w in shown)  # the tallest mark is the busiest week shown
    assert lines["minutes"] == "".join(SPARKS[round(7 * w["minutes"] / top)] for w in shown)
    assert f"█ = {round(top)} min" in out


def test_a_short_log_draws_no_trend_and_an_empty_one_no_crash(run) -> None:
    assert "week by week" not in run("report").stdout
    run("log", "neck-trap-knead", "--date", "2026-11-26")
    assert "week by week" not in run("report", "--days", "3").stdout


@pytest.mark.parametrize("width", [80, 40])
def test_report_year_draws_a_contribution_calendar_readable_without_colour(run, quarterly, width: int) -> None:
    out = at_width(run, width, "report", "--year")
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines)
    rows = [line for line in lines if re.match(r"^(Mo|Tu|We|Th|Fr|Sa|Su)( |$)", line)]  # no trailing blanks
    blocks = 1 if width == 80 else 2
    assert len(rows) == 7 * blocks
    cells = "".join(row[3:] for row in rows)
    # A mark for every day from the first session on; blanks before it.
    assert len(cells.replace(" ", "")) == quarter.DAYS
    assert cells.count("~") == len(quarter.TRAVEL)
    assert set(cells) <= set(" ·░▒▓█~P")
    assert "blank: before your first session" in out
    assert "Sep" in out and "Nov" in out
    assert f"active on {quarterly['active_days']} of" in " ".join(out.split())  # the year's figures follow it


def test_year_and_days_together_are_refused(run) -> None:
    assert "--year" in run.fails("report", "--year", "--days", "30")


# --- the page ---------------------------------------------------------------------------------


BLOCKS = {"td", "th", "li", "p", "tr", "dt", "dd", "h1", "h2", "figcaption", "title", "section", "footer"}


class Page(HTMLParser):
    """Every tag with its attributes, the text, and the style sheets' contents."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in.append(tag)
        if tag in BLOCKS:
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "style":
            self.styles.append(data)
        else:
            self.text.append(data)

    def words(self) -> str:
        """The text as a reader sees it: cells, items and paragraphs apart, spaces collapsed."""
        return " ".join("".join(self.text).split())

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


REMOTE = re.compile(r"^\s*(?:https?:|//)", re.I)


def assert_requests_nothing(text: str, page: Page) -> None:
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in ("src", "href", "xlink:href", "action", "poster", "data", "srcset", "background"):
                assert not REMOTE.match(value), (tag, name, value)
        for value in re.findall(r"url\(\s*['\"]?([^'\")]*)", attrs.get("style", "")):
            assert not REMOTE.match(value), (tag, value)
    for sheet in page.styles:
        for value in re.findall(r"url\(\s*['\"]?([^'\")]*)", sheet):
            assert not REMOTE.match(value), value
        assert "@import" not in sheet and "@font-face" not in sheet
    # Outside namespace declarations (xmlns="http://www.w3.org/2000/svg"), no address appears at all.
    assert not re.findall(r"(?<!xmlns=\")(?<!xmlns:xlink=\")https?://", text)
    for banned in ("script", "link", "iframe", "object", "embed", "img", "base", "form"):
        assert not page.all(banned), banned


def write_page(run, tmp_path: Path, *args: str) -> tuple[Path, str, Any]:
    path = tmp_path / "month.html"
    result = run("report", "--days", "90", "--html", str(path), *args)
    return path, path.read_text(), result


def test_the_page_is_self_contained_private_and_draws_from_the_report(run, quarterly, tmp_path: Path) -> None:
    path, text, result = write_page(run, tmp_path)
    assert file_mode(path) == 0o600
    assert f"wrote {path}" in result.stderr and "4 notes left out; --include-notes puts them in" in result.stderr
    page = Page(text)
    assert_requests_nothing(text, page)
    [csp] = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp["content"]
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert len(ids) == len(set(ids)), "an id is used twice"
    for _, attrs in page.tags:
        for name in ("href", "xlink:href"):
            if name in attrs:
                assert attrs[name][1:] in ids, attrs[name]
    for ref in re.findall(r"url\(#([^)]+)\)", text):
        assert ref in ids
    # The charts: weekly minutes, pain and stress with their bands, minutes by kind and by area.
    figures = [a["id"] for a in page.all("figure")]
    assert figures == ["minutes-chart", "pain-chart", "stress-chart", "kind-chart", "area-chart"]
    assert len(page.all("svg")) == 5 and len(page.all("path")) > 200
    # The year calendar: seven rows of weekdays, a column for each of 53 weeks.
    body_rows = re.findall(r"<tr><th class=\"day\" scope=\"row\">.*?</tr>", text)
    assert len(body_rows) == 7 and all(row.count("<td") == 53 for row in body_rows)
    assert (
        text.count('class="before"') + 1 >= len(run.json("report", "--year")["year"]) - quarter.DAYS
    )  # (+1: the legend's)
    words = page.words()
    d = quarterly
    assert f"Active on {d['active_days']} of {d['days'] - d['before_first']} days ({d['consistency']:.0%}" in words
    assert f"Habit strength {d['habit_strength']:.0%}" in words
    for key in ("pain", "stress"):
        r = d[key]
        assert f"{key} {r['sessions']} {r['avg_before']:.1f} {r['avg_after']:.1f} {r['avg_change']:+.1f}" in words
    for h in d["helped_most"]:
        said = f"in the {h['sessions']} sessions that included it, {h['measure']} fell on average"
        assert f"{h['name']}: {said} {h['avg_before']:.1f} → {h['avg_after']:.1f}." in words
    assert "3 September 2026: pain logged at 7/10" in words
    assert "18 September 2026: massage therapist, 1 h" in words
    assert "Areas neck, shoulders Goals tension, posture" in words
    assert "Weeks with fewer than 2 rated sessions are left blank, not drawn as zero" in words
    # Notes are the person's own words: not on the page unless asked for.
    for _, _, _, note in quarter.PROS:
        assert note not in text
    assert "desk moved by the window" not in text and "Notes" not in words


def test_notes_are_put_in_when_asked_and_shown_as_text(run, quarterly, tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script> & <img src=//evil.example/a.png> \x1b[31m'
    run("log", "neck-trap-knead", "--date", "2026-11-26", "--note", hostile)
    _, text, result = write_page(run, tmp_path, "--include-notes")
    assert "left out" not in result.stderr
    page = Page(text)
    assert_requests_nothing(text, page)
    words = page.words()
    assert '26 November 2026: <script>alert("x")</script> & <img src=//evil.example/a.png>' in words
    assert "\x1b" not in text
    assert "tight left trapezius" in words and "desk moved by the window" in words


def test_an_existing_file_is_refused_without_force(run, quarterly, tmp_path: Path) -> None:
    path = tmp_path / "month.html"
    path.write_text("mine")
    assert "--force" in run.fails("report", "--html", str(path))
    assert path.read_text() == "mine"
    run("report", "--html", str(path), "--force")
    assert path.read_text().startswith("<!DOCTYPE html>") and file_mode(path) == 0o600


def test_for_therapist_offers_the_page_besides_markdown(run, quarterly, tmp_path: Path) -> None:
    page = tmp_path / "for-my-physio.html"
    run("report", "--for-therapist", "--output", str(page))
    assert page.read_text().startswith("<!DOCTYPE html>") and file_mode(page) == 0o600
    assert "--html" in run("report", "--help").stdout
    markdown = run("report", "--for-therapist", "--days", "90")
    assert markdown.stdout.startswith("# Self-care summary")
    assert "tight left trapezius" not in markdown.stdout and "desk moved" not in markdown.stdout
    assert "4 notes left out; --include-notes puts them in" in markdown.stderr
    shared = run("report", "--for-therapist", "--days", "90", "--include-notes")
    assert "tight left trapezius" in shared.stdout and "desk moved by the window" in shared.stdout
    assert "left out" not in shared.stderr


def test_an_empty_log_writes_a_page_that_says_so_and_a_folder_is_refused(run, tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    run("report", "--html", str(page))
    words = Page(page.read_text()).words()
    assert "Nothing was logged in this period." in words and "Active on" not in words
    assert "No pain or stress ratings were logged in this period." in words and "Week by week" not in words
    assert "folder" in run.fails("report", "--html", str(tmp_path), "--force")


def test_html_with_json_or_output_is_one_clear_error(run, tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    assert "--json" in run.fails("report", "--html", str(page), "--json")
    assert "--output" in run.fails("report", "--html", str(page), "--output", str(tmp_path / "x.md"))
    assert not page.exists()


def test_without_matplotlib_html_says_how_to_get_it(run, quarterly, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    page = tmp_path / "p.html"
    err = run.fails("report", "--html", str(page))
    assert "pip install 'selfcare[charts]'" in err
    assert not page.exists()
    assert "week by week" in run("report").stdout  # the rest of report does not need it


def test_only_html_imports_matplotlib(run, quarterly, tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom selfcare.cli import main\nsys.argv = ['selfcare', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\nprint('matplotlib' in sys.modules, file=sys.stderr)\n"
    )
    for args, loaded in (
        (["report"], "False"),
        (["report", "--year"], "False"),
        (["report", "--json"], "False"),
        (["report", "--html", str(tmp_path / "p.html")], "True"),
    ):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120)
        assert done.stderr.strip().splitlines()[-1] == loaded, (args, done.stderr)


def test_the_readme_shows_the_page_and_its_screenshot_exists() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "docs/report-page.png" in readme and "report --html" in readme and "selfcare[charts]" in readme
    png = (ROOT / "docs" / "report-page.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 50_000


# --- in a real browser ---------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium package is not installed (apt-get install chromium)"
)

# Inches of paper, and the CSS pixels (96 an inch) a page's text may use inside the stylesheet's 13 mm margins.
PAPERS = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}
MARGINS_IN = 2 * 13 / 25.4

CHARTS_DREW = """
[...document.querySelectorAll('figure')].map(f => {
  const svg = f.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const inks = [...svg.querySelectorAll('path')].filter(p => /#(2f6f4f|9a3412|0f766e|a7c4b5)/i.test(
    p.getAttribute('style') || ''));
  const drawn = inks.filter(p => { const b = p.getBBox(); return b.width > 0 || b.height > 0; });
  return {id: f.id, width: box.width, height: box.height, drawn: drawn.length};
})
"""


@needs_chromium
def test_the_page_renders_in_headless_chromium_and_prints_on_a4_and_letter(run, quarterly, tmp_path: Path) -> None:
    path, _, _ = write_page(run, tmp_path)
    with Browser(tmp_path / "chromium-profile") as browser:
        browser.size(900, 1200)
        browser.open(path)
        assert browser.requests() == [path.resolve().as_uri()]  # nothing else was asked for
        charts = browser.evaluate(CHARTS_DREW)
        assert [c["id"] for c in charts] == ["minutes-chart", "pain-chart", "stress-chart", "kind-chart", "area-chart"]
        for chart in charts:
            assert chart["width"] > 250 and chart["height"] > 100, chart
            assert chart["drawn"] >= 2, chart  # bars, lines or bands in the page's own inks, with a size
        calendar = browser.evaluate(
            "(() => { const t = document.querySelector('table.calendar').getBoundingClientRect();"
            " return [t.width, t.height, document.querySelectorAll('table.calendar td').length]; })()"
        )
        assert calendar[0] > 500 and calendar[1] > 50 and calendar[2] == 7 * 53
        for name, (width, height) in PAPERS.items():
            css_width = round((width - MARGINS_IN) * 96)
            browser.size(css_width, 1000, media="print")
            overflow = browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the page is {overflow}px too wide for {name}"
            pdf = browser.pdf(width, height)
            pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
            assert pdf.startswith(b"%PDF") and 1 <= pages <= 4, (name, pages)
        assert browser.problems() == []

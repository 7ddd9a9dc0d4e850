"""The page to print or share: `report --html FILE`, one self-contained HTML file.

Every figure on it comes from the `Report` record (reports.py), as on the
screen, in `--json` and in the Markdown summary, so they cannot disagree; the
words come from words.py. The charts are drawn by matplotlib into SVG here, in
Python, and written into the page: it runs no script, loads no font and asks
for nothing, and its Content-Security-Policy forbids every request, so it
opens the same offline, in a mail attachment or on paper (A4 or Letter, from
its print stylesheet). matplotlib is imported only here, only by `--html`.

Notes, the person's own words, are left out unless asked for.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from .errors import SelfcareError
from .safetext import clean

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .models import Profile
    from .reports import CalendarDay, Report, Week

MISSING = "the page's charts are drawn with matplotlib, which is not installed: pip install 'selfcare[charts]'"

# One ink for "before", one for "after"; they differ in lightness, line style and marker too, so a page
# printed in grey (or read without colour) keeps them apart.
BEFORE = "#9a3412"
AFTER = "#0f766e"
BAR = "#2f6f4f"
PART = "#a7c4b5"

CSS = """
:root { color-scheme: light; --ink: #1f2933; --soft: #52606d; --line: #d9e2ec; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 52rem; padding: 1.5rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
p, ul { margin: .3rem 0 .6rem; }
ul { padding-left: 1.2rem; }
.period, .muted, figcaption, .legend, footer { color: var(--soft); }
.profile { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .6rem 0; }
.profile dt { font-weight: 600; }
.profile dd { margin: 0; }
figure { margin: .6rem 0 1rem; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: .85rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .2rem .6rem .2rem 0; }
.numbers { margin: .4rem 0 .8rem; }
.numbers th, .numbers td { border-bottom: 1px solid var(--line); }
.numbers td.n { text-align: right; font-variant-numeric: tabular-nums; }
.calendar { border-collapse: separate; border-spacing: 2px; font-size: .62rem; table-layout: fixed; width: 100%; }
.calendar th { font-weight: 400; color: var(--soft); padding: 0; white-space: nowrap; overflow: visible; }
.calendar th.day { width: 1.6rem; }
.calendar td { padding: 0; height: .8rem; border-radius: 2px; text-align: center; line-height: .8rem;
  font-size: .55rem; color: #fff; }
.l0 { background: #e4e7eb; } .l1 { background: #a8d5ba; } .l2 { background: #5fae7f; }
.l3 { background: #2f7d52; } .l4 { background: #0b3d23; }
.rest { background: #fff; color: #1c4e80 !important; outline: 1px solid #9fb3c8; }
.pro { background: #fff; color: #7c2d92 !important; outline: 1px solid #c8a2d2; }
.before { background: repeating-linear-gradient(45deg, #fff 0 2px, #eef1f4 2px 4px); }
td.none { background: none; }
.legend span { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; vertical-align: -.1rem;
  text-align: center; font-size: .55rem; line-height: .8rem; }
footer { margin-top: 2rem; font-size: .85rem; border-top: 1px solid var(--line); padding-top: .6rem; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { margin: 14mm 13mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; margin-top: 1.1rem; }
  figure, table, li, .profile, .keep, .pair { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
@media (max-width: 40rem) { .pair { grid-template-columns: 1fr; } }
"""


def _e(value: object) -> str:
    """Text from the log, a file or the profile, as HTML text: control characters gone, markup escaped."""
    return html.escape(clean(value), quote=True)


def _long_day(text: str) -> str:
    d = date.fromisoformat(text)
    return f"{d.day} {d:%B %Y}"


def therapist_html(data: Report, profile: Profile, *, include_notes: bool = False) -> str:
    """The whole page, as text: the year calendar, weekly trends, minutes, what helped, professionals, flags."""
    charts = _Charts()
    from .words import plural

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing on this page may be fetched: no script, font, image or style from anywhere.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'\">",
        '<meta name="referrer" content="no-referrer">',
        '<meta name="generator" content="selfcare">',
        f"<title>Self-care summary, {_long_day(data.since)} – {_long_day(data.as_of)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Self-care summary</h1>",
        f'<p class="period">{_long_day(data.since)} – {_long_day(data.as_of)} ({plural(data.days, "day")})</p>',
        '<dl class="profile">',
        f"<dt>Areas</dt><dd>{_e(', '.join(profile.areas)) or 'none set'}</dd>",
        f"<dt>Goals</dt><dd>{_e(', '.join(profile.goals)) or 'none set'}</dd>",
        f"<dt>Target</dt><dd>{plural(profile.days_per_week, 'day')} a week</dd>",
    ]
    if profile.conditions:
        parts.append(f"<dt>Health conditions</dt><dd>{_e(', '.join(profile.conditions))}</dd>")
    parts += ["</dl>", "</header>", '<section id="practice">', "<h2>Practice</h2>", *_practice(data), "</section>"]
    parts += _year_section(data.year)
    with charts:
        parts += _trends_section(data, charts)
        parts += _minutes_section(data, charts)
    parts += _ratings_section(data)
    parts += _helped_section(data)
    parts += _pros_section(data, include_notes)
    parts += _flags_section(data)
    if include_notes and data.notes:
        parts += ['<section id="notes">', "<h2>Notes</h2>", "<ul>"]
        parts += [f"<li>{_long_day(n.date)}: {_e(n.note)}</li>" for n in data.notes]
        parts += ["</ul>", "</section>"]
    parts += [
        "<footer>",
        "<p>Written by selfcare from the person's own log; not a clinical record. Pain and stress are 0–10 "
        "ratings given before and after each session: single-session changes, for information; trends over "
        "weeks matter more.</p>",
        "</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _practice(data: Report) -> list[str]:
    from .words import duration, plural, progression

    if not data.sessions:
        return ["<p>Nothing was logged in this period.</p>"]
    counted = data.days - data.before_first
    items = [
        f"Active on {data.active_days} of {plural(counted, 'day')} ({data.consistency:.0%}; rest days "
        f"{'and days before the first session ' if data.before_first else ''}left out), "
        f"{plural(data.sessions, 'session')}, {duration(data.seconds)} in all.",
        f"Habit strength {data.habit_strength:.0%}.",
    ]
    if data.practices:
        items.append("Most practised: " + ", ".join(f"{_e(p.name)} ×{p.times}" for p in data.practices[:8]) + ".")
    grown = progression(data.progression)
    if grown:
        items.append(f"Progression: {_e(grown)}.")
    return ["<ul>", *(f"<li>{item}</li>" for item in items), "</ul>"]


# --- the year calendar ----------------------------------------------------------------------

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LEVELS = ("l0", "l1", "l2", "l3", "l4")


def _level(minutes: float, top: float) -> int:
    if minutes <= 0:
        return 0
    return min(4, 1 + int(3 * minutes / top)) if top > 0 else 1


def _year_section(days: tuple[CalendarDay, ...]) -> list[str]:
    """A table, a column a week and a row a weekday (the contribution-graph layout), each day titled with its facts."""
    from .words import duration

    if not days:
        return []
    columns = [days[i : i + 7] for i in range(0, len(days), 7)]
    top = max(c.minutes for c in days)
    first, last = days[0].date, days[-1].date
    out = [
        '<section id="year">',
        "<h2>The year</h2>",
        f'<p class="muted">{_long_day(first)} – {_long_day(last)}: a column a week, Monday at the top. '
        "Darker is more minutes of home practice.</p>",
        '<table class="calendar" aria-label="practice calendar for the year">',
        '<thead><tr><th class="day"></th>',
    ]
    spans: list[tuple[str, int]] = []  # (month name, columns): a month's name over the weeks that start in it
    for week in columns:
        name = f"{date.fromisoformat(week[0].date):%b}"
        if spans and spans[-1][0] == name:
            spans[-1] = (name, spans[-1][1] + 1)
        else:
            spans.append((name, 1))
    for name, span in spans:
        out.append(f'<th colspan="{span}" scope="colgroup">{name if span >= 3 else ""}</th>')
    out.append("</tr></thead><tbody>")
    for row, weekday in enumerate(_WEEKDAYS):
        cells = [f'<th class="day" scope="row">{weekday if row % 2 == 0 else ""}</th>']
        for week in columns:
            if row >= len(week):
                cells.append('<td class="none"></td>')  # after the last day
                continue
            c = week[row]
            when = f"{date.fromisoformat(c.date):%a} {_long_day(c.date)}"
            if c.before:
                cells.append(f'<td class="before" title="{when}: before the first session"></td>')
            elif c.rest:
                cells.append(f'<td class="rest" title="{when}: rest day">~</td>')
            elif c.pro and c.minutes == 0:
                cells.append(f'<td class="pro" title="{when}: a session with a professional">P</td>')
            else:
                what = f"{duration(c.minutes * 60)} at home" if c.minutes else "no practice"
                if c.pro:
                    what += ", and a session with a professional"
                cells.append(f'<td class="{_LEVELS[_level(c.minutes, top)]}" title="{when}: {what}"></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += [
        "</tbody></table>",
        '<p class="legend">less '
        + " ".join(f'<span class="{level}"></span>' for level in _LEVELS)
        + ' more minutes at home &nbsp; <span class="rest">~</span> rest day &nbsp; '
        '<span class="pro">P</span> with a professional only &nbsp; '
        '<span class="before"></span> before the first session</p>',
        "</section>",
    ]
    return out


# --- charts -------------------------------------------------------------------------------------


class _Charts:
    """matplotlib, imported once for the page, drawing figures into inline SVG with ids of their own."""

    def __init__(self) -> None:
        try:
            import matplotlib
            from matplotlib.figure import Figure
        except ImportError:
            raise SelfcareError(MISSING) from None
        self._figure = Figure
        self._style: dict[Any, Any] = {
            "svg.fonttype": "path",  # text as shapes: the page needs no font to show the charts
            "svg.hashsalt": "selfcare",  # the same data draws the same page
            "font.family": "DejaVu Sans",  # shipped inside matplotlib
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#52606d",
            "axes.labelcolor": "#1f2933",
            "xtick.color": "#52606d",
            "ytick.color": "#52606d",
            "axes.grid": True,
            "axes.axisbelow": True,
            "grid.color": "#e4e7eb",
            "grid.linewidth": 0.6,
            "legend.frameon": False,
        }
        self._context = matplotlib.rc_context
        self.count = 0

    def __enter__(self) -> _Charts:
        """Every figure is made and drawn inside the page's style (rcParams are matplotlib's global state)."""
        import contextlib
        import warnings

        self._stack = contextlib.ExitStack()
        self._stack.enter_context(self._context(self._style))
        self._stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")  # matplotlib's advice on layout is for its own users, not this page's
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def figure(self, width: float, height: float) -> Figure:
        return self._figure(figsize=(width, height), layout="constrained")

    def svg(self, fig: Figure, label: str) -> str:
        import io

        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
        self.count += 1
        text = buf.getvalue()
        text = text[text.index("<svg") :]
        # Several SVGs share one page: each one's ids (glyphs, clip paths) get a prefix of their own.
        prefix = f"chart{self.count}-"
        text = re.sub(r'\bid="', f'id="{prefix}', text)
        text = re.sub(r'href="#', f'href="#{prefix}', text)
        text = text.replace("url(#", f"url(#{prefix}")
        return text.replace("<svg ", f'<svg role="img" aria-label="{_e(label)}" ', 1)

    def axes(self, fig: Figure) -> Axes:
        return fig.add_subplot()


def _positions(weeks: list[Week]) -> list[float]:
    """Where each week sits on the time axis, in days from the first week's start: the middle of its days."""
    origin = date.fromisoformat(weeks[0].start)
    out = []
    for w in weeks:
        start, end = date.fromisoformat(w.start), date.fromisoformat(w.end)
        out.append((start - origin).days + (end - start).days / 2)
    return out


def _time_axis(ax: Axes, weeks: list[Week], x: list[float]) -> None:
    """Ticks under at most eight weeks, each named by its first day."""
    step = max(1, -(-len(weeks) // 8))
    chosen = range(0, len(weeks), step)
    ax.set_xticks([x[i] for i in chosen], [_tick(weeks[i].start) for i in chosen])
    ax.set_xlim(x[0] - 4, x[-1] + 4)
    ax.grid(axis="x", visible=False)


def _tick(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.day} {d:%b}"


def _nan(values: list[float | None]) -> list[float]:
    return [float("nan") if v is None else v for v in values]


def _trends_section(data: Report, charts: _Charts) -> list[str]:
    from .words import duration, short_day

    weeks = [w for w in data.weeks if w.minutes is not None]  # from the week of the first session on
    if not weeks or not data.sessions:
        return []
    x = _positions(weeks)
    out = [
        '<section id="trends">',
        "<h2>Week by week</h2>",
        f'<p class="muted">From {short_day(weeks[0].start)} to {short_day(weeks[-1].end)}, weeks from Monday to '
        "Sunday.</p>",
    ]
    # Minutes: bars; a week cut short by the window's edges is drawn lighter, so it is not read as a low week.
    fig = charts.figure(7.0, 1.9)
    ax = charts.axes(fig)
    full = [(date.fromisoformat(w.end) - date.fromisoformat(w.start)).days == 6 for w in weeks]
    ax.bar(x, [w.minutes or 0.0 for w in weeks], width=5, color=[BAR if f else PART for f in full])
    ax.set_ylabel("minutes")
    ax.set_ylim(bottom=0)
    _time_axis(ax, weeks, x)
    top = max((w.minutes or 0.0) for w in weeks)
    caption = f"Minutes of home practice each week (the most: {duration(round(top) * 60)})."
    if not all(full):
        caption += " Lighter bars are weeks the period cuts short."
    out += [f'<figure id="minutes-chart">{charts.svg(fig, caption)}<figcaption>{caption}</figcaption></figure>']
    for measure in ("pain", "stress"):
        before = [getattr(w, f"{measure}_before") for w in weeks]
        after = [getattr(w, f"{measure}_after") for w in weeks]
        if all(v is None for v in before):
            continue
        fig = charts.figure(7.0, 2.1)
        ax = charts.axes(fig)
        ax.fill_between(x, _nan(before), _nan(after), color=AFTER, alpha=0.16, linewidth=0, label="change")
        ax.plot(x, _nan(before), color=BEFORE, marker="o", markersize=3.5, linewidth=1.6, label="before")
        ax.plot(x, _nan(after), color=AFTER, marker="s", markersize=3.2, linewidth=1.6, linestyle="--", label="after")
        ax.set_ylim(0, 10)
        ax.set_yticks([0, 2, 4, 6, 8, 10])
        ax.set_ylabel(f"{measure} (0–10)")
        ax.legend(loc="upper right", ncols=3, fontsize=7)
        _time_axis(ax, weeks, x)
        caption = (
            f"{measure.capitalize()} before and after sessions, averaged each week over the sessions rated both "
            "times; the band between the lines is the change over a session."
        )
        if any(v is None for v in before):
            caption += f" Weeks with fewer than {data.min_rated} rated sessions are left blank, not drawn as zero."
        out.append(
            f'<figure id="{measure}-chart">{charts.svg(fig, caption)}<figcaption>{caption}</figcaption></figure>'
        )
    out.append("</section>")
    return out


def _bars(charts: _Charts, values: dict[str, float], label: str) -> str:
    from .words import duration

    names = list(values)[::-1]  # largest at the top
    minutes = [values[n] for n in names]
    fig = charts.figure(3.4, 0.5 + 0.28 * len(names))
    ax = charts.axes(fig)
    bars = ax.barh(names, minutes, color=BAR, height=0.6)
    ax.bar_label(bars, labels=[duration(m * 60) for m in minutes], padding=3, fontsize=7)
    ax.set_xlim(0, max(minutes) * 1.35 if max(minutes) > 0 else 1)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("minutes")
    return charts.svg(fig, label)


def _minutes_section(data: Report, charts: _Charts) -> list[str]:
    if not data.by_kind and not data.by_area:
        return []
    out = ['<section id="kinds-areas">', "<h2>Minutes by kind and area</h2>", '<div class="pair">']
    if data.by_kind:
        caption = "By kind of practice."
        out.append(f'<figure id="kind-chart">{_bars(charts, data.by_kind, caption)}<figcaption>{caption}</figcaption>')
        out.append("</figure>")
    if data.by_area:
        caption = "By body area: massage and stretches, a practice's time shared among its areas."
        out.append(f'<figure id="area-chart">{_bars(charts, data.by_area, caption)}<figcaption>{caption}</figcaption>')
        out.append("</figure>")
    out += ["</div>", "</section>"]
    return out


# --- words and tables ----------------------------------------------------------------------------


def _ratings_section(data: Report) -> list[str]:
    out = ['<section id="ratings">', "<h2>Pain and stress (0–10)</h2>"]
    rated = [
        (k, r) for k, r in (("pain", data.pain), ("stress", data.stress)) if r.sessions and r.avg_change is not None
    ]
    if not rated:
        return [*out, "<p>No pain or stress ratings were logged in this period.</p>", "</section>"]
    out.append('<div class="keep"><table class="numbers"><thead><tr><th></th><th>sessions rated before and after</th>')
    out.append("<th>before</th><th>after</th><th>change</th></tr></thead><tbody>")
    for key, r in rated:
        out.append(
            f'<tr><th scope="row">{key}</th><td class="n">{r.sessions}</td><td class="n">{r.avg_before:.1f}</td>'
            f'<td class="n">{r.avg_after:.1f}</td><td class="n">{r.avg_change:+.1f}</td></tr>'
        )
    out.append("</tbody></table></div>")
    if data.pain_by_area:
        out.append('<div class="keep"><table class="numbers"><thead><tr><th>pain by area (massage and stretches)</th>')
        out.append("<th>sessions</th><th>before</th><th>after</th><th>before: first half → second half</th>")
        out.append("</tr></thead><tbody>")
        for area, a in data.pain_by_area.items():
            trend = "–"
            if a.first_half_before is not None and a.second_half_before is not None:
                trend = f"{a.first_half_before:.1f} → {a.second_half_before:.1f}"
            out.append(
                f'<tr><th scope="row">{_e(area)}</th><td class="n">{a.sessions}</td><td class="n">{a.avg_before:.1f}'
                f'</td><td class="n">{a.avg_after:.1f}</td><td class="n">{trend}</td></tr>'
            )
        out.append("</tbody></table></div>")
    out.append("</section>")
    return out


def _helped_section(data: Report) -> list[str]:
    from .words import feedback

    if not data.helped_most:
        return []
    out = ['<section id="helped">', "<h2>What helped</h2>", "<ul>"]
    out += [f"<li><strong>{_e(h.name)}</strong>: {_e(feedback(h.feedback()))}.</li>" for h in data.helped_most]
    out += [
        "</ul>",
        '<p class="muted">Averages over the sessions that included each practice; a session often holds '
        "several, so this shows what went with less pain or stress, not what caused it.</p>",
        "</section>",
    ]
    return out


def _pros_section(data: Report, include_notes: bool) -> list[str]:
    from .words import duration

    if not data.pro_sessions:
        return []
    out = ['<section id="professionals">', "<h2>Sessions with a professional</h2>", "<ul>"]
    for s in data.pro_sessions:
        note = f" — {_e(s.note)}" if s.note and include_notes else ""
        out.append(f"<li>{_long_day(s.date)}: {_e(s.pro.replace('-', ' '))}, {duration(s.minutes * 60)}{note}</li>")
    out += ["</ul>", "</section>"]
    return out


def _flags_section(data: Report) -> list[str]:
    from .words import flag_summary

    out = ['<section id="flags">', "<h2>Red flags raised</h2>"]
    if not data.flags:
        return [*out, "<p>None in this period.</p>", "</section>"]
    out.append("<ul>")
    out += [f"<li>{_long_day(f.date)}: {_e(flag_summary(f.rule, f.area, f.pain))}</li>" for f in data.flags]
    out += ["</ul>", "</section>"]
    return out

"""The sentences selfcare says, made from facts at the moment they are shown.

The core hands over records (a plan item's `Why`, a `Note`, a `Limit`, a
`Feedback`); this module turns each into words, once. It never decides
anything, and every word it uses comes from the facts it is given, so a
reason can only name an area or a goal that its practice lists, and a claim
of what helped only cites sessions that exist. Plain text: the screens style
it, JSON carries it as is.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .models import AREAS, CONDITIONS, GOALS, Dose, Excluded, Feedback, Limit, Note, PlanItem, Practice, Reps, Rest

if TYPE_CHECKING:
    from .coach import Progression

RULE_WORDS = {
    "worse-twice": "pain was higher after two sessions in a row",
    "no-improvement": "pain has not eased after two weeks of regular practice",
    "high-pain": "pain was logged at {pain}/10",
}


def short_day(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.day} {d:%b}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def listing(words: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or 'a, b or c')."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


def duration(seconds: float) -> str:
    """One way to say a length everywhere: '45 s', '12 min 35 s', '2 h 05 min'."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"


def rating(value: float) -> str:
    return f"{value:.1f}"


# --- plan items -------------------------------------------------------------------------


def _areas(areas: tuple[str, ...]) -> str:
    return "your " + listing([AREAS[a] for a in areas])


def _goals(goals: tuple[str, ...]) -> str:
    return listing([GOALS[g] for g in goals])


def feedback(f: Feedback) -> str:
    """'in the 4 sessions that included it, pain fell on average 5.0 → 3.2'."""
    sessions = "the session" if f.sessions == 1 else f"the {f.sessions} sessions"
    moved = "fell" if f.after < f.before else "rose" if f.after > f.before else "stayed"
    return f"in {sessions} that included it, {f.measure} {moved} on average {rating(f.before)} → {rating(f.after)}"


def rest(r: Rest) -> str:
    if r.cause == "too-intense":
        return f"marked too intense on {short_day(r.day)}"
    return f"pain rose in the session that included it on {short_day(r.day)}: {r.before} → {r.after}"


def dose(d: Dose) -> str:
    """'12 repetitions a set, up from 8: 3 sessions went well, the last on 2 Dec'."""
    held = f", holding {d.hold:g} s" if d.hold != d.written_hold else ""
    if d.cause == "went-well":
        now = f"{plural(d.per_set, 'repetition')} a set, up from {d.written}"
        if d.per_set == d.written:
            now = f"{plural(d.per_set, 'repetition')} a set"
        if held:
            now += f"{held}, up from {d.written_hold:g} s"
        return f"{now}: {plural(d.sessions, 'session')} went well, the last on {short_day(d.day)}"
    why = (
        f"marked too intense on {short_day(d.day)}"
        if d.cause == "too-intense"
        else f"pain rose in the session with it on {short_day(d.day)}: {d.before} → {d.after}"
    )
    return f"a step back to {plural(d.per_set, 'repetition')} a set{held} ({d.written} as written): {why}"


def reason(item: PlanItem) -> str:
    """Why this practice is in the plan, from its Why only."""
    why, p = item.why, item.practice
    verb = {"massage": "works on", "stretch": "stretches", "exercise": "exercises"}.get(p.kind, "for")
    if why.role == "routine":
        main = f"in your routine {why.routine}"
    elif why.role == "chosen":
        main = "you chose it"
    elif why.role == "suits" and why.suits:
        main = f"often advised with {CONDITIONS[why.suits][0]}"
        if why.goals:
            main += f", for {_goals(why.goals)}"
    elif why.role == "opener":
        main = "a few slow breaths to arrive"
        if why.goals:
            main += f", for {_goals(why.goals)}"
    elif why.role == "close":
        main = "a quiet close"
        if why.goals:
            main += f", for {_goals(why.goals)}"
    elif why.areas:
        main = f"{verb} {_areas(why.areas)}"
        if why.role == "pair":
            main += " after the massage" if p.kind == "stretch" else " before the stretch"
        elif why.role == "extra":
            main = f"more for {_areas(why.areas)}" if p.kind == "massage" else main + " too"
        if why.goals:
            main += f", for {_goals(why.goals)}"
    elif why.goals:
        main = f"for {_goals(why.goals)}"
    else:
        main = "rounds off the session"
    parts = [main]
    if why.suits and why.role != "suits":
        parts.append(f"often advised with {CONDITIONS[why.suits][0]}")
    if why.dose:
        parts.append(dose(why.dose))
    if why.instead_of and why.rest:
        parts.append(f"instead of {why.instead_of} ({rest(why.rest)})")
    if why.gentler_than and why.condition:
        parts.append(f"gentler than {why.gentler_than}, for {CONDITIONS[why.condition][0]}")
    if why.feedback:
        parts.append(feedback(why.feedback))
    elif why.last_done:
        parts.append(f"back for variety: last done {short_day(why.last_done)}")
    return "; ".join(parts)


# --- notes -------------------------------------------------------------------------------


def limit(lim: Limit) -> str:
    what = RULE_WORDS.get(lim.rule, lim.rule).format(pain=lim.pain)
    area = AREAS[lim.area]
    until = short_day(lim.until)
    if lim.kind == "paused":
        return (
            f"Massage, stretches and exercises for your {area} are paused until {until}: {what} on "
            f"{short_day(lim.since)}. "
            f"See a physiotherapist or doctor; once you have, 'selfcare red-flags --clear {lim.area}' resumes them."
        )
    return (
        f"Only gentle practices for your {area} until {until}: {what} on {short_day(lim.since)}. "
        f"If it stays this strong, see a physiotherapist or doctor; 'selfcare red-flags --clear {lim.area}' "
        "ends the limit once you have."
    )


def note(n: Note) -> str:
    if n.kind == "limit" and n.limit is not None:
        return limit(n.limit)
    if n.kind == "left-out":
        named: set[str] = set()  # a condition is named once: "... with a skin condition and selfcare cannot know..."
        texts = []
        for ex in n.excluded:
            texts.append(excluded(ex, with_condition=ex.condition not in named))
            named.add(ex.condition or "")
        reasons = listing(list(dict.fromkeys(texts))) or "it is not safe for you today"
        return f"{n.practice} is left out: {reasons}."
    what = AREAS[n.area] if n.area else GOALS[n.goal] if n.goal else "it"
    if n.kind == "no-time":
        target = f"your {what}" if n.area else what
        return f"Not enough time today for {target}; more minutes would make room."
    if n.kind == "nothing-safe":
        target = f"your {what}" if n.area else what
        return (
            f"Nothing in the library is safe for {target} with what you told selfcare; ask a clinician what suits you."
        )
    if n.kind == "fever":
        return (
            "With a fever, only breathing and meditation. A fever with a stiff neck, a headache or a rash "
            "needs a doctor today (see 'selfcare red-flags')."
        )
    if n.kind == "injury":
        return (
            "With a recent injury, hands-on practices are left out everywhere until you say where: "
            "'selfcare profile set injured AREA'. Ask a physiotherapist when to start working on it again."
        )
    if n.kind == "short":
        return "The plan is shorter than the time you have: the safety rules leave too few practices to fill it."
    return n.kind


def progression(p: Progression) -> str | None:
    parts = []
    if p.level > 1.0:
        parts.append(
            f"holds and breath counts have grown ({p.level:.2f}×): you practised on {p.active_recent} of the last "
            "14 days"
        )
    parts += [f"{d.name}: {dose(d)}" for d in p.exercises]
    return "; ".join(parts) or None


# --- why a practice is out ------------------------------------------------------------

# rule -> (what about the practice, and the words that tie it to the condition)
RULE_REASONS: dict[str, tuple[str, str]] = {
    "avoid-if": ("its file says to avoid it", " with {condition}"),
    "fever": ("with a fever, only breathing and meditation", ""),
    "fast-breathing": ("it breathes faster than 15 breaths a minute, which can cause over-breathing", ""),
    "breath-hold": ("it holds the breath", ", which is not advised with {condition}"),
    "pressure": ("it uses firm or deep pressure", ", which is not advised with {condition}"),
    "leg-massage": ("it massages the legs or feet", ", which is not advised with {condition}"),
    "no-feeling": ("it massages where feeling may be lost", " with {condition}"),
    "massage": ("selfcare cannot know where massage is safe", " with {condition}"),
    "injury": ("it works on your injured {area}", ""),
    "paused": ("practices for your {area} are paused after a red flag", ""),
    "gentle-only": ("only gentle practices for your {area} for now", ""),
    "rested": ("resting after it {cause}", ""),
    "equipment": ("it needs {equipment}, which your profile does not list", ""),
    "gentler-variant": ("its gentler variant is used instead", ", for {condition}"),
    "lying-back": ("it is done lying on the back", ", which is not advised with {condition}"),
    "standing": ("it is done standing without a wall or chair to hold", ", which is not advised with {condition}"),
    "movement": ("it {movement}", ", which is not advised with {condition}"),
    "unstated": ("its file does not say its {detail}", ", which matters with {condition}"),
}
CAUSES = {"too-intense": "was marked too intense", "pain-rose": "pain rose in a session with it"}


def excluded(ex: Excluded, *, with_condition: bool = True) -> str:
    """Why a practice is out; without the condition, for a sentence that names it already."""
    from .models import EQUIPMENT, MOVEMENTS

    detail = ex.detail or ""
    what, tail = RULE_REASONS.get(ex.rule, (ex.rule, ""))
    text = what + (tail if with_condition and ex.condition else "")
    return text.format(
        condition=CONDITIONS[ex.condition][0] if ex.condition in CONDITIONS else ex.condition,
        area=AREAS.get(ex.area or "", ex.area),
        cause=CAUSES.get(detail, detail),
        equipment=EQUIPMENT.get(detail, detail),
        movement=MOVEMENTS.get(detail, detail),
        detail=detail,
    )


def safety_notes(p: Practice, derived: dict[str, list[Excluded]]) -> list[str]:
    """For `routines validate`: what the planner will do with a practice that its file does not say."""
    notes = []
    if p.unstated:
        notes.append(
            f"{p.id}: its file leaves out {listing(list(p.unstated))}; until it says, the safety rules take the "
            "safe reading"
            + (" (intensity counts as moderate)" if "intensity" in p.unstated and p.kind == "massage" else "")
        )
    by_reason: dict[tuple[str, str], list[str]] = {}
    for condition, rules in derived.items():
        for ex in rules:
            advice = f"state its {ex.detail} in the file" if ex.rule == "unstated" else "say so in its avoid_if"
            by_reason.setdefault((excluded(ex, with_condition=False), advice), []).append(CONDITIONS[condition][0])
    for (reason, advice), conditions in by_reason.items():
        notes.append(
            f"{p.id}: never planned with {listing(list(dict.fromkeys(conditions)), 'or')} ({reason}); {advice}"
        )
    return notes


# --- red flags ----------------------------------------------------------------------------


def flag_summary(rule: str, area: str | None, pain: int | None = None) -> str:
    """A red flag in a line, without averages of the moment it was raised (reports compute their own)."""
    if rule == "high-pain":
        return f"pain logged at {pain}/10" if pain is not None else "pain logged at 7/10 or more"
    what = RULE_WORDS.get(rule, rule).replace("pain ", f"pain in the {AREAS[area]} " if area else "pain ", 1)
    return what


def flag_message(rule: str, area: str | None, **facts: object) -> str:
    """The words of a red flag, said once when it is raised (and kept in the log with it)."""
    if rule == "high-pain":
        return (
            f"You logged pain of {facts['pain']}/10. For two weeks, practices for it are gentle only. "
            "Pain this strong is worth a check with a physiotherapist or doctor; with any sign in "
            "'selfcare red-flags', get help now."
        )
    where = AREAS[area] if area else "body"
    resume = f"after seeing them, 'selfcare red-flags --clear {area}' resumes them" if area else ""
    if rule == "worse-twice":
        return (
            f"Pain in your {where} was higher after your last two sessions. Its massage, stretches and exercises are "
            f"paused for two weeks: see a physiotherapist or doctor, who can find out why; {resume}."
        )
    if rule == "no-improvement":
        return (
            f"After two weeks of practice, pain in your {where} has not eased ({facts['before']} → "
            f"{facts['after']} on average before sessions). Its massage, stretches and exercises are paused for two "
            f"weeks: pain that is not improving is worth a check with a physiotherapist or doctor; {resume}."
        )
    return rule


PACE_WORDS = {"move": "move", "hold": "hold", "ease": "ease back"}


def exercise_dose(reps: Reps) -> str:
    """'2 sets of 8 (each side), each repetition: move 2 s, hold 3 s, ease back 2 s; 45 s rest between sets'."""
    sets = "1 set" if reps.sets == 1 else f"{reps.sets} sets"
    side = " (each side)" if reps.side == "both" else ""
    pace = ", ".join(f"{PACE_WORDS[name]} {secs:g} s" for name, secs in reps.phases())
    rest = f"; {reps.rest} s rest between sets" if reps.sets > 1 else ""
    return f"{sets} of {reps.per_set}{side}, each repetition: {pace}{rest}"

"""The words selfcare speaks and the immutable records it passes around.

Vocabularies (kinds, areas, goals, conditions, ...) are defined here once;
the loader, the profile, the planner, the JSON Schema and the README all take
them from this module. Records are NamedTuples rather than frozen dataclasses:
just as immutable, and several times cheaper to define, which every run of
the command pays at start-up. Nothing here does I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable

# A JSON object as `--json`, the caches and exports write it: its values really are arbitrary JSON.
JsonObject: TypeAlias = dict[str, Any]

KINDS: dict[str, str] = {
    "massage": "self-massage",
    "stretch": "stretch",
    "breathing": "breathing exercise",
    "meditation": "short meditation",
    "exercise": "gentle exercise",
}

AREAS: dict[str, str] = {
    "neck": "neck",
    "shoulders": "shoulders",
    "upper-back": "upper back",
    "lower-back": "lower back",
    "chest": "chest",
    "hips": "hips",
    "legs": "legs",
    "feet": "feet",
    "hands": "hands and forearms",
    "jaw": "jaw",
    "head": "head and scalp",
}

GOALS: dict[str, str] = {
    "pain-relief": "less pain",
    "tension": "less tension",
    "stress": "less stress",
    "sleep": "better sleep",
    "flexibility": "more flexibility",
    "circulation": "circulation",
    "focus": "focus",
    "posture": "posture",
    "strength": "strength",
}

# id -> (short label, the plain question the health screen asks). The screen
# asks them in this order; docs/content-guide.md says what each one changes.
CONDITIONS: dict[str, tuple[str, str]] = {
    "pregnancy": ("pregnancy", "Are you pregnant?"),
    "osteoporosis": (
        "osteoporosis",
        "Has a doctor told you that you have osteoporosis or low bone density?",
    ),
    "blood-clots": (
        "blood clots",
        "Do you have, or have you had, a blood clot (such as a DVT)?",
    ),
    "postpartum": ("recent childbirth", "Have you given birth in the last six weeks?"),
    "anticoagulants": (
        "blood thinners or a bleeding disorder",
        "Do you take blood thinners, or bruise or bleed easily?",
    ),
    "recent-injury": (
        "a recent injury",
        "Have you had an injury, sprain or fracture in the last few weeks?",
    ),
    "recent-surgery": ("recent surgery", "Have you had surgery in the last three months?"),
    "joint-replacement": (
        "a joint replacement",
        "Have you had a hip, knee, shoulder or other joint replaced?",
    ),
    "inflammatory-arthritis": (
        "inflammatory arthritis",
        "Do you have rheumatoid arthritis, ankylosing spondylitis or another inflammatory arthritis?",
    ),
    "hypermobility": (
        "hypermobile joints",
        "Are your joints very flexible (hypermobile), or do they often slip out of place?",
    ),
    "varicose-veins": ("varicose veins", "Do you have varicose veins?"),
    "neuropathy": (
        "neuropathy",
        "Do you have numbness or lost feeling in your feet or hands (for example from diabetes)?",
    ),
    "diabetes": ("diabetes", "Do you have diabetes?"),
    "skin-condition": (
        "a skin condition",
        "Do you have wounds, burns, a rash or fragile skin where you would massage?",
    ),
    "vertigo": ("vertigo", "Do you get dizzy when you move or turn your head?"),
    "balance-problems": (
        "balance problems",
        "Do you have trouble with your balance, or have you had a fall in the last year?",
    ),
    "heart-condition": ("a heart condition", "Do you have a heart condition?"),
    "high-blood-pressure": (
        "high blood pressure",
        "Do you have high blood pressure?",
    ),
    "cancer": ("cancer", "Are you being treated for cancer, or have you been recently?"),
    "fever": ("fever or infection", "Do you have a fever or an infection right now?"),
    "respiratory-condition": (
        "a breathing condition",
        "Do you have asthma, COPD or another breathing condition?",
    ),
    "mental-health": (
        "trauma, psychosis or severe anxiety",
        "Have you lived with trauma, psychosis or severe anxiety?",
    ),
}

INTENSITIES: tuple[str, ...] = ("gentle", "moderate", "firm")
# The kinds that work on an area with the hands or the body: red-flag pauses and limits act on
# them, and reports count their time by area (breathing and meditation are not work on an area).
HANDS_ON: tuple[str, ...] = ("massage", "stretch", "exercise")
# Where the body is. Precise, because rules depend on it: lying on the back is
# never planned in pregnancy, standing only with support for balance problems.
POSITIONS: tuple[str, ...] = ("sitting", "standing", "lying-back", "lying-side", "lying-front", "kneeling")
# Older words still read from a person's own files, and what they mean (the safe reading).
POSITION_ALIASES: dict[str, str] = {"lying": "lying-back"}
# What a practice does that some conditions must avoid (docs/content-guide.md has the rules).
MOVEMENTS: dict[str, str] = {
    "neck-side-bend": "bends the neck to the side, ear toward shoulder",
    "neck-rotation": "turns the head to look over a shoulder",
    "neck-extension": "tips the head back to look up",
    "head-down": "brings the head below the heart",
    "spine-flexion": "bends the spine forward (rounding the back)",
    "spine-twist": "twists the spine",
    "end-range": "holds or takes a joint to the end of its range, as every static stretch does",
    "one-leg": "balances on one leg",
}
# The fields that safety rules read and a person's own file may leave out; the
# loader records which ones were left out, so the planner can read them safely.
SAFETY_FIELDS: tuple[str, ...] = ("intensity", "position", "movements")
SIDES: tuple[str, ...] = ("left", "right", "both")
# An exercise's dose within the guide's limits (docs/content-guide.md): 1-2 sets of 8-15
# slow repetitions; progression grows repetitions up to MAX_REPS, then holds up to MAX_REP_HOLD.
MAX_REPS = 15
MAX_REP_HOLD = 10  # seconds held in each repetition
MAX_SETS = 3
EQUIPMENT: dict[str, str] = {
    "tennis-ball": "a tennis ball",
    "lacrosse-ball": "a lacrosse ball (firmer)",
    "frozen-bottle": "a frozen water bottle",
    "towel": "a towel",
    "wall": "a wall",
    "chair": "a chair",
    "cushion": "a cushion",
    "strap": "a strap or belt",
    "warm-pack": "a warm or cold pack",
    "band": "a light resistance band",
}
PROFESSIONALS: dict[str, str] = {
    "massage-therapist": "massage therapist",
    "physiotherapist": "physiotherapist",
    "osteopath": "osteopath",
    "chiropractor": "chiropractor",
    "acupuncturist": "acupuncturist",
    "yoga-teacher": "yoga teacher",
    "doctor": "doctor",
    "other": "other professional",
}
SOURCES: tuple[str, ...] = ("plan", "manual", "guided", "import")

# The profile a person has before they set one up.
DEFAULT_AREAS: tuple[str, ...] = ("neck", "shoulders")
DEFAULT_GOALS: tuple[str, ...] = ("tension", "stress")
DEFAULT_MINUTES = 10
DEFAULT_DAY_STARTS_AT = "04:00"
# What the planner assumes a person has until they say otherwise.
DEFAULT_EQUIPMENT: tuple[str, ...] = ("wall", "chair")
DEFAULT_QUIET_HOURS = "21:30-07:30"  # no nudges then


class Step(NamedTuple):
    text: str
    seconds: int
    side: str | None = None  # None: no side; "both": left then right
    repeat: int = 1

    @property
    def total_seconds(self) -> int:
        return self.seconds * self.repeat * (2 if self.side == "both" else 1)


class Pacing(NamedTuple):
    inhale: float
    exhale: float
    cycles: int
    hold_in: float = 0
    hold_out: float = 0
    top_up: float = 0  # a second short inhale, as in cyclic sighing
    min_cycles: int = 0  # the fewest cycles that still make the practice's dose; 0: none stated

    @property
    def cycle_seconds(self) -> float:
        return self.inhale + self.top_up + self.hold_in + self.exhale + self.hold_out

    @property
    def total_seconds(self) -> int:
        return round(self.cycle_seconds * self.cycles)

    def phases(self) -> list[tuple[str, float]]:
        """One cycle as (phase, seconds), skipping phases of zero length."""
        order = (
            ("inhale", self.inhale),
            ("top-up", self.top_up),
            ("hold", self.hold_in),
            ("exhale", self.exhale),
            ("hold", self.hold_out),
        )
        return [(name, secs) for name, secs in order if secs > 0]


class Reps(NamedTuple):
    """An exercise's repetitions: `per_set` (a file's `count`) a set, `sets` of them, each repetition paced, rests between sets."""

    text: str  # what one repetition is
    per_set: int  # repetitions in a set (on each side, with side "both"); `count` in a routine file
    sets: int = 1
    move: float = 2.0  # seconds moving into the position...
    hold: float = 0.0  # ...holding it...
    ease: float = 2.0  # ...and easing back
    rest: int = 0  # seconds of rest between sets
    side: str | None = None  # "both": each set on the left, then on the right

    @property
    def rep_seconds(self) -> float:
        return self.move + self.hold + self.ease

    @property
    def sides(self) -> int:
        return 2 if self.side == "both" else 1

    @property
    def total_seconds(self) -> int:
        return round(self.rep_seconds * self.per_set * self.sides * self.sets + self.rest * (self.sets - 1))

    def phases(self) -> list[tuple[str, float]]:
        """One repetition as (phase, seconds), skipping phases of zero length."""
        order = (("move", self.move), ("hold", self.hold), ("ease", self.ease))
        return [(name, secs) for name, secs in order if secs > 0]


class Caution(NamedTuple):
    """A caution shown with a practice: the conditions it speaks to, and whether it is a stop rule."""

    text: str
    conditions: tuple[str, ...] = ()
    stop: bool = False  # "stop at once if ...": shown first, before every practice

    def to_dict(self) -> JsonObject:
        return {"text": self.text, "conditions": list(self.conditions), "stop": self.stop}


class Evidence(NamedTuple):
    note: str
    source: str


class Practice(NamedTuple):
    id: str
    name: str
    kind: str
    areas: tuple[str, ...]
    goals: tuple[str, ...]
    summary: str
    steps: tuple[Step, ...] = ()
    pacing: Pacing | None = None
    reps: Reps | None = None  # exercises: repetitions in sets, played after the steps
    intensity: str = "gentle"
    position: str = "sitting"
    movements: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    avoid_if: tuple[str, ...] = ()
    care_if: tuple[str, ...] = ()
    gentler: str | None = None
    family: str | None = None  # variants of one pattern share it; None: its own family
    prefer_if: tuple[str, ...] = ()  # conditions it is written for: planned first for people who have one
    cautions: tuple[Caution, ...] = ()
    evidence: Evidence | None = None
    origin: str = "built-in"  # "built-in", or the user file it came from
    overrides: bool = False  # a user practice that replaces a built-in one
    # The SAFETY_FIELDS its file left out (their values above are then defaults,
    # moderate for intensity), so rules can take the safe reading.
    unstated: tuple[str, ...] = ()

    def cautions_for(self, conditions: Iterable[str]) -> tuple[Caution, ...]:
        """Its stop rules, then the cautions that speak to one of these conditions.

        A practice planned with care for a condition (`care_if`) whose file tags
        no caution with that condition adds all its general cautions: one of them
        may be the one that matters, and no words are matched to guess which.
        """
        conds = set(conditions)
        stops = tuple(c for c in self.cautions if c.stop)
        tagged = tuple(c for c in self.cautions if not c.stop and conds & set(c.conditions))
        untold = [k for k in self.care_if if k in conds and not any(k in c.conditions for c in self.cautions)]
        general = tuple(c for c in self.cautions if not c.stop and not c.conditions) if untold else ()
        return stops + tagged + general

    @property
    def seconds(self) -> int:
        steps = sum(step.total_seconds for step in self.steps)
        return steps + (self.pacing.total_seconds if self.pacing else 0) + (self.reps.total_seconds if self.reps else 0)

    def summary_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "areas": list(self.areas),
            "goals": list(self.goals),
            "seconds": self.seconds,
            "avoid_if": list(self.avoid_if),
        }


class Profile(NamedTuple):
    areas: tuple[str, ...] = DEFAULT_AREAS
    goals: tuple[str, ...] = DEFAULT_GOALS
    minutes: int = DEFAULT_MINUTES
    days_per_week: int = 7
    conditions: tuple[str, ...] = ()
    day_starts_at: str = DEFAULT_DAY_STARTS_AT
    equipment: tuple[str, ...] = DEFAULT_EQUIPMENT
    injured: tuple[str, ...] = ()  # with recent-injury: the areas injured
    quiet_hours: str = DEFAULT_QUIET_HOURS  # "" for none
    acknowledged: bool = False  # the first-run disclaimer was read

    def to_dict(self) -> JsonObject:
        return {
            "areas": list(self.areas),
            "goals": list(self.goals),
            "minutes": self.minutes,
            "days_per_week": self.days_per_week,
            "conditions": list(self.conditions),
            "day_starts_at": self.day_starts_at,
            "equipment": list(self.equipment),
            "injured": list(self.injured),
            "quiet_hours": self.quiet_hours,
        }


class Request(NamedTuple):
    """What a plan is asked for: the profile, or the options given on the command line."""

    minutes: int
    areas: tuple[str, ...]
    goals: tuple[str, ...]
    conditions: tuple[str, ...] = ()
    equipment: tuple[str, ...] = DEFAULT_EQUIPMENT
    injured: tuple[str, ...] = ()  # the areas of a recent injury, when the person said

    @classmethod
    def of(cls, profile: Profile) -> Request:
        return cls(
            profile.minutes, profile.areas, profile.goals, profile.conditions, profile.equipment, profile.injured
        )


# --- what the log says, as the planner weighs it (coach.py works these out) ---


class Feedback(NamedTuple):
    """A practice's rated sessions: those that included it, done (not skipped), rated before and after."""

    practice: str
    measure: str  # "pain" or "stress"
    sessions: int
    before: float  # the average rating before those sessions
    after: float  # ...and after them
    last_day: str

    @property
    def change(self) -> float:
        return self.after - self.before

    def to_dict(self) -> JsonObject:
        return dict(self._asdict())


class Rest(NamedTuple):
    """Why a practice is rested for a while."""

    practice: str
    cause: str  # "too-intense" | "pain-rose"
    day: str
    until: str
    before: int | None = None  # for "pain-rose": the session's pain before and after
    after: int | None = None

    def to_dict(self) -> JsonObject:
        return dict(self._asdict())


class Dose(NamedTuple):
    """An exercise's dose as the log has moved it: grown after sessions that went well, or stepped back."""

    practice: str
    name: str
    step: int  # 0: as written; +n grown n steps, -n stepped back n steps
    per_set: int  # repetitions a set at this step...
    written: int  # ...and as written
    hold: float  # seconds held in each repetition at this step...
    written_hold: float  # ...and as written
    cause: str  # what made the last change: "went-well" | "too-intense" | "pain-rose"
    day: str  # the day of the session that made it
    sessions: int = 0  # for "went-well": the sessions, on different days, that went well before the step
    before: int | None = None  # for "pain-rose": the session's pain before and after
    after: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self._asdict())


class Limit(NamedTuple):
    """A limit the log puts on an area: paused after a red flag, or gentle practices only after high pain."""

    area: str
    kind: str  # "paused" | "gentle"
    rule: str  # the red flag's rule ("worse-twice", "no-improvement") or "high-pain"
    since: str
    until: str
    pain: int | None = None

    def to_dict(self) -> JsonObject:
        return dict(self._asdict())

    @classmethod
    def from_dict(cls, d: JsonObject) -> Limit:
        return cls(**d)


# --- why a plan holds what it holds ---------------------------------------------


class Why(NamedTuple):
    """The facts behind one item of a plan; words.py makes the sentence.

    `areas` and `goals` are the request's areas and goals that this practice
    lists itself, so a reason can only name what the practice is for.
    """

    role: str  # "area" | "goal" | "pair" | "opener" | "close" | "extra" | "suits" | "routine" | "chosen"
    areas: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    instead_of: str | None = None  # the name of a rested practice it stands in for...
    rest: Rest | None = None  # ...and why that one rests
    feedback: Feedback | None = None  # what the log says about this practice
    last_done: str | None = None  # back for variety: the day it was last done
    gentler_than: str | None = None  # the name of the practice it replaces...
    condition: str | None = None  # ...for this condition
    suits: str | None = None  # role "suits": the condition it is written for (its prefer_if)
    dose: Dose | None = None  # an exercise whose dose the log has grown or stepped back
    routine: str | None = None  # role "routine": the named routine it comes from

    def to_dict(self) -> JsonObject:
        d = self._asdict()
        d["areas"], d["goals"] = list(self.areas), list(self.goals)
        d["rest"] = self.rest.to_dict() if self.rest else None
        d["feedback"] = self.feedback.to_dict() if self.feedback else None
        d["dose"] = self.dose.to_dict() if self.dose else None
        return d

    @classmethod
    def from_dict(cls, d: JsonObject) -> Why:
        return cls(
            role=d["role"],
            areas=tuple(d["areas"]),
            goals=tuple(d["goals"]),
            instead_of=d["instead_of"],
            rest=Rest(**d["rest"]) if d["rest"] else None,
            feedback=Feedback(**d["feedback"]) if d["feedback"] else None,
            last_done=d["last_done"],
            gentler_than=d["gentler_than"],
            condition=d["condition"],
            suits=d["suits"],
            dose=Dose(**d["dose"]) if d["dose"] else None,
            routine=d["routine"],
        )


class Note(NamedTuple):
    """Something a plan says besides its items: a limit in force, a need it could not meet, a warning,
    a practice of a named routine left out (with the rules that keep it out)."""

    kind: str  # "limit" | "no-time" | "nothing-safe" | "fever" | "injury" | "short" | "left-out"
    area: str | None = None
    goal: str | None = None
    limit: Limit | None = None
    practice: str | None = None  # "left-out": the practice's name...
    excluded: tuple[Excluded, ...] = ()  # ...and the rules that keep it out

    def to_dict(self) -> JsonObject:
        d = self._asdict()
        d["limit"] = self.limit.to_dict() if self.limit else None
        d["excluded"] = [dict(ex._asdict()) for ex in self.excluded]
        return d

    @classmethod
    def from_dict(cls, d: JsonObject) -> Note:
        return cls(
            d["kind"],
            d["area"],
            d["goal"],
            Limit.from_dict(d["limit"]) if d["limit"] else None,
            d.get("practice"),
            tuple(Excluded(**ex) for ex in d.get("excluded", ())),
        )


class Excluded(NamedTuple):
    """A practice the planner may not choose for this person today, and the rule that says so."""

    practice: str
    rule: str  # see planner.RULES
    condition: str | None = None
    area: str | None = None
    detail: str | None = None  # the missing equipment, the gentler variant used instead...


class Routine(NamedTuple):
    """A named routine of a person's own: practices by id, played in this order (see library.py)."""

    name: str
    practices: tuple[str, ...]
    origin: str  # the file it is kept in
    line: int = 0  # where in that file

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "practices": list(self.practices), "origin": self.origin, "line": self.line}


class Brief(NamedTuple):
    """What a kept plan holds of a practice: what `today` shows of it (see plancache)."""

    id: str
    name: str
    kind: str
    areas: tuple[str, ...]
    goals: tuple[str, ...]


class PlanItem(NamedTuple):
    practice: Practice | Brief
    seconds: int
    why: Why
    cautions: tuple[
        Any, ...
    ] = ()  # the cautions to show before it: its stop rules and those for the person's conditions

    def to_dict(self) -> JsonObject:
        from .words import reason

        p = self.practice
        return {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "areas": list(p.areas),
            "goals": list(p.goals),
            "seconds": self.seconds,
            "reason": reason(self),
            "why": self.why.to_dict(),
            "cautions": [c._asdict() if hasattr(c, "_asdict") else c for c in self.cautions],
        }


class Plan(NamedTuple):
    date: str
    minutes: int
    areas: tuple[str, ...]
    goals: tuple[str, ...]
    items: tuple[PlanItem, ...]
    # practices left out for safety: condition id -> how many
    left_out: dict[str, int]
    notes: tuple[Note, ...] = ()
    # What was asked for instead of a plan of the day: a named routine's name, or practice ids.
    routine: str | None = None
    chosen: tuple[str, ...] = ()

    @property
    def total_seconds(self) -> int:
        return sum(item.seconds for item in self.items)

    def to_dict(self) -> JsonObject:
        from .words import note

        return {
            "date": self.date,
            "minutes": self.minutes,
            "total_seconds": self.total_seconds,
            "areas": list(self.areas),
            "goals": list(self.goals),
            "items": [item.to_dict() for item in self.items],
            "left_out": dict(self.left_out),
            "notes": [dict(n.to_dict(), text=note(n)) for n in self.notes],
            "routine": self.routine,
            "chosen": list(self.chosen),
        }


class Session(NamedTuple):
    """One logged session. `day` is the day it counts for; `logged_at` the moment, with its offset."""

    id: str
    day: str
    logged_at: str
    practices: tuple[str, ...]
    seconds: int
    practice_seconds: tuple[int, ...] = ()
    pain_before: int | None = None
    pain_after: int | None = None
    stress_before: int | None = None
    stress_after: int | None = None
    note: str | None = None
    pro: str | None = None
    source: str = "manual"
    too_intense: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()  # practices begun but not played to their end (a guided session)
    skipped: tuple[str, ...] = ()  # practices skipped in a guided session: not done, kept for the record
    skipped_seconds: tuple[int, ...] = ()

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "date": self.day,
            "logged_at": self.logged_at,
            "practices": list(self.practices),
            "practice_seconds": list(self.practice_seconds),
            "seconds": self.seconds,
            "pain_before": self.pain_before,
            "pain_after": self.pain_after,
            "stress_before": self.stress_before,
            "stress_after": self.stress_after,
            "note": self.note,
            "pro": self.pro,
            "source": self.source,
            "too_intense": list(self.too_intense),
            "partial": list(self.partial),
            "skipped": list(self.skipped),
            "skipped_seconds": list(self.skipped_seconds),
        }

    @classmethod
    def from_dict(cls, d: JsonObject) -> Session:
        """A session from the shape `to_dict` writes (the log's own events; imports are checked by transfer)."""
        return cls(
            id=d["id"],
            day=d["date"],
            logged_at=d["logged_at"],
            practices=tuple(d["practices"]),
            seconds=d["seconds"],
            practice_seconds=tuple(d.get("practice_seconds") or ()),
            pain_before=d.get("pain_before"),
            pain_after=d.get("pain_after"),
            stress_before=d.get("stress_before"),
            stress_after=d.get("stress_after"),
            note=d.get("note"),
            pro=d.get("pro"),
            source=d.get("source", "manual"),
            too_intense=tuple(d.get("too_intense") or ()),
            partial=tuple(d.get("partial") or ()),
            skipped=tuple(d.get("skipped") or ()),
            skipped_seconds=tuple(d.get("skipped_seconds") or ()),
        )


class RestDay(NamedTuple):
    day: str
    reason: str | None = None

    def to_dict(self) -> JsonObject:
        return {"date": self.day, "reason": self.reason}


class Flag(NamedTuple):
    """A red flag raised when a session was logged."""

    session_id: str | None
    day: str
    rule: str
    area: str | None
    message: str

    def to_dict(self) -> JsonObject:
        return {
            "session_id": self.session_id,
            "date": self.day,
            "rule": self.rule,
            "area": self.area,
            "message": self.message,
        }

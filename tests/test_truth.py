"""Every sentence is true over a simulated two months: reasons name only what a practice is for, and
every claim of what helped is backed, in the log itself, by the sessions it cites."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import examples

from selfcare import coach
from selfcare.library import load
from selfcare.models import AREAS, EQUIPMENT, GOALS, Request, Session
from selfcare.planner import plan
from selfcare.store import open_store
from selfcare.words import feedback as feedback_words
from selfcare.words import reason

LIBRARY = load(None, None)
START = date(2026, 9, 1)


def _requests(n: int) -> list[Request]:
    rng = random.Random(12)
    out = []
    for _ in range(n):
        out.append(
            Request(
                rng.choice([5, 10, 15, 20, 30]),
                tuple(rng.sample(list(AREAS), rng.randint(1, 3))),
                tuple(
                    rng.sample(["tension", "stress", "sleep", "pain-relief", "flexibility", "focus"], rng.randint(1, 2))
                ),
                tuple(rng.sample(["pregnancy", "osteoporosis", "vertigo", "anticoagulants"], rng.choice([0, 0, 1]))),
                tuple(EQUIPMENT),
            )
        )
    return out


def _backed(store, f, day: date) -> None:
    """Recount from the log the sessions behind a claim, as a person could by hand."""
    since = (day - timedelta(days=coach.FEEDBACK_DAYS)).isoformat()
    until = (day - timedelta(days=1)).isoformat()
    sessions = store.sessions(since_day=since, until_day=until)
    marked = {s.day for s in sessions if f.practice in s.too_intense}
    rated = [
        s
        for s in sessions
        if f.practice in s.practices
        and f.practice not in s.partial
        and not any(m >= s.day for m in marked)
        and getattr(s, f"{f.measure}_before") is not None
        and getattr(s, f"{f.measure}_after") is not None
    ]
    assert len(rated) == f.sessions >= coach.MIN_FEEDBACK_SESSIONS
    before = sum(getattr(s, f"{f.measure}_before") for s in rated) / len(rated)
    after = sum(getattr(s, f"{f.measure}_after") for s in rated) / len(rated)
    assert (round(before, 1), round(after, 1)) == (f.before, f.after)
    assert f.after < f.before


@pytest.mark.slow
def test_sixty_days_of_twenty_requests_say_only_true_things(tmp_path: Path) -> None:
    rng = random.Random(7)
    requests = _requests(20)
    days = examples(60)
    claims = 0
    with open_store(tmp_path / "log.db") as store:
        for n in range(days):
            day = START + timedelta(days=n)
            for i, request in enumerate(requests):
                p = plan(LIBRARY, request, day, coach.history(store, LIBRARY, day, request.areas))
                for item in p.items:
                    practice, why = item.practice, item.why
                    assert set(why.areas) <= set(practice.areas) and set(why.goals) <= set(practice.goals)
                    text = reason(item)
                    main = text.split(";")[0]
                    for key, label in AREAS.items():
                        if f"your {label}" in main:
                            assert key in practice.areas, (practice.id, text)
                    for key, label in GOALS.items():
                        if f"for {label}" in main or f", {label}" in main or f"and {label}" in main:
                            assert key in practice.goals, (practice.id, text)
                    if why.feedback is not None:
                        claims += 1
                        assert feedback_words(why.feedback) in text
                        _backed(store, why.feedback, day)
                if i % 4 == 0 and p.items:  # five of the twenty log their plan each day
                    done = [item.practice.id for item in p.items if rng.random() < 0.8]
                    if not done:
                        continue
                    pain = rng.randint(3, 7)
                    store.add_session(
                        Session(
                            id=f"{n:04d}-{i:02d}-0000-4000-8000-000000000000",
                            day=day.isoformat(),
                            logged_at=f"{day.isoformat()}T18:{i:02d}:00+01:00",
                            practices=tuple(done),
                            seconds=60 * len(done),
                            pain_before=pain,
                            pain_after=max(0, pain + rng.choice([-3, -2, -1, 0, 1])),
                            too_intense=tuple(done[:1]) if rng.random() < 0.05 else (),
                            partial=tuple(done[-1:]) if rng.random() < 0.1 else (),
                        )
                    )
    assert claims > 0, "the simulation never made a claim, so it checked none"

"""The red flags in three tiers, and the disclaimer that points to them: one source for both.

`selfcare red-flags` shows the tiers in this order, the emergency tier first;
the disclaimer, the fever note and the coach's messages point to them.
Sources are in docs/content-guide.md (NHS FAST; the IFOMPT cervical framework,
Rushton et al. 2023; cauda equina guidance; clot signs).
"""

from __future__ import annotations

from .records import NamedTuple

EMERGENCY_NUMBER = "your local emergency number (for example 112, 911 or 999)"


class Tier(NamedTuple):
    title: str
    signs: tuple[str, ...]


EMERGENCY = Tier(
    f"Call {EMERGENCY_NUMBER} now",
    (
        "Signs of a stroke (FAST): the face drooping, an arm weak or numb, speech slurred or strange — "
        "and also sudden double vision, trouble swallowing, loss of balance, or dizziness with neck pain "
        "or a headache.",
        "A sudden, severe headache, the worst you have ever had.",
        "Neck pain with new numbness, tingling or weakness in the arms or legs, or with any sign above.",
        "Numbness around the genitals or buttocks, or new trouble controlling your bladder or bowels.",
        "Chest pain, or sudden breathlessness.",
        "A swollen, warm, painful calf together with breathlessness or chest pain (a clot that may have travelled).",
    ),
)

CRISIS = (
    f"If you feel unsafe or think of harming yourself, get help now: call {EMERGENCY_NUMBER}, "
    "or a crisis line where you live."
)

TODAY = Tier(
    "See a doctor today",
    (
        "New numbness, tingling or weakness in an arm or leg that came on gradually.",
        "A swollen, warm, red or painful calf (a possible clot), without breathlessness.",
        "A headache with a fever, a stiff neck or a rash.",
        "Over 50: jaw pain when chewing together with a headache or changes in vision.",
        "Pain after a fall or an accident.",
    ),
)

BOOK = Tier(
    "Book an appointment with a doctor or physiotherapist",
    (
        "A fever or weight loss you cannot explain, together with your pain.",
        "Pain that is much worse at night.",
        "New back pain when you have had cancer.",
        "Pain that is getting worse, is different from usual, or is not improving after about two weeks "
        "of regular practice.",
        "Pain you log at 7/10 or more, or pain higher after a session than before, twice in a row "
        "(selfcare pauses or softens the practices for it and tells you).",
    ),
)

TIERS = (EMERGENCY, TODAY, BOOK)

WHO = (
    "A doctor, or emergency services, for any sign above.",
    "A physiotherapist, who can find out why pain lingers or keeps coming back.",
    "A licensed or certified massage therapist (in the US: board certification by NCBTMB, or membership of AMTA or ABMP).",
)

# Shown once, before the first plan or when the profile is first saved (paragraphs, wrapped to the screen).
DISCLAIMER = (
    "selfcare suggests gentle self-care. It is not medical advice, and it does not diagnose or treat anything. "
    "Stop any practice that hurts, makes you dizzy or feels wrong.",
    "Call emergency services at once for signs of a stroke (face drooping, arm weakness, slurred speech), "
    "a sudden severe headache, chest pain or sudden breathlessness, or numbness around the genitals; "
    "see a doctor today for a headache with fever and a stiff neck, or a swollen painful calf. "
    "'selfcare red-flags' lists them all.",
)

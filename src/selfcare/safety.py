"""The red flags (symptoms that mean stop and see a clinician) and the disclaimer that points to them.

Shown plainly by `selfcare red-flags`, and pointed to by every red-flag
message the coach raises. docs/content-guide.md gives the sources.
"""

from __future__ import annotations

EMERGENCY = (
    "A sudden, severe headache, the worst you have ever had: call emergency services now.",
    "Chest pain, or pain with shortness of breath or sweating: call emergency services now.",
)

SEE_A_CLINICIAN_TODAY = (
    "New numbness, tingling or weakness in your face, arms or legs, or in both legs.",
    "Numbness around the genitals or buttocks, or changes in bladder or bowel control.",
    "Double vision, dizziness, fainting, or changes in speech, swallowing or balance.",
    "Headache with fever, a stiff neck, a rash, jaw pain when chewing, or changes in vision.",
    "Pain after a fall or an accident.",
    "Fever, or weight loss you cannot explain, with your pain.",
    "Pain that is much worse at night.",
    "New back pain when you have had cancer.",
)

SEE_A_PROFESSIONAL = (
    "Pain that is getting worse, is different from usual, or is not improving after about two weeks of regular practice.",
    "Pain you log at 7/10 or more, or pain that is higher after a session than before, twice in a row.",
)

WHO = (
    "A doctor for any of the symptoms above.",
    "A physiotherapist for pain that lingers or keeps coming back.",
    "A licensed or certified massage therapist (in the US: board certification by NCBTMB, or membership of AMTA or ABMP).",
)

# Shown once, before the first plan or when the profile is first saved.
DISCLAIMER = (
    "selfcare suggests gentle self-care; it is not medical advice and does not diagnose "
    "or treat anything. Stop any practice that hurts, makes you dizzy or feels wrong. "
    "If you notice a red flag (new numbness or weakness, chest pain, a sudden severe "
    "headache, pain after a fall, fever with a stiff neck; see 'selfcare red-flags'), "
    "stop and see a clinician."
)

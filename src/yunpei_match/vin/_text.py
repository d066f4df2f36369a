"""VIN findings in words: one sentence per reason code, naming the position and what was meant.

The reason codes of :mod:`.vin` stay the machine interface (batch outputs and reject reasons
carry them); these sentences are for the person at the counter who typed the VIN. Positions are
counted from 1, as on a registration certificate. A letter where a digit belongs is most often
a look-alike typed by hand or misread by OCR, so the sentence names the digit it resembles.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["LOOKALIKE_DIGITS", "explain_codes"]

#: The digit a letter is most often typed for. I, O and Q are never used in a VIN at all; the
#: others are letters a VIN may hold, but not where the rules want a digit.
LOOKALIKE_DIGITS = {"I": "1", "O": "0", "Q": "0", "B": "8", "D": "0", "G": "6", "S": "5", "Z": "2"}
_NEVER = "IOQ"


def _meant(char: str) -> str:
    digit = LOOKALIKE_DIGITS.get(char)
    return f"; did you mean {digit}?" if digit else ""


def _letters(vin: str, positions: range, skip: str = "") -> list[tuple[int, str]]:
    return [(p + 1, vin[p]) for p in positions if not vin[p].isdigit() and vin[p] not in skip]


def _letter_ioq(vin: str, _: Callable[[str], str]) -> list[str]:
    return [
        f"letter {c} at position {p}: VINs never use I, O or Q{_meant(c)}"
        for p, c in _letters(vin, range(len(vin)))
        if c in _NEVER
    ]


def _vis_digits(vin: str, _: Callable[[str], str]) -> list[str]:
    found = _letters(vin, range(13, 17), skip=_NEVER)  # I, O and Q have their own sentence
    if not found:
        return []
    letters = " and ".join(f"{c} at position {p}" for p, c in found)
    looks = dict.fromkeys(c for _, c in found if c in LOOKALIKE_DIGITS)
    meant = ", ".join(f"{LOOKALIKE_DIGITS[c]} for {c}" for c in looks)
    return [
        f"letter{'s' * (len(found) > 1)} {letters}, but positions 14-17 are digits in every VIN "
        f"(ISO 3779, GB 16735, 49 CFR 565){f'; did you mean {meant}?' if meant else ''}"
    ]


def _vis_digit_13(vin: str, _: Callable[[str], str]) -> list[str]:
    return [
        f"position 13 is the letter {c}: North-American cars, MPVs and light trucks (up to "
        f"10,000 lb GVWR) have a digit there (49 CFR 565.15), buses and heavy trucks need not"
        f"{_meant(c)}"
        for _, c in _letters(vin, range(12, 13), skip=_NEVER)
    ]


def _character(vin: str, _: Callable[[str], str]) -> list[str]:
    bad = [(p + 1, c) for p, c in enumerate(vin) if not (c.isascii() and c.isalnum())]
    return [f"character {c!r} at position {p} is not a letter or digit" for p, c in bad[:3]]


def _check_digit(vin: str, expected: Callable[[str], str]) -> list[str]:
    return [
        f"position 9 is {vin[8]}, not the check digit {expected(vin)} of the other 16 characters"
    ]


_SENTENCES: dict[str, Callable[[str, Callable[[str], str]], list[str]]] = {
    "missing": lambda vin, _: ["no VIN was given"],
    "empty": lambda vin, _: ["nothing is left once spaces, dashes and dots are removed"],
    "length": lambda vin, _: [
        f"{len(vin)} characters (without spaces, dashes and dots); a VIN has 17"
    ],
    "character": _character,
    "letter_ioq": _letter_ioq,
    "year_code": lambda vin, _: [
        f"position 10 is {vin[9]}, which is not a model-year code (U, Z and 0 never are)"
    ],
    "check_digit": _check_digit,
    "vis_digits": _vis_digits,
    "vis_digit_13": _vis_digit_13,
}


def explain_codes(
    vin: str | None, codes: tuple[str, ...], check_digit: Callable[[str], str]
) -> list[str]:
    """Sentences for the reason codes ``codes`` of the normalised VIN ``vin``.

    ``check_digit`` computes the check digit of a 17-character VIN (asked only when
    ``check_digit`` is among the codes, which means it could be computed).
    """
    return [line for code in codes for line in _SENTENCES[code](vin or "", check_digit)]

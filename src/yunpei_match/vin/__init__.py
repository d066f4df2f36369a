"""VINs: normalise, validate and decode vehicle identification numbers, one or millions at a time.

A VIN is read the way a repair shop types it: full-width characters from a Chinese input method
(U+FF01-U+FF5E) become ASCII, lower case becomes upper case, and ASCII spaces, ``-``, ``.`` and
the ideographic space U+3000 are dropped, so ``lsvau 218x-n2183294`` is read as
``LSVAU218XN2183294``. Nothing else is changed: control characters, emoji or Chinese text stay
and make the VIN invalid. The result's ``vin`` is this normalised form.

What is checked, each finding named by a reason code (the machine interface: batch outputs carry
these codes; :func:`explain_vin` says the same in words, with positions and look-alike hints):

============ ==================================================== ======= ======= ===========
code         finding                                              cn      na      eu, any
============ ==================================================== ======= ======= ===========
missing      the input is null (``None``)                         invalid invalid invalid
empty        nothing is left after normalisation                  invalid invalid invalid
length       not 17 characters                                    invalid invalid invalid
character    a character other than A-Z and 0-9                   invalid invalid invalid
letter_ioq   the letters I, O or Q, never used in VINs            invalid invalid invalid
year_code    position 10 is U, Z or 0 (not a model-year code)     invalid invalid warning
check_digit  position 9 is not the check digit                    invalid invalid warning
vis_digits   a letter among positions 14-17                       invalid invalid invalid
vis_digit_13 a letter in position 13                              --      warning --
============ ==================================================== ======= ======= ===========

The rules of each region:

- ``"cn"``: GB 16735 (2019). The check digit in position 9 is mandatory, position 10 is the
  model-year code, and the last four characters of the VIS (positions 14-17) are digits.
- ``"na"``: 49 CFR 565.15. The check digit is mandatory and position 10 is the model year. The
  last four characters (14-17) are digits for every vehicle; for passenger cars, MPVs and
  trucks up to 10,000 lb GVWR the last five (13-17) are. A VIN does not say which kind of
  vehicle it is (a letter at 13 is right for a bus or a heavy truck), so a letter at 13 is a
  warning (``vis_digit_13``), not a reason.
- ``"eu"``: ISO 3779 as EU type approval applies it. The last four characters are digits; no
  check digit is required (position 9 is often ``Z`` or any digit) and position 10 is often
  ``0``, so both are warnings.
- ``"any"``: what every region requires (the ISO 3779 core), with the same warnings as ``"eu"``.

The check digit is only computed for 17 characters from the VIN alphabet; ``check_digit_ok`` is
null otherwise.

Decoding reads positions from any VIN of 17 letters and digits, valid or not: the WMI (1-3), the
VDS (4-9), the VIS (10-17), the plant code (11) and the serial. A WMI whose third character is
``9`` belongs to a small manufacturer (fewer than 1,000 vehicles a year under 49 CFR 565 and
GB 16735, 500 under ISO 3780): its manufacturer code is the WMI plus positions 12-14
(``maker_code``, six characters) and its serial only positions 15-17; every other VIN has no
``maker_code`` and its serial is positions 12-17.

Who and where come from two tables. ``maker`` (the company the WMI is allocated to), ``brand``
(the one brand its vehicles carry, null when the WMI is shared by several brands, as FCA US's
``1C6`` is by Ram and Jeep) and ``country`` (the country its vehicles are built in) come from
``data/wmi.tsv``, null for a WMI not in it. ``origin_country`` and ``origin_area`` come from
the ISO 3780 allocation of the WMI's first two characters and first character: the national
body that issued the code, which is usually but not always where the cars are built (Tesla's
``XP7``: ``country`` Germany, ``origin_country`` the Netherlands). A catalogue's candidate
vehicles (``catalog.vins``) name the brand a shared WMI leaves open.

A model-year code stands for two years 30 years apart (``K`` = 1989 or 2019). Under
``region="na"`` the position-7 rule of 49 CFR 565.15 picks one: a digit in position 7 means
1980-2009, a letter 2010-2039. The rule holds for cars, MPVs and trucks up to 10,000 lb GVWR,
not for heavy trucks and buses, and not for Chinese or European VINs, so every other region gets
both candidates; a catalogue's year ranges decide between them.

Examples
--------
>>> from yunpei_match.vin import decode_vin, validate_vin
>>> validate_vin("1m8gdm9axkp042788")
VinVerdict(vin='1M8GDM9AXKP042788', valid=True, reasons=(), warnings=())
>>> validate_vin("WP0ZZZ99ZTS392124", region="eu").warnings
('check_digit',)
>>> decoding = decode_vin("LFV2A21K6A3092399")
>>> decoding.maker, decoding.country, decoding.model_years
('FAW-Volkswagen', 'China', (1980, 2010))
"""

from .decode import (
    REASONS,
    Region,
    VinDecoding,
    VinVerdict,
    decode_vin,
    decode_vins,
    explain_vin,
    validate_vin,
    validate_vins,
)
from .decode import (
    check_region as check_region,
)
from .decode import (
    home_region as home_region,
)
from .decode import (
    vin_characters as vin_characters,
)
from .index import (
    VinIndex,
)
from .index import (
    check_patterns as check_patterns,
)
from .index import (
    encode_vin_patterns as encode_vin_patterns,
)

__all__ = [
    "REASONS",
    "Region",
    "VinDecoding",
    "VinIndex",
    "VinVerdict",
    "decode_vin",
    "decode_vins",
    "explain_vin",
    "validate_vin",
    "validate_vins",
]

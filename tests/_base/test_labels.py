"""Categories, brands and positions a user names: one rule (case, width and spacing ignored)
in every query that takes them, and one error for a name the catalogue does not have."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yunpei_match as ym
from yunpei_match._base.labels import Labels
from yunpei_match.batch import FitmentJob, run_job
from yunpei_match.cli import main
from yunpei_match.offers import offers_many

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
VEHICLE = "V010001"
VIN = "LFV2A26F1KM333275"


@pytest.fixture(scope="module")
def samples() -> ym.Catalog:
    return ym.Catalog.from_parquet(SAMPLES)


@pytest.mark.parametrize(
    ("category", "position"),
    [
        ("Brake Pads", "Front"),
        ("  brake   pads ", "FRONT"),
        ("ＢＲＡＫＥ　ＰＡＤＳ", "ｆｒｏｎｔ"),  # full-width, from a Chinese input method
    ],
)
def test_fitment_matches_categories_and_positions_however_typed(samples, category, position):
    fitment = samples.fitment
    exact = fitment.parts_for_vehicle(VEHICLE, category="brake pads", position="front")
    assert exact.num_rows > 0
    assert fitment.parts_for_vehicle(VEHICLE, category=category, position=position).equals(exact)
    by_vin = fitment.parts_for_vin(VIN, category="brake pads", position="front")
    assert fitment.parts_for_vin(VIN, category=category, position=position).equals(by_vin)


def test_batch_categories_follow_the_same_rule(samples):
    fitment = samples.fitment
    vehicles = [VEHICLE] * 4
    exact = fitment.parts_for_vehicles(vehicles, categories=["brake pads", "oil filter"] * 2)
    typed = ["Brake Pads", " OIL  FILTER", "ｂｒａｋｅ ｐａｄｓ", "Oil Filter"]
    assert fitment.parts_for_vehicles(vehicles, categories=typed).equals(exact)
    encoded = pa.array(typed).dictionary_encode()  # as parquet and polars deliver them
    assert fitment.parts_for_vehicles(vehicles, categories=encoded).equals(exact)
    one = fitment.parts_for_vehicles(vehicles, categories="BRAKE PADS")
    assert one.equals(fitment.parts_for_vehicles(vehicles, categories="brake pads"))


def test_a_position_in_the_catalogue_is_needed(samples):
    with pytest.raises(
        ym.UnknownIdError,
        match=r"^position 'frnt' is not in the catalogue \(4 positions: 'front', 'front left', "
        r"'front right', 'rear'\); did you mean 'front'\?$",
    ):
        samples.fitment.parts_for_vehicle(VEHICLE, position="frnt")
    with pytest.raises(ym.UnknownIdError, match=r"^position 'frnt'"):
        samples.fitment.parts_for_vin(VIN, position="frnt")
    rear = samples.fitment.parts_for_vin(VIN, category="brake pads", position="Rear")
    assert set(rear.column("position").to_pylist()) == {"rear"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.fitment.parts_for_vehicle(VEHICLE, category="brake pad"),
            r"^category 'brake pad' is not in the catalogue \(25 categories\); "
            r"did you mean 'brake pads'\?$",
        ),
        (
            lambda c: c.fitment.parts_for_vehicle(VEHICLE, category="sandwiches"),
            r"^category 'sandwiches' is not in the catalogue \(25 categories, such as "
            r"'accessory', 'air filter', 'battery'\.\.\.\)$",
        ),
        (
            lambda c: c.fitment.parts_for_vehicles([VEHICLE] * 2, categories=["tyres", "tyre"]),
            r"^category 'tyre' at row 1 is not in the catalogue \(25 categories\); "
            r"did you mean 'tyres'\?$",
        ),
        (
            lambda c: c.offers(
                vehicle_id=VEHICLE,
                category="oil filtre",
                lat=23.0,
                lon=113.7,
                inventory=ym.Inventory.from_parquet(c, SAMPLES),
            ),
            r"^category 'oil filtre' is not in the catalogue .*did you mean 'oil filter'\?$",
        ),
        (
            lambda c: c.numbers.lookup("W 712/95", brand="Man"),
            r"^brand 'Man' is not in the catalogue \(43 brands\); did you mean 'Mann-Filter'\?$",
        ),
    ],
)
def test_an_unknown_name_says_what_is_known(samples, call, message):
    with pytest.raises(ym.UnknownIdError, match=message):
        call(samples)


def test_brands_are_matched_however_typed(samples):
    numbers = samples.numbers
    exact = numbers.lookup("W 712/95", brand="Mann-Filter")
    assert exact.num_rows == 1
    for typed in ("mann-filter", "MANN-FILTER", " Mann-Filter ", "ＭＡＮＮ－ＦＩＬＴＥＲ"):
        assert numbers.lookup("W 712/95", brand=typed).equals(exact)
    assert numbers.lookup("W 712/95", brand="bosch").num_rows == 0  # a brand, not this number's


def test_offers_and_batch_jobs_match_categories_the_same_way(samples, tmp_path):
    inventory = ym.Inventory.from_parquet(samples, SAMPLES)
    shop = {"lat": 22.9944, "lon": 113.7049}
    exact = samples.offers(vehicle_id=VEHICLE, category="oil filter", inventory=inventory, **shop)
    assert exact.num_rows > 0
    typed = samples.offers(vehicle_id=VEHICLE, category="Oil Filter", inventory=inventory, **shop)
    assert typed.equals(exact)
    answers = []
    for categories in (["oil filter", "tyres"], ["OIL FILTER", " Tyres"]):
        requests = {"vehicle_id": [VEHICLE] * 2, "category": categories}
        offered = offers_many(samples, {**requests, **{k: [v] * 2 for k, v in shop.items()}},
                              inventory=inventory)  # fmt: skip
        path, out = tmp_path / f"{len(answers)}.parquet", tmp_path / f"{len(answers)}-out.parquet"
        pq.write_table(pa.table(requests), path)
        report = run_job(FitmentJob(samples), path, out)
        assert report.rejected == 0
        answers.append((offered, pq.read_table(out)))
    assert answers[0][0].num_rows > 0 and answers[0][1].num_rows > 0
    assert answers[0][0].equals(answers[1][0]) and answers[0][1].equals(answers[1][1])


def test_two_categories_that_differ_only_in_case_are_refused():
    parts = {
        "part_id": ["P1", "P2"],
        "brand": ["Bosch", "Bosch"],
        "part_number": ["0 986 494 948", "0 986 494 949"],
        "category": ["brake pads", "Brake Pads"],
    }
    with pytest.raises(ym.DuplicateIdError, match=r"^parts.category has 'Brake Pads' and "):
        ym.Catalog.from_tables(
            vehicles={"vehicle_id": [], "make": [], "model": [], "year": []}, parts=parts
        )


def test_fit_with_an_unknown_position_is_an_error(capsys):
    assert main(["fit", str(SAMPLES), VEHICLE, "--position", "frnt", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("yunpei-match: error: position 'frnt' is not in the catalogue")
    assert "did you mean 'front'?" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["number", "{nowhere}", "W71295", "--search", "--max-edits", "7"],
        ["search", "{nowhere}", "--requests", "{nowhere}/r.parquet", "--out", "{nowhere}/o"],
    ],
)
def test_max_edits_is_checked_before_the_index_is_loaded(capsys, tmp_path, argv):
    nowhere = tmp_path / "no index here"  # loading it would fail: the option fails first
    argv = [a.format(nowhere=nowhere) for a in argv]
    if "--max-edits" not in argv:
        argv += ["--max-edits", "7"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "argument --max-edits: max_edits must be between 0 and 4, got 7" in err


def test_delivery_tier_rules_name_categories_by_the_same_rule():
    from yunpei_match.stock.tiers import DeliveryTiers, TierRule, compile_rules

    tiers = DeliveryTiers(
        [
            TierRule("1-3h", 3, max_km=50, categories=("Brake Pads", "ＢＡＴＴＥＲＹ")),
            TierRule("next-day", 24, max_km=800),
        ]
    )
    assert tiers.tier_of("front", 10.0, "brake pads") == "1-3h"
    assert tiers.tier_of("front", 10.0, "tyres") == "next-day"
    _, _, category_rules = compile_rules(tiers, ["front"], ["battery", "brake pads", "tyres"])
    assert category_rules.tolist() == [0b11, 0b11, 0b10]


def _full_width(text: str) -> str:
    """ASCII as a Chinese input method types it: full-width forms, the ideographic space."""
    shifted = (chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    return "".join(shifted).replace(" ", "\u3000")


SPELLINGS = [str.upper, str.title, _full_width, lambda t: f"  {t.replace(' ', '   ')}\t"]
CATEGORIES = ["oil filter", "brake pads", "wiper blades", "Lemförder kit", "刹车片"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(SPELLINGS)), max_size=12))
def test_every_spelling_finds_its_label_alike_in_scalar_and_batch_form(typed):
    labels = Labels(pa.array(sorted(CATEGORIES)), "category", "categories", unique="parts.category")
    spelled = [spell(name) for name, spell in typed]
    expected = [sorted(CATEGORIES).index(name) for name, _ in typed]
    assert [labels.code(text) for text in spelled] == expected
    assert labels.codes(spelled).tolist() == expected
    encoded = pa.chunked_array([pa.array(spelled, pa.string()).dictionary_encode()])
    assert labels.codes(encoded).tolist() == expected

"""poses/*.toml: the bundled definitions load, and malformed ones are rejected with file, field, problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from formcheck.definitions.loader import find_exercise, load_exercises
from formcheck.definitions.schema import normalize_name
from formcheck.errors import PosesFileError, UnknownExerciseError

GUIDE_VARIANTS = {
    "hip-flexor-stretch": {"half-kneeling", "hand-supported"},
    "hamstring-stretch": {"supine-knee-to-chest", "standing-toe-reach", "split-stance-wall"},
    "leg-lifts": {"supine-bent-knee", "standing-straight-leg", "supine-leg-to-chest", "side-lying"},
}


def test_bundled_definitions_cover_every_variant_in_the_guide():
    ex = load_exercises()
    for name, variants in GUIDE_VARIANTS.items():
        assert variants <= {v.name for v in ex[name].variants}


def test_every_rule_has_an_actionable_cue_and_a_source():
    for e in load_exercises().values():
        for v in e.variants:
            assert v.source, f"{e.name}/{v.name} has no source"
            for r in v.rules:
                assert r.source and r.message[0].isupper(), f"{e.name}/{v.name}/{r.code}"


def test_guide_numbers_are_in_the_definitions():
    ex = load_exercises()
    for name, variants in GUIDE_VARIANTS.items():
        for v in (ex[name].variant(n) for n in variants):
            if v.reps is None:
                assert v.hold.target_s == 30 and v.hold.max_s == 60
            else:
                assert v.reps_target == (10, 15)
    assert ex["leg-lifts"].variant("standing-straight-leg").hold.target_s == 10


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("leg-lifts", "leg-lifts"),
        ("leg_lifts", "leg-lifts"),
        ("Leg Lifts", "leg-lifts"),
        ("HIP_FLEXOR_STRETCH", "hip-flexor-stretch"),
        ("hamstring", "hamstring-stretch"),
    ],
)
def test_exercise_names_accept_underscores_case_and_aliases(name, expected):
    assert find_exercise(name, load_exercises()).name == expected


def test_unknown_exercise_and_variant_list_the_valid_names():
    ex = load_exercises()
    with pytest.raises(UnknownExerciseError, match=f"choose one of: {', '.join(sorted(ex))}"):
        find_exercise("squats", ex)
    with pytest.raises(UnknownExerciseError, match="supine-bent-knee"):
        ex["leg-lifts"].variant("sideways")
    assert normalize_name(" Side_Lying ") == "side-lying"


VALID = """
name = "demo"
title = "Demo"
[[variants]]
name = "one"
title = "One"
orientation = "standing"
[variants.reps]
enter = 150.0
exit = 165.0
[variants.cues]
up = "Lower it slowly"
[[variants.rules]]
code = "knee_bent"
message = "Keep the knee straight"
leg = "working"
feature = "knee"
below = 150.0
during = "up"
"""


def write(tmp_path: Path, text: str, name: str = "demo.toml") -> Path:
    (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def test_valid_minimal_definition_loads(tmp_path):
    ex = load_exercises(write(tmp_path, VALID))
    assert ex["demo"].variants[0].rules[0].code == "knee_bent"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('title = "One"\n', "", ""), r"variants\.0\.title: Field required"),
        (("enter = 150.0", 'enter = "high"', ""), r"enter: Input should be a valid number"),
        (("enter = 150.0", "enter = nan", ""), r"reps\.enter: Input should be a finite number"),
        (("exit = 165.0", "exit = 140.0", ""), "must be above enter"),
        (("exit = 165.0", 'exit = 165.0\ndirection = "rising"', ""), "must be below enter"),
        (("enter = 150.0", 'enter = 150.0\nsignal = "hips"', ""), "unknown rep signal feature 'hips'"),
        (("enter = 150.0", "enter = 450.0", ""), "not an angle in 0-360"),
        (('feature = "knee"', 'feature = "kne"', ""), "unknown feature 'kne'"),
        (("\nbelow = 150.0", "\nbelw = 150.0", ""), r"belw: Extra inputs are not permitted"),
        (('orientation = "standing"', 'orientation = "upside-down"', ""), "orientation"),
        (("[variants.reps]\nenter = 150.0\nexit = 165.0\n", "", ""), r"needs \[reps\], \[hold\] or both"),
        (('leg = "working"', 'leg = "front"', ""), "leg 'front' does not exist"),
        (('up = "Lower it slowly"', 'holding = "Hold it"', ""), "'holding' is not a phase of this variant"),
        (('code = "knee_bent"', 'code = "knee_bent"\nkind = "hold"', ""), "kind 'hold' judges a rep's top hold"),
        (('orientation = "standing"', 'orientation = "standing"\nlegs = "stance"', ""), "reps need legs"),
        (("exit = 165.0", "exit = 165.0\n[variants.hold]\ntarget_s = 10\nmax_s = 5", ""), "must not be below"),
        (('during = "up"', 'during = "hold"', ""), "during='hold' needs \\[hold\\]"),
    ],
)
def test_malformed_definitions_are_rejected_with_file_field_and_problem(tmp_path, change, message):
    old, new, _ = change
    assert old in VALID
    write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(PosesFileError, match=message) as err:
        load_exercises(tmp_path)
    assert str(tmp_path / "demo.toml") in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "demo"\ntitle = [unclosed', "not valid TOML"),
        ('name = "demo"\ntitle = "Demo"\n', r"variants: Field required"),
        ('name = "demo"\ntitle = "Demo"\nvariants = []\n', r"variants: List should have at least 1 item"),
        (VALID + VALID.split("[[variants]]")[1].join(["[[variants]]", ""]), "duplicated variant name"),
        (
            VALID.replace(
                "[[variants.rules]]", "[variants.target.legs.front]\nhip = [100.0, 90.0]\n[[variants.rules]]"
            ),
            "inverted or empty",
        ),
        (
            VALID.replace(
                "[[variants.rules]]", "[variants.target.legs.working]\nhip = [10.0, 400.0]\n[[variants.rules]]"
            ),
            "not an angle",
        ),
    ],
)
def test_more_malformed_files(tmp_path, text, message):
    write(tmp_path, text)
    with pytest.raises(PosesFileError, match=message):
        load_exercises(tmp_path)


def test_duplicate_exercise_names_across_files(tmp_path):
    write(tmp_path, VALID, "a.toml")
    write(tmp_path, VALID, "b.toml")
    with pytest.raises(PosesFileError, match=r"already defined in a\.toml"):
        load_exercises(tmp_path)


def test_empty_or_missing_directory(tmp_path):
    with pytest.raises(PosesFileError, match="no exercise definitions"):
        load_exercises(tmp_path)
    with pytest.raises(PosesFileError, match="not found"):
        load_exercises(tmp_path / "nope")

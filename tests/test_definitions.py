"""Definitions (issue 16): a ``poses/*.toml`` file that is wrong in any way a hand can make it wrong is rejected
with one line naming the file, the field and the problem. Hand-written cases, one per class of mistake
(mutations of the bundled definitions: ``test_definitions_fuzz.py``).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from formcheck.definitions.loader import load_exercises
from formcheck.errors import PosesFileError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
POSES = ROOT / "poses"
SAMPLES = ROOT / "sample_videos"
REAL: dict[str, dict[str, Any]] = {p.name: tomllib.loads(p.read_text("utf-8")) for p in sorted(POSES.glob("*.toml"))}

# ---------------------------------------------------------------------------------------------------------
# Hand-written cases: one per class of mistake, each an edit of a definition that is valid as it stands.

VALID = """\
name = "demo"
title = "Demo"
aliases = ["demo-lift"]

[[variants]]
name = "lift"
title = "Lift"
orientation = "standing"
reps_target = [10, 15]

[variants.reps]
signal = "hip"
enter = 150.0
exit = 165.0

[variants.hold]
target_s = 5.0
max_s = 20.0

[variants.target.legs.working]
hip = [70.0, 110.0]
knee = [55.0, 125.0]

[variants.detect]
torso_incl = [0.0, 30.0]

[[variants.rules]]
code = "knee_bent"
message = "Keep the knee straight"
leg = "working"
feature = "knee"
below = 150.0
during = "up"
side_view_only = true

[[variants.rules]]
code = "lowering_too_fast"
message = "Lower the leg slowly"
kind = "transition"
from_value = 140.0
to_value = 160.0
max_speed = 90.0

[variants.cues]
rest = "Lift one leg"
up = "Lower it slowly"
"""
VARIANT = VALID[VALID.index("[[variants]]") :]


def edit(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, old  # each edit changes exactly what its case says
    return text.replace(old, new)


@dataclass(frozen=True)
class Case:
    files: dict[str, str | bytes]
    bad: str  # the file the message must name
    field: str | None  # the dotted path the message must name (None: the file as a whole)
    problem: str  # a word or phrase for what is wrong


def case(text: str | bytes, field: str | None, problem: str) -> Case:
    return Case({"demo.toml": text}, "demo.toml", field, problem)


CASES: dict[str, Case] = {
    "missing field": case(edit('title = "Lift"\n', ""), "variants.0.title", "Field required"),
    "missing hold target": case(edit("target_s = 5.0\n", ""), "variants.0.hold.target_s", "Field required"),
    "string for a number": case(edit("enter = 150.0", 'enter = "150"'), "variants.0.reps.enter", "valid number"),
    "boolean for a number": case(edit("exit = 165.0", "exit = true"), "variants.0.reps.exit", "valid number"),
    "number for a range": case(
        edit("hip = [70.0, 110.0]", "hip = 90.0"), "variants.0.target.legs.working.hip", "tuple"
    ),
    "float for a count": case(edit("[10, 15]", "[10.5, 15]"), "variants.0.reps_target.0", "valid integer"),
    "string for a flag": case(
        edit("side_view_only = true", 'side_view_only = "yes"'), "variants.0.rules.0.side_view_only", "valid boolean"
    ),
    "list for a table": case(
        edit('during = "up"', 'during = "up"\nwhen = []'), "variants.0.rules.0.when", "dictionary"
    ),
    "NaN": case(edit("exit = 165.0", "exit = nan"), "variants.0.reps.exit", "finite number"),
    "inf": case(edit("max_s = 20.0", "max_s = inf"), "variants.0.hold.max_s", "finite number"),
    "-inf in a range": case(edit("[70.0, 110.0]", "[-inf, 110.0]"), "variants.0.target.legs.working.hip.0", "finite"),
    "NaN duration": case(edit("max_speed = 90.0", "max_speed = nan"), "variants.0.rules.1.max_speed", "finite"),
    "angle 720": case(edit("enter = 150.0", "enter = 720.0"), "variants.0.reps.enter", "not an angle"),
    "angle -5": case(edit("below = 150.0", "below = -5.0"), "variants.0.rules.0.below", "not an angle"),
    "angle range past 360": case(
        edit("knee = [55.0, 125.0]", "knee = [55.0, 400.0]"), "variants.0.target.legs.working.knee", "not an angle"
    ),
    "transition from 720": case(
        edit("from_value = 140.0", "from_value = 720.0"), "variants.0.rules.1.from_value", "not an angle"
    ),
    "absurd length": case(
        edit("torso_incl = [0.0, 30.0]", "torso_incl = [0.0, 30.0]\nhip_height = [0.0, 1e9]"),
        "variants.0.detect.hip_height",
        "out of bounds",
    ),
    "sine past 1": case(
        edit("torso_incl = [0.0, 30.0]", "torso_incl = [0.0, 30.0]\nfacing_camera = [0.5, 2.0]"),
        "variants.0.detect.facing_camera",
        "out of bounds",
    ),
    "inverted range": case(edit("[70.0, 110.0]", "[110.0, 70.0]"), "variants.0.target.legs.working.hip", "inverted"),
    "empty range": case(edit("[0.0, 30.0]", "[30.0, 30.0]"), "variants.0.detect.torso_incl", "empty"),
    "inverted rule band": case(
        edit("below = 150.0", "below = 150.0\nabove = 140.0"), "variants.0.rules.0.below", "inverted or empty"
    ),
    "inverted hysteresis": case(edit("exit = 165.0", "exit = 140.0"), "variants.0.reps.exit", "must be above"),
    "hold max below target": case(edit("max_s = 20.0", "max_s = 2.0"), "variants.0.hold.max_s", "must not be below"),
    "inverted reps target": case(edit("[10, 15]", "[15, 10]"), "variants.0.reps_target", "low <= high"),
    "transition to itself": case(edit("to_value = 160.0", "to_value = 140.0"), "variants.0.rules.1.to_value", "differ"),
    "unknown placeholder": case(
        edit('message = "Keep the knee straight"', 'message = "Keep the knee {angle}"'),
        "variants.0.rules.0.message",
        "the only placeholder",
    ),
    "hold placeholder without a hold": case(
        edit(
            "[variants.hold]\ntarget_s = 5.0\nmax_s = 20.0\n", "", edit('title = "Lift"', 'title = "Lift {hold_s} s"')
        ),
        "variants.0.title",
        "needs a [hold]",
    ),
    "unknown key, top level": case(edit('title = "Demo"', 'title = "Demo"\ncolour = "red"'), "colour", "not permitted"),
    "unknown key, variant": case(
        edit('title = "Lift"', 'title = "Lift"\nrepz = 3'), "variants.0.repz", "not permitted"
    ),
    "unknown key, rule": case(edit("below = 150.0", "belw = 150.0"), "variants.0.rules.0.belw", "not permitted"),
    "unknown key, reps": case(
        edit("exit = 165.0", "exit = 165.0\nthreshold = 1"), "variants.0.reps.threshold", "not permitted"
    ),
    "duplicate variant names": case(VALID + VARIANT, "variants.1.name", "duplicated variant name"),
    "duplicate rule codes": case(
        edit('code = "lowering_too_fast"', 'code = "knee_bent"'), "variants.0.rules.1.code", "duplicated"
    ),
    "cue for a phase the variant lacks": case(
        edit('rest = "Lift one leg"', '"in posit" = "Hold"'), 'variants.0.cues."in posit"', "not a phase"
    ),
    "unknown feature in a rule": case(
        edit('feature = "knee"', 'feature = "kne"'), "variants.0.rules.0.feature", "unknown feature"
    ),
    "unknown feature in a target": case(
        edit("knee = [55.0, 125.0]", "knees = [55.0, 125.0]"),
        "variants.0.target.legs.working.knees",
        "unknown leg feature",
    ),
    "unknown rep signal": case(
        edit('signal = "hip"', 'signal = "hips"'), "variants.0.reps.signal", "unknown rep signal"
    ),
    "unknown orientation": case(
        edit('orientation = "standing"', 'orientation = "upside-down"'), "variants.0.orientation", "Input should be"
    ),
    # A key with a line break stays on one line, quoted as TOML would write it.
    "unknown leg role": case(
        edit("legs.working]", 'legs."work\\ning"]'), 'variants.0.target.legs."work\\ning"', "does not exist"
    ),
    "empty alias": case(edit('["demo-lift"]', '[" "]'), "aliases.0", "empty"),
    "TOML syntax error": case(edit('title = "Demo"', 'title = "Demo'), None, "not valid TOML"),
    "not UTF-8": case(
        VALID.encode() + "# Größe\n".encode("latin-1"), None, f"not UTF-8 text (line {len(VALID.splitlines()) + 1})"
    ),
    "duplicate exercise names across files": Case(
        {"a.toml": VALID, "b.toml": edit('["demo-lift"]', "[]")}, "b.toml", "name", "duplicate name 'demo'"
    ),
    "alias that another file defines": Case(
        {"a.toml": VALID, "b.toml": edit('name = "demo"', 'name = "other"')}, "b.toml", "aliases.0", "duplicate name"
    ),
}


def assert_one_line_rejection(message: str, path: Path, field: str | None, problem: str) -> None:
    assert "\n" not in message and "\r" not in message, message
    head = f"{path}: {field}: " if field is not None else f"{path}: "
    assert message.startswith(head), message
    said = message.removeprefix(head)
    assert said.strip() and problem in said, message


def write_files(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


def test_the_cases_start_from_a_valid_definition(tmp_path):
    ex = load_exercises(write_files(tmp_path, {"demo.toml": VALID}))["demo"]
    assert [r.code for r in ex.variants[0].rules] == ["knee_bent", "lowering_too_fast"]


@pytest.mark.parametrize("c", list(CASES.values()), ids=list(CASES))
def test_each_malformed_definition_is_rejected_with_file_field_and_problem(tmp_path, c):
    with pytest.raises(PosesFileError) as err:
        load_exercises(write_files(tmp_path, c.files))
    assert_one_line_rejection(str(err.value), tmp_path / c.bad, c.field, c.problem)


def test_the_cli_says_it_in_one_line(tmp_path):
    write_files(tmp_path, {"demo.toml": edit("exit = 165.0", "exit = nan")})
    res = subprocess.run(
        [sys.executable, "-m", "formcheck", "exercises", "--poses-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith("formcheck: error: ")
    assert_one_line_rejection(
        line.removeprefix("formcheck: error: "), tmp_path / "demo.toml", "variants.0.reps.exit", "finite number"
    )

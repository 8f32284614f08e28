"""Definitions fuzzed (issue 16): Hypothesis mutates the bundled definitions (keys deleted, values of another
type, NaN, infinities, huge or negative numbers, range ends swapped, unknown keys, duplicated variants and
rules, plausible edits of numbers, names and ranges), writes them back as TOML and loads them: a
``PosesFileError`` with a one-line message or valid exercises, nothing else. A mutated definition that loads
is run over a few seconds of a sample clip's saved landmarks, as ``formcheck analyze --landmarks`` does.
"""

from __future__ import annotations

import copy
import json
import math
import sys
from pathlib import Path
from typing import Any, Union

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from formcheck.app.api import analyze_landmarks
from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.loader import load_exercises
from formcheck.definitions.schema import Exercise
from formcheck.errors import PosesFileError
from formcheck.report.exercise_report import Report

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
POSES = ROOT / "poses"
SAMPLES = ROOT / "sample_videos"
REAL: dict[str, dict[str, Any]] = {p.name: tomllib.loads(p.read_text("utf-8")) for p in sorted(POSES.glob("*.toml"))}

from test_definitions import assert_one_line_rejection  # noqa: E402

# ---------------------------------------------------------------------------------------------------------
# A tiny TOML writer: every table inline, every key quoted. Enough for any document the mutations make
# (tables, lists of anything, strings, booleans, integers of any size, floats including nan and inf).

Toml = Union[dict[str, Any], list[Any], str, bool, int, float]


def toml_string(s: str) -> str:
    # JSON escapes all valid TOML, but for characters past U+FFFF (a surrogate pair to JSON, which TOML
    # rejects): those stay raw, as UTF-8. DEL is the control character JSON leaves raw and TOML forbids.
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(v: Toml) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(map(toml_value, v)) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def to_toml(doc: dict[str, Any]) -> str:
    return "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in doc.items())


# ---------------------------------------------------------------------------------------------------------
# Property tests: mutations of the bundled definitions.

Path_ = tuple[Union[str, int], ...]


def nodes(doc: Toml, at: Path_ = ()) -> list[Path_]:
    """Every place in a parsed document (the root first)."""
    out = [at]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += nodes(v, (*at, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += nodes(v, (*at, i))
    return out


def get(doc: Toml, at: Path_) -> Any:
    for k in at:
        doc = doc[k]  # type: ignore[index]
    return doc


def is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_range(v: object) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(map(is_number, v))


# Values of every other type and every absurd size.
ODD_VALUES = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e300, 10**30, -(10**30), -5, -5.0, 720.0, 0, 0.0, 1e-300]),
    st.sampled_from(["", "hip", "in position", "x\ny", True, False]),
    # copied: a later edit may add to the very list or table drawn
    st.sampled_from([[], [1.0], [1.0, 2.0, 3.0], ["a", "b"], {}, {"x": 1.0}]).map(copy.deepcopy),
    st.floats(),
    st.integers(),
    st.text(max_size=6),
)
ODD_KEYS = st.one_of(
    st.sampled_from(["colour", "belw", "notes", "hip", "reps", "in position", "x\ny"]), st.text(max_size=6)
)

# Names the vocabulary knows, by the key that takes them: plausible edits swap one for another.
NAMES: dict[str, list[Any]] = {
    "signal": list(vocab.ALL_FEATURES),
    "feature": list(vocab.ALL_FEATURES),
    "direction": list(vocab.REP_DIRECTIONS),
    "legs": list(vocab.LEG_ROLES),
    "leg": list(vocab.RULE_LEGS),
    "during": list(vocab.RULE_DURING),
    "kind": list(vocab.RULE_KIND_NAMES),
    "orientation": list(vocab.ORIENTATIONS),
    "view": ["side", "front"],
    "side": ["working", "support", "front", "back", "each", "both"],
    "side_view_only": [True, False],
}
# Tables of feature ranges (keyed by where they sit), where a plausible edit may add one.
RANGE_TABLES = {"detect", "body", "when", "working", "support", "front", "back", "each"}


@st.composite
def plausible_edit(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    """An edit a person might make: another number, a different range, another known name, a key or a rule
    or a variant less, a range or a variant more. Many are still invalid together with the rest."""
    places = nodes(doc)[1:]
    at = draw(st.sampled_from(places))
    parent, key, value = get(doc, at[:-1]), at[-1], get(doc, at)
    kind = draw(st.sampled_from(["number", "range", "name", "delete", "add range", "copy variant", "extreme"]))
    if kind == "number" and is_number(value):
        parent[key] = draw(st.integers(0, 60) if isinstance(value, int) else st.floats(-5.0, 370.0))
    elif kind == "extreme" and is_number(value):
        parent[key] = draw(st.sampled_from([0, 1, 0.0, 1e-9, 0.01, 359.9, 1e6, 1e12, 10**15]))
    elif kind == "range" and is_range(value):
        lo = draw(st.floats(-1.0, 360.0))
        parent[key] = [lo, draw(st.floats(lo, 360.0))]
    elif kind == "name" and isinstance(key, str) and key in NAMES:
        parent[key] = draw(st.sampled_from(NAMES[key]))
    elif kind == "delete":
        del parent[key]
    elif kind == "add range" and isinstance(value, dict) and key in RANGE_TABLES:
        names = vocab.LEG_FEATURES if key in ("working", "support", "front", "back", "each") else vocab.BODY_FEATURES
        feature = draw(st.sampled_from(sorted(names)))
        lo, hi = vocab.ALL_FEATURES[feature].limits
        a, b = sorted(draw(st.lists(st.floats(lo, hi), min_size=2, max_size=2)))
        value[feature] = [a, b]
    elif kind == "copy variant" and isinstance(doc.get("variants"), list) and doc["variants"]:
        variant = copy.deepcopy(draw(st.sampled_from(doc["variants"])))
        if isinstance(variant, dict) and isinstance(variant.get("name"), str):
            variant["name"] += "-copy"  # a new name: the copy is a variant of its own
            doc["variants"].append(variant)


@st.composite
def wild_edit(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    """Anything: a key gone, a value of another type or an absurd size, range ends swapped, a key nobody
    knows, a variant or a rule twice."""
    places = nodes(doc)
    at = draw(st.sampled_from(places))
    value = get(doc, at)
    kind = draw(st.sampled_from(["delete", "replace", "swap", "add key", "duplicate", "plausible"]))
    if kind == "plausible":
        draw(plausible_edit(doc))
    elif kind == "add key" and isinstance(value, dict):
        value[draw(ODD_KEYS)] = draw(ODD_VALUES)
    elif kind == "duplicate" and isinstance(value, list) and value:
        value.append(copy.deepcopy(draw(st.sampled_from(value))))  # a variant or rule with the same name
    elif kind == "swap" and isinstance(value, list) and len(value) >= 2:
        value.reverse()  # a range's ends, reps_target's, or the order of variants
    elif at and kind == "delete":
        del get(doc, at[:-1])[at[-1]]
    elif at:  # "replace", and the kinds that do not apply to this value
        get(doc, at[:-1])[at[-1]] = draw(ODD_VALUES)


def mutated(make_edit: Any, n: int) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """A bundled definition (its file name and parsed document) after 1 to ``n`` edits."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
        name = draw(st.sampled_from(sorted(REAL)))
        doc = copy.deepcopy(REAL[name])
        for _ in range(draw(st.integers(1, n))):
            draw(make_edit(doc))
        return name, doc

    return build()


def load_or_reject(tmp: Path, name: str, doc: dict[str, Any]) -> Exercise | None:
    """Load a mutated definition from its own directory: the exercise, or None after checking that the
    rejection is a one-line ``PosesFileError`` naming the file (any other exception fails the test)."""
    for old in tmp.glob("*.toml"):
        old.unlink()
    path = tmp / name
    path.write_text(to_toml(doc), encoding="utf-8")
    try:
        exercises = load_exercises(tmp)
    except PosesFileError as err:
        assert_one_line_rejection(str(err), path, None, "")
        return None
    (ex,) = exercises.values()
    assert_sane(ex)
    return ex


def assert_sane(ex: Exercise) -> None:
    """What the loader guarantees the engine: finite numbers, ranges low < high inside the feature's limits."""
    for v in ex.variants:
        tables = [v.detect, v.target.body, *v.target.legs.values(), *(r.when for r in v.rules)]
        if v.reps is not None:
            tables += [v.reps.require.body, v.reps.require.working, v.reps.require.support]
        for table in tables:
            for feature, (lo, hi) in table.items():
                flo, fhi = vocab.ALL_FEATURES[feature].limits
                assert flo <= lo < hi <= fhi, (v.name, feature, lo, hi)
    numbers = [x for x in _leaves(ex.model_dump()) if is_number(x)]
    assert all(math.isfinite(x) for x in numbers)


def _leaves(obj: Any) -> list[Any]:
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _leaves(v)]
    if isinstance(obj, (list, tuple)):
        return [x for v in obj for x in _leaves(v)]
    return [obj]


def test_the_toml_writer_round_trips_every_bundled_definition(tmp_path):
    for name, doc in REAL.items():
        assert tomllib.loads(to_toml(doc)) == doc
        assert load_or_reject(tmp_path, name, doc) == load_exercises(POSES)[doc["name"]]


# Fixed examples (derandomize, no example database) sized for the module to run in a few seconds on one core.
# tmp_path is shared by a test's examples on purpose: load_or_reject empties it before each one.
FUZZ = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@settings(FUZZ, max_examples=200)
@given(mutated(wild_edit, 3))
def test_the_loader_accepts_or_rejects_in_one_line_and_nothing_else_escapes(tmp_path, case):
    load_or_reject(tmp_path, *case)


# Ten seconds of a sample clip per exercise, every other frame (15 fps, 150 frames).
# (clip, first frame): the window holds reps or a hold of the clip's variant, and a fault (rules run too).
CLIPS = {
    "leg-lifts.toml": ("leg-lifts__supine-bent-knee__faults", 210),
    "glute-bridge.toml": ("glute-bridge__supine-bridge__faults", 360),
    "hip-flexor-stretch.toml": ("hip-flexor-stretch__half-kneeling__fault-torso-lean", 120),
    "hamstring-stretch.toml": ("hamstring-stretch__supine-knee-to-chest__fault-other-leg", 120),
}


@pytest.fixture(scope="module")
def short_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    d = tmp_path_factory.mktemp("clips")
    for name, (clip, first) in CLIPS.items():
        with np.load(SAMPLES / f"{clip}.landmarks.npz") as data:
            arrays = {k: data[k] if data[k].ndim == 0 else data[k][first : first + 300 : 2] for k in data.files}
        out[name] = d / f"{clip}.npz"
        np.savez_compressed(out[name], **arrays)
    return out


def test_the_short_clips_are_read_as_their_exercise(short_clips, tmp_path):
    # Unmutated, each definition finds movement in its clip: the property below runs the engine for real.
    for name, clip in short_clips.items():
        ex = load_or_reject(tmp_path, name, REAL[name])
        assert ex is not None
        report = analyze_landmarks(clip, ex, poses_dir=tmp_path)
        assert report.frames == 150 and report.frames_with_pose > 100
        assert report.undetermined is None and report.variant == CLIPS[name][0].split("__")[1]
        assert sum(report.reps.values()) + len(report.holds) > 0 and report.faults


@settings(FUZZ, max_examples=25)  # each example analyses 150 frames (~0.1 s)
@given(mutated(plausible_edit, 3))
def test_a_definition_the_loader_accepts_runs_through_the_engine(tmp_path, short_clips, case):
    name, doc = case
    ex = load_or_reject(tmp_path, name, doc)
    assume(ex is not None)
    assert ex is not None
    report = analyze_landmarks(short_clips[name], ex, poses_dir=tmp_path)
    assert isinstance(report, Report)
    assert report.exercise == ex.name and report.variant in {v.name for v in ex.variants}
    assert report.frames == 150
    assert report.summary().startswith(ex.title)
    json.dumps(report.to_dict())

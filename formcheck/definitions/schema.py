"""The schema of an exercise definition (``poses/*.toml``): typed, frozen models validated by pydantic.

Unknown keys are rejected, numbers are strict, every name comes from the vocabulary, and the cross-field
checks of a whole model raise ``FieldError`` naming the field itself (``loader.py`` puts the file in front).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

from formcheck.definitions import vocabulary as vocab
from formcheck.errors import UnknownExerciseError

# TOML has real types: a string or a boolean where a number belongs (or a float where a count does) is a
# mistake to report, not to coerce as pydantic's lax mode would ("150" -> 150.0, true -> 1.0).
Number = Annotated[float, Strict()]
Count = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
Range = tuple[Number, Number]
# The names a definition may use come from the vocabulary, never retyped here.
Orientation = Literal[vocab.ORIENTATIONS]  # type: ignore[valid-type]
LegMode = Literal[tuple(vocab.LEG_ROLES)]  # type: ignore[valid-type]
Direction = Literal[vocab.REP_DIRECTIONS]  # type: ignore[valid-type]
RuleKind = Literal[vocab.RULE_KIND_NAMES]  # type: ignore[valid-type]
RuleLeg = Literal[vocab.RULE_LEGS]  # type: ignore[valid-type]
During = Literal[vocab.RULE_DURING]  # type: ignore[valid-type]
RoleName = Literal[tuple(r for roles in vocab.LEG_ROLES.values() for r in roles if r != "each")]  # type: ignore[valid-type]


class _Model(BaseModel):
    # NaN and infinity are never a threshold, a range end or a duration.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Loc = tuple[Union[str, int], ...]


class FieldError(ValueError):
    """A problem found by a check of a whole model that belongs to one of its fields: ``loc`` (below the
    model) is added to pydantic's location, so the message names the field itself, not its parent."""

    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc


def _out_of_limits(feature: str, value: float) -> str | None:
    """Why ``value`` cannot be a reading of ``feature`` (None: it can)."""
    feat = vocab.ALL_FEATURES.get(feature)
    if feat is None:
        return None
    lo, hi = feat.limits
    if lo <= value <= hi:
        return None
    if feat.is_angle:
        return f"{value} is not an angle in 0-360 degrees (feature {feature!r})"
    return f"{value} is out of bounds for feature {feature!r} ({feat.unit}: {lo:g} to {hi:g})"


def _check_value(feature: str, loc: Loc, value: float) -> float:
    problem = _out_of_limits(feature, value)
    if problem is not None:
        raise FieldError(loc, problem)
    return value


def _check_range(name: str, rng: Range, loc: Loc = ()) -> Range:
    lo, hi = rng
    at = (*loc, name)
    if lo >= hi:
        raise FieldError(at, f"{name} range {list(rng)} is inverted or empty (low must be below high)")
    problem = _out_of_limits(name, lo) or _out_of_limits(name, hi)
    if problem is not None:
        raise FieldError(at, f"{name} range {list(rng)}: {problem}")
    return rng


def _check_feature(name: str, allowed: Mapping[str, object], what: str, loc: Loc = ()) -> str:
    if name not in allowed:
        raise FieldError(loc, f"unknown {what} feature {name!r}; valid: {', '.join(allowed)}")
    return name


def _check_features(
    ranges: dict[str, Range], allowed: Mapping[str, object], what: str, loc: Loc = ()
) -> dict[str, Range]:
    for name, rng in ranges.items():
        _check_feature(name, allowed, what, (*loc, name))
        _check_range(name, rng, loc)
    return ranges


class RepRequire(_Model):
    """Ranges that hold through most of a rep, or it is not this variant's rep: for the body, the leg doing the
    rep (``working``) and the other one (``support``: e.g. the standing leg stays straight in a standing lift,
    which a lunge or a squat breaks)."""

    body: dict[str, Range] = Field(default_factory=dict)
    working: dict[str, Range] = Field(default_factory=dict)
    support: dict[str, Range] = Field(default_factory=dict)

    @field_validator("body")
    @classmethod
    def _body(cls, v: dict[str, Range]) -> dict[str, Range]:
        return _check_features(v, vocab.BODY_FEATURES, "body")

    @field_validator("working", "support")
    @classmethod
    def _legs(cls, v: dict[str, Range]) -> dict[str, Range]:
        return _check_features(v, vocab.LEG_FEATURES, "leg")

    def __bool__(self) -> bool:
        return bool(self.body or self.working or self.support)


class RepSpec(_Model):
    """A rep: ``signal`` passes ``enter`` (falling below it, or rising above it) and comes back past ``exit``.

    The gap between the two thresholds is the hysteresis that keeps jitter from counting twice. A leg
    feature is read from the leg doing the rep (``legs = "lift"``: the leg moving most; ``"both"``: the legs
    together); a body feature from the whole body.
    """

    signal: str = Field(default="hip", description="any feature in the vocabulary")
    direction: Direction = "falling"
    enter: Number = Field(description="the rep is 'up' once the signal passes this")
    exit: Number = Field(description="... and complete once it comes back past this")
    max_up_s: Optional[Number] = Field(
        default=None, gt=0, description="longer up than this is a hold, not a rep (default: 8 s, or twice a top hold)"
    )
    require: RepRequire = Field(
        default_factory=lambda: RepRequire(), description="where the body and legs stay through most of a rep"
    )

    @model_validator(mode="after")
    def _hysteresis(self) -> RepSpec:
        _check_feature(self.signal, vocab.ALL_FEATURES, "rep signal", ("signal",))
        _check_value(self.signal, ("enter",), self.enter)
        _check_value(self.signal, ("exit",), self.exit)
        falling = self.direction == "falling"
        if (self.exit <= self.enter) if falling else (self.exit >= self.enter):
            rel = "above" if falling else "below"
            raise FieldError(
                ("exit",),
                f"exit ({self.exit}) must be {rel} enter ({self.enter}) for a {self.direction} signal: "
                "without a gap between them, jitter at the threshold counts phantom reps",
            )
        return self

    @property
    def is_leg_signal(self) -> bool:
        return self.signal in vocab.LEG_FEATURES

    def is_up(self, value: float) -> bool:
        return value < self.enter if self.direction == "falling" else value > self.enter

    def is_down(self, value: float) -> bool:
        return value > self.exit if self.direction == "falling" else value < self.exit


class HoldSpec(_Model):
    """A hold: the time spent in the target position (with reps: at the top of each rep)."""

    target_s: Number = Field(gt=0, description="the hold the person aims for")
    max_s: Optional[Number] = Field(default=None, gt=0, description="past this, the cue says to release")
    min_s: Number = Field(default=2.0, ge=0, description="shorter stays in position are not reported as holds")
    side: Optional[RoleName] = Field(
        default=None, description="the leg role the hold is reported for (default: working; both legs: 'both')"
    )

    @model_validator(mode="after")
    def _order(self) -> HoldSpec:
        if self.max_s is not None and self.max_s < self.target_s:
            raise FieldError(("max_s",), f"max_s ({self.max_s}) must not be below target_s ({self.target_s})")
        if self.min_s > self.target_s:
            raise FieldError(("min_s",), f"min_s ({self.min_s}) must not be above target_s ({self.target_s})")
        return self


class Target(_Model):
    """The target position: ranges per leg role and for the body."""

    legs: dict[str, dict[str, Range]] = Field(default_factory=dict)
    body: dict[str, Range] = Field(default_factory=dict)

    @field_validator("body")
    @classmethod
    def _body(cls, v: dict[str, Range]) -> dict[str, Range]:
        return _check_features(v, vocab.BODY_FEATURES, "body")

    @field_validator("legs")
    @classmethod
    def _legs(cls, v: dict[str, dict[str, Range]]) -> dict[str, dict[str, Range]]:
        for role, feats in v.items():
            _check_features(feats, vocab.LEG_FEATURES, "leg", (role,))
        return v


class Rule(_Model):
    """A form rule: a fault with a cue the person can act on (kinds: ``rules.RULE_KINDS``).

    kind "range": a feature outside its allowed range for at least ``min_s`` during a phase.
    kind "transition": the rep's leg moved from ``from_value`` to ``to_value`` faster than ``max_speed``.
    kind "hold": a rep's top hold lasted less than ``min_s``.
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    message: str = Field(min_length=3, max_length=80)
    kind: RuleKind = "range"
    leg: Optional[RuleLeg] = None
    feature: Optional[str] = None
    above: Optional[Number] = None
    below: Optional[Number] = None
    during: During = "hold"
    min_s: Number = Field(default=0.5, ge=0)
    side_view_only: Flag = False  # only judged while the camera is side-on (the angle is invisible otherwise)
    when: dict[str, Range] = Field(
        default_factory=dict, description="body features that must be in these ranges for the rule to be judged"
    )
    from_value: Optional[Number] = None
    to_value: Optional[Number] = None
    max_speed: Optional[Number] = Field(default=None, gt=0, description="feature units per second")
    source: str = ""

    @field_validator("when")
    @classmethod
    def _when(cls, v: dict[str, Range]) -> dict[str, Range]:
        return _check_features(v, vocab.BODY_FEATURES, "body")

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.kind == "range":
            if self.feature is None:
                raise FieldError(("feature",), f"rule {self.code!r}: a range rule needs 'feature'")
            valid = vocab.LEG_FEATURES if self.leg else vocab.BODY_FEATURES
            if self.feature not in valid:
                where = f"leg {self.leg!r}" if self.leg else "the body (no 'leg' given)"
                raise FieldError(
                    ("feature",),
                    f"rule {self.code!r}: unknown feature {self.feature!r} for {where}; valid: {', '.join(valid)}",
                )
            if self.above is None and self.below is None:
                raise ValueError(f"rule {self.code!r}: give 'above' and/or 'below' (the fault thresholds)")
            for name in ("above", "below"):
                val = getattr(self, name)
                if val is not None:
                    _check_value(self.feature, (name,), val)
            if self.above is not None and self.below is not None and self.below >= self.above:
                # The allowed band lies between the two thresholds: inverted, every value would be a fault.
                raise FieldError(
                    ("below",),
                    f"rule {self.code!r}: below ({self.below}) must be lower than above ({self.above}): "
                    "the allowed range between them is inverted or empty",
                )
        elif self.kind == "transition":
            missing = [n for n in ("from_value", "to_value", "max_speed") if getattr(self, n) is None]
            if missing:
                raise FieldError(
                    (missing[0],), f"rule {self.code!r}: a transition rule needs from_value, to_value, max_speed"
                )
            assert self.from_value is not None and self.to_value is not None
            if self.feature is not None:
                _check_feature(self.feature, vocab.ALL_FEATURES, "transition", ("feature",))
            if self.from_value == self.to_value:
                raise FieldError(("to_value",), f"rule {self.code!r}: from_value and to_value must differ")
        elif self.kind == "hold" and self.min_s <= 0:
            raise FieldError(("min_s",), f"rule {self.code!r}: a hold rule needs min_s > 0")
        return self


class Variant(_Model):
    """One way of doing an exercise: reps, a hold, or reps with a hold at the top of each."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    description: str = ""
    source: str = ""
    orientation: Orientation
    view: Literal["side", "front"] = "side"
    legs: LegMode = "lift"
    reps_target: Optional[tuple[Count, Count]] = None
    reps: Optional[RepSpec] = None
    hold: Optional[HoldSpec] = None
    target: Target = Field(default_factory=Target)
    detect: dict[str, Range] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    cues: dict[str, str] = Field(default_factory=dict)

    @field_validator("detect")
    @classmethod
    def _detect(cls, v: dict[str, Range]) -> dict[str, Range]:
        return _check_features(v, vocab.BODY_FEATURES, "body")

    @model_validator(mode="after")
    def _consistent(self) -> Variant:
        roles = vocab.LEG_ROLES[self.legs]
        if self.reps is None and self.hold is None:
            raise ValueError("a variant needs [reps], [hold] or both")
        if self.reps is not None and self.reps.is_leg_signal and self.legs == "stance":
            raise FieldError(
                ("reps", "signal"),
                f"reps.signal {self.reps.signal!r} is a leg feature: reps need legs = 'lift' or 'both'",
            )
        if self.hold is not None and self.reps is None and not self.target.legs and not self.target.body:
            raise FieldError(("target",), "a hold without reps needs a target position ([target])")
        if self.hold is not None and self.hold.side is not None and self.hold.side not in roles:
            raise FieldError(
                ("hold", "side"), f"hold.side {self.hold.side!r} does not exist for legs={self.legs!r}; valid: {roles}"
            )
        for role in self.target.legs:
            if role not in roles:
                raise FieldError(
                    ("target", "legs", role),
                    f"target.legs: role {role!r} does not exist for legs={self.legs!r}; valid: {roles}",
                )
        codes: dict[str, int] = {}
        for i, rule in enumerate(self.rules):
            at = ("rules", i)
            if rule.leg in ("working", "support", "front", "back") and rule.leg not in roles:
                raise FieldError(
                    (*at, "leg"), f"rule {rule.code!r}: leg {rule.leg!r} does not exist for legs={self.legs!r}"
                )
            if rule.kind == "transition" and self.reps is None:
                raise FieldError((*at, "kind"), f"rule {rule.code!r}: kind 'transition' needs [reps]")
            if rule.kind == "transition" and self.reps is not None:
                # The values are readings of the feature the rule watches: the rep signal unless it names one.
                for name in ("from_value", "to_value"):
                    _check_value(rule.feature or self.reps.signal, (*at, name), getattr(rule, name))
            if rule.kind == "hold" and (self.reps is None or self.hold is None):
                raise FieldError(
                    (*at, "kind"),
                    f"rule {rule.code!r}: kind 'hold' judges a rep's top hold: it needs [reps] and [hold]",
                )
            if rule.kind == "range" and rule.during == "up" and self.reps is None:
                raise FieldError((*at, "during"), f"rule {rule.code!r}: during='up' needs [reps]")
            if rule.kind == "range" and rule.during == "hold" and self.hold is None:
                raise FieldError((*at, "during"), f"rule {rule.code!r}: during='hold' needs [hold]")
            if rule.code in codes:
                raise FieldError(
                    (*at, "code"), f"duplicated rule code {rule.code!r} (rules.{codes[rule.code]} has it too)"
                )
            codes[rule.code] = i
        if self.reps_target is not None:
            if self.reps is None:
                raise FieldError(("reps_target",), "reps_target needs [reps]")
            if not (0 < self.reps_target[0] <= self.reps_target[1]):
                raise FieldError(
                    ("reps_target",), f"reps_target {list(self.reps_target)} must be [low, high] with 0 < low <= high"
                )
        phases = self.phases
        for key in self.cues:
            if key not in phases:
                raise FieldError(
                    ("cues", key), f"cues: {key!r} is not a phase of this variant; valid: {', '.join(phases)}"
                )
        return self

    @property
    def phases(self) -> tuple[str, ...]:
        """The phases the engine can report for this variant (the keys ``cues`` may use)."""
        out = [vocab.PHASE_REST, vocab.PHASE_IN_POSITION]
        if self.reps is not None:
            out.append(vocab.PHASE_UP)
        if self.hold is not None:
            out.append(vocab.PHASE_HOLDING)
            if self.hold.max_s is not None:
                out.append(vocab.PHASE_RELEASE)
        return tuple(out)

    @property
    def hold_role(self) -> str | None:
        """The leg role a hold is reported for (None: both legs)."""
        if self.legs == "both":
            return None
        return self.hold.side if self.hold is not None and self.hold.side else vocab.LEG_ROLES[self.legs][0]

    @property
    def max_rep_up_s(self) -> float:
        """The longest a rep may stay up: past it the person is holding, which is another variant."""
        assert self.reps is not None
        if self.reps.max_up_s is not None:
            return self.reps.max_up_s
        return 2.0 * self.hold.target_s + 5.0 if self.hold is not None else 8.0

    @property
    def per_side_reps(self) -> bool:
        """Reps are counted per leg (one leg at a time) rather than for both legs together."""
        return self.reps is not None and self.reps.is_leg_signal and self.legs == "lift"


class Exercise(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    description: str = ""
    aliases: list[str] = Field(default_factory=list)
    variants: list[Variant] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Exercise:
        for i, alias in enumerate(self.aliases):
            if not normalize_name(alias):
                raise FieldError(("aliases", i), f"alias {alias!r} is empty: it would match any blank name")
        names: dict[str, int] = {}
        for i, v in enumerate(self.variants):
            if v.name in names:
                raise FieldError(
                    ("variants", i, "name"), f"duplicated variant name {v.name!r} (variants.{names[v.name]} has it too)"
                )
            names[v.name] = i
        return self

    def variant(self, name: str) -> Variant:
        key = normalize_name(name)
        for v in self.variants:
            if v.name == key:
                return v
        raise UnknownExerciseError(
            f"unknown variant {name!r} for {self.name}; choose one of: {', '.join(v.name for v in self.variants)}"
        )


def normalize_name(name: str) -> str:
    """'Hip_Flexor Stretch' -> 'hip-flexor-stretch'."""
    return "-".join(name.strip().lower().replace("_", " ").replace("-", " ").split())

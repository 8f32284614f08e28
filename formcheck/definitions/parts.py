"""The parts of a variant's definition: its reps, its hold, its target position and its form rules, as typed,
frozen models (``schema.py`` puts them together and checks them against each other)."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.checks import FieldError, check_feature, check_features, check_value

# TOML has real types: a string or a boolean where a number belongs (or a float where a count does) is a
# mistake to report, not to coerce as pydantic's lax mode would ("150" -> 150.0, true -> 1.0).
Number = Annotated[float, Strict()]
Count = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
Range = tuple[Number, Number]
# The names a definition may use come from the vocabulary, never retyped here.
Orientation = vocab.Orientation
LegMode = vocab.LegMode
Direction = vocab.Direction
RuleKind = vocab.RuleKind
RuleLeg = vocab.RuleLeg
During = vocab.During
View = vocab.View
# a role a hold is reported for: any but "each" (legs working together have no one leg to report)
RoleName = Literal[tuple(r.value for r in vocab.Role if r is not vocab.Role.EACH)]  # type: ignore[valid-type]


HOLD_S = "{hold_s}"  # in a variant's texts: the hold's target in seconds (the guide's, or the person's)


class Model(BaseModel):
    # NaN and infinity are never a threshold, a range end or a duration.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RepRequire(Model):
    """Ranges that hold through most of a rep, or it is not this variant's rep: for the body, the leg doing the
    rep (``working``) and the other one (``support``: e.g. the standing leg stays straight in a standing lift,
    which a lunge or a squat breaks)."""

    body: dict[str, Range] = Field(default_factory=dict)
    working: dict[str, Range] = Field(default_factory=dict)
    support: dict[str, Range] = Field(default_factory=dict)

    @field_validator("body")
    @classmethod
    def _body(cls, v: dict[str, Range]) -> dict[str, Range]:
        return check_features(v, vocab.BODY_FEATURES, "body")

    @field_validator("working", "support")
    @classmethod
    def _legs(cls, v: dict[str, Range]) -> dict[str, Range]:
        return check_features(v, vocab.LEG_FEATURES, "leg")

    def __bool__(self) -> bool:
        return bool(self.body or self.working or self.support)


class RepSpec(Model):
    """A rep: ``signal`` passes ``enter`` (falling below it, or rising above it) and comes back past ``exit``.

    The gap between the two thresholds is the hysteresis that keeps jitter from counting twice. A leg
    feature is read from the leg doing the rep (``legs = "lift"``: the leg moving most; ``"both"``: the legs
    together); a body feature from the whole body.
    """

    signal: str = Field(default="hip", description="any feature in the vocabulary")
    direction: Direction = Direction.FALLING
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
        check_feature(self.signal, vocab.ALL_FEATURES, "rep signal", ("signal",))
        check_value(self.signal, ("enter",), self.enter)
        check_value(self.signal, ("exit",), self.exit)
        falling = self.direction == Direction.FALLING
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
        return value < self.enter if self.direction == Direction.FALLING else value > self.enter

    def is_down(self, value: float) -> bool:
        return value > self.exit if self.direction == Direction.FALLING else value < self.exit


class HoldSpec(Model):
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


class Target(Model):
    """The target position: ranges per leg role and for the body."""

    legs: dict[str, dict[str, Range]] = Field(default_factory=dict)
    body: dict[str, Range] = Field(default_factory=dict)

    @field_validator("body")
    @classmethod
    def _body(cls, v: dict[str, Range]) -> dict[str, Range]:
        return check_features(v, vocab.BODY_FEATURES, "body")

    @field_validator("legs")
    @classmethod
    def _legs(cls, v: dict[str, dict[str, Range]]) -> dict[str, dict[str, Range]]:
        for role, feats in v.items():
            check_features(feats, vocab.LEG_FEATURES, "leg", (role,))
        return v


class Rule(Model):
    """A form rule: a fault with a cue the person can act on (kinds: ``rules.RULE_KINDS``).

    kind "range": a feature outside its allowed range for at least ``min_s`` during a phase.
    kind "transition": the rep's leg moved from ``from_value`` to ``to_value`` faster than ``max_speed``.
    kind "hold": a rep's top hold lasted less than ``min_s``.
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    message: str = Field(min_length=3, max_length=80)
    kind: RuleKind = RuleKind.RANGE
    leg: Optional[RuleLeg] = None
    feature: Optional[str] = None
    above: Optional[Number] = None
    below: Optional[Number] = None
    during: During = During.HOLD
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
        return check_features(v, vocab.BODY_FEATURES, "body")

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        {RuleKind.RANGE: self._range_fits, RuleKind.TRANSITION: self._transition_fits, RuleKind.HOLD: self._hold_fits}[
            self.kind
        ]()
        return self

    def _range_fits(self) -> None:
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
                check_value(self.feature, (name,), val)
        if self.above is not None and self.below is not None and self.below >= self.above:
            # The allowed band lies between the two thresholds: inverted, every value would be a fault.
            raise FieldError(
                ("below",),
                f"rule {self.code!r}: below ({self.below}) must be lower than above ({self.above}): "
                "the allowed range between them is inverted or empty",
            )

    def _transition_fits(self) -> None:
        missing = [n for n in ("from_value", "to_value", "max_speed") if getattr(self, n) is None]
        if missing:
            raise FieldError(
                (missing[0],), f"rule {self.code!r}: a transition rule needs from_value, to_value, max_speed"
            )
        if self.feature is not None:
            check_feature(self.feature, vocab.ALL_FEATURES, "transition", ("feature",))
        if self.from_value == self.to_value:
            raise FieldError(("to_value",), f"rule {self.code!r}: from_value and to_value must differ")

    def _hold_fits(self) -> None:
        if self.min_s <= 0:
            raise FieldError(("min_s",), f"rule {self.code!r}: a hold rule needs min_s > 0")

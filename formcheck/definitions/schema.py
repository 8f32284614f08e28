"""The schema of an exercise definition (``poses/*.toml``): typed, frozen models validated by pydantic.

Unknown keys are rejected, numbers are strict, every name comes from the vocabulary, and the cross-field
checks of a whole model raise ``FieldError`` naming the field itself (``loader.py`` puts the file in front).
"""

from __future__ import annotations

from typing import Optional

from pydantic import Field, PrivateAttr, field_validator, model_validator

from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.checks import FieldError, Loc, check_features, check_value
from formcheck.definitions.parts import (
    HOLD_S,
    Count,
    During,
    HoldSpec,
    LegMode,
    Model,
    Orientation,
    Range,
    RepSpec,
    Rule,
    RuleKind,
    RuleLeg,
    Target,
    View,
)
from formcheck.errors import UnknownExerciseError


class Variant(Model):
    """One way of doing an exercise: reps, a hold, or reps with a hold at the top of each."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    description: str = ""
    source: str = ""
    orientation: Orientation
    view: View = View.SIDE
    legs: LegMode = LegMode.LIFT
    reps_target: Optional[tuple[Count, Count]] = None
    reps: Optional[RepSpec] = None
    hold: Optional[HoldSpec] = None
    target: Target = Field(default_factory=Target)
    detect: dict[str, Range] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    cues: dict[str, str] = Field(default_factory=dict)
    _templates: dict[Loc, str] = PrivateAttr(default_factory=dict)  # texts as written, before HOLD_S is filled in

    @field_validator("detect")
    @classmethod
    def _detect(cls, v: dict[str, Range]) -> dict[str, Range]:
        return check_features(v, vocab.BODY_FEATURES, "body")

    @model_validator(mode="after")
    def _consistent(self) -> Variant:
        for check in (
            self._work_fits,
            self._hold_fits,
            self._roles_fit,
            self._rules_fit,
            self._reps_target_fits,
            self._cues_fit,
            self._texts_fit,
        ):
            check()
        self._render_texts()
        return self

    def _work_fits(self) -> None:
        if self.reps is None and self.hold is None:
            raise ValueError("a variant needs [reps], [hold] or both")
        if self.reps is not None and self.reps.is_leg_signal and self.legs == LegMode.STANCE:
            raise FieldError(
                ("reps", "signal"),
                f"reps.signal {self.reps.signal!r} is a leg feature: reps need legs = 'lift' or 'both'",
            )

    def _hold_fits(self) -> None:
        roles = vocab.LEG_ROLES[self.legs]
        if self.hold is not None and self.reps is None and not self.target.legs and not self.target.body:
            raise FieldError(("target",), "a hold without reps needs a target position ([target])")
        if self.hold is not None and self.hold.side is not None and self.hold.side not in roles:
            raise FieldError(
                ("hold", "side"), f"hold.side {self.hold.side!r} does not exist for legs={self.legs!r}; valid: {roles}"
            )

    def _roles_fit(self) -> None:
        roles = vocab.LEG_ROLES[self.legs]
        for role in self.target.legs:
            if role not in roles:
                raise FieldError(
                    ("target", "legs", role),
                    f"target.legs: role {role!r} does not exist for legs={self.legs!r}; valid: {roles}",
                )

    def _rules_fit(self) -> None:
        codes: dict[str, int] = {}
        for i, rule in enumerate(self.rules):
            self._rule_fits(("rules", i), rule)
            if rule.code in codes:
                raise FieldError(
                    ("rules", i, "code"), f"duplicated rule code {rule.code!r} (rules.{codes[rule.code]} has it too)"
                )
            codes[rule.code] = i

    def _rule_fits(self, at: Loc, rule: Rule) -> None:
        """One rule against what this variant has (its legs' roles, reps, a hold)."""
        if rule.leg not in (RuleLeg.ALL, RuleLeg.ANY, None) and rule.leg not in vocab.LEG_ROLES[self.legs]:
            raise FieldError(
                (*at, "leg"), f"rule {rule.code!r}: leg {rule.leg!r} does not exist for legs={self.legs!r}"
            )
        if rule.kind == RuleKind.TRANSITION and self.reps is None:
            raise FieldError((*at, "kind"), f"rule {rule.code!r}: kind 'transition' needs [reps]")
        if rule.kind == RuleKind.TRANSITION and self.reps is not None:
            # The values are readings of the feature the rule watches: the rep signal unless it names one.
            for name in ("from_value", "to_value"):
                check_value(rule.feature or self.reps.signal, (*at, name), getattr(rule, name))
        if rule.kind == RuleKind.HOLD and (self.reps is None or self.hold is None):
            raise FieldError(
                (*at, "kind"), f"rule {rule.code!r}: kind 'hold' judges a rep's top hold: it needs [reps] and [hold]"
            )
        if rule.kind == RuleKind.RANGE and rule.during == During.UP and self.reps is None:
            raise FieldError((*at, "during"), f"rule {rule.code!r}: during='up' needs [reps]")
        if rule.kind == RuleKind.RANGE and rule.during == During.HOLD and self.hold is None:
            raise FieldError((*at, "during"), f"rule {rule.code!r}: during='hold' needs [hold]")

    def _reps_target_fits(self) -> None:
        if self.reps_target is None:
            return
        if self.reps is None:
            raise FieldError(("reps_target",), "reps_target needs [reps]")
        if not (0 < self.reps_target[0] <= self.reps_target[1]):
            raise FieldError(
                ("reps_target",), f"reps_target {list(self.reps_target)} must be [low, high] with 0 < low <= high"
            )

    def _cues_fit(self) -> None:
        phases = self.phases
        for key in self.cues:
            if key not in phases:
                raise FieldError(
                    ("cues", key), f"cues: {key!r} is not a phase of this variant; valid: {', '.join(phases)}"
                )

    # --- texts that name the hold's length --------------------------------------------------------------
    def _texts(self) -> dict[Loc, str]:
        """Every text a person reads, by where it is in the definition."""
        out: dict[Loc, str] = {("title",): self.title, ("description",): self.description}
        out.update({("rules", i, "message"): r.message for i, r in enumerate(self.rules)})
        out.update({("cues", k): c for k, c in self.cues.items()})
        return out

    def _texts_fit(self) -> None:
        for loc, text in self._texts().items():
            rest = text.replace(HOLD_S, "")
            if "{" in rest or "}" in rest:
                raise FieldError(loc, f"{text!r}: the only placeholder a text may have is {HOLD_S}")
            if HOLD_S in text and self.hold is None:
                raise FieldError(loc, f"{text!r}: {HOLD_S} needs a [hold]")

    def _render_texts(self) -> None:
        """Texts with the hold's length in them, as the person's target says it (``with_hold``)."""
        if not self._templates:  # first validation: the texts as written are the templates
            self._templates = self._texts()
        templates = self._templates
        hold_s = f"{self.hold.target_s:g}" if self.hold is not None else ""
        text = {loc: t.replace(HOLD_S, hold_s) for loc, t in templates.items()}
        rules = [r.model_copy(update={"message": text[("rules", i, "message")]}) for i, r in enumerate(self.rules)]
        for name, value in (
            ("title", text[("title",)]),
            ("description", text[("description",)]),
            ("rules", rules),
            ("cues", {k: text[("cues", k)] for k in self.cues}),
        ):
            object.__setattr__(self, name, value)

    def with_hold(self, hold: HoldSpec, rules: list[Rule]) -> Variant:
        """This variant with another hold (a person's target) and its rules adjusted to it, its texts saying so."""
        out = self.model_copy(update={"hold": hold, "rules": rules})
        out._render_texts()
        return out

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
        if self.legs == LegMode.BOTH:
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
        return self.reps is not None and self.reps.is_leg_signal and self.legs == LegMode.LIFT


class Exercise(Model):
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

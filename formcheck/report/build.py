"""The report a finished run gives: an exercise's or a routine's, decided by what the analysis found."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

from formcheck.analysis.loop import Findings, RoutineFindings, RunInfo
from formcheck.analysis.range_of_motion import RangeOfMotion
from formcheck.definitions.program import Program
from formcheck.report.exercise_report import Report
from formcheck.report.routine_report import RoutineReport

AnyReport = Union[Report, RoutineReport]


def build_report(
    found: Findings,
    run: RunInfo,
    rom: RangeOfMotion,
    target_sources: Mapping[str, Mapping[str, str]] | None = None,
    program: Program | None = None,
) -> AnyReport:
    """``target_sources``: per variant (a routine: per ``exercise/variant``), where its targets came from
    (``TargetPlan.sources``). ``program``: the program a routine is compared with."""
    if isinstance(found, RoutineFindings):
        return RoutineReport.build(found, run, rom, target_sources, program)
    sources = (target_sources or {}).get(found.variant.name, {})
    return Report.build(found, run, range_of_motion=rom.of(found.variant.view), target_sources=sources)

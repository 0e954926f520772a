"""A learner's standing in each module: the catalog joined with their progress, for every page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from academy.content.catalog import Module
from academy.learning.progress import ModuleProgress

NOT_STARTED, IN_PROGRESS, PASSED = "not_started", "in_progress", "passed"


@dataclass(frozen=True)
class ModuleOverview:
    """One module as one learner stands in it."""

    module: Module
    status: str
    lessons_read: int
    best_score: float | None
    attempts: int
    seconds_spent: int

    @property
    def lessons_total(self) -> int:
        return len(self.module.lessons)

    @property
    def completion(self) -> float:
        """Share of the module done: lessons read, the quiz counting as one more step."""
        steps = self.lessons_total + (1 if self.module.quiz else 0)
        done = self.lessons_read + (1 if self.status == PASSED else 0)
        return min(1.0, done / steps) if steps else 0.0

    @property
    def credited_hours(self) -> float:
        return self.module.credits_hours if self.status == PASSED else 0.0


def module_overviews(modules: Iterable[Module], progress: Mapping[str, ModuleProgress]) -> list[ModuleOverview]:
    """Each module with the learner's status, from `progress.module_progress()` output."""
    result = []
    for module in modules:
        mp = progress.get(module.id)
        if mp is None:
            result.append(ModuleOverview(module, NOT_STARTED, 0, None, 0, 0))
            continue
        status = PASSED if mp.passed else (IN_PROGRESS if mp.lessons_viewed or mp.attempts else NOT_STARTED)
        result.append(ModuleOverview(
            module=module,
            status=status,
            lessons_read=min(mp.lessons_completed, len(module.lessons)),
            best_score=mp.best_score,
            attempts=mp.attempts,
            seconds_spent=mp.seconds_spent,
        ))
    return result


def matches(overview: ModuleOverview, *, levels: Iterable[str] = (), statuses: Iterable[str] = ()) -> bool:
    """Catalogue filter by levels and statuses (free text goes through academy.content.search)."""
    levels, statuses = set(levels), set(statuses)
    if levels and overview.module.level not in levels:
        return False
    return not statuses or overview.status in statuses

"""How far a training stage has come, as the fraction its schedule runs on."""
from __future__ import annotations


class Budget:
    """A fixed number of steps (a seed gives the same data stream again, and on one thread the same
    weights) or, without one, wall-clock minutes (for trials)."""

    def __init__(self, steps: int | None, minutes: float):
        if steps is not None and steps <= 0:
            raise SystemExit(f"--steps must be positive, not {steps}")
        if steps is None and minutes <= 0:
            raise SystemExit(f"--minutes must be positive, not {minutes}")
        self.steps, self.seconds = steps, minutes * 60

    def fraction(self, step: int, elapsed: float) -> float:
        """Done at 1: steps taken over the budget's steps, else seconds elapsed over its seconds."""
        return step / self.steps if self.steps else elapsed / self.seconds

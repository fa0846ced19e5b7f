"""MedianPruner: the median stopping rule."""

from __future__ import annotations

from albacore.pruners._percentile import PercentilePruner


class MedianPruner(PercentilePruner):
    """Prune a trial whose best value so far is worse than the median of finished trials.

    The median stopping rule: at each check step the trial's best intermediate value so
    far is compared with the median of the values COMPLETE trials reported at the same
    step. It is :class:`PercentilePruner` with ``percentile=50`` and albacore's default
    pruner.

    Args:
        n_startup_trials: Never prune before this many trials have completed.
        n_warmup_steps: Never prune at steps below this one.
        interval_steps: Check every this many steps after the warmup.
        n_min_trials: Minimum number of completed trials with a value at the step for the
            comparison to take place.

    Raises:
        ValueError: If an argument is out of range.

    Example:
        .. code-block:: python

            study = albacore.create_study(pruner=albacore.pruners.MedianPruner(n_warmup_steps=5))
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials)

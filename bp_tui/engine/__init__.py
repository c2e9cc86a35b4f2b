"""The bp-tui engine: an exact NumPy multilayer perceptron, trained phase by phase.

Pure NumPy: nothing here imports Textual, Rich or plotext, so the engine runs
in a notebook, in ``bp-tui trace`` and under the app alike.
"""

from .fields import ScenarioError
from .scenario import Scenario, load_scenario, resolve_scenario, scenario_from_dict
from .session import PhaseOrderError, TrainingSession
from .state import BatchView, Phase, SessionState

__all__ = [
    "BatchView", "Phase", "PhaseOrderError", "Scenario", "ScenarioError", "SessionState",
    "TrainingSession", "load_scenario", "resolve_scenario", "scenario_from_dict",
]

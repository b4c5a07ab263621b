"""What happens outside the AWS APIs: the action log and the facade's actions (machines,
faults, AWS Marketplace purchases)."""

from simulator.actions.log import ActionLog, ActionSpan, SetupRecord, action

__all__ = ["ActionLog", "ActionSpan", "SetupRecord", "action"]

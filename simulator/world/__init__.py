"""The simulated AWS world: accounts, organizations, EC2. It knows nothing of License
Manager: it publishes domain events and asks launch authorizers."""

from simulator.world.world import AWS_REGIONS, World

__all__ = ["AWS_REGIONS", "World"]

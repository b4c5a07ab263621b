"""The simulated AWS world: accounts, organizations and the services of each region. It
knows nothing of License Manager: it publishes domain events and asks launch authorizers."""

from simulator.world.region import Region
from simulator.world.world import AWS_REGIONS, World

__all__ = ["AWS_REGIONS", "Region", "World"]

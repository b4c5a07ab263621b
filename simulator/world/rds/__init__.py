"""Simulated Amazon RDS for Oracle: DB instances with their license model and class, read
replicas, and option groups."""

from simulator.world.rds.db_instance import DBInstance, DBInstanceStatus
from simulator.world.rds.option_group import OptionGroup
from simulator.world.rds.service import RdsService, RdsTimings

__all__ = ["DBInstance", "DBInstanceStatus", "OptionGroup", "RdsService", "RdsTimings"]

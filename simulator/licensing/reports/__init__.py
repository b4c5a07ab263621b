"""License Manager's report generators and the CSV reports they write to S3."""

from simulator.licensing.reports.generator import REPORT_TYPES, SUMMARY_REPORT, USAGE_REPORT, ReportGenerator
from simulator.licensing.reports.generators import ReportGenerators

__all__ = ["REPORT_TYPES", "SUMMARY_REPORT", "USAGE_REPORT", "ReportGenerator", "ReportGenerators"]

"""What SSM Agent reports as a node's platform (AWS:InstanceInformation PlatformType,
PlatformName, PlatformVersion) for the operating systems of the AMI catalog."""

from __future__ import annotations

import re
from typing import NamedTuple

from simulator.core.billing import is_windows
from simulator.world.ec2.image import Image

PLATFORM_TYPES = ("Windows", "Linux", "MacOS")


class Platform(NamedTuple):
    """A node's operating system as Systems Manager names it."""

    type: str
    name: str
    version: str


#: AMI name prefix -> the platform its instances report. Names and versions are the ones
#: SSM Agent reports for these operating systems (Windows: the product name and the build,
#: e.g. 10.0.17763 for Windows Server 2019; Linux: the /etc/os-release NAME and VERSION_ID).
_BY_NAME_PREFIX: tuple[tuple[str, Platform], ...] = (
    ("Windows_Server-2022", Platform("Windows", "Microsoft Windows Server 2022 Datacenter", "10.0.20348")),
    ("Windows_Server-2019", Platform("Windows", "Microsoft Windows Server 2019 Datacenter", "10.0.17763")),
    ("Windows_Server-2016", Platform("Windows", "Microsoft Windows Server 2016 Datacenter", "10.0.14393")),
    ("al2023-", Platform("Linux", "Amazon Linux", "2023")),
    ("amzn2-", Platform("Linux", "Amazon Linux", "2")),
    ("suse-sles-15-sp6", Platform("Linux", "SLES", "15.6")),
    ("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04", Platform("Linux", "Ubuntu", "24.04")),
    ("ubuntu-pro-server/images/hvm-ssd-gp3/ubuntu-noble-24.04", Platform("Linux", "Ubuntu", "24.04")),
    ("RHEL-9.5", Platform("Linux", "Red Hat Enterprise Linux", "9.5")),
)
#: What an AMI outside the catalog (imported, created, registered) reports, by billing platform.
_WINDOWS = Platform("Windows", "Microsoft Windows Server", "10.0")
_LINUX = Platform("Linux", "Linux", "")


def platform_of(image: Image) -> Platform:
    """The platform SSM Agent reports on instances launched from ``image``."""
    for prefix, platform in _BY_NAME_PREFIX:
        if image.name.startswith(prefix):
            return platform
    return _WINDOWS if is_windows(image.usage_operation) else _LINUX


#: SQL Server release year -> the version its RTM build reports.
_SQL_VERSIONS = {"2016": "13.0.1601.5", "2017": "14.0.1000.169", "2019": "15.0.2000.5", "2022": "16.0.1000.6"}
_SQL_IN_NAME = re.compile(r"SQL_(\d{4})_(Enterprise|Standard|Web|Express)")
MICROSOFT = "Microsoft Corporation"


def preinstalled(image: Image) -> tuple[tuple[str, str, str], ...]:
    """The ``(name, publisher, version)`` of the licensed software an AMI comes with: the
    SQL Server edition of the catalog's "with SQL Server" AMIs."""
    match = _SQL_IN_NAME.search(image.name)
    if match is None:
        return ()
    year, edition = match.groups()
    return ((f"Microsoft SQL Server {year} {edition}", MICROSOFT, _SQL_VERSIONS.get(year, f"{year}.0")),)

"""SQL Server Enterprise installed by hand, in the data center and on EC2, and how late
License Manager finds it.

The license administrator of the management account links AWS Organizations, turns on
cross-account discovery and creates a license configuration for SQL Server Enterprise,
counted by physical core, with automated discovery rules: the application name of SQL
Server 2019 and 2022 Enterprise, excluding the sandbox account and resources tagged
``environment=dev`` (User Guide, "Automated discovery of resource inventory"), and
releasing servers once the software is uninstalled (DisassociateWhenNotFound).

The data-center account registers its on-premises servers through a hybrid activation
(Systems Manager gives each an ``mi-`` id); the applications account runs Windows Server
instances on a Dedicated Host (a host counts its physical cores once), some tagged as dev; the sandbox account has servers too. Over the weeks the DBAs
install SQL Server Enterprise by hand here and there, and one server has it removed again.
Systems Manager gathers inventory every 30 minutes; License Manager copies the members'
inventory once a day, at 13:00 UTC, so it finds each installation hours later, and a hard
limit cannot stop what is found after the fact (``discovered_over_limit``). One server's
agent goes dark for 40 days: License Manager keeps counting it for the 30 days Systems
Manager keeps its inventory, then marks it inactive until it is seen again. Another server
is decommissioned and deregistered, which releases its licenses at once.

``lmsim run`` writes the exposure timeline (true against reported consumption) and its
plot along with the other timelines.

Parameters:
    license_count: Core licenses purchased.
    servers: On-premises servers in the data-center account.
    instances: Windows Server instances in the applications account (half of them dev).
    install_share: The share of production machines that get SQL Server Enterprise.
    outage_days: How long the dark server's agent stays offline.
"""

from __future__ import annotations

from simulator import Simulation

START = "2026-03-02T00:00:00Z"
DURATION = "60d"

MANAGEMENT = "111111111111"
DATA_CENTER = "222222222222"
APPLICATIONS = "333333333333"
SANDBOX = "444444444444"
DAY = 86400.0
SQL_2019 = ("Microsoft SQL Server 2019 Enterprise", "Microsoft Corporation", "15.0.2000.5")
WINDOWS_2019 = ("Windows", "Microsoft Windows Server 2019 Datacenter", "10.0.17763")


def _filter(name: str, values: list[str], comparator: str = "EQUALS") -> dict:
    return {"ProductInformationFilterName": name, "ProductInformationFilterValue": values,
            "ProductInformationFilterComparator": comparator}


def build(
    sim: Simulation, *, license_count: int = 48, servers: int = 6, instances: int = 4, install_share: float = 0.7,
    outage_days: int = 40,
) -> None:
    """Set up the organization, the discovery rules and the machines, and start the DBAs."""
    sim.create_organization(MANAGEMENT, [DATA_CENTER, APPLICATIONS, SANDBOX])
    sim.client("organizations", MANAGEMENT).enable_aws_service_access(
        ServicePrincipal="license-manager.amazonaws.com")
    lm = sim.client("license-manager", MANAGEMENT)
    lm.update_service_settings(OrganizationConfiguration={"EnableIntegration": True}, EnableCrossAccountsDiscovery=True)
    exclusions = [_filter("AccountId", [SANDBOX], "NOT_EQUALS"), _filter("Tag:environment", ["dev"], "NOT_EQUALS")]
    lm.create_license_configuration(
        Name="sql-server-enterprise-cores", Description="SQL Server Enterprise per physical core (discovered)",
        LicenseCountingType="Core", LicenseCount=license_count, LicenseCountHardLimit=True,
        DisassociateWhenNotFound=True,
        ProductInformationList=[
            {"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
                _filter("Application Name", [SQL_2019[0], "Microsoft SQL Server 2022 Enterprise"]), *exclusions]},
        ],
    )
    rng = sim.random.stream("on-prem-sql")
    data_center = _register(sim, DATA_CENTER, "dc", servers, rng)
    sandbox = _register(sim, SANDBOX, "lab", 2, rng)
    ec2 = sim.client("ec2", APPLICATIONS)
    image = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "name", "Values": ["Windows_Server-2019-English-Full-Base-*"]}])["Images"][0]["ImageId"]
    ec2.allocate_hosts(AvailabilityZone=f"{sim.region}a", InstanceFamily="m5", AutoPlacement="on",
                       Quantity=max(1, -(-instances // 6)))
    tiers = [("prod" if n % 2 == 0 else "dev") for n in range(instances)]
    launched = [ec2.run_instances(ImageId=image, InstanceType="m5.4xlarge", MinCount=1, MaxCount=1,
                                  Placement={"Tenancy": "host"},
                                  TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                      {"Key": "environment", "Value": tier}]}])["Instances"][0]["InstanceId"]
                for tier in tiers]
    production = data_center[2:] + [i for i, tier in zip(launched, tiers) if tier == "prod"]
    chosen = [m for m in production if rng.random() < install_share] or production[:1]
    # The server whose agent goes dark the next day, and the one decommissioned later.
    installs = [(1.0 * DAY, data_center[0]), (3.0 * DAY, data_center[1])]
    installs += [(float(rng.uniform(0.5, 20.0)) * DAY, machine) for machine in chosen]
    installs += [(float(rng.uniform(0.5, 5.0)) * DAY, m) for m in (launched[1], sandbox[0])]  # dev and sandbox
    removed = next((m for m in chosen if m in data_center), chosen[0])
    sim.process(_dbas(sim, sorted(installs), data_center[:2] + [removed], outage_days))


def _register(sim: Simulation, account_id: str, prefix: str, count: int, rng) -> list[str]:
    """The account's servers register with a hybrid activation; their ``mi-`` ids."""
    ssm = sim.client("ssm", account_id)
    activation = ssm.create_activation(IamRole="SSMServiceRole", RegistrationLimit=count,
                                       Description=f"{prefix} servers", Tags=[{"Key": "site", "Value": prefix}])
    return [sim.register_on_premises_server(
        activation["ActivationId"], activation["ActivationCode"], name=f"{prefix}-sql{n:02d}",
        platform_type=WINDOWS_2019[0], platform_name=WINDOWS_2019[1], platform_version=WINDOWS_2019[2],
        cores=cores, sockets=2, vcpus=2 * cores) for n, cores in enumerate(rng.choice([8, 16], count).tolist())]


def _dbas(sim: Simulation, installs: list[tuple[float, str]], servers: list[str], outage_days: int):
    """Installations at their times; ``servers`` are the one whose agent goes dark, the one
    decommissioned, and the one that has SQL Server removed."""
    events = [(at, "install", machine) for at, machine in installs]
    dark, decommissioned, removed = servers
    events += [(2 * DAY, "dark", dark), ((2 + outage_days) * DAY, "back", dark), (25 * DAY, "deregister",
               decommissioned), (30 * DAY, "uninstall", removed)]
    installed: set[str] = set()
    for at, what, machine in sorted(events):
        yield sim.env.timeout(max(0.0, at - sim.env.now))
        if what == "install":
            sim.install_software(machine, SQL_2019[0], publisher=SQL_2019[1], version=SQL_2019[2])
            installed.add(machine)
        elif what == "uninstall" and machine in installed:
            sim.uninstall_software(machine, SQL_2019[0])
        elif what in ("dark", "back"):
            sim.set_agent_online(machine, what == "back")
        elif what == "deregister":
            sim.client("ssm", DATA_CENTER).deregister_managed_instance(InstanceId=machine)

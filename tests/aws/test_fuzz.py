"""Every registered operation, fuzzed from its botocore input shape: valid requests built
from the simulation's own resources, the same with fields corrupted, and adversarial values,
among them numbers, strings, blobs and lists at the limits of their model ranges and lengths
and just past them. Whatever botocore accepts must come back as a success or an AWS error the
operation can answer with (strict mode checks both), never a Python exception or a hang;
every call is recorded; a refused call changes nothing in the world, and neither a refused
call nor a read changes what the service's public listings show (compared before and after).

Operations registered later are fuzzed the day they are registered: the test walks
``simulator.aws.implemented()``."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest
from botocore.exceptions import (
    ClientError,
    FlexibleChecksumError,
    HTTPClientError,
    MissingDependencyException,
    ParamValidationError,
)
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation
from simulator.aws import OPERATIONS as HANDLERS
from simulator.aws import Call, implemented
from simulator.aws.models import operation_model
from simulator.core.errors import ServiceError
from simulator.world.ec2 import Ec2Quotas
from tests.helpers import ACCOUNT_A, ACCOUNT_B, AZ, LINUX, create_license, over_http, public_ami

EXAMPLES = 120
ODD_STRINGS = ["", " ", "²", "١٢٣", "9" * 40, "-1", "0", "*", "a\nb", "arn:aws:ec2:us-east-1:111111111111:instance/x",
               "ü" * 3, "i-", "ami-00000000", "h-0123456789abcdef0", "lic-0", "null", "True", "true"]


def _estate() -> tuple[Simulation, dict[str, list[str]]]:
    """A small estate (tight quotas keep random counts cheap) and pools of its real ids."""
    sim = Simulation(seed=0, ec2_quotas=Ec2Quotas(on_demand_vcpus={"Standard": 64}, hosts_per_family=4))
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    ec2 = sim.client("ec2", ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    image = public_ami(ec2, LINUX)
    owned = ec2.register_image(Name="fuzz-image")["ImageId"]
    host = ec2.allocate_hosts(AvailabilityZone=AZ, InstanceFamily="m5", AutoPlacement="on", Quantity=1)["HostIds"][0]
    instances = [i["InstanceId"] for i in ec2.run_instances(ImageId=image, InstanceType="m5.large", MinCount=2,
                                                            MaxCount=2)["Instances"]]
    template = ec2.create_launch_template(LaunchTemplateName="fuzz", LaunchTemplateData={
        "ImageId": image, "InstanceType": "m5.large"})["LaunchTemplate"]["LaunchTemplateId"]
    config = lm.create_license_configuration(Name="fuzz", LicenseCountingType="vCPU",
                                             LicenseCount=64)["LicenseConfigurationArn"]
    activation = sim.client("ssm", ACCOUNT_A).create_activation(IamRole="SSMServiceRole", RegistrationLimit=2)
    server = sim.register_on_premises_server(
        activation["ActivationId"], activation["ActivationCode"], name="fuzz", platform_type="Linux",
        platform_name="Ubuntu", platform_version="24.04", cores=4, sockets=1, vcpus=8)
    license_arn = create_license(lm)
    rds = sim.client("rds", ACCOUNT_A)
    rds.create_option_group(OptionGroupName="fuzz", EngineName="oracle-ee", MajorEngineVersion="19",
                            OptionGroupDescription="fuzz")
    rds.create_db_instance(DBInstanceIdentifier="fuzz", DBInstanceClass="db.m5.large", Engine="oracle-ee",
                           MasterUsername="admin", AllocatedStorage=20, OptionGroupName="fuzz")
    s3 = sim.client("s3", ACCOUNT_A)
    s3.create_bucket(Bucket="fuzz-bucket")
    s3.put_object(Bucket="fuzz-bucket", Key="fuzz/key.csv", Body=b"a,b\n")
    sns = sim.client("sns", ACCOUNT_A)
    topic = sns.create_topic(Name="fuzz-topic")["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs",
                                 Endpoint=f"arn:aws:sqs:us-east-1:{ACCOUNT_A}:fuzz")["SubscriptionArn"]
    sim.advance("1h")
    ec2.stop_instances(InstanceIds=instances[1:])  # placement changes need a stopped instance
    sim.advance("1h")
    region = sim.region
    pools = {
        "DBInstanceIdentifier": ["fuzz", f"arn:aws:rds:{region}:{ACCOUNT_A}:db:fuzz"],
        "OptionGroupName": ["fuzz", "default:oracle-ee-19"],
        "ActivationId": [activation["ActivationId"]],
        "InstanceId": instances + [server],
        "ImageId": [image, owned],
        "HostId": [host],
        "LaunchTemplateId": [template],
        "LaunchTemplateName": ["fuzz"],
        "LicenseConfigurationArn": [config],
        "LicenseArn": [license_arn],
        "ResourceArn": [config, f"arn:aws:ec2:{region}:{ACCOUNT_A}:instance/{instances[0]}",
                        f"arn:aws:ec2:{region}::image/{image}", f"arn:aws:ec2:{region}:{ACCOUNT_A}:dedicated-host/{host}"],
        "AccountId": [ACCOUNT_A, ACCOUNT_B],
        "InstanceType": ["m5.large", "m5.xlarge", "t3.micro", "m5.4xlarge"],
        "InstanceFamily": ["m5", "c5"],
        "AvailabilityZone": [AZ, "us-east-1b"],
        "Region": [region, "eu-west-1"],
        "Tenancy": ["default", "dedicated", "host"],
        "ServicePrincipal": ["license-manager.amazonaws.com", "ram.amazonaws.com"],
        "ResourceId": [server],
        "Engine": ["oracle-ee", "oracle-se2"],
        "TypeName": ["AWS:Application", "AWS:InstanceInformation", "AWS:Tag"],
        "UsageOperation": ["RunInstances", "RunInstances:0002", "RunInstances:0800", "RunInstances:0006",
                           "RunInstances:0804"],
        "Bucket": ["fuzz-bucket", "reports-new"],
        "Key": ["fuzz/key.csv", "fuzz/other.csv"],
        "TopicArn": [topic],
        "TargetArn": [topic],
        "SubscriptionArn": [subscription],
        "Protocol": ["email", "sqs", "https"],
        "Endpoint": ["ops@example.com", f"arn:aws:sqs:us-east-1:{ACCOUNT_A}:fuzz", "https://example.com/hook"],
    }
    return sim, pools


def _pool(name: str, pools: dict[str, list[str]]) -> list[str]:
    for key, values in pools.items():
        if key.lower() in name.lower():
            return values
    return [v for values in pools.values() for v in values]


def strategy(shape: Shape, name: str, pools: dict[str, list[str]], valid: bool, depth: int = 0) -> st.SearchStrategy:
    """Values of ``shape`` that botocore's validator accepts (mostly): with ``valid``, strings
    from the estate's own ids and the enums and small numbers; otherwise anything goes."""
    kind = shape.type_name
    if kind == "structure":
        if depth > 4:
            return st.just({})
        members = {m: strategy(s, m, pools, valid, depth + 1) for m, s in shape.members.items()}
        required = {m: members[m] for m in shape.required_members}
        optional = {m: v for m, v in members.items() if m not in required}
        if valid:  # a few optional members, as a real request gives
            return _sparse(required, optional)
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "list":
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max")
        item = strategy(shape.member, name, pools, valid, depth + 1)
        lists = st.lists(item, min_size=low, max_size=max(low, 3))
        if valid or high is None or high > 5:
            return lists
        return st.one_of(lists, st.lists(item, min_size=high, max_size=high + 1))  # at the limit and past it
    if kind == "map":
        return st.dictionaries(strategy(shape.key, name, pools, valid, depth + 1),
                               strategy(shape.value, name, pools, valid, depth + 1), max_size=2)
    if kind == "string":
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max")
        enum = list(getattr(shape, "enum", None) or [])
        if valid:
            choices = [st.sampled_from(enum)] if enum else [st.sampled_from(_pool(name, pools))]
            if not enum and name.endswith("Name"):  # a fresh name, so that creations keep succeeding
                choices.append(st.integers(0, 10**6).map(lambda i: f"fresh-{i}"))
        else:
            choices = [st.sampled_from(_pool(name, pools)), st.sampled_from(ODD_STRINGS),
                       st.text(string.printable, max_size=20)] + ([st.sampled_from(enum)] if enum else [])
            if high is not None:  # at the longest the model allows, and one past it
                choices.append(st.sampled_from(["a" * high, "a" * (high + 1)]))
        return st.one_of(*choices).filter(lambda s: len(s) >= low)
    if kind in ("integer", "long"):
        low, high = shape.metadata.get("min", -(2**31)), shape.metadata.get("max", TYPE_MAX[kind])
        small = st.integers(max(low, 0), max(min(high, 12), max(low, 0)))
        if valid:
            return small
        limits = [low, high] + ([high + 1] if "max" in shape.metadata else [])  # botocore checks only min
        return st.one_of(small, st.integers(low, high), st.sampled_from(limits))
    if kind == "boolean":
        return st.booleans()
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "timestamp":
        return st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                            timezones=st.just(UTC))
    if kind == "blob":
        high = shape.metadata.get("max")
        if valid or high is None or high > 65536:
            return st.binary(max_size=16)
        return st.one_of(st.binary(max_size=16), st.sampled_from([b"", b"a" * high, b"a" * (high + 1)]))
    return st.none()


#: The largest value of the model's number types (a member without a max may take it).
TYPE_MAX = {"integer": 2**31 - 1, "long": 2**63 - 1}


def past_limits(shape: Shape) -> list[tuple[str, object]]:
    """For each top-level member with a maximum, a value at the edge of what the model allows
    and past it: a number one above its max (or the largest value of its type, without one), a
    string one character longer than its max."""
    edges: list[tuple[str, object]] = []
    for member, member_shape in shape.members.items():
        kind, high = member_shape.type_name, member_shape.metadata.get("max")
        if kind in TYPE_MAX:
            edges.append((member, TYPE_MAX[kind] if high is None else high + 1))
        elif kind == "string" and high is not None and not getattr(member_shape, "enum", None):
            edges.append((member, "a" * (high + 1)))
    return edges


@st.composite
def _sparse(draw: st.DrawFn, required: dict, optional: dict) -> dict:
    chosen = draw(st.lists(st.sampled_from(sorted(optional)), max_size=3, unique=True)) if optional else []
    # member by member: a strategy built per draw would cost more than the values it draws
    return {member: draw(values) for member, values in (*required.items(), *((m, optional[m]) for m in chosen))}


#: Complete requests built from the estate, for operations whose valid requests need several
#: members the model leaves optional; the fuzzer adds members to them.
SEEDS = {
    "RunInstances": lambda p: {"ImageId": p["ImageId"][0], "InstanceType": "m5.large", "MinCount": 1, "MaxCount": 2},
    "AllocateHosts": lambda p: {"AvailabilityZone": AZ, "InstanceFamily": "m5", "Quantity": 1},
    "ImportImage": lambda p: {"DiskContainers": [{"UserBucket": {"S3Bucket": "b", "S3Key": "k"}}]},
    "CreateLaunchTemplate": lambda p: {"LaunchTemplateName": "seeded", "LaunchTemplateData": {
        "ImageId": p["ImageId"][0], "InstanceType": "m5.large"}},
    "ModifyInstancePlacement": lambda p: {"InstanceId": p["InstanceId"][1], "Tenancy": "host"},
    "CreateLicenseConversionTaskForResource": lambda p: {
        "ResourceArn": p["ResourceArn"][1], "SourceLicenseContext": {"UsageOperation": "RunInstances"},
        "DestinationLicenseContext": {"UsageOperation": "RunInstances:0800"}},
    "CreateDBInstance": lambda p: {"DBInstanceIdentifier": "seeded", "DBInstanceClass": "db.m5.large",
                                   "Engine": "oracle-ee", "MasterUsername": "admin", "AllocatedStorage": 20},
}


def requests(shape: Shape | None, name: str, pools: dict[str, list[str]]) -> st.SearchStrategy:
    """Requests of an operation: valid ones from the estate, the same with one member at or
    past the limit of its model range or length, and adversarial ones, mixed."""
    if shape is None:
        return st.just({})
    valid = strategy(shape, name, pools, valid=True)
    seed = SEEDS.get(name)
    if seed is not None:
        valid = st.one_of(strategy(shape, name, pools, valid=True).map(lambda more: {**more, **seed(pools)}), valid)
    variants = [valid, strategy(shape, name, pools, valid=False)]
    edges = past_limits(shape)
    if edges:
        at_edge = st.tuples(valid, st.sampled_from(edges)).map(lambda pair: {**pair[0], pair[1][0]: pair[1][1]})
        variants.insert(1, at_edge)
    return st.one_of(*variants)


#: The public listings of each service's state, as (operation, request): what neither a refused
#: call nor a read may change. They are answered by the operations' handlers (the same answers
#: a client gets, without botocore's cost) for the calling account.
LISTINGS: dict[str, list[tuple[str, dict]]] = {
    "ec2": [("DescribeInstances", {}), ("DescribeHosts", {}), ("DescribeImages", {"Owners": ["self"]}),
            ("DescribeLaunchTemplates", {}), ("DescribeImportImageTasks", {})],
    "license-manager": [("ListLicenseConfigurations", {}), ("ListLicenses", {}), ("ListDistributedGrants", {}),
                        ("ListReceivedGrants", {}), ("ListTokens", {}), ("ListLicenseConversionTasks", {}),
                        ("GetServiceSettings", {})],
    "rds": [("DescribeDBInstances", {}), ("DescribeOptionGroups", {})],
    "resource-groups": [("ListGroups", {})],
    "kms": [("ListKeys", {}), ("ListAliases", {})],
    "ram": [("GetResourceShares", {"resourceOwner": "SELF"}), ("GetResourceShareInvitations", {})],
    "ssm": [("DescribeActivations", {}), ("DescribeInstanceInformation", {})],
    "organizations": [("DescribeOrganization", {}), ("ListAccounts", {}),
                      ("ListAWSServiceAccessForOrganization", {})],
}
READ_PREFIXES = ("Describe", "List", "Get")


def listings(sim: Simulation, service: str) -> list[str]:
    """What the service's public listings show the calling account now (a refusal by its code)."""
    shown = []
    for name, request in LISTINGS.get(service, ()):
        call = Call(service, name, ACCOUNT_A, sim.region, f"arn:aws:iam::{ACCOUNT_A}:root", sim.backends)
        try:
            shown.append(repr(HANDLERS[(service, name)](call, dict(request))))
        except ServiceError as error:
            shown.append(error.code)
    return shown


OPERATIONS = implemented()
#: The codes lmsim serve refuses a request with before it reaches the gateway.
WIRE_REFUSALS = frozenset({"MissingParameter", "InvalidParameterValue", "ValidationError", "ValidationException",
                           "SerializationException", "MalformedQueryString", "InvalidArgument", "MalformedXML",
                           "RequestEntityTooLarge", "RequestTimeout"})


@pytest.mark.parametrize("service, name", OPERATIONS, ids=[f"{s}:{n}" for s, n in OPERATIONS])
def test_operation_survives_fuzzing(service, name):
    """Any input botocore accepts: a success or an AWS error code (strict mode raises on
    anything else), one events row per call, and no world change when refused."""
    sim, pools = _estate()
    client = sim.client(service, ACCOUNT_A)
    method = getattr(client, client.meta.method_to_api_mapping and {v: k for k, v in
                                                                     client.meta.method_to_api_mapping.items()}[name])
    params = requests(operation_model(service, name).input_shape, name, pools)

    read = name.startswith(READ_PREFIXES)
    shown: list[list[str] | None] = [None]  # the listings since the last change of state

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(params)
    def call(request):
        if shown[0] is None:
            shown[0] = listings(sim, service)
        rows = len(sim.records.rows("events"))
        world = len(sim.records.rows("event_groups"))
        refused = False
        try:
            method(**request)
        except (ParamValidationError, FlexibleChecksumError, MissingDependencyException):
            assert len(sim.records.rows("events")) == rows  # botocore refused it: never sent
            return
        except HTTPClientError as error:
            # over HTTP, the client's HTTP library refuses a header value with a line break
            assert over_http() and "Invalid header value" in str(error)
            assert len(sim.records.rows("events")) == rows
            return
        except ClientError as error:
            refused = True
            assert len(sim.records.rows("event_groups")) == world, "a refused call changed the world"
            if over_http() and len(sim.records.rows("events")) == rows:
                # what botocore accepted lost an empty member on the wire; the server's own
                # validation refused it before the gateway, as botocore would have
                assert error.response["Error"]["Code"] in WIRE_REFUSALS
                return
        assert len(sim.records.rows("events")) == rows + 1
        assert sim.records.rows("events")[rows] is not None
        if refused or read:
            assert listings(sim, service) == shown[0], f"a {'refused call' if refused else 'read'} changed a listing"
        else:
            shown[0] = None

    call()

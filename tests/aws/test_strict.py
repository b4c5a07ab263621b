"""The gateway's contract with the AWS model: responses serialized through their output
shapes, error codes limited to what each operation can answer, internal failures answered
and recorded (and, in strict mode, raised)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from botocore.exceptions import ClientError

from simulator import Simulation
from simulator.aws import OPERATIONS, implemented
from simulator.aws.errors import UNDECLARED, allowed_codes
from simulator.aws.gateway import Gateway, StrictModeViolation
from simulator.aws.models import operation_model
from simulator.aws.pagination import DOCUMENTED, bounds
from simulator.aws.shapes import ShapeMismatch
from simulator.core.errors import ServiceError
from tests.helpers import ACCOUNT_A, error_code


@contextmanager
def serving(service: str, name: str, handler):
    """Serve an unimplemented operation with ``handler`` for the duration of the block."""
    assert (service, name) not in OPERATIONS
    OPERATIONS[(service, name)] = handler
    try:
        yield
    finally:
        del OPERATIONS[(service, name)]


def _client(sim: Simulation, strict: bool):
    sim.gateway = Gateway(sim.backends, sim.records, strict=strict)
    return sim.client("ec2", ACCOUNT_A)


@pytest.mark.in_process
def test_responses_go_through_the_output_shape(sim):
    """Members left as None are dropped; in strict mode an unknown member, a missing
    required member, a wrong type or a value outside an enum is refused."""
    good = {"NatGateways": [{"NatGatewayId": "nat-1", "State": "available", "SubnetId": "subnet-1", "VpcId": None}]}
    with serving("ec2", "DescribeNatGateways", lambda call, params: good):
        gateways = _client(sim, strict=True).describe_nat_gateways()["NatGateways"]
    assert gateways == [{"NatGatewayId": "nat-1", "State": "available", "SubnetId": "subnet-1"}]
    for bad in ({"NatGateways": [{"NatGatewayId": 7}]}, {"NatGateways": [{"State": "melting"}]}, {"NatGateways": [{"Colour": "red"}]},
                {"NatGateways": "nat-1"}):
        with serving("ec2", "DescribeNatGateways", lambda call, params, bad=bad: bad), pytest.raises(ShapeMismatch):
            _client(sim, strict=True).describe_nat_gateways()


@pytest.mark.in_process
def test_required_members_are_checked(sim):
    """An output whose required member is missing fails in strict mode."""
    shape = operation_model("license-manager", "CreateLicenseAssetGroup").output_shape
    assert shape.required_members == ["LicenseAssetGroupArn", "Status"]
    sim.gateway = Gateway(sim.backends, sim.records, strict=True)
    lm = sim.client("license-manager", ACCOUNT_A)
    params = {"Name": "g", "LicenseAssetGroupConfigurations": [], "AssociatedLicenseAssetRulesetARNs": [],
              "ClientToken": "t"}
    with serving("license-manager", "CreateLicenseAssetGroup",
                 lambda call, p: {"LicenseAssetGroupArn": "arn:x", "Status": "ACTIVE"}):
        assert lm.create_license_asset_group(**params)["Status"] == "ACTIVE"
    with serving("license-manager", "CreateLicenseAssetGroup", lambda call, p: {"LicenseAssetGroupArn": "arn:x"}):
        with pytest.raises(ShapeMismatch, match="Status"):
            lm.create_license_asset_group(**params)


@pytest.mark.in_process
def test_error_codes_are_limited_to_what_the_operation_can_answer(sim):
    """A code outside the model's errors, the common ones and the documented exceptions is a
    strict-mode failure; a declared one reaches the caller."""
    def refuse(code):
        def handler(call, params):
            raise ServiceError(code, "no")
        return handler

    with serving("ec2", "DescribeNatGateways", refuse("InvalidParameterValue")), pytest.raises(ClientError) as excinfo:
        _client(sim, strict=True).describe_nat_gateways()
    assert error_code(excinfo) == "InvalidParameterValue"
    with serving("ec2", "DescribeNatGateways", refuse("NoSuchBucket")), pytest.raises(StrictModeViolation):
        _client(sim, strict=True).describe_nat_gateways()
    assert "LicenseUsageException" in allowed_codes("ec2", "RunInstances")
    assert "LicenseUsageException" not in allowed_codes("ec2", "DescribeInstances")
    assert "AccountNotFoundException" in allowed_codes("organizations", "DescribeAccount")


def test_documented_exceptions_name_implemented_operations():
    """Every undeclared-code exception and documented page bound is about an operation the
    simulator serves."""
    served = set(implemented())
    assert set(UNDECLARED) <= served
    assert set(DOCUMENTED) <= served


@pytest.mark.in_process
def test_internal_errors_are_answered_and_recorded(sim):
    """Outside strict mode an unexpected exception becomes the service's internal error and
    its events row is written; in strict mode it is raised."""
    def broken(call, params):
        raise KeyError("boom")

    with serving("ec2", "DescribeNatGateways", broken):
        with pytest.raises(ClientError) as excinfo:
            _client(sim, strict=False).describe_nat_gateways()
        assert error_code(excinfo) == "InternalError"
        assert "KeyError" in excinfo.value.response["Error"]["Message"]
        with pytest.raises(KeyError):
            _client(sim, strict=True).describe_nat_gateways()
    rows = sim.timelines.events
    assert list(rows[rows.event_name == "DescribeNatGateways"].error_code) == ["InternalError", "InternalError"]


def test_page_bounds_come_from_the_model_or_the_documentation():
    """Model bounds (DescribeLaunchTemplates 1..200), documented ones (DescribeHosts 5..500),
    none (License Manager: clamped, not refused)."""
    assert (bounds("ec2", "DescribeLaunchTemplates").minimum, bounds("ec2", "DescribeLaunchTemplates").maximum) == (1, 200)
    assert bounds("ec2", "DescribeHosts").maximum == 500
    assert bounds("license-manager", "ListLicenseConfigurations").maximum is None


def test_outside_strict_mode_responses_are_the_same_without_the_checks():
    """Outside strict mode the gateway skips the checks (and the member paths they name) but
    drops the same None members: every response equals strict mode's, call for call."""
    responses = []
    for strict in (True, False):
        sim = Simulation(seed=3)
        sim.add_account(ACCOUNT_A)
        sim.gateway = Gateway(sim.backends, sim.records, strict=strict)
        ec2, lm = sim.client("ec2", ACCOUNT_A), sim.client("license-manager", ACCOUNT_A)
        arn = lm.create_license_configuration(Name="v", LicenseCountingType="vCPU", LicenseCount=64,
                                              LicenseCountHardLimit=True)["LicenseConfigurationArn"]
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        made = [ec2.run_instances(ImageId=image, InstanceType="m5.large", MinCount=2, MaxCount=2,
                                  LicenseSpecifications=[{"LicenseConfigurationArn": arn}],
                                  TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}])]
        sim.advance("10m")
        ids = [i["InstanceId"] for i in made[0]["Instances"]]
        made += [ec2.stop_instances(InstanceIds=ids[:1]), ec2.describe_instances(InstanceIds=ids),
                 lm.get_license_configuration(LicenseConfigurationArn=arn),
                 lm.list_usage_for_license_configuration(LicenseConfigurationArn=arn),
                 ec2.describe_hosts(), lm.list_license_configurations()]
        responses.append(made)
    assert responses[0] == responses[1]

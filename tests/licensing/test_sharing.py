"""License configurations shared across accounts ("Share a license configuration": through
AWS RAM with accounts or the organization; "License Manager across your AWS accounts"), what
members can do with them, when they lose them ("Child account user cannot associate shared
license configuration with an instance"), and what the delegated administrator sees
("Register a delegated administrator": "visibility into EC2 instances owned by accounts in
your organization")."""

from __future__ import annotations

import pytest

from tests.helpers import (
    LINUX,
    assert_refused,
    configuration,
    consumed,
    create_configuration,
    error_code,
    image_arn,
    launch,
    license_specs,
    license_state,
    public_ami,
    usage,
)

MGMT, A, B, OUTSIDER = "111111111111", "222222222222", "333333333333", "444444444444"
LICENSE_MANAGER = "license-manager.amazonaws.com"


@pytest.fixture
def org():
    """MGMT manages A and B, with trusted access for License Manager and RAM, sharing with
    the organization enabled and the organization linked; OUTSIDER stands alone. MGMT owns
    an Instance configuration with a hard limit of 3."""
    from simulator import Simulation

    sim = Simulation(seed=0)
    sim.add_account(OUTSIDER)
    sim.create_organization(MGMT, [A, B])
    orgs = sim.client("organizations", MGMT)
    for principal in (LICENSE_MANAGER, "ram.amazonaws.com"):
        orgs.enable_aws_service_access(ServicePrincipal=principal)
    sim.client("ram", MGMT).enable_sharing_with_aws_organization()
    lm = sim.client("license-manager", MGMT)
    lm.update_service_settings(OrganizationConfiguration={"EnableIntegration": True})
    arn = create_configuration(lm, count=3, name="shared-instances")
    return sim, arn


def organization_arn(sim) -> str:
    return sim.client("organizations", MGMT).describe_organization()["Organization"]["Arn"]


def share(sim, arn: str, *principals: str) -> str:
    """Share ``arn`` from MGMT with ``principals``; the share's ARN."""
    return sim.client("ram", MGMT).create_resource_share(name="licenses", resourceArns=[arn],
                                                         principals=list(principals))["resourceShare"][
        "resourceShareArn"]


def visible(sim, account: str) -> list[tuple[str, str]]:
    configs = sim.client("license-manager", account).list_license_configurations()["LicenseConfigurations"]
    return [(c["Name"], c["OwnerAccountId"]) for c in configs]


def test_a_shared_configuration_is_visible_to_the_organization(org):
    """Shared with the organization, the configuration is listed to members with its owner,
    and they can read it; an account outside the organization sees nothing."""
    sim, arn = org
    assert visible(sim, A) == []
    with pytest.raises(Exception) as excinfo:
        sim.client("license-manager", A).get_license_configuration(LicenseConfigurationArn=arn)
    assert error_code(excinfo) == "AccessDeniedException"
    share(sim, arn, organization_arn(sim))
    assert visible(sim, A) == visible(sim, B) == [("shared-instances", MGMT)]
    assert sim.client("license-manager", A).get_license_configuration(LicenseConfigurationArn=arn)["Name"] == \
        "shared-instances"
    assert visible(sim, OUTSIDER) == []
    shared = sim.client("ram", A).list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"]
    assert [(r["arn"], r["type"]) for r in shared] == [(arn, "license-manager:LicenseConfiguration")]


def test_an_account_outside_the_organization_is_invited(org):
    """Shared with an account outside the organization, the configuration reaches it once it
    accepts the invitation."""
    sim, arn = org
    share(sim, arn, OUTSIDER)
    assert visible(sim, OUTSIDER) == []
    ram = sim.client("ram", OUTSIDER)
    invitation = ram.get_resource_share_invitations()["resourceShareInvitations"][0]
    ram.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    assert visible(sim, OUTSIDER) == [("shared-instances", MGMT)]


def test_members_attach_it_three_ways_and_consume_the_owners_pool(org):
    """A member attaches the shared configuration through LicenseSpecifications, a launch
    template and an AMI association of its own; what it launches counts against the owner's
    pool and shows in the owner's usage with its ResourceOwnerId; the hard limit blocks it."""
    sim, arn = org
    share(sim, arn, organization_arn(sim))
    ec2_a, ec2_b = sim.client("ec2", A), sim.client("ec2", B)
    owner = sim.client("license-manager", MGMT)
    launch(ec2_a, licenses=[arn])
    ec2_a.create_launch_template(LaunchTemplateName="licensed", LaunchTemplateData={
        "ImageId": public_ami(ec2_a, LINUX), "InstanceType": "m5.large",
        "LicenseSpecifications": license_specs(arn)})
    ec2_a.run_instances(LaunchTemplate={"LaunchTemplateName": "licensed"}, MinCount=1, MaxCount=1)
    image = public_ami(ec2_b, LINUX)
    sim.client("license-manager", B).update_license_specifications_for_resource(
        ResourceArn=image_arn(image), AddLicenseSpecifications=license_specs(arn))
    launch(ec2_b, image=image)
    assert consumed(owner, arn) == 3
    assert sorted(u["ResourceOwnerId"] for u in usage(owner, arn)) == [A, A, B]
    assert_refused(sim, "LicenseUsageException", lambda: launch(ec2_b, image=image),
                   license_state([ec2_b], owner, [arn]))


def test_only_the_owner_changes_or_deletes_it(org):
    """A member may read the shared configuration, not update or delete it."""
    sim, arn = org
    share(sim, arn, organization_arn(sim))
    member = sim.client("license-manager", A)
    owner = sim.client("license-manager", MGMT)
    for call in (lambda: member.update_license_configuration(LicenseConfigurationArn=arn, LicenseCount=100),
                 lambda: member.delete_license_configuration(LicenseConfigurationArn=arn),
                 lambda: member.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])):
        assert_refused(sim, "AccessDeniedException", call, lambda: configuration(owner, arn))


@pytest.mark.parametrize("how", ["leaves the organization", "is removed from the share",
                                 "loses the configuration from the share"])
def test_a_member_that_loses_access_can_no_longer_attach_it(org, how):
    """When the member leaves the organization, is removed from the share, or the
    configuration is removed from the share, the member cannot attach it any more (its
    launches naming it are refused, its AMI association no longer applies); its running
    instances stay counted until they stop."""
    sim, arn = org
    share_arn = share(sim, arn, A)
    ec2_a = sim.client("ec2", A)
    image = public_ami(ec2_a, LINUX)
    sim.client("license-manager", A).update_license_specifications_for_resource(
        ResourceArn=image_arn(image), AddLicenseSpecifications=license_specs(arn))
    [running] = launch(ec2_a, image=image)
    owner = sim.client("license-manager", MGMT)
    assert consumed(owner, arn) == 1
    ram = sim.client("ram", MGMT)
    if how == "leaves the organization":
        ram.associate_resource_share(resourceShareArn=share_arn, principals=[organization_arn(sim)])
        ram.disassociate_resource_share(resourceShareArn=share_arn, principals=[A])
        sim.client("organizations", A).leave_organization()
    elif how == "is removed from the share":
        ram.disassociate_resource_share(resourceShareArn=share_arn, principals=[A])
    else:
        ram.disassociate_resource_share(resourceShareArn=share_arn, resourceArns=[arn])
    assert visible(sim, A) == []
    with pytest.raises(Exception) as excinfo:
        launch(ec2_a, image=image, licenses=[arn])
    assert error_code(excinfo) == "InvalidParameterValue"
    launch(ec2_a, image=image)  # the AMI association no longer applies: untracked
    assert consumed(owner, arn) == 1
    sim.advance("5m")
    ec2_a.stop_instances(InstanceIds=[running])
    assert consumed(owner, arn) == 0


def test_the_organizations_configurations_are_listed_for_its_administrators(org):
    """ListLicenseConfigurationsForOrganization: every configuration of the organization's
    accounts, for the management account and the delegated administrator; refused to other
    members."""
    sim, arn = org
    member_arn = create_configuration(sim.client("license-manager", B), name="b-own")
    listed = sim.client("license-manager", MGMT).list_license_configurations_for_organization()
    assert {c["LicenseConfigurationArn"] for c in listed["LicenseConfigurations"]} == {arn, member_arn}
    a = sim.client("license-manager", A)
    with pytest.raises(Exception) as excinfo:
        a.list_license_configurations_for_organization()
    assert error_code(excinfo) == "AccessDeniedException"
    sim.client("organizations", MGMT).register_delegated_administrator(AccountId=A, ServicePrincipal=LICENSE_MANAGER)
    filtered = a.list_license_configurations_for_organization(
        Filters=[{"Name": "licenseCountingType", "Values": ["Instance"]}])["LicenseConfigurations"]
    assert {c["LicenseConfigurationArn"] for c in filtered} == {arn, member_arn}


def test_the_delegated_administrator_acts_for_the_organization(org):
    """The delegated administrator shares its own configuration with the organization,
    lists the usage of the organization's configurations (seeing members' instances), finds
    the members' instances through cross-account inventory search, and grants to the
    organization (auto-accepted); EC2 still shows it only its own instances. Deregistered,
    what it shared stays shared, and its reach ends."""
    sim, arn = org
    orgs = sim.client("organizations", MGMT)
    orgs.register_delegated_administrator(AccountId=A, ServicePrincipal=LICENSE_MANAGER)
    admin = sim.client("license-manager", A)
    own = create_configuration(admin, name="platform", count=10)
    sim.client("ram", A).create_resource_share(name="platform", resourceArns=[own],
                                               principals=[organization_arn(sim)])
    assert ("platform", A) in visible(sim, B)
    share(sim, arn, organization_arn(sim))
    launch(sim.client("ec2", B), licenses=[arn])
    assert [u["ResourceOwnerId"] for u in usage(admin, arn)] == [B]
    assert sim.client("ec2", A).describe_instances()["Reservations"] == []
    admin.update_service_settings(EnableCrossAccountsDiscovery=True)
    sim.advance("2d")
    found = admin.list_resource_inventory()["ResourceInventoryList"]
    assert B in {r["ResourceOwningAccountId"] for r in found}
    lic = admin.create_license(
        LicenseName="seats", ProductName="tool", ProductSKU="tool", Issuer={"Name": "platform"},
        HomeRegion="us-east-1", Validity={"Begin": "2026-01-01T00:00:00Z"},
        Entitlements=[{"Name": "Seats", "Unit": "Count", "MaxCount": 5}], Beneficiary="org",
        ConsumptionConfiguration={"RenewType": "None", "ProvisionalConfiguration": {"MaxTimeToLiveInMinutes": 60}},
        ClientToken="platform-seats")["LicenseArn"]
    admin.create_grant(ClientToken="to-org", GrantName="everyone", LicenseArn=lic, Principals=[organization_arn(sim)],
                       HomeRegion="us-east-1", AllowedOperations=["CheckoutLicense"])
    received = sim.client("license-manager", B).list_received_grants()["Grants"]
    assert [g["GrantStatus"] for g in received] == ["DISABLED"]
    orgs.deregister_delegated_administrator(AccountId=A, ServicePrincipal=LICENSE_MANAGER)
    assert ("platform", A) in visible(sim, B)
    with pytest.raises(Exception) as excinfo:
        admin.list_usage_for_license_configuration(LicenseConfigurationArn=arn)
    assert error_code(excinfo) == "AccessDeniedException"

"""AWS RAM through boto3, the form host resource groups are shared in (AWS License Manager
User Guide, "Share a host resource group", /work/shared/spec/license-manager-user-guide.txt;
the AWS RAM User Guide for sharing inside an organization without invitations)."""

from __future__ import annotations

import pytest

from simulator import Simulation
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    create_configuration,
    create_host_group,
    error_code,
)

OUTSIDER = "333333333333"


@pytest.fixture
def org_sim() -> Simulation:
    """Accounts A (management) and B in an organization, and a standalone outsider."""
    sim = Simulation(seed=0)
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    sim.add_account(OUTSIDER)
    return sim


@pytest.fixture
def ram(org_sim):
    """A RAM client of the management account."""
    return org_sim.client("ram", ACCOUNT_A)


@pytest.fixture
def group(org_sim):
    """A host resource group of the management account."""
    lm = org_sim.client("license-manager", ACCOUNT_A)
    return create_host_group(org_sim.client("resource-groups", ACCOUNT_A), "sql-hosts",
                             create_configuration(lm, "Core"))


def org_arn(sim) -> str:
    return sim.client("organizations", ACCOUNT_A).describe_organization()["Organization"]["Arn"]


def principals(ram, share_arn: str) -> dict[str, str]:
    """Principal -> association status of a share."""
    out = ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share_arn])
    return {a["associatedEntity"]: a["status"] for a in out["resourceShareAssociations"]}


def test_share_with_the_organization_needs_sharing_enabled(org_sim, ram, group):
    """"Share a host resource group": through AWS Organizations, once sharing with it is enabled."""
    with pytest.raises(ram.exceptions.OperationNotPermittedException):
        ram.create_resource_share(name="hosts", resourceArns=[group], principals=[org_arn(org_sim)])
    assert ram.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []
    assert ram.enable_sharing_with_aws_organization()["returnValue"] is True
    share = ram.create_resource_share(name="hosts", resourceArns=[group], principals=[org_arn(org_sim)])[
        "resourceShare"]
    assert share["status"] == "ACTIVE" and share["owningAccountId"] == ACCOUNT_A
    assert principals(ram, share["resourceShareArn"]) == {org_arn(org_sim): "ASSOCIATED"}
    member = org_sim.client("ram", ACCOUNT_B)
    assert [s["name"] for s in member.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]] == [
        "hosts"]
    assert member.get_resource_share_invitations()["resourceShareInvitations"] == []


def test_only_the_management_account_enables_sharing(org_sim):
    """AWS RAM: only the management account can enable sharing with AWS Organizations."""
    with pytest.raises(org_sim.client("ram", ACCOUNT_B).exceptions.OperationNotPermittedException):
        org_sim.client("ram", ACCOUNT_B).enable_sharing_with_aws_organization()


def test_accounts_of_the_organization_need_no_invitation(org_sim, ram, group):
    """Inside an organization that enabled sharing, an account principal is associated at once."""
    ram.enable_sharing_with_aws_organization()
    share = ram.create_resource_share(name="hosts", resourceArns=[group], principals=[ACCOUNT_B])["resourceShare"]
    assert principals(ram, share["resourceShareArn"]) == {ACCOUNT_B: "ASSOCIATED"}
    resources = ram.get_resource_share_associations(associationType="RESOURCE", resourceArn=group)
    assert [(a["associatedEntity"], a["status"]) for a in resources["resourceShareAssociations"]] == [
        (group, "ASSOCIATED")]
    rg_b = org_sim.client("resource-groups", ACCOUNT_B)
    assert rg_b.get_group(Group=group)["Group"]["Name"] == "sql-hosts"
    with pytest.raises(rg_b.exceptions.ForbiddenException):
        rg_b.delete_group(Group=group)


def test_outside_principals_are_invited(org_sim, ram, group):
    """AWS RAM: an account outside the organization gets access when it accepts the invitation."""
    share = ram.create_resource_share(name="hosts", resourceArns=[group], principals=[OUTSIDER])["resourceShare"]
    assert principals(ram, share["resourceShareArn"]) == {OUTSIDER: "ASSOCIATING"}
    outsider = org_sim.client("ram", OUTSIDER)
    rg_out = org_sim.client("resource-groups", OUTSIDER)
    with pytest.raises(rg_out.exceptions.NotFoundException):
        rg_out.get_group(Group=group)
    (invitation,) = outsider.get_resource_share_invitations()["resourceShareInvitations"]
    assert (invitation["status"], invitation["senderAccountId"]) == ("PENDING", ACCOUNT_A)
    accepted = outsider.accept_resource_share_invitation(
        resourceShareInvitationArn=invitation["resourceShareInvitationArn"])["resourceShareInvitation"]
    assert accepted["status"] == "ACCEPTED"
    assert principals(ram, share["resourceShareArn"]) == {OUTSIDER: "ASSOCIATED"}
    assert rg_out.get_group(Group=group)["Group"]["Name"] == "sql-hosts"
    with pytest.raises(outsider.exceptions.ResourceShareInvitationAlreadyAcceptedException):
        outsider.reject_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])


def test_external_principals_can_be_disallowed(org_sim, ram, group):
    """CreateResourceShare: allowExternalPrincipals false refuses accounts outside the organization."""
    with pytest.raises(ram.exceptions.OperationNotPermittedException):
        ram.create_resource_share(name="hosts", resourceArns=[group], principals=[OUTSIDER],
                                  allowExternalPrincipals=False)
    assert ram.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []


def test_only_the_owner_shares_a_resource(org_sim, group):
    """AWS RAM: a resource is shared by the account that owns it; unknown and malformed ARNs are refused."""
    member = org_sim.client("ram", ACCOUNT_B)
    with pytest.raises(member.exceptions.OperationNotPermittedException):
        member.create_resource_share(name="not-mine", resourceArns=[group])
    ram = org_sim.client("ram", ACCOUNT_A)
    with pytest.raises(ram.exceptions.UnknownResourceException):
        ram.create_resource_share(name="gone", resourceArns=[group.replace("sql-hosts", "gone")])
    with pytest.raises(ram.exceptions.MalformedArnException):
        ram.create_resource_share(name="bad", resourceArns=["not-an-arn"])
    with pytest.raises(ram.exceptions.InvalidParameterException):
        ram.create_resource_share(name="iam", resourceArns=[group], principals=[f"arn:aws:iam::{ACCOUNT_B}:role/x"])


def test_associate_and_disassociate(org_sim, ram, group):
    """AssociateResourceShare and DisassociateResourceShare change who the group is shared with."""
    ram.enable_sharing_with_aws_organization()
    share = ram.create_resource_share(name="hosts", resourceArns=[group])["resourceShare"]["resourceShareArn"]
    rg_b = org_sim.client("resource-groups", ACCOUNT_B)
    out = ram.associate_resource_share(resourceShareArn=share, principals=[ACCOUNT_B])
    assert [a["status"] for a in out["resourceShareAssociations"]] == ["ASSOCIATED"]
    assert rg_b.get_group(Group=group)["Group"]["Name"] == "sql-hosts"
    ram.disassociate_resource_share(resourceShareArn=share, principals=[ACCOUNT_B])
    assert principals(ram, share) == {ACCOUNT_B: "DISASSOCIATED"}
    with pytest.raises(rg_b.exceptions.NotFoundException):
        rg_b.get_group(Group=group)
    with pytest.raises(ram.exceptions.UnknownResourceException) as excinfo:
        ram.disassociate_resource_share(resourceShareArn=share, principals=[ACCOUNT_B])
    assert error_code(excinfo) == "UnknownResourceException"


def test_client_token_makes_create_idempotent(org_sim, ram, group):
    """CreateResourceShare: a repeated clientToken returns the same share; with other input it is refused."""
    first = ram.create_resource_share(name="hosts", resourceArns=[group], clientToken="t-1")["resourceShare"]
    again = ram.create_resource_share(name="hosts", resourceArns=[group], clientToken="t-1")["resourceShare"]
    assert again["resourceShareArn"] == first["resourceShareArn"]
    with pytest.raises(ram.exceptions.IdempotentParameterMismatchException):
        ram.create_resource_share(name="other", resourceArns=[group], clientToken="t-1")
    assert len(ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]) == 1


def test_get_resource_shares_filters(org_sim, ram, group):
    """GetResourceShares: by name, tags and ARN; a deleted group's share associations end."""
    ram.create_resource_share(name="a", resourceArns=[group], tags=[{"key": "team", "value": "db"}])
    ram.create_resource_share(name="b")
    assert [s["name"] for s in ram.get_resource_shares(resourceOwner="SELF", name="b")["resourceShares"]] == ["b"]
    tagged = ram.get_resource_shares(resourceOwner="SELF", tagFilters=[{"tagKey": "team", "tagValues": ["db"]}])
    assert [s["name"] for s in tagged["resourceShares"]] == ["a"]
    org_sim.client("resource-groups", ACCOUNT_A).delete_group(Group=group)
    resources = ram.get_resource_share_associations(associationType="RESOURCE")["resourceShareAssociations"]
    assert [a["status"] for a in resources] == ["DISASSOCIATED"]


def test_enum_parameters_are_checked(org_sim, ram):
    """GetResourceShares' resourceOwner is SELF or OTHER-ACCOUNTS and GetResourceShareAssociations'
    associationType PRINCIPAL, RESOURCE or SOURCE (the model's ResourceOwner and
    ResourceShareAssociationType): anything else is an InvalidParameterException."""
    with pytest.raises(ram.exceptions.InvalidParameterException) as excinfo:
        ram.get_resource_shares(resourceOwner="EVERYONE")
    assert excinfo.value.response["Error"]["Message"] == (
        "EVERYONE is not a valid resource owner. Specify either SELF or OTHER-ACCOUNTS and try again.")
    with pytest.raises(ram.exceptions.InvalidParameterException):
        ram.get_resource_share_associations(associationType="OWNER")
    assert ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"] == []

"""The AWS managed policies the simulator knows, and the License Manager User Guide's ISV
policy (a customer managed policy to create, not an AWS managed one).

The License Manager policies hold the actions the guide lists ("Using service-linked roles
for AWS License Manager", "AWS managed policies for AWS License Manager"), on the resources
it names; AWSLicenseManagerConsumptionPolicy is as AWS publishes it in the AWS Managed Policy
Reference (version v1).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from simulator.access import Policy
from simulator.world.iam.managed_policy import ManagedPolicy, PolicyVersion

_LM_BUCKET = "arn:aws:s3:::aws-license-manager-service-*"


def _statement(actions: list[str], resources: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def _managed(name: str, path: str, statements: list[dict[str, Any]], created: str, description: str,
             service_role: bool = False) -> ManagedPolicy:
    arn = f"arn:aws:iam::aws:policy{path}{name}"
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    when = datetime.fromisoformat(created).replace(tzinfo=UTC)
    return ManagedPolicy(
        name=name, arn=arn, path=path, policy_id="ANPA" + name.upper().encode().hex()[:17].upper(),
        description=description, created_at=when,
        versions=[PolicyVersion("v1", Policy.parse(text, arn), when)], service_role_policy=service_role)


SERVICE_ROLE_POLICY = _managed(
    "AWSLicenseManagerServiceRolePolicy", "/aws-service-role/", [
        _statement(["iam:CreateServiceLinkedRole"], [
            "arn:aws:iam::*:role/aws-service-role/license-management.marketplace.amazonaws.com/"
            "AWSServiceRoleForMarketplaceLicenseManagement",
            "arn:aws:iam::*:role/aws-service-role/license-manager.member-account.amazonaws.com/"
            "AWSServiceRoleForAWSLicenseManagerMemberAccountRole"]),
        _statement(["s3:GetBucketLocation", "s3:ListBucket", "s3:PutObject"], _LM_BUCKET),
        _statement(["sns:Publish"], "arn:aws:sns:*:*:aws-license-manager-service-*"),
        _statement(["s3:ListAllMyBuckets", "sns:ListTopics", "ec2:DescribeInstances", "ec2:DescribeImages",
                    "ec2:DescribeHosts", "ssm:ListInventoryEntries", "ssm:GetInventory", "ssm:CreateAssociation",
                    "organizations:ListAWSServiceAccessForOrganization", "organizations:DescribeOrganization",
                    "organizations:ListDelegatedAdministrators", "license-manager:GetServiceSettings",
                    "license-manager:GetLicense*", "license-manager:UpdateLicenseSpecificationsForResource",
                    "license-manager:List*"]),
    ], "2018-11-26", "Service Linked Role Policy for AWS License Manager", service_role=True)

MASTER_ACCOUNT_ROLE_POLICY = _managed(
    "AWSLicenseManagerMasterAccountRolePolicy", "/aws-service-role/", [
        _statement(["s3:GetBucketLocation", "s3:ListBucket", "s3:GetLifecycleConfiguration",
                    "s3:PutLifecycleConfiguration", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
                    "s3:AbortMultipartUpload", "s3:PutObject", "s3:GetObject", "s3:ListBucketMultipartUploads",
                    "s3:ListMultipartUploadParts"], _LM_BUCKET),
        _statement(["s3:DeleteObject"], f"{_LM_BUCKET}/resource-sync/*"),
        _statement(["athena:GetQueryExecution", "athena:GetQueryResults", "athena:StartQueryExecution",
                    "glue:GetTable", "glue:GetPartition", "glue:GetPartitions",
                    "organizations:DescribeOrganization", "organizations:ListAccounts",
                    "organizations:DescribeAccount", "organizations:ListChildren", "organizations:ListParents",
                    "organizations:ListAccountsForParent", "organizations:ListRoots",
                    "organizations:ListAWSServiceAccessForOrganization", "ram:GetResourceShares",
                    "ram:GetResourceShareAssociations", "ram:TagResource", "ram:CreateResourceShare",
                    "ram:AssociateResourceShare", "ram:DisassociateResourceShare", "ram:UpdateResourceShare",
                    "ram:DeleteResourceShare", "iam:GetRole"]),
        _statement(["iam:PassRole"], "arn:aws:iam::*:role/LicenseManagerServiceResourceDataSyncRole*"),
        _statement(["cloudformation:UpdateStack", "cloudformation:CreateStack", "cloudformation:DeleteStack",
                    "cloudformation:DescribeStacks"],
                   "arn:aws:cloudformation:*:*:stack/LicenseManagerCrossAccountCloudDiscoveryStack/*"),
        _statement(["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable", "glue:UpdateJob",
                    "glue:UpdateCrawler"], [
            "arn:aws:glue:*:*:catalog", "arn:aws:glue:*:*:crawler/LicenseManagerResourceSynDataCrawler",
            "arn:aws:glue:*:*:job/LicenseManagerResourceSynDataProcessJob",
            "arn:aws:glue:*:*:table/license_manager_resource_inventory_db/*",
            "arn:aws:glue:*:*:table/license_manager_resource_sync/*",
            "arn:aws:glue:*:*:database/license_manager_resource_inventory_db",
            "arn:aws:glue:*:*:database/license_manager_resource_sync"]),
    ], "2018-11-26", "AWS License Manager Master Account Role Policy", service_role=True)

MEMBER_ACCOUNT_ROLE_POLICY = _managed(
    "AWSLicenseManagerMemberAccountRolePolicy", "/aws-service-role/", [
        _statement(["license-manager:UpdateLicenseSpecificationsForResource", "license-manager:GetLicenseConfiguration",
                    "ssm:ListInventoryEntries", "ssm:GetInventory", "ssm:CreateAssociation",
                    "ssm:CreateResourceDataSync", "ssm:DeleteResourceDataSync", "ssm:ListResourceDataSync",
                    "ssm:ListAssociations", "ram:AcceptResourceShareInvitation", "ram:GetResourceShareInvitations"]),
    ], "2018-11-26", "AWS License Manager Member Account Role Policy", service_role=True)

CONSUMPTION_POLICY = _managed(
    "AWSLicenseManagerConsumptionPolicy", "/service-role/", [
        _statement(["license-manager:CheckoutLicense", "license-manager:CheckInLicense",
                    "license-manager:ExtendLicenseConsumption", "license-manager:GetLicense"]),
    ], "2021-08-11", "Provides permissions to allow access to the AWS License Manager API actions required to "
                     "consume upon licenses")

ADMINISTRATOR_ACCESS = _managed(
    "AdministratorAccess", "/", [_statement(["*"])], "2015-02-06",
    "Provides full access to AWS services and resources.")

#: AWS managed policies by ARN.
AWS_MANAGED_POLICIES: dict[str, ManagedPolicy] = {
    policy.arn: policy for policy in (SERVICE_ROLE_POLICY, MASTER_ACCOUNT_ROLE_POLICY, MEMBER_ACCOUNT_ROLE_POLICY,
                                      CONSUMPTION_POLICY, ADMINISTRATOR_ACCESS)
}

#: The License Manager User Guide's "Policy for an ISV using License Manager", as JSON text:
#: create it as a customer managed policy (CreatePolicy) to use it.
ISV_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "VisualEditor0", "Effect": "Allow",
        "Action": ["license-manager:CreateLicense", "license-manager:ListLicenses",
                   "license-manager:CreateLicenseVersion", "license-manager:ListLicenseVersions",
                   "license-manager:GetLicense", "license-manager:DeleteLicense", "license-manager:CheckoutLicense",
                   "license-manager:CheckInLicense", "kms:GetPublicKey"],
        "Resource": "*",
    }],
}, indent=2)

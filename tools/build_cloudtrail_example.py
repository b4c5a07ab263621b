#!/usr/bin/env python3
"""Write the example CloudTrail history under ``scenarios/cloudtrail_example/``.

A week of an organization's trail (management account 111111111111, teams in 222222222222
and 333333333333, us-east-1), in the exact record format CloudTrail delivers: event records
with ``userIdentity``, ``eventTime``, ``eventSource``, ``eventName``, ``awsRegion``,
``requestParameters``, ``responseElements``, ``errorCode`` ... gzip-compressed, one file per
account, region and five minutes, in the S3 layout of an organization trail
(``AWSLogs/<organization id>/<account>/CloudTrail/<region>/YYYY/MM/DD/``). EC2's instance
calls use the lowercase-initial XML-ish request form (``instancesSet.items``,
``instanceType``, ``minCount``), its Dedicated Host calls the ``<Action>Request`` form, and
License Manager's calls lowercase-initial member names.

The story: the teams run Windows Server from the company's golden AMI on m5 Dedicated
Hosts (48 physical cores each), Linux on shared tenancy, and SQL Server Enterprise on a
license-included AMI the administrator tracks with a soft-limited vCPU configuration. At
its peak three hosts run Windows at once. The trail also holds a failed call
(TerminateInstances refused as UnauthorizedOperation), a tenancy change
(ModifyInstancePlacement), a host release, and events a replay leaves alone (a console
sign-in, DescribeInstances, an IAM call).

Everything is derived from fixed strings, so the files come out byte-identical on every
run (gzip mtime 0). Usage::

    python3 tools/build_cloudtrail_example.py            # rewrite the example
    python3 tools/build_cloudtrail_example.py --check    # exit 1 if the committed files differ
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "scenarios" / "cloudtrail_example"
ORGANIZATION = "o-7h2k9d4m1x"
REGION = "us-east-1"
ADMIN, ANALYTICS, WEB = "111111111111", "222222222222", "333333333333"
WINDOWS_AMI = "ami-0c1d2e3f4a5b6c7d8"
LINUX_AMI = "ami-0a9b8c7d6e5f4a3b2"
SQL_AMI = "ami-0f1e2d3c4b5a69788"
XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
IDENTITIES = {
    ADMIN: ("AssumedRole", "arn:aws:sts::111111111111:assumed-role/LicenseAdministrator/maria.garcia",
            "AROAEXAMPLEADMIN00001:maria.garcia", "arn:aws:iam::111111111111:role/LicenseAdministrator"),
    ANALYTICS: ("AssumedRole", "arn:aws:sts::222222222222:assumed-role/Deployer/ci-pipeline",
                "AROAEXAMPLEDEPLOY0002:ci-pipeline", "arn:aws:iam::222222222222:role/Deployer"),
    WEB: ("IAMUser", "arn:aws:iam::333333333333:user/jlee", "AIDAEXAMPLEJLEE00003", None),
}
USER_AGENTS = {ADMIN: "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023 prompt/off command/{command}",
               ANALYTICS: "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.8",
               WEB: "console.ec2.amazonaws.com"}
STATES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}
PLATFORMS = {WINDOWS_AMI: "windows", SQL_AMI: "windows", LINUX_AMI: None}
HOSTS = {"iam.amazonaws.com": "iam.amazonaws.com", "signin.amazonaws.com": "signin.aws.amazon.com"}


def _hex(*parts: object, width: int = 17) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:width]


def _uuid(*parts: object) -> str:
    h = _hex(*parts, width=32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _identity(account: str, when: datetime) -> dict:
    kind, arn, principal_id, role = IDENTITIES[account]
    identity = {"type": kind, "principalId": principal_id, "arn": arn, "accountId": account,
                "accessKeyId": ("ASIA" if role else "AKIA") + _hex(account, "key", width=16).upper()}
    if role is None:
        identity["userName"] = arn.rsplit("/", 1)[1]
    else:
        identity["sessionContext"] = {
            "sessionIssuer": {"type": "Role", "principalId": principal_id.split(":")[0], "arn": role,
                              "accountId": account, "userName": role.rsplit("/", 1)[1]},
            "webIdFederationData": {},
            "attributes": {"creationDate": (when - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                           "mfaAuthenticated": "false"},
        }
    return identity


class Story:
    """Builds the trail's records."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.hosts: dict[str, str] = {}

    def record(self, when: str, account: str, source: str, name: str, request: dict | None,
               response: dict | None, *, read_only: bool = False, error: tuple[str, str] | None = None,
               command: str = "") -> dict:
        at = datetime.fromisoformat(when).replace(tzinfo=UTC)
        number = len(self.records)
        record = {
            "eventVersion": "1.09",
            "userIdentity": _identity(account, at),
            "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": source,
            "eventName": name,
            "awsRegion": REGION,
            "sourceIPAddress": {ADMIN: "198.51.100.24", ANALYTICS: "203.0.113.77", WEB: "192.0.2.145"}[account],
            "userAgent": USER_AGENTS[account].format(command=command or name.lower()),
        }
        if error is not None:
            record["errorCode"], record["errorMessage"] = error
        record.update({
            "requestParameters": request,
            "responseElements": None if error else response,
            "requestID": _uuid("request", number),
            "eventID": _uuid("event", number),
            "readOnly": read_only,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
            "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                           "clientProvidedHostHeader": HOSTS.get(source, f"{source.split('.')[0]}.{REGION}.amazonaws.com")},
        })
        self.records.append(record)
        return record

    # -- EC2 ------------------------------------------------------------------------------

    def allocate_hosts(self, when: str, account: str, quantity: int, team: str) -> list[str]:
        hosts = [f"h-0{_hex('host', account, len(self.hosts) + n, width=16)}" for n in range(quantity)]
        self.record(when, account, "ec2.amazonaws.com", "AllocateHosts", {"AllocateHostsRequest": {
            "AvailabilityZone": f"{REGION}a", "InstanceFamily": "m5", "Quantity": quantity, "AutoPlacement": "off",
            "HostRecovery": "on", "ClientToken": _uuid("token", when),
            "TagSpecification": {"ResourceType": "dedicated-host", "Tag": {"Key": "team", "Value": team, "tag": 1},
                                 "tag": 1}}},
            {"AllocateHostsResponse": {"xmlns": XMLNS, "requestId": _uuid("allocate", when),
                                       "hostIdSet": {"item": hosts if quantity > 1 else hosts[0]}}})
        for host in hosts:
            self.hosts[host] = account
        return hosts

    def release_hosts(self, when: str, account: str, host: str) -> None:
        self.record(when, account, "ec2.amazonaws.com", "ReleaseHosts",
                    {"ReleaseHostsRequest": {"HostId": {"content": host, "tag": 1}}},
                    {"ReleaseHostsResponse": {"xmlns": XMLNS, "requestId": _uuid("release", when),
                                              "successful": {"item": host}, "unsuccessful": ""}})

    def run_instances(self, when: str, account: str, image: str, instance_type: str, count: int = 1,
                      host: str | None = None, name: str = "") -> list[str]:
        instances = [f"i-0{_hex('instance', when, account, n, width=16)}" for n in range(count)]
        placement = {"tenancy": "host", "hostId": host} if host else {"availabilityZone": f"{REGION}b"}
        launch_ms = int(datetime.fromisoformat(when).replace(tzinfo=UTC).timestamp() * 1000)
        items = []
        for n, instance in enumerate(instances):
            item = {"instanceId": instance, "imageId": image, "instanceState": {"code": 0, "name": "pending"},
                    "privateDnsName": f"ip-10-0-{n + 1}-{int(_hex(instance, width=2), 16)}.ec2.internal",
                    "amiLaunchIndex": n, "productCodes": {}, "instanceType": instance_type, "launchTime": launch_ms,
                    "placement": {"availabilityZone": f"{REGION}a" if host else f"{REGION}b",
                                  "tenancy": "host" if host else "default", **({"hostId": host} if host else {})},
                    "monitoring": {"state": "disabled"}, "subnetId": "subnet-0b2c4e6a8d0f1a3c5",
                    "vpcId": "vpc-0a1b3c5d7e9f1a2b4", "stateReason": {"code": "pending", "message": "pending"},
                    "architecture": "x86_64", "rootDeviceType": "ebs", "rootDeviceName": "/dev/sda1",
                    "blockDeviceMapping": {}, "virtualizationType": "hvm", "hypervisor": "xen",
                    "groupSet": {"items": [{"groupId": "sg-0d4f6b8a0c2e4f6a8", "groupName": "servers"}]},
                    "tagSet": {"items": [{"key": "Name", "value": name or instance_type}]},
                    "ebsOptimized": True, "enaSupport": True}
            if PLATFORMS[image]:
                item["platform"] = PLATFORMS[image]
            items.append(item)
        request = {"instancesSet": {"items": [{"imageId": image, "minCount": count, "maxCount": count}]},
                   "instanceType": instance_type, "blockDeviceMapping": {}, "monitoring": {"enabled": False},
                   "disableApiTermination": False, "disableApiStop": False, "clientToken": _uuid("token", when),
                   "subnetId": "subnet-0b2c4e6a8d0f1a3c5",
                   "tagSpecificationSet": {"items": [{"resourceType": "instance",
                                                       "tags": [{"key": "Name", "value": name or instance_type}]}]}}
        if host:
            request["placement"] = placement
        self.record(when, account, "ec2.amazonaws.com", "RunInstances", request, {
            "requestId": _uuid("run", when), "reservationId": f"r-0{_hex('reservation', when, width=16)}",
            "ownerId": account, "groupSet": {}, "instancesSet": {"items": items}}, command="run-instances")
        return instances

    def _state_change(self, when: str, account: str, name: str, instances: list[str], old: str, new: str,
                      extra: dict | None = None, error: tuple[str, str] | None = None) -> None:
        self.record(when, account, "ec2.amazonaws.com", name,
                    {"instancesSet": {"items": [{"instanceId": i} for i in instances]}, **(extra or {})},
                    {"requestId": _uuid(name, when), "instancesSet": {"items": [
                        {"instanceId": i, "currentState": {"code": STATES[new], "name": new},
                         "previousState": {"code": STATES[old], "name": old}} for i in instances]}},
                    error=error)

    def start(self, when: str, account: str, *instances: str) -> None:
        self._state_change(when, account, "StartInstances", list(instances), "stopped", "pending")

    def stop(self, when: str, account: str, *instances: str) -> None:
        self._state_change(when, account, "StopInstances", list(instances), "running", "stopping", {"force": False})

    def terminate(self, when: str, account: str, *instances: str, error: tuple[str, str] | None = None) -> None:
        self._state_change(when, account, "TerminateInstances", list(instances), "stopped", "shutting-down",
                           error=error)

    def modify_placement(self, when: str, account: str, instance: str, host: str) -> None:
        self.record(when, account, "ec2.amazonaws.com", "ModifyInstancePlacement",
                    {"instanceId": instance, "tenancy": "host", "affinity": "host", "hostId": host},
                    {"requestId": _uuid("placement", when), "_return": True})


def story() -> list[dict]:
    """The week, in the order it happened."""
    s = Story()
    lm = "license-manager.amazonaws.com"
    sql_arn = f"arn:aws:license-manager:{REGION}:{ADMIN}:license-configuration:lic-{_hex('sql', width=32)}"
    # Monday: the administrator tracks SQL Server Enterprise; the teams allocate hosts and launch.
    s.record("2026-03-02T07:55:03", ADMIN, lm, "CreateLicenseConfiguration", {
        "name": "sql-server-enterprise-vcpus", "description": "SQL Server Enterprise, license included",
        "licenseCountingType": "vCPU", "licenseCount": 64, "licenseCountHardLimit": False,
        "licenseRules": ["#honorVcpuOptimization=True"]}, {"licenseConfigurationArn": sql_arn},
        command="create-license-configuration")
    s.record("2026-03-02T07:57:41", ADMIN, lm, "UpdateLicenseSpecificationsForResource", {
        "resourceArn": f"arn:aws:ec2:{REGION}::image/{SQL_AMI}",
        "addLicenseSpecifications": [{"licenseConfigurationArn": sql_arn, "amiAssociationScope": "cross-account"}]},
        None, command="update-license-specifications-for-resource")
    s.record("2026-03-02T07:58:10", ADMIN, lm, "ListLicenseConfigurations", {"maxResults": 25}, None,
             read_only=True, command="list-license-configurations")
    a1, a2 = s.allocate_hosts("2026-03-02T08:02:17", ANALYTICS, 2, "analytics")
    (b1,) = s.allocate_hosts("2026-03-02T08:04:55", WEB, 1, "web")
    signin = s.record("2026-03-02T08:10:09", WEB, "signin.amazonaws.com", "ConsoleLogin", None,
                      {"ConsoleLogin": "Success"})
    signin["eventType"] = "AwsConsoleSignIn"
    del signin["requestID"], signin["readOnly"]
    signin["additionalEventData"] = {"LoginTo": "https://console.aws.amazon.com/ec2/", "MobileVersion": "No",
                                     "MFAUsed": "Yes"}
    (ia1,) = s.run_instances("2026-03-02T08:30:12", ANALYTICS, WINDOWS_AMI, "m5.4xlarge", host=a1, name="etl-1")
    (ia2,) = s.run_instances("2026-03-02T08:31:40", ANALYTICS, WINDOWS_AMI, "m5.4xlarge", host=a1, name="etl-2")
    (ib1,) = s.run_instances("2026-03-02T09:05:27", WEB, WINDOWS_AMI, "m5.8xlarge", host=b1, name="iis-1")
    (ia3,) = s.run_instances("2026-03-02T09:40:02", ANALYTICS, WINDOWS_AMI, "m5.4xlarge", host=a2, name="etl-3")
    ib2, _ib3 = s.run_instances("2026-03-02T10:15:33", WEB, LINUX_AMI, "t3.large", count=2, name="web")
    s.run_instances("2026-03-02T11:00:48", WEB, SQL_AMI, "r5.xlarge", name="reporting-db")
    s.record("2026-03-02T11:30:19", ANALYTICS, "ec2.amazonaws.com", "DescribeInstances",
             {"instancesSet": {}, "filterSet": {}}, None, read_only=True)
    s.record("2026-03-02T12:01:55", ADMIN, "iam.amazonaws.com", "CreateRole", {
        "roleName": "LicenseManagerReportReader", "path": "/",
        "assumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"},
        {"role": {"path": "/", "roleName": "LicenseManagerReportReader",
                  "roleId": "AROAEXAMPLEREPORT0004", "arn": f"arn:aws:iam::{ADMIN}:role/LicenseManagerReportReader",
                  "createDate": "Mar 2, 2026, 12:01:55 PM"}})
    s.stop("2026-03-02T17:45:06", ANALYTICS, ia1, ia2)
    s.stop("2026-03-02T18:00:31", WEB, ib1)
    s.stop("2026-03-02T18:20:14", ANALYTICS, ia3)
    s.stop("2026-03-02T18:25:50", WEB, ib2)
    # Tuesday: servers come back; a refused terminate; one moves host and starts there.
    s.start("2026-03-03T08:15:22", WEB, ib1)
    s.start("2026-03-03T08:20:45", ANALYTICS, ia3)
    s.start("2026-03-03T08:25:09", ANALYTICS, ia1)
    refusal = ("You are not authorized to perform this operation. User: arn:aws:sts::222222222222:assumed-role/"
               "Deployer/ci-pipeline is not authorized to perform: ec2:TerminateInstances on resource: arn:aws:ec2:"
               f"us-east-1:222222222222:instance/{ia2} because no identity-based policy allows the "
               "ec2:TerminateInstances action")
    s.terminate("2026-03-03T09:00:37", ANALYTICS, ia2, error=("Client.UnauthorizedOperation", refusal))
    s.modify_placement("2026-03-03T09:10:58", ANALYTICS, ia2, a2)
    s.start("2026-03-03T09:30:03", ANALYTICS, ia2)
    (ib5,) = s.run_instances("2026-03-03T12:00:26", WEB, WINDOWS_AMI, "m5.4xlarge", host=b1, name="iis-2")
    s.stop("2026-03-03T17:50:44", ANALYTICS, ia1, ia2, ia3)
    s.stop("2026-03-03T18:05:12", WEB, ib1, ib5)
    # Wednesday: host a2 is retired; the others run again, web starts last.
    s.terminate("2026-03-04T08:40:29", ANALYTICS, ia2, ia3)
    s.release_hosts("2026-03-04T08:50:16", ANALYTICS, a2)
    s.start("2026-03-04T09:10:40", ANALYTICS, ia1)
    s.start("2026-03-04T09:15:57", WEB, ib1, ib5)
    s.stop("2026-03-04T18:10:23", ANALYTICS, ia1)
    s.stop("2026-03-04T18:12:35", WEB, ib1, ib5)
    return s.records


def files(records: list[dict]) -> dict[Path, bytes]:
    """The log files: one per account, region and five minutes, delivered five minutes after."""
    groups: dict[tuple[str, datetime], list[dict]] = {}
    for record in records:
        at = datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
        window = at.replace(minute=at.minute - at.minute % 5, second=0) + timedelta(minutes=5)
        groups.setdefault((record["recipientAccountId"], window), []).append(record)
    out = {}
    for (account, window), group in groups.items():
        delivered = window + timedelta(minutes=5)
        unique = _hex("file", account, window.isoformat(), width=16)
        unique = "".join(c.upper() if n % 3 == 0 else c for n, c in enumerate(unique))
        path = (Path("AWSLogs") / ORGANIZATION / account / "CloudTrail" / REGION / delivered.strftime("%Y/%m/%d")
                / f"{account}_CloudTrail_{REGION}_{delivered.strftime('%Y%m%dT%H%MZ')}_{unique}.json.gz")
        out[path] = gzip.compress(json.dumps({"Records": group}).encode(), mtime=0)
    return out


WHAT_IF = {
    "license_configurations": [{
        "Name": "windows-server-datacenter-cores",
        "Description": "Windows Server Datacenter licensed per physical core of the Dedicated Hosts",
        "LicenseCountingType": "Core",
        "LicenseCount": 96,
        "LicenseCountHardLimit": True,
        "LicenseRules": ["#allowedTenancy=EC2-DedicatedHost"],
        "AssociatedAmis": [WINDOWS_AMI],
    }],
    "management_account_id": ADMIN,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files differ")
    args = parser.parse_args(argv)
    wanted = {path: data for path, data in files(story()).items()}
    wanted[Path("what_if.json")] = (json.dumps(WHAT_IF, indent=2) + "\n").encode()
    existing = {p.relative_to(ROOT) for p in ROOT.rglob("*") if p.is_file() and p.name != "README.md"}
    if args.check:
        stale = existing != set(wanted) or any((ROOT / p).read_bytes() != d for p, d in wanted.items())
        print("the example differs from what this script writes" if stale else "the example is up to date")
        return int(stale)
    for path in existing - set(wanted):
        (ROOT / path).unlink()
    for path, data in wanted.items():
        (ROOT / path).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / path).write_bytes(data)
    print(f"wrote {len(wanted)} files under {ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

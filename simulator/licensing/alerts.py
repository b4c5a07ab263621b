"""Alerts License Manager publishes to the SNS topic of an account's settings (Settings in
License Manager: "SNS topic ARN", ``arn:aws:sns:<region>:<account>:aws-license-manager-service-*``).

License Manager publishes as its core service-linked role (AWSServiceRoleForAWSLicenseManagerRole,
whose policy allows ``sns:Publish`` on ``aws-license-manager-service-*`` topics), so the
topic's policy and the role decide as they would for any principal of the account: an
explicit deny in the topic policy, a deleted role or a deleted topic leaves the alert
recorded but unpublished (``topic_arn`` empty). Nothing is published, nor looked up, unless
an alert fires.

The message is a JSON object:

- ``kind``: one of ``ALERT_KINDS``;
- ``licenseConfigurationArn``, ``licenseConfigurationName`` (empty for notices about no
  configuration);
- ``accountId``: the account whose resource or request caused the alert; ``region``;
- ``resourceArn``: the instance, AMI, host, server or report generator concerned;
- ``time``: the simulated instant (ISO 8601, UTC);
- ``message``: what happened, in words.

The subject names the configuration (``License Manager alert: <name> ...``).
"""

from __future__ import annotations

import json

from simulator.access import Caller, PolicySet, Requester
from simulator.core.errors import ServiceError
from simulator.licensing.state import LICENSE_MANAGER_PRINCIPAL, LicenseState, Notice

#: A configuration went over its soft limit (the launch, start or association went ahead).
SOFT_LIMIT = "soft_limit"
#: A launch, start or host recovery was refused by a hard limit, a rule or a disabled
#: configuration.
LAUNCH_BLOCKED = "launch_blocked"
#: Something other than a launch (an association, a license type conversion) was refused
#: for breaking a configuration's rule or naming a disabled one.
RULE_VIOLATION = "rule_violation"
#: A hard limit was found exceeded (a configuration re-activated over its count) or an
#: association was refused by it.
HARD_LIMIT = "hard_limit"
#: Automated discovery found resources that take a configuration past its count.
DISCOVERED_OVER_LIMIT = "discovered_over_limit"
#: A report generator's run failed (its bucket deleted or unwritable).
REPORT_FAILED = "report_failed"
#: Notices about no one configuration: a Dedicated Host leaving a shared host resource
#: group, a host recovery that license limits refused, the organization link broken.
EVICTION_NOTICE = "eviction_notice"
HOST_RECOVERY_FAILED = "host_recovery_failed"
LINK_FAILED = "link_failed"
ALERT_KINDS = (SOFT_LIMIT, LAUNCH_BLOCKED, RULE_VIOLATION, HARD_LIMIT, DISCOVERED_OVER_LIMIT, REPORT_FAILED,
               EVICTION_NOTICE, HOST_RECOVERY_FAILED, LINK_FAILED)
#: The operations that launch instances: their refusals are LAUNCH_BLOCKED.
LAUNCHES = frozenset({"RunInstances", "StartInstances", "HostRecovery"})
#: SNS's limit on a subject.
SUBJECT_LENGTH = 100


def blocked_kind(operation: str, violation_kind: str) -> str:
    """The alert kind of a refused request: LAUNCH_BLOCKED for a launch, else HARD_LIMIT for
    a hard limit and RULE_VIOLATION for a rule or a disabled configuration."""
    if operation in LAUNCHES:
        return LAUNCH_BLOCKED
    return HARD_LIMIT if violation_kind == "hard_limit" else RULE_VIOLATION


def subject_line(text: str) -> str:
    """``text`` as an SNS subject: printable ASCII on one line, at most 100 characters."""
    printable = "".join(c if " " <= c <= "~" else "?" for c in text.replace("\n", " "))
    return printable if len(printable) <= SUBJECT_LENGTH else printable[:SUBJECT_LENGTH - 3] + "..."


class Alerts:
    """Publishes the engine's notices to the recipients' SNS topics.

    Args:
        state: The engine's shared state (its ``publisher`` becomes this).
    """

    def __init__(self, state: LicenseState) -> None:
        self.state = state
        state.publisher = self.publish

    def message(self, notice: Notice) -> str:
        """The JSON message of ``notice``."""
        return json.dumps({
            "kind": notice.kind, "licenseConfigurationArn": notice.license_configuration_arn,
            "licenseConfigurationName": notice.license_configuration_name, "accountId": notice.account_id,
            "region": notice.region, "resourceArn": notice.resource_arn,
            "time": self.state.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"), "message": notice.message,
        }, separators=(",", ":"))

    def publish(self, notice: Notice) -> str:
        """Publish ``notice`` to its recipient's topic; the topic ARN, or "" when the
        settings name none or the topic did not take it."""
        settings = self.state.settings.get((notice.owner_id, notice.region))
        topic = settings.sns_topic_arn if settings is not None else None
        if not topic:
            return ""
        world = self.state.world
        iam = world.global_services.iam
        role = iam.service_linked.role(notice.owner_id, LICENSE_MANAGER_PRINCIPAL)
        if role is None:
            return ""
        requester = Requester(Caller(role.arn, notice.owner_id), iam.policy_set(role.arn) or PolicySet(()),
                              {"aws:principalaccount": notice.owner_id, "aws:sourceowner": notice.owner_id,
                               "aws:principalarn": role.arn})
        try:
            world.region(notice.region).sns.publish(requester, topic, self.message(notice),
                                                    subject_line(notice.subject))
        except ServiceError:
            return ""
        return topic

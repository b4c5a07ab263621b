"""EC2 Auto Scaling through genuine boto3 clients: groups that reconcile on the clock, zone
balance, termination policies, health-check replacement, launches refused by License
Manager's hard limit as failed activities with back-off (user guide, "License rules":
enforcement applies to every launch), scheduled actions in a time zone, instance refreshes,
suspended processes, attached and detached instances, and the scaling timeline."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from tests.helpers import ACCOUNT_A, LINUX, WINDOWS, assert_refused, create_configuration, error_code, public_ami

ZONES = ["us-east-1a", "us-east-1b"]


@pytest.fixture
def asg(sim):
    """An Auto Scaling client of account A."""
    return sim.client("autoscaling", ACCOUNT_A)


def _template(ec2, name="web", instance_type="m5.large", pattern=LINUX, **data) -> None:
    ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={
        "ImageId": public_ami(ec2, pattern), "InstanceType": instance_type, **data})


def _group(asg, desired=2, name="web", minimum=0, maximum=10, **params) -> None:
    if "MixedInstancesPolicy" not in params:
        params.setdefault("LaunchTemplate", {"LaunchTemplateName": "web", "Version": "$Latest"})
    asg.create_auto_scaling_group(AutoScalingGroupName=name, MinSize=minimum, MaxSize=maximum,
                                  DesiredCapacity=desired, AvailabilityZones=ZONES, **params)


def _members(asg, name="web") -> list[dict]:
    return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["Instances"]


def _activities(asg, name="web") -> list[dict]:
    return asg.describe_scaling_activities(AutoScalingGroupName=name)["Activities"]


def test_a_group_launches_toward_its_desired_capacity_across_zones(sim, ec2, asg):
    """A new group launches its desired capacity through RunInstances, balanced across its
    zones, with its tags propagated; instances go Pending then InService as they run."""
    _template(ec2)
    _group(asg, desired=3, Tags=[{"Key": "tier", "Value": "web", "PropagateAtLaunch": True},
                                 {"Key": "owner", "Value": "ops", "PropagateAtLaunch": False}])
    assert _members(asg) == []  # the group reacts on the clock, not within the call
    sim.advance("15s")
    members = _members(asg)
    assert [m["LifecycleState"] for m in members] == ["Pending"] * 3
    assert sorted(m["AvailabilityZone"] for m in members) == ["us-east-1a", "us-east-1a", "us-east-1b"]
    sim.advance("1m")
    assert {m["LifecycleState"] for m in _members(asg)} == {"InService"}
    instance = ec2.describe_instances(InstanceIds=[members[0]["InstanceId"]])["Reservations"][0]["Instances"][0]
    tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
    assert tags["tier"] == "web" and "owner" not in tags and tags["aws:autoscaling:groupName"] == "web"
    activities = _activities(asg)
    assert len(activities) == 3 and {a["StatusCode"] for a in activities} == {"Successful"}
    assert "a user request created an AutoScalingGroup changing the desired capacity from 0 to 3" in \
        activities[0]["Cause"]
    details = asg.describe_auto_scaling_instances()["AutoScalingInstances"]
    assert {d["AutoScalingGroupName"] for d in details} == {"web"} and details[0]["HealthStatus"] == "HEALTHY"


def test_the_group_tag_is_the_services_to_remove(sim, ec2, asg):
    """The ``aws:autoscaling:groupName`` tag belongs to Auto Scaling: DeleteTags naming it is
    refused (EC2: "Tag keys starting with 'aws:' are reserved for internal use") and
    changes nothing; DeleteTags without Tags removes every user-defined tag and keeps it
    (EC2 API reference, DeleteTags)."""
    _template(ec2)
    _group(asg, desired=1, Tags=[{"Key": "tier", "Value": "web", "PropagateAtLaunch": True}])
    sim.advance("2m")
    (instance_id,) = [m["InstanceId"] for m in _members(asg)]
    tags = lambda: ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [instance_id]}])["Tags"]  # noqa: E731
    assert_refused(sim, "InvalidParameterValue", lambda: ec2.delete_tags(
        Resources=[instance_id], Tags=[{"Key": "tier"}, {"Key": "aws:autoscaling:groupName"}]), tags,
        fragments=["aws:autoscaling:groupName", "reserved for internal use"])
    ec2.delete_tags(Resources=[instance_id])
    assert [(t["Key"], t["Value"]) for t in tags()] == [("aws:autoscaling:groupName", "web")]


def test_update_pulls_desired_into_new_bounds_and_changes_the_template_version(sim, ec2, asg):
    """UpdateAutoScalingGroup: a MinSize above the desired capacity raises it (and the group
    launches); a new LaunchTemplate version applies to new launches only, while instances
    already running keep theirs; $Default follows the template's default version; bounds
    that contradict each other are refused and change nothing."""
    _template(ec2, pattern=LINUX)
    ec2.create_launch_template_version(LaunchTemplateName="web", SourceVersion="1",
                                       LaunchTemplateData={"ImageId": public_ami(ec2, WINDOWS)})
    _group(asg, desired=1, LaunchTemplate={"LaunchTemplateName": "web", "Version": "$Default"})
    sim.advance("2m")
    asg.update_auto_scaling_group(AutoScalingGroupName="web", MinSize=3)
    group = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert (group["MinSize"], group["DesiredCapacity"]) == (3, 3)
    sim.advance("2m")
    assert [m["LaunchTemplate"]["Version"] for m in _members(asg)] == ["1"] * 3
    asg.update_auto_scaling_group(AutoScalingGroupName="web",
                                  LaunchTemplate={"LaunchTemplateName": "web", "Version": "2"})
    asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=4)
    sim.advance("2m")
    members = _members(asg)
    assert sorted(m["LaunchTemplate"]["Version"] for m in members) == ["1", "1", "1", "2"]
    newest = next(m["InstanceId"] for m in members if m["LaunchTemplate"]["Version"] == "2")
    image = ec2.describe_instances(InstanceIds=[newest])["Reservations"][0]["Instances"][0]["PlatformDetails"]
    assert image == "Windows"
    with pytest.raises(ClientError) as excinfo:
        asg.update_auto_scaling_group(AutoScalingGroupName="web", MinSize=5, MaxSize=2)
    assert error_code(excinfo) == "ValidationError"
    group = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert (group["MinSize"], group["MaxSize"], group["DesiredCapacity"]) == (3, 10, 4)


def test_scale_in_follows_the_default_termination_policy(sim, ec2, asg):
    """Scale-in takes instances from the zone with the most, those of an older launch
    template version first; protected ones are left alone."""
    _template(ec2)
    _group(asg, desired=4)
    sim.advance("2m")
    old = {m["InstanceId"] for m in _members(asg)}
    ec2.create_launch_template_version(LaunchTemplateName="web", SourceVersion="1",
                                       LaunchTemplateData={"InstanceType": "m5.xlarge"})
    asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=6)
    sim.advance("2m")
    new = {m["InstanceId"] for m in _members(asg)} - old
    assert len(new) == 2
    asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=4)
    sim.advance("2m")
    left = {m["InstanceId"]: m for m in _members(asg)}
    assert new <= set(left) and len(left) == 4
    assert sorted(m["AvailabilityZone"] for m in left.values()) == ["us-east-1a", "us-east-1a", "us-east-1b",
                                                                    "us-east-1b"]
    terminating = [a for a in _activities(asg) if a["Description"].startswith("Terminating")]
    assert len(terminating) == 2 and "shrinking the capacity from 6 to 4" in terminating[0]["Cause"]
    with pytest.raises(ClientError) as excinfo:
        asg.set_desired_capacity(AutoScalingGroupName="web", DesiredCapacity=11)
    assert error_code(excinfo) == "ValidationError"


def test_unhealthy_instances_are_replaced(sim, ec2, asg):
    """An instance stopped behind the group's back fails its EC2 health check; the group
    terminates it and launches a replacement. With HealthCheck suspended it is left alone."""
    _template(ec2)
    _group(asg, desired=2)
    sim.advance("2m")
    victim = _members(asg)[0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[victim])
    sim.advance("5m")
    members = {m["InstanceId"]: m for m in _members(asg)}
    assert victim not in members and len(members) == 2
    assert any("EC2 health check" in a["Cause"] and victim in a["Description"] for a in _activities(asg))
    states = ec2.describe_instances(InstanceIds=[victim])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert states == "terminated"
    asg.suspend_processes(AutoScalingGroupName="web", ScalingProcesses=["HealthCheck"])
    second = next(iter(members))
    ec2.stop_instances(InstanceIds=[second])
    sim.advance("5m")
    assert second in {m["InstanceId"] for m in _members(asg)}
    suspended = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]["SuspendedProcesses"]
    assert [p["ProcessName"] for p in suspended] == ["HealthCheck"]


def test_a_hard_limit_makes_launches_fail_as_activities_with_back_off(sim, ec2, asg, lm):
    """A launch License Manager refuses is a failed activity whose status message carries
    the launch error (LicenseUsageException); the group retries after 10, 20, 40 ... seconds
    (capped at 10 minutes) and launches once licenses are free."""
    arn = create_configuration(lm, "vCPU", count=4, hard=True)
    _template(ec2, LicenseSpecifications=[{"LicenseConfigurationArn": arn}])
    _group(asg, desired=3)
    sim.advance("1m")
    assert len(_members(asg)) == 2  # 2 x 2 vCPUs fit
    failed = [a for a in _activities(asg) if a["StatusCode"] == "Failed"]
    assert failed and failed[0]["StatusMessage"].startswith("LicenseUsageException: License configuration")
    assert failed[0]["StatusMessage"].endswith("Launching EC2 instance failed.")
    assert failed[0]["Description"].startswith("Launching a new EC2 instance.  Status Reason: LicenseUsageException")
    sim.advance("1h")
    times = sorted(a["StartTime"] for a in _activities(asg) if a["StatusCode"] == "Failed")
    gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
    assert gaps[:5] == [10, 20, 40, 80, 160] and max(gaps) == 600
    violations = sim.timelines.violations
    assert set(violations.kind) == {"hard_limit"} and len(violations) == len(times)
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseCount=6)
    sim.advance("15m")
    assert len(_members(asg)) == 3
    scaling = sim.timelines.scaling
    assert list(scaling.columns) == ["time", "account_id", "group_name", "desired", "in_service", "pending",
                                     "activity", "status", "cause"]
    assert (scaling.status == "Failed").sum() == len(times)
    assert scaling.iloc[-1][["desired", "in_service", "pending"]].tolist() == [3, 3, 0]


def test_mixed_instances_policy_tries_overrides_in_priority_order(sim, ec2, asg, lm):
    """With a MixedInstancesPolicy, a launch the first instance type cannot make (here the
    hard limit) is tried with the next override."""
    arn = create_configuration(lm, "vCPU", count=6, hard=True)
    _template(ec2, LicenseSpecifications=[{"LicenseConfigurationArn": arn}])
    _group(asg, desired=2, MixedInstancesPolicy={"LaunchTemplate": {
        "LaunchTemplateSpecification": {"LaunchTemplateName": "web"},
        "Overrides": [{"InstanceType": "m5.xlarge"}, {"InstanceType": "m5.large"}]}})
    sim.advance("2m")
    assert sorted(m["InstanceType"] for m in _members(asg)) == ["m5.large", "m5.xlarge"]
    group = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert [o["InstanceType"] for o in group["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"]] == [
        "m5.xlarge", "m5.large"]


def test_scheduled_actions_fire_at_cron_times_in_their_time_zone(sim, ec2, asg):
    """A weekday 08:00 America/New_York recurrence fires at 13:00 UTC in January (EST); a
    one-time action fires once and is gone."""
    _template(ec2)
    _group(asg, desired=1)
    asg.put_scheduled_update_group_action(AutoScalingGroupName="web", ScheduledActionName="morning",
                                          Recurrence="0 8 * * MON-FRI", TimeZone="America/New_York",
                                          DesiredCapacity=4)
    asg.put_scheduled_update_group_action(AutoScalingGroupName="web", ScheduledActionName="once",
                                          StartTime="2026-01-01T06:00:00Z", MaxSize=8)
    actions = {a["ScheduledActionName"]: a for a in asg.describe_scheduled_actions(
        AutoScalingGroupName="web")["ScheduledUpdateGroupActions"]}
    assert actions["morning"]["StartTime"] == pd.Timestamp("2026-01-01T13:00:00Z")  # 2026-01-01 is a Thursday
    sim.run("2026-01-01T12:59:00Z")
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]["DesiredCapacity"] == 1
    sim.run("2026-01-01T13:05:00Z")
    group = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert (group["DesiredCapacity"], group["MaxSize"], len(group["Instances"])) == (4, 8, 4)
    names = [a["ScheduledActionName"] for a in asg.describe_scheduled_actions()["ScheduledUpdateGroupActions"]]
    assert names == ["morning"]
    scaling = sim.timelines.scaling
    assert "a scheduled action update of AutoScalingGroup constraints" in scaling.cause.iloc[-1]
    for bad in ({"Recurrence": "every morning"}, {"Recurrence": "0 8 * * *", "TimeZone": "Mars/Olympus"},
                {"StartTime": "2025-01-01T00:00:00Z"}, {"Recurrence": "0 8 * * *"}):
        params = {"DesiredCapacity": 2} if "Recurrence" in bad or "StartTime" in bad else {}
        if bad == {"Recurrence": "0 8 * * *"}:
            params = {}
        with pytest.raises(ClientError) as excinfo:
            asg.put_scheduled_update_group_action(AutoScalingGroupName="web", ScheduledActionName="bad",
                                                  **bad, **params)
        assert error_code(excinfo) == "ValidationError", bad
    asg.delete_scheduled_action(AutoScalingGroupName="web", ScheduledActionName="morning")
    assert asg.describe_scheduled_actions()["ScheduledUpdateGroupActions"] == []


def test_instance_refresh_replaces_instances_with_a_new_template_version(sim, ec2, asg):
    """StartInstanceRefresh replaces every instance, a batch at a time keeping
    MinHealthyPercentage of the desired capacity in service and warmed up, with instances of
    the launch template's new version."""
    _template(ec2, pattern=LINUX)
    _group(asg, desired=4)
    sim.advance("2m")
    old = {m["InstanceId"] for m in _members(asg)}
    ec2.create_launch_template_version(LaunchTemplateName="web", SourceVersion="1",
                                       LaunchTemplateData={"ImageId": public_ami(ec2, WINDOWS)})
    refresh_id = asg.start_instance_refresh(AutoScalingGroupName="web", Preferences={
        "MinHealthyPercentage": 50, "InstanceWarmup": 60})["InstanceRefreshId"]
    with pytest.raises(ClientError) as excinfo:
        asg.start_instance_refresh(AutoScalingGroupName="web")
    assert error_code(excinfo) == "InstanceRefreshInProgress"
    lowest = 4
    for _ in range(30):
        sim.advance("30s")
        members = _members(asg)
        lowest = min(lowest, sum(m["LifecycleState"] == "InService" for m in members))
    (refresh,) = asg.describe_instance_refreshes(AutoScalingGroupName="web")["InstanceRefreshes"]
    assert refresh["InstanceRefreshId"] == refresh_id and refresh["Status"] == "Successful"
    assert refresh["PercentageComplete"] == 100 and lowest >= 2
    members = _members(asg)
    assert not old & {m["InstanceId"] for m in members} and len(members) == 4
    assert {m["LaunchTemplate"]["Version"] for m in members} == {"2"}


def test_suspend_attach_detach_terminate_and_delete(sim, ec2, asg):
    """Suspending Launch stops launches until resumed; AttachInstances adds a running
    instance and grows the desired capacity; DetachInstances and
    TerminateInstanceInAutoScalingGroup with and without decrement; DeleteAutoScalingGroup
    refuses a group with instances unless forced."""
    _template(ec2)
    _group(asg, desired=1, minimum=1)
    asg.suspend_processes(AutoScalingGroupName="web", ScalingProcesses=["Launch"])
    sim.advance("2m")
    assert _members(asg) == []
    asg.resume_processes(AutoScalingGroupName="web")
    sim.advance("2m")
    assert len(_members(asg)) == 1
    outsider = ec2.run_instances(ImageId=public_ami(ec2, LINUX), InstanceType="m5.large", MinCount=1, MaxCount=1,
                                 Placement={"AvailabilityZone": "us-east-1b"})["Instances"][0]["InstanceId"]
    with pytest.raises(ClientError) as excinfo:
        asg.attach_instances(AutoScalingGroupName="web", InstanceIds=[outsider])  # still pending
    assert error_code(excinfo) == "ValidationError"
    sim.advance("1m")
    asg.attach_instances(AutoScalingGroupName="web", InstanceIds=[outsider])
    group = asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert group["DesiredCapacity"] == 2 and outsider in {m["InstanceId"] for m in group["Instances"]}
    assert _group_tag(ec2, outsider) == "web"
    detached = asg.detach_instances(AutoScalingGroupName="web", InstanceIds=[outsider],
                                    ShouldDecrementDesiredCapacity=True)["Activities"]
    assert detached[0]["Description"] == f"Detaching EC2 instance: {outsider}"
    assert _group_tag(ec2, outsider) is None
    events = sim.timelines.events
    changes = events[(events.event_name == "TagsChange") & (events.resource_id == outsider)]
    assert list(changes.detail) == ["+aws:autoscaling:groupName=web", "-aws:autoscaling:groupName"]
    remaining = _members(asg)[0]["InstanceId"]
    with pytest.raises(ClientError) as excinfo:
        asg.terminate_instance_in_auto_scaling_group(InstanceId=remaining, ShouldDecrementDesiredCapacity=True)
    assert error_code(excinfo) == "ValidationError"  # below MinSize
    activity = asg.terminate_instance_in_auto_scaling_group(InstanceId=remaining,
                                                            ShouldDecrementDesiredCapacity=False)["Activity"]
    assert activity["StatusCode"] == "InProgress"
    sim.advance("2m")
    members = _members(asg)
    assert len(members) == 1 and members[0]["InstanceId"] != remaining
    with pytest.raises(ClientError) as excinfo:
        asg.delete_auto_scaling_group(AutoScalingGroupName="web")
    assert error_code(excinfo) == "ResourceInUse"
    asg.delete_auto_scaling_group(AutoScalingGroupName="web", ForceDelete=True)
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"][0]["Status"] == "Delete in progress"
    sim.advance("2m")
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    state = ec2.describe_instances(InstanceIds=[outsider])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "running"  # detached instances keep running


def _group_tag(ec2, instance_id) -> str | None:
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    return {t["Key"]: t["Value"] for t in instance.get("Tags", ())}.get("aws:autoscaling:groupName")


@pytest.mark.parametrize("params, fragment", [
    ({"LaunchConfigurationName": "old-style"}, "LaunchConfigurationName"),
    ({"TargetGroupARNs": ["arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/t/1"]},
     "TargetGroupARNs"),
    ({"HealthCheckType": "ELB"}, "HealthCheckType"),
    ({"LaunchTemplate": {"LaunchTemplateName": "nope"}}, "nope"),
    ({"AvailabilityZones": ["us-east-1z"]}, "us-east-1z"),
    ({"MinSize": 5, "MaxSize": 2}, "Max bound"),
    ({"TerminationPolicies": ["arn:aws:lambda:us-east-1:111111111111:function:pick"]}, "Termination policy"),
])
def test_group_parameters_not_modelled_or_invalid_are_refused_by_name(sim, ec2, asg, params, fragment):
    """CreateAutoScalingGroup refuses, with ValidationError naming it, what the simulator
    does not model (launch configurations, load balancers) and what AWS refuses; nothing is
    created."""
    _template(ec2)
    request = {"AutoScalingGroupName": "web", "MinSize": 0, "MaxSize": 2, "AvailabilityZones": ZONES,
               "LaunchTemplate": {"LaunchTemplateName": "web"}, **params}
    if "LaunchConfigurationName" in params:
        request.pop("LaunchTemplate")
    with pytest.raises(ClientError) as excinfo:
        asg.create_auto_scaling_group(**request)
    assert error_code(excinfo) == "ValidationError" and fragment in excinfo.value.response["Error"]["Message"]
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    assert _group(asg) is None
    with pytest.raises(ClientError) as excinfo:
        _group(asg)
    assert error_code(excinfo) == "AlreadyExists"


def test_plot_scaling_draws_desired_against_in_service(sim, ec2, asg, lm):
    """plot_scaling returns the Axes with desired, in service and the failed launches marked."""
    import matplotlib

    matplotlib.use("Agg")
    arn = create_configuration(lm, "vCPU", count=2, hard=True)
    _template(ec2, LicenseSpecifications=[{"LicenseConfigurationArn": arn}])
    _group(asg, desired=2)
    sim.advance("10m")
    ax = sim.timelines.plot_scaling("web")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["desired", "in service"] and labels[-1].startswith("failed launches (")
    with pytest.raises(ValueError):
        sim.timelines.plot_scaling("no-such-group")

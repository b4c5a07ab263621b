"""Key pairs and tags through a genuine boto3 client: real keys made with ``cryptography``,
imported public keys, and CreateTags, DeleteTags and DescribeTags across resource types with
the events they record."""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from simulator import Simulation
from tests.helpers import ACCOUNT_A, assert_refused, error_code, launch


def test_create_key_pair_makes_a_real_key_returned_once(ec2):
    """CreateKeyPair answers with the private key (RSA in PEM, ED25519 in OpenSSH PEM) and
    EC2's fingerprint: for RSA, the SHA-1 digest of the private key in PKCS#8 DER."""
    created = ec2.create_key_pair(KeyName="ops", TagSpecifications=[
        {"ResourceType": "key-pair", "Tags": [{"Key": "team", "Value": "ops"}]}])
    key = serialization.load_pem_private_key(created["KeyMaterial"].encode(), None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    assert created["KeyFingerprint"] == ":".join(f"{b:02x}" for b in hashlib.sha1(pkcs8).digest())
    edwards = ec2.create_key_pair(KeyName="ed", KeyType="ed25519")
    assert isinstance(serialization.load_ssh_private_key(edwards["KeyMaterial"].encode(), None),
                      ed25519.Ed25519PrivateKey)
    pairs = {k["KeyName"]: k for k in ec2.describe_key_pairs(IncludePublicKey=True)["KeyPairs"]}
    assert set(pairs) == {"ops", "ed"} and "KeyMaterial" not in pairs["ops"]
    assert pairs["ops"]["Tags"] == [{"Key": "team", "Value": "ops"}] and pairs["ed"]["KeyType"] == "ed25519"
    public = serialization.load_ssh_public_key(pairs["ops"]["PublicKey"].encode())
    assert public.public_numbers() == key.public_key().public_numbers()


def test_keys_are_the_same_for_the_same_seed_and_calls():
    """Key material comes from the seed, as every id does: same seed and calls, same key."""
    fingerprints = []
    for seed in (3, 3, 4):
        sim = Simulation(seed=seed)
        sim.add_account(ACCOUNT_A)
        fingerprints.append(sim.client("ec2", ACCOUNT_A).create_key_pair(KeyName="k", KeyType="ed25519")[
            "KeyFingerprint"])
    assert fingerprints[0] == fingerprints[1] != fingerprints[2]


def test_import_describe_and_delete_key_pairs(sim, ec2):
    """ImportKeyPair takes an OpenSSH public key and fingerprints it (MD5 of the DER public
    key for RSA); bad material, duplicates and unknown names are refused; DeleteKeyPair of a
    name that does not exist succeeds, as EC2's does."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    imported = ec2.import_key_pair(KeyName="laptop", PublicKeyMaterial=public)
    der = private.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    assert imported["KeyFingerprint"] == ":".join(f"{b:02x}" for b in hashlib.md5(der).digest())
    listing = lambda: ec2.describe_key_pairs()["KeyPairs"]  # noqa: E731
    assert_refused(sim, "InvalidKeyPair.Duplicate", lambda: ec2.import_key_pair(KeyName="laptop",
                                                                                PublicKeyMaterial=public), listing)
    assert_refused(sim, "InvalidKeyPair.Format", lambda: ec2.import_key_pair(KeyName="bad",
                                                                             PublicKeyMaterial=b"not a key"), listing)
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_key_pairs(KeyNames=["nope"])
    assert error_code(excinfo) == "InvalidKeyPair.NotFound"
    assert_refused(sim, "InvalidKeyPair.NotFound", lambda: launch(ec2, KeyName="nope"), listing)
    assert ec2.delete_key_pair(KeyName="nope")["Return"] is True
    assert ec2.delete_key_pair(KeyPairId=imported["KeyPairId"])["KeyPairId"] == imported["KeyPairId"]
    assert listing() == []


def test_tags_across_resource_types_and_their_events(sim, ec2):
    """CreateTags, DeleteTags and DescribeTags work on instances, AMIs, hosts, launch
    templates, volumes, security groups, VPCs, subnets and key pairs; each change is an
    events-timeline row (TagsChange); a bad id changes nothing."""
    (instance,) = launch(ec2, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "backup", "Value": "daily"}]}])
    image = ec2.register_image(Name="mine")["ImageId"]
    host = ec2.allocate_hosts(AvailabilityZone="us-east-1a", InstanceType="m5.large", Quantity=1)["HostIds"][0]
    template = ec2.create_launch_template(LaunchTemplateName="tagged", LaunchTemplateData={"InstanceType": "m5.large"})[
        "LaunchTemplate"]["LaunchTemplateId"]
    volume = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance]}])["Volumes"][0]
    assert volume["Tags"] == [{"Key": "backup", "Value": "daily"}] and volume["Attachments"][0]["Device"] == \
        "/dev/xvda"
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    key = ec2.create_key_pair(KeyName="k", KeyType="ed25519")["KeyPairId"]
    resources = [instance, image, host, template, volume["VolumeId"], group, vpc, subnet, key]
    ec2.create_tags(Resources=resources, Tags=[{"Key": "owner", "Value": "alice"}])
    tags = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["owner"]}])["Tags"]
    assert sorted(t["ResourceType"] for t in tags) == sorted(["instance", "image", "dedicated-host",
                                                              "launch-template", "volume", "security-group", "vpc",
                                                              "subnet", "key-pair"])
    only_volumes = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["volume"]}])["Tags"]
    assert {t["Key"] for t in only_volumes} == {"owner", "backup"}
    ec2.delete_tags(Resources=[instance, vpc], Tags=[{"Key": "owner", "Value": "bob"}])  # value differs: kept
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "owner"}])
    remaining = {t["ResourceId"] for t in ec2.describe_tags(Filters=[{"Name": "key", "Values": ["owner"]}])["Tags"]}
    assert instance in remaining and vpc not in remaining
    assert ec2.describe_instances(Filters=[{"Name": "tag:owner", "Values": ["alice"]}])["Reservations"]
    events = sim.timelines.events
    changes = events[events.event_name == "TagsChange"]
    assert len(changes) == len(resources) + 1 and set(changes.resource_id) == set(resources)  # bob's: no change
    assert list(changes.detail.iloc[-1:]) == ["-owner"]
    listing = lambda: ec2.describe_tags()["Tags"]  # noqa: E731
    assert_refused(sim, "InvalidID", lambda: ec2.create_tags(Resources=[instance, "bogus-1"], Tags=[
        {"Key": "x", "Value": "y"}]), listing)
    assert_refused(sim, "InvalidInstanceID.NotFound", lambda: ec2.create_tags(
        Resources=["i-0123456789abcdef0"], Tags=[{"Key": "x", "Value": "y"}]), listing)
    assert_refused(sim, "InvalidParameterValue", lambda: ec2.create_tags(Resources=[instance], Tags=[
        {"Key": "aws:reserved", "Value": "y"}]), listing)


def test_tag_specifications_of_resource_types_not_simulated_are_refused(sim, ec2):
    """RunInstances tags instances and volumes; tags for network interfaces or Spot requests,
    which the simulator does not have, are refused by name rather than dropped."""
    spec = [{"ResourceType": "network-interface", "Tags": [{"Key": "a", "Value": "b"}]}]
    with pytest.raises(ClientError) as excinfo:
        launch(ec2, TagSpecifications=spec)
    assert error_code(excinfo) == "Unsupported" and "network-interface" in str(excinfo.value)
    assert ec2.describe_instances()["Reservations"] == []

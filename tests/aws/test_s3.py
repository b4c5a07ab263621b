"""Amazon S3 through boto3: buckets in one global namespace owned by one account, objects,
listing with prefixes, delimiters and pages, bucket policies deciding what other accounts
may do (the License Manager User Guide's core and management-account roles name the
``aws-license-manager-service-*`` buckets they use; Amazon S3 User Guide, "Bucket policies")."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from botocore.exceptions import ClientError

from simulator import Simulation
from tests.helpers import ACCOUNT_A, ACCOUNT_B, assert_refused, error_code



@pytest.fixture
def s3(sim: Simulation):
    """An S3 client of account A with a bucket ``reports-a``."""
    client = sim.client("s3", ACCOUNT_A)
    client.create_bucket(Bucket="reports-a")
    return client


@pytest.fixture
def s3_b(sim: Simulation):
    """An S3 client of account B."""
    return sim.client("s3", ACCOUNT_B)


def _keys(client, **params) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket="reports-a", **params).get("Contents", [])]


def test_objects_round_trip_with_metadata_and_any_body(s3, sim):
    """PutObject takes bytes, text or a file; GetObject and HeadObject give them back with
    their ETag (the MD5), size, type and metadata; DeleteObject removes them (a missing key
    is deleted already)."""
    put = s3.put_object(Bucket="reports-a", Key="Reports/a.csv", Body=b"x,y\n1,2\n", ContentType="text/csv",
                        Metadata={"team": "licensing"})
    s3.put_object(Bucket="reports-a", Key="notes.txt", Body="héllo")
    s3.put_object(Bucket="reports-a", Key="stream.bin", Body=io.BytesIO(b"\x00\x01"))
    got = s3.get_object(Bucket="reports-a", Key="Reports/a.csv")
    assert got["Body"].read() == b"x,y\n1,2\n"
    digest = hashlib.md5(b"x,y\n1,2\n").hexdigest()
    assert got["ETag"] == put["ETag"] == f'"{digest}"'
    assert (got["ContentType"], got["ContentLength"], got["Metadata"]) == ("text/csv", 8, {"team": "licensing"})
    assert s3.get_object(Bucket="reports-a", Key="notes.txt")["Body"].read() == "héllo".encode()
    assert s3.head_object(Bucket="reports-a", Key="stream.bin")["ContentLength"] == 2
    assert s3.get_object(Bucket="reports-a", Key="Reports/a.csv", Range="bytes=2-4")["Body"].read() == b"y\n1"
    s3.delete_object(Bucket="reports-a", Key="notes.txt")
    s3.delete_object(Bucket="reports-a", Key="notes.txt")
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket="reports-a", Key="notes.txt")
    assert error_code(missing) == "NoSuchKey"
    with pytest.raises(ClientError) as head:
        s3.head_object(Bucket="reports-a", Key="notes.txt")
    assert error_code(head) == "404"
    # The file-like body was recorded as its bytes, so a replay can send it again.
    detail = sim.timelines.events.query("event_name == 'PutObject'").detail.iloc[-1]
    assert '"$bytes"' in detail


def test_listing_prefixes_delimiters_and_pages(s3):
    """ListObjectsV2 lists keys in order under a prefix, rolls keys up to their common
    prefixes at a delimiter, pages by MaxKeys with continuation tokens and starts after a
    key; keys with spaces and plus signs come back as they were written."""
    keys = ["Reports/weekly/2026/01/05/a.csv", "Reports/weekly/2026/01/12/b.csv", "Reports/monthly/2026/01/c.csv",
            "resource-sync/AWS:Application/accountid=1/x y+z.json", "top.txt"]
    for key in keys:
        s3.put_object(Bucket="reports-a", Key=key, Body=b"1")
    assert _keys(s3) == sorted(keys)
    assert _keys(s3, Prefix="Reports/weekly/") == keys[:2]
    rolled = s3.list_objects_v2(Bucket="reports-a", Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["Reports/", "resource-sync/"]
    assert [o["Key"] for o in rolled["Contents"]] == ["top.txt"] and rolled["KeyCount"] == 3
    pages, token = [], None
    while True:
        page = s3.list_objects_v2(Bucket="reports-a", MaxKeys=2, **({"ContinuationToken": token} if token else {}))
        pages.append([o["Key"] for o in page["Contents"]])
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert pages == [sorted(keys)[:2], sorted(keys)[2:4], sorted(keys)[4:]]
    assert _keys(s3, StartAfter="Reports/weekly/2026/01/05/a.csv") == sorted(keys)[2:]
    paginated = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket="reports-a",
                                                                               PaginationConfig={"PageSize": 1})
                 for o in p.get("Contents", [])]
    assert paginated == sorted(keys)


def test_bucket_names_are_global_and_owned_by_one_account(s3, s3_b, sim):
    """A name another account owns is BucketAlreadyExists; one's own is
    BucketAlreadyOwnedByYou outside us-east-1 (where it succeeds, S3's legacy answer); a
    bucket outside us-east-1 needs its LocationConstraint; ListBuckets lists only one's own."""
    assert_refused(sim, "BucketAlreadyExists", lambda: s3_b.create_bucket(Bucket="reports-a"))
    s3.create_bucket(Bucket="reports-a")
    eu = sim.client("s3", ACCOUNT_A, region="eu-west-1")
    assert_refused(sim, "IllegalLocationConstraintException", lambda: eu.create_bucket(Bucket="eu-reports"))
    eu.create_bucket(Bucket="eu-reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert_refused(sim, "BucketAlreadyOwnedByYou", lambda: eu.create_bucket(
        Bucket="eu-reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}))
    assert_refused(sim, "InvalidBucketName", lambda: s3.create_bucket(Bucket="192.168.1.1"))
    assert s3.head_bucket(Bucket="eu-reports")["BucketRegion"] == "eu-west-1"
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["eu-reports", "reports-a"]
    assert s3_b.list_buckets()["Buckets"] == []


def test_another_account_is_denied_until_the_bucket_policy_allows_it(s3, s3_b, sim):
    """Cross-account access needs the bucket policy: AccessDenied (403 for HEAD) before, the
    allowed actions on the allowed keys after; an explicit deny wins even for the owner's
    users; only the owner's account reads or sets the policy (MethodNotAllowed)."""
    s3.put_object(Bucket="reports-a", Key="Reports/r.csv", Body=b"r")
    s3.put_object(Bucket="reports-a", Key="private/p.csv", Body=b"p")
    for call in (lambda: s3_b.get_object(Bucket="reports-a", Key="Reports/r.csv"),
                 lambda: s3_b.list_objects_v2(Bucket="reports-a"),
                 lambda: s3_b.put_object(Bucket="reports-a", Key="x", Body=b"x")):
        assert_refused(sim, "AccessDenied", call)
    assert_refused(sim, "403", lambda: s3_b.head_bucket(Bucket="reports-a"))
    assert_refused(sim, "NoSuchBucketPolicy", lambda: s3.get_bucket_policy(Bucket="reports-a"))
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadReports", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"},
         "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::reports-a", "arn:aws:s3:::reports-a/Reports/*"]}]}
    s3.put_bucket_policy(Bucket="reports-a", Policy=json.dumps(policy))
    assert s3_b.get_object(Bucket="reports-a", Key="Reports/r.csv")["Body"].read() == b"r"
    assert len(s3_b.list_objects_v2(Bucket="reports-a")["Contents"]) == 2
    assert_refused(sim, "AccessDenied", lambda: s3_b.get_object(Bucket="reports-a", Key="private/p.csv"))
    assert_refused(sim, "MethodNotAllowed", lambda: s3_b.get_bucket_policy(Bucket="reports-a"))
    assert json.loads(s3.get_bucket_policy(Bucket="reports-a")["Policy"]) == policy
    for bad in ({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports-a/*"}]},
                {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                "Resource": "arn:aws:s3:::another-bucket/*"}]}):
        assert_refused(sim, "MalformedPolicy", lambda b=bad: s3.put_bucket_policy(Bucket="reports-a",
                                                                                  Policy=json.dumps(b)))
    policy["Statement"].append({"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                                "Resource": "arn:aws:s3:::reports-a/*"})
    s3.put_bucket_policy(Bucket="reports-a", Policy=json.dumps(policy))
    assert_refused(sim, "AccessDenied", lambda: s3.delete_object(Bucket="reports-a", Key="Reports/r.csv"))


def test_iam_users_need_an_identity_policy_or_the_bucket_policy(s3, sim):
    """An IAM user of the owner's account is judged by its identity-based policies on S3's
    IAM actions (ListObjectsV2 is s3:ListBucket) and the bucket's ARNs; inside the account
    the bucket policy may allow what they do not."""
    iam = sim.client("iam", ACCOUNT_A)
    iam.create_user(UserName="analyst")
    iam.put_user_policy(UserName="analyst", PolicyName="list", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",
                                                "Resource": "arn:aws:s3:::reports-a"}]}))
    analyst = sim.client("s3", ACCOUNT_A, principal=f"arn:aws:iam::{ACCOUNT_A}:user/analyst")
    s3.put_object(Bucket="reports-a", Key="Reports/r.csv", Body=b"r")
    assert [o["Key"] for o in analyst.list_objects_v2(Bucket="reports-a")["Contents"]] == ["Reports/r.csv"]
    assert_refused(sim, "AccessDenied", lambda: analyst.get_object(Bucket="reports-a", Key="Reports/r.csv"))
    s3.put_bucket_policy(Bucket="reports-a", Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_A}:user/analyst"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::reports-a/Reports/*"}]}))
    assert analyst.get_object(Bucket="reports-a", Key="Reports/r.csv")["Body"].read() == b"r"


def test_a_bucket_is_deleted_only_when_empty(s3, sim):
    """DeleteBucket refuses a bucket with objects (BucketNotEmpty); an empty one goes, and its
    name is free for anyone again."""
    s3.put_object(Bucket="reports-a", Key="k", Body=b"1")
    assert_refused(sim, "BucketNotEmpty", lambda: s3.delete_bucket(Bucket="reports-a"))
    s3.delete_object(Bucket="reports-a", Key="k")
    s3.delete_bucket(Bucket="reports-a")
    assert_refused(sim, "NoSuchBucket", lambda: s3.list_objects_v2(Bucket="reports-a"))
    sim.client("s3", ACCOUNT_B).create_bucket(Bucket="reports-a")


def test_objects_are_real_files_under_s3_root(tmp_path):
    """With ``s3_root`` every object is a file ``<root>/<bucket>/<key>`` that any tool opens;
    ``sim.s3.read`` and ``sim.s3.list`` read objects by URI either way, and ``export`` writes
    an in-memory run's objects as files."""
    sim = Simulation(seed=0, s3_root=tmp_path / "s3")
    sim.add_account(ACCOUNT_A)
    s3 = sim.client("s3", ACCOUNT_A)
    s3.create_bucket(Bucket="reports-a")
    s3.put_object(Bucket="reports-a", Key="Reports/g/2026/01/01/r.csv", Body=b"a,b\n")
    s3.put_object(Bucket="reports-a", Key="resource-sync/AWS:Tag/x.json", Body=b"{}")
    assert (tmp_path / "s3" / "reports-a" / "Reports/g/2026/01/01/r.csv").read_bytes() == b"a,b\n"
    assert sim.s3.read("s3://reports-a/Reports/g/2026/01/01/r.csv") == b"a,b\n"
    assert sim.s3.list("s3://reports-a/Reports/") == ["s3://reports-a/Reports/g/2026/01/01/r.csv"]
    with pytest.raises(ClientError) as clash:
        s3.put_object(Bucket="reports-a", Key="Reports/g", Body=b"folder and file")
    assert error_code(clash) == "InvalidArgument"
    s3.delete_object(Bucket="reports-a", Key="resource-sync/AWS:Tag/x.json")
    assert not (tmp_path / "s3" / "reports-a" / "resource-sync").exists()
    with pytest.raises(FileNotFoundError):
        sim.s3.read("s3://reports-a/nothing")
    with pytest.raises(ValueError):
        sim.s3.list("reports-a/Reports")
    memory = Simulation(seed=0)
    memory.add_account(ACCOUNT_A)
    client = memory.client("s3", ACCOUNT_A)
    client.create_bucket(Bucket="b-1")
    client.put_object(Bucket="b-1", Key="a/../b", Body=b"odd key")
    written = memory.s3.export(tmp_path / "export")
    assert [p.relative_to(tmp_path / "export").as_posix() for p in written] == ["b-1/a/%2E%2E/b"]

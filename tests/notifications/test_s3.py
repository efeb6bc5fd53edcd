"""SigV4 signing, checked against the worked example in AWS's S3 documentation
("Example: GET Object", examplebucket/test.txt with a Range header)."""

from __future__ import annotations

import datetime as dt

from notifications.s3 import EMPTY_SHA256, authorization


def test_get_object_example_from_aws_documentation() -> None:
    header = authorization(
        method="GET", host="examplebucket.s3.amazonaws.com", path="/test.txt",
        headers={"Range": "bytes=0-9"}, payload_sha256=EMPTY_SHA256,
        at=dt.datetime(2013, 5, 24, tzinfo=dt.UTC), region="us-east-1",
        access_key="AKIAIOSFODNN7EXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert header == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")

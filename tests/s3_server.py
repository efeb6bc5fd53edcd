"""A real S3-compatible server for tests: moto's server (`moto[server]`, the `test` extra) in a
subprocess on a free local port, with IAM authentication switched on.

Moto normally accepts any credentials. With `INITIAL_NO_AUTH_ACTION_COUNT` it checks every
request after the first few: the access key must belong to an IAM user and the signature must
equal the one botocore computes for the request as received. The unauthenticated allowance is
spent on creating that user, its access key and its policy; everything after, including
creating the bucket, is signed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from suiji.settings import Settings

REGION = "us-east-1"
BUCKET = "suiji-evidence"
# create_user, create_access_key, put_user_policy
SETUP_ACTIONS = 3


@dataclass
class MotoS3:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str = BUCKET
    region: str = REGION

    def client(self) -> Any:
        """boto3's own S3 client: an independent reader of what our store wrote."""
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key)

    def settings(self, base: Settings, **changes: str) -> Settings:
        values = {"s3_endpoint": self.endpoint, "s3_bucket": self.bucket,
                  "s3_region": self.region, "s3_access_key": self.access_key,
                  "s3_secret_key": self.secret_key, **changes}
        return base.model_copy(update=values)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto server did not start within 30 s")


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoS3]:
    port = _free_port()
    log: Path = tmp_path_factory.mktemp("moto") / "moto.log"
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_ACTIONS)}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                 "-p", str(port)], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        _wait_for(port, proc)
        endpoint = f"http://127.0.0.1:{port}"
        iam = boto3.client("iam", endpoint_url=endpoint, region_name=REGION,
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_user(UserName="suiji")
        key = iam.create_access_key(UserName="suiji")["AccessKey"]
        iam.put_user_policy(UserName="suiji", PolicyName="evidence", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        server = MotoS3(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        server.client().create_bucket(Bucket=BUCKET)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

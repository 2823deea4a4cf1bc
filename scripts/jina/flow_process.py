"""Start a real Jina Flow (`jina flow --uses <yaml>`) in its own process group, wait until
dry_run succeeds over the Flow's own protocol, measure time-to-ready and memory, and stop it.

Used by the probe scripts beside it; run it directly to measure one Flow:

    .jina-envs/v2/bin/python scripts/jina/flow_process.py fixtures/flows/jina/v2/query-http.yml

(snake_case file names here because Python imports them.)
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import grpc

PAGE_BYTES = os.sysconf('SC_PAGE_SIZE')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def flow_protocol(yaml_path: str) -> str:
    for line in open(yaml_path, encoding='utf-8'):
        stripped = line.strip()
        if stripped.startswith('protocol:'):
            return stripped.split(':', 1)[1].strip()
    return 'grpc'


def group_rss_bytes(pgid: int) -> tuple[int, int]:
    """Resident memory of every process in the group (sum, count), read from /proc."""
    total, count = 0, 0
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as file:
                fields = file.read().rsplit(')', 1)[1].split()
            if int(fields[2]) != pgid:  # field 5 of stat, after "pid (comm)"
                continue
            with open(f'/proc/{entry}/statm') as file:
                total += int(file.read().split()[1]) * PAGE_BYTES
            count += 1
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return total, count


def dry_run_ok(protocol: str, port: int) -> bool:
    """One dry_run over the gateway's protocol, without jina's client (so no client start-up cost)."""
    try:
        if protocol == 'grpc':
            from google.protobuf import empty_pb2
            from jina.proto import jina_pb2_grpc

            with grpc.insecure_channel(f'127.0.0.1:{port}') as channel:
                status = jina_pb2_grpc.JinaGatewayDryRunRPCStub(channel).dry_run(empty_pb2.Empty(), timeout=2)
                return status.code == 0
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/dry_run', timeout=2) as response:
            return json.loads(response.read()).get('code') == 0
    except Exception:
        return False


class FlowProcess:
    """`with FlowProcess(yaml, python_bin) as flow:` -> flow.port, flow.ready_s, flow.rss_bytes."""

    def __init__(self, yaml_path: str, jina_bin: str | None = None, port: int | None = None,
                 workspace: str | None = None, timeout_s: float = 120.0, extra_env: dict | None = None):
        self.yaml_path = os.path.abspath(yaml_path)
        self.jina_bin = jina_bin or os.path.join(os.path.dirname(sys.executable), 'jina')
        self.port = port or free_port()
        self.owns_workspace = workspace is None
        self.workspace = workspace or tempfile.mkdtemp(prefix='jina-ws-')
        self.protocol = flow_protocol(self.yaml_path)
        self.timeout_s = timeout_s
        self.extra_env = extra_env or {}
        self.log_path = os.path.join(self.workspace, 'flow.log')
        self.process = None
        self.ready_s = None

    def start(self):
        env = dict(os.environ, JINA_PORT=str(self.port), JINA_WORKSPACE=self.workspace,
                   JINA_LOG_LEVEL=os.environ.get('JINA_LOG_LEVEL', 'INFO'), **self.extra_env)
        log = open(self.log_path, 'wb')
        started = time.monotonic()
        # start_new_session: the Flow's executors are its children; one killpg stops them all.
        self.process = subprocess.Popen([self.jina_bin, 'flow', '--uses', self.yaml_path], env=env,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        while time.monotonic() - started < self.timeout_s:
            if self.process.poll() is not None:
                message = f'flow exited with {self.process.returncode}:\n{self.last_log_lines()}'
                self.stop()
                raise RuntimeError(message)
            if dry_run_ok(self.protocol, self.port):
                self.ready_s = time.monotonic() - started
                return self
            time.sleep(0.1)
        message = f'flow not ready after {self.timeout_s}s:\n{self.last_log_lines()}'
        self.stop()
        raise TimeoutError(message)

    def rss(self) -> tuple[int, int]:
        return group_rss_bytes(self.process.pid)

    def last_log_lines(self, count: int = 30) -> str:
        with open(self.log_path, 'rb') as file:
            return b'\n'.join(file.read().splitlines()[-count:]).decode('utf-8', 'replace')

    def stop(self, grace_s: float = 15.0):
        try:
            self._stop_group(grace_s)
        finally:
            if self.owns_workspace:
                shutil.rmtree(self.workspace, ignore_errors=True)

    def _stop_group(self, grace_s: float):
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # stragglers of the group, if any
        except ProcessLookupError:
            pass
        self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('yaml', nargs='+')
    args = parser.parse_args()
    for yaml_path in args.yaml:
        with FlowProcess(yaml_path) as flow:
            time.sleep(1.0)  # let every replica settle before sampling memory
            rss, processes = flow.rss()
            print(json.dumps({'flow': os.path.relpath(yaml_path), 'protocol': flow.protocol,
                              'ready_s': round(flow.ready_s, 2), 'processes': processes,
                              'rss_mib': round(rss / 2**20, 1)}), flush=True)


if __name__ == '__main__':
    main()

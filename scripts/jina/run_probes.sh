#!/usr/bin/env bash
# Runs every probe against real Flows from both environments and keeps the reports beside the
# captures (fixtures/jina-captures/<v>/report-<protocol>.json). Needs scripts/setup-jina.sh first.
# The probes start Flows on free ports; run at most one copy of this script at a time.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
for v in ${@:-v2 v1}; do
  for protocol in grpc http websocket; do
    echo "probe $v $protocol" >&2
    mkdir -p "$root/fixtures/jina-captures/$v"
    "$root/.jina-envs/$v/bin/python" "$root/scripts/jina/probe_$protocol.py" \
      >"$root/fixtures/jina-captures/$v/report-$protocol.json"
  done
  "$root/.jina-envs/$v/bin/python" "$root/scripts/jina/dump_proto.py"
done

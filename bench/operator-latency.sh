#!/usr/bin/env bash
# Operator latency benchmark (issue 4, second half): request created -> snapshot started, and snapshot file
# complete -> ETCDSnapshotFile object, on fabric8's mock API server with a real etcd (needs etcd on the PATH).
# Appends its row to BENCHMARKS.md. Options: -Dbench.requests=N (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test -Dtest=OperatorLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
echo "Rows appended to BENCHMARKS.md (git diff BENCHMARKS.md)."

#!/usr/bin/env bash
# Inventory benchmark (issue 4, first half): 10,000 S3 snapshot listings synced into ETCDSnapshotFile objects on
# fabric8's mock API server, then an unchanged resync. Appends its rows to BENCHMARKS.md.
# Options: -Dbench.snapshots=N (default 10000), -Dbench.parallelism=N (default: the inventory's default).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test -Dtest=InventoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
echo "Rows appended to BENCHMARKS.md (git diff BENCHMARKS.md)."

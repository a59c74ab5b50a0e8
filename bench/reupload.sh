#!/usr/bin/env bash
# Re-upload queue benchmark (issue 9), against one S3Proxy in the same run: draining 50 pending snapshots the way
# the agent's UploadRetrier does (listings, PendingUploads, SnapshotReupload with node lock, trailer check and S3
# retention) against uploading the same 50 files with the plain upload path (the S3 store's put). Needs nothing
# beyond the build. Appends a row to BENCHMARKS.md.
# Options: -Dbench.snapshots=N (50), -Dbench.snapshotMiB=N (4), -Dbench.rounds=N (3).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o test -Dtest=ReuploadBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
echo "Row appended to BENCHMARKS.md (git diff BENCHMARKS.md)."

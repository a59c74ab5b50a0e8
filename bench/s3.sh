#!/usr/bin/env bash
# S3 benchmark (issue 3), against one S3Proxy in the same run: upload throughput of a 512 MiB snapshot file against
# `aws s3 cp` (Debian's awscli), peak RSS of `save --s3` with -Xmx64m on a small and a large database, and
# `save --s3 --snapshot-compress` against `etcdctl snapshot save && zip && aws s3 cp`. Needs etcd and etcdctl,
# GNU time, zip and awscli (apt-get install etcd-server etcd-client time zip awscli). Appends rows to BENCHMARKS.md.
# Options: -Dbench.objectMiB=N (512), -Dbench.dbMiB=N (520), -Dbench.smallDbMiB=N (128), -Dbench.rounds=N (3),
# -Dbench.aws=PATH (/usr/bin/aws).
#
# `bench/s3.sh readback [options]` runs only issue 9's figure (S3ReadBackBenchmark, needs nothing but Java): a
# 512 MiB upload with and without the read-back (HEAD + ranged GET of the trailer), rounds alternating, against one
# S3Proxy. Options: -Dbench.objectMiB=N (512), -Dbench.rounds=N (5).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
if [ "${1:-}" = "readback" ]; then
  shift
  mvn -B -q test -Dtest=S3ReadBackBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
  echo "Rows appended to BENCHMARKS.md (git diff BENCHMARKS.md)."
  exit 0
fi
mvn -B -q test -Dtest=S3Benchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
echo "Rows appended to BENCHMARKS.md (git diff BENCHMARKS.md)."

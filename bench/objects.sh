#!/usr/bin/env bash
# Objects benchmark (issue 10): `get` of one ConfigMap from a 1 GiB snapshot in a fresh JVM (target < 2 s), and
# the same with -Xmx64m and its peak RSS. The snapshot is built once from a real etcd and kept in bench/work/
# (gitignored): delete bench/work/objects-*.db to rebuild it. Needs etcd, etcdctl and GNU time
# (apt-get install etcd-server etcd-client time). Appends a row to BENCHMARKS.md.
# Options: -Dbench.dbMiB=N (snapshot size, default 1024), -Dbench.rounds=N (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
mvn -B -q test -Dtest=ObjectsBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
echo "Row appended to BENCHMARKS.md (git diff BENCHMARKS.md)."

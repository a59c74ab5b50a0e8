#!/usr/bin/env bash
# Engine benchmark (issue 2): the engine's save in a warm JVM, the whole `save` command in a fresh JVM and its peak
# RSS with -Xmx64m, each against `etcdctl snapshot save` of the same etcd member in the same run, plus a
# byte-for-byte comparison with etcdctl's file. Needs etcd and etcdctl (apt-get install etcd-server etcd-client)
# and GNU time (apt-get install time). Appends a row to BENCHMARKS.md.
# Options: -Dbench.dbMiB=N (database size, default 400), -Dbench.smallDbMiB=N (default 100), -Dbench.rounds=N (5).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
mvn -B -q test -Dtest=EngineBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
echo "Row appended to BENCHMARKS.md (git diff BENCHMARKS.md)."

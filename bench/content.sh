#!/usr/bin/env bash
# Content benchmark (issue 10): `inspect` of a large snapshot in a fresh JVM with -Xmx64m against
# `etcdctl snapshot status -w json` of the same file (wall time, and the same hash/revision/totalKey/totalSize),
# and the content proof (KV hash of the file vs the member's HashKV) against the save's own time, both in a warm
# JVM. Needs etcd and etcdctl (apt-get install etcd-server etcd-client) and GNU time (apt-get install time).
# Appends a row to BENCHMARKS.md. Options: -Dbench.dbMiB=N (database size, default 400), -Dbench.rounds=N (5),
# -Dbench.keep=PATH (copy the measured snapshot there, to time a command on it by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
mvn -B -q test -Dtest=ContentBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
echo "Row appended to BENCHMARKS.md (git diff BENCHMARKS.md)."

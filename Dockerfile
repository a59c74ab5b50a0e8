# The operator image: the shaded jar on a JRE 17. Build the jar first, then the image:
#   mvn -B -DskipTests package
#   docker build -t etcd-snapshot-operator .
# Optional CDS archive (faster start-up; built by running the CLI once at image build time):
#   docker build --build-arg CDS=true -t etcd-snapshot-operator .
FROM eclipse-temurin:17-jre

ARG CDS=false

LABEL org.opencontainers.image.title="etcd-snapshot-operator" \
      org.opencontainers.image.description="Scheduled and on-demand etcd snapshots on disk and in S3, published as k3s ETCDSnapshotFile objects" \
      org.opencontainers.image.licenses="Apache-2.0"

WORKDIR /app
COPY target/etcd-snapshot-operator.jar /app/etcd-snapshot-operator.jar

# jvm.args is read by the java launcher (@file). It always exists, so the entrypoint needs no shell; it names
# the CDS archive only when one was built.
RUN set -eu; \
    : > /app/jvm.args; \
    if [ "$CDS" = "true" ]; then \
      java -XX:ArchiveClassesAtExit=/app/app.jsa -jar /app/etcd-snapshot-operator.jar --help > /dev/null; \
      echo "-XX:SharedArchiveFile=/app/app.jsa" > /app/jvm.args; \
    fi; \
    chmod -R a+rX /app

# Nothing is written outside /tmp, so the container runs with a read-only root filesystem; mount an
# emptyDir (Kubernetes) or a tmpfs (docker run --read-only --tmpfs /tmp) there.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -Djava.io.tmpdir=/tmp"
VOLUME ["/tmp"]

# Non-root by default: the CLI and the Deployment mode (external etcd, certificates from a Secret) need no
# more. The DaemonSet agents on k3s/RKE2/kubeadm nodes override this with runAsUser 0, because the distribution
# keeps the etcd client key and the snapshot directory root-owned with mode 0600/0700; they still drop every
# capability (see helm/etcd-snapshot-operator/values.yaml).
USER 10001:10001

EXPOSE 9794
ENTRYPOINT ["java", "@/app/jvm.args", "-jar", "/app/etcd-snapshot-operator.jar"]
CMD ["--help"]

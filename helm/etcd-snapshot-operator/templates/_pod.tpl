{{/*
The pod template shared by the DaemonSet (agents on the etcd nodes) and the Deployment (external etcd).
Files keep their host paths inside the container, so the file:// locations in ETCDSnapshotFile objects are
the paths k3s and an administrator see on the node.
*/}}
{{- define "eso.podTemplate" -}}
{{- $etcd := include "eso.etcd" . | fromYaml }}
{{- $deploy := eq .Values.mode "deployment" }}
{{- $certDir := "/etc/etcd-snapshot/etcd-certs" }}
metadata:
  labels:
    {{- include "eso.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: {{ ternary "operator" "agent" $deploy }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "eso.serviceAccountName" . }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- if not $deploy }}
  # etcd listens on the node's loopback (https://127.0.0.1:2379); only the host network reaches it.
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  {{- end }}
  securityContext:
    {{- toYaml (ternary .Values.deployment.podSecurityContext .Values.daemonset.podSecurityContext $deploy) | nindent 4 }}
  {{- $sched := ternary .Values.deployment .Values.daemonset $deploy }}
  {{- $nodeSelector := ternary $sched.nodeSelector $etcd.nodeSelector $deploy }}
  {{- with $nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $sched.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $sched.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: operator
      image: {{ include "eso.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args:
        - operator
        - --endpoints={{ join "," $etcd.endpoints }}
        {{- if $deploy }}
        - --cacert={{ $certDir }}/ca.crt
        - --cert={{ $certDir }}/tls.crt
        - --key={{ $certDir }}/tls.key
        {{- else }}
        - --cacert={{ $etcd.caFile }}
        - --cert={{ $etcd.certFile }}
        - --key={{ $etcd.keyFile }}
        {{- end }}
        - --dir={{ $etcd.snapshotDir }}
        - --flavor={{ $etcd.flavor }}
        {{- /* Empty: explicitly none, so the operator does not look for its flavour's default file. */}}
        - --token-file={{ $etcd.tokenFile }}
        - --sync-interval={{ .Values.operator.syncInterval }}
        - --reverify-interval={{ .Values.operator.reverifyInterval }}
        - --leader-election={{ .Values.operator.leaderElection }}
        - --metrics-port={{ .Values.metrics.port }}
        - --event-component={{ $etcd.eventComponent }}
        - --node-annotations={{ .Values.operator.nodeAnnotations }}
        {{- if .Values.s3.kubeSystemSecret.enabled }}
        - --kube-system-s3-secret={{ include "eso.kubeSystemS3Secret" . }}
        {{- end }}
        {{- range include "eso.watchNamespaces" . | fromJsonArray }}
        - --namespace={{ . }}
        {{- end }}
        {{- range .Values.operator.extraArgs }}
        - {{ . | quote }}
        {{- end }}
      env:
        # The agent's identity: snapshot files, ETCDSnapshotFile nodeName and its Lease are named after it.
        - name: NODE_NAME
          {{- if $deploy }}
          value: {{ .Values.deployment.nodeName | quote }}
          {{- else }}
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
          {{- end }}
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: JAVA_TOOL_OPTIONS
          value: {{ .Values.operator.javaToolOptions | quote }}
        {{- with .Values.operator.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - name: metrics
          containerPort: {{ .Values.metrics.port }}
          protocol: TCP
      livenessProbe:
        httpGet:
          path: /healthz
          port: metrics
        initialDelaySeconds: 20
        periodSeconds: 20
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: /readyz
          port: metrics
        initialDelaySeconds: 5
        periodSeconds: 10
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.containerSecurityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if $deploy }}
        - name: etcd-certs
          mountPath: {{ $certDir }}
          readOnly: true
        # One volume for the snapshot directory and its .metadata sibling (k3s layout); the kubelet creates
        # both sub-directories, so nothing needs to be writable outside the volume.
        - name: snapshots
          mountPath: {{ $etcd.snapshotDir }}
          subPath: {{ base $etcd.snapshotDir }}
        - name: snapshots
          mountPath: {{ $etcd.metadataDir }}
          subPath: .metadata
        {{- else }}
        {{- range include "eso.certFiles" $etcd | fromJsonArray }}
        - name: {{ .name }}
          mountPath: {{ .path }}
          readOnly: true
        {{- end }}
        - name: snapshots
          mountPath: {{ $etcd.snapshotDir }}
        - name: snapshot-metadata
          mountPath: {{ $etcd.metadataDir }}
        {{- with $etcd.tokenFile }}
        - name: server-token
          mountPath: {{ . }}
          readOnly: true
        {{- end }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
    {{- if $deploy }}
    - name: etcd-certs
      secret:
        secretName: {{ required "deployment.certsSecret.name is required in deployment mode: a Secret with the etcd client CA, certificate and key" .Values.deployment.certsSecret.name }}
        defaultMode: 0440
        items:
          - key: {{ .Values.deployment.certsSecret.caKey }}
            path: ca.crt
          - key: {{ .Values.deployment.certsSecret.certKey }}
            path: tls.crt
          - key: {{ .Values.deployment.certsSecret.keyKey }}
            path: tls.key
    - name: snapshots
      {{- if .Values.deployment.persistence.enabled }}
      persistentVolumeClaim:
        claimName: {{ default (printf "%s-snapshots" (include "eso.fullname" .)) .Values.deployment.persistence.existingClaim }}
      {{- else }}
      # WARNING: snapshots in an emptyDir are lost with the pod. Use persistence or S3.
      emptyDir: {}
      {{- end }}
    {{- else }}
    {{- range include "eso.certFiles" $etcd | fromJsonArray }}
    # Only the three files the agent reads: the directory also holds the etcd CA private keys, which must not
    # be readable in the pod. The agent reads these files once at start, so after a certificate rotation it is
    # restarted in any case, and a restarted container binds the current file.
    - name: {{ .name }}
      hostPath:
        path: {{ .path }}
        type: File
    {{- end }}
    - name: snapshots
      hostPath:
        path: {{ $etcd.snapshotDir }}
        type: DirectoryOrCreate
    - name: snapshot-metadata
      hostPath:
        path: {{ $etcd.metadataDir }}
        type: DirectoryOrCreate
    {{- with $etcd.tokenFile }}
    # File, never FileOrCreate: an empty token file made here would break the distribution's next start (it
    # writes the file before the node runs pods). A file mount follows the file it found at pod start: after a
    # token rotation that replaced the file, restart the agents (operator/docs/restore.md).
    - name: server-token
      hostPath:
        path: {{ . }}
        type: File
    {{- end }}
    {{- end }}
{{- end }}

{{/*
The host files of the etcd CA, client certificate and key as a JSON list of {name, path}, one volume per
distinct path (a PEM holding both certificate and key is mounted once).
*/}}
{{- define "eso.certFiles" -}}
{{- $out := list }}
{{- $seen := list }}
{{- range list (list "etcd-ca" .caFile) (list "etcd-cert" .certFile) (list "etcd-key" .keyFile) }}
{{- $path := index . 1 }}
{{- if not (has $path $seen) }}
{{- $seen = append $seen $path }}
{{- $out = append $out (dict "name" (index . 0) "path" $path) }}
{{- end }}
{{- end }}
{{- toJson $out }}
{{- end }}

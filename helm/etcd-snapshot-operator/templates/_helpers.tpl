{{/* Names, labels and the preset-resolved etcd settings. */}}

{{- define "eso.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "eso.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "eso.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "eso.selectorLabels" -}}
app.kubernetes.io/name: {{ include "eso.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "eso.labels" -}}
helm.sh/chart: {{ include "eso.chart" . }}
{{ include "eso.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: etcd-snapshot-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "eso.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "eso.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "eso.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The selected preset; values.schema.json already limits .Values.preset to the known names. */}}
{{- define "eso.preset" -}}
{{- $p := index .Values.presets .Values.preset }}
{{- if not $p }}
{{- fail (printf "preset %q is not defined under presets" .Values.preset) }}
{{- end }}
{{- toYaml $p }}
{{- end }}

{{/*
The effective etcd settings as YAML: each `etcd.*` value wins over the preset's. In deployment mode the
endpoints must be given and the snapshot directory is inside the pod's volume.
*/}}
{{- define "eso.etcd" -}}
{{- $p := include "eso.preset" . | fromYaml }}
{{- $e := .Values.etcd }}
{{- $deploy := eq .Values.mode "deployment" }}
{{- $endpoints := $e.endpoints }}
{{- if and (not $endpoints) (not $deploy) }}{{ $endpoints = $p.endpoints }}{{ end }}
{{- if not $endpoints }}
{{- fail "etcd.endpoints is required in deployment mode: the client URLs of the external etcd members" }}
{{- end }}
{{- $dir := $e.snapshotDir }}
{{- if not $dir }}{{ $dir = ternary "/var/lib/etcd-snapshot/snapshots" $p.snapshotDir $deploy }}{{ end }}
endpoints: {{ toJson $endpoints }}
caFile: {{ default $p.caFile $e.caFile | quote }}
certFile: {{ default $p.certFile $e.certFile | quote }}
keyFile: {{ default $p.keyFile $e.keyFile | quote }}
snapshotDir: {{ $dir | quote }}
metadataDir: {{ printf "%s/.metadata" (dir $dir) | quote }}
flavor: {{ default $p.flavor $e.flavor | quote }}
{{- /* External etcd (deployment mode) has no distribution server token. */}}
tokenFile: {{ ternary "" (default ($p.tokenFile | default "") $e.tokenFile) $deploy | quote }}
eventComponent: {{ default ($p.eventComponent | default "etcd-snapshot-operator") .Values.operator.eventComponent | quote }}
nodeSelector: {{ toJson (default $p.nodeSelector .Values.daemonset.nodeSelector) }}
{{- end }}

{{/* The namespaces the operator watches: the listed ones, else the release namespace. */}}
{{- define "eso.watchNamespaces" -}}
{{- toJson (default (list .Release.Namespace) .Values.operator.watchNamespaces | uniq) }}
{{- end }}

{{/* Name of k3s's S3 Secret in kube-system (s3.kubeSystemSecret), defaulting to k3s's documented name. */}}
{{- define "eso.kubeSystemS3Secret" -}}
{{- default (printf "%s-etcd-snapshot-s3-config" (include "eso.etcd" . | fromYaml).flavor) .Values.s3.kubeSystemSecret.name }}
{{- end }}

{{/* Name of the S3 Secret the schedule refers to. */}}
{{- define "eso.s3SecretName" -}}
{{- default (printf "%s-s3" (include "eso.fullname" .)) .Values.s3.existingSecret }}
{{- end }}

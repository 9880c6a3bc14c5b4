#!/usr/bin/env bash
# Runs smoke.sh against the local host (src/TppGate.LocalHost): real mutual TLS, Azurite, and a throwaway test CA
# as the only trust anchor, from which smoke.sh mints its QWAC. What App Service does in front of the app
# (replacing X-ARR-ClientCert, dropping X-MS-CLIENT-PRINCIPAL) the local host does itself, and the admin key stands
# in for the Entra token. CI runs this; by hand: bash infra/smoke/local.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
host_pid=""
cleanup() {
  if [[ -n "$host_pid" ]] && kill -0 "$host_pid" 2> /dev/null; then
    # SIGTERM: the host stops Kestrel and the Azurite it started.
    kill -TERM "$host_pid"
    wait "$host_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The test CA: self-signed, the local host's only trust anchor for TPP certificates.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -sha256 \
  -subj "/C=XX/O=TppGate Smoke QTSP/CN=TppGate Smoke Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2> /dev/null

dotnet build "$root/src/TppGate.LocalHost/TppGate.LocalHost.csproj" --verbosity quiet --nologo > "$work/build.log" 2>&1 || {
  cat "$work/build.log"
  exit 1
}
admin_key="$(openssl rand -hex 24)"
Local__DataPath="$work/data" Local__AuthorizerPort=0 Local__AdminPort=0 Local__AzuriteTablePort=0 \
  Local__AdminKey="$admin_key" TrustAnchors__Path="$work/ca.pem" \
  dotnet "$root/src/TppGate.LocalHost/bin/Debug/net10.0/TppGate.LocalHost.dll" > "$work/host.log" 2>&1 &
host_pid=$!

authorizer=""
admin=""
for _ in $(seq 1 120); do
  authorizer="$(sed -n 's#^  authorizer: *\(https://[^ ]*/\)api/authorize.*#\1#p' "$work/host.log")"
  admin="$(sed -n 's#^  admin API: *\(https://[^ ]*/\)api/bindings.*#\1#p' "$work/host.log")"
  if [[ -n "$authorizer" && -n "$admin" ]]; then break; fi
  if ! kill -0 "$host_pid" 2> /dev/null; then
    cat "$work/host.log"
    echo "local smoke: the local host exited" >&2
    exit 1
  fi
  sleep 1
done
if [[ -z "$authorizer" || -z "$admin" ]]; then
  cat "$work/host.log"
  echo "local smoke: the local host did not start within 120 s" >&2
  exit 1
fi

SMOKE_AUTHORIZER_URL="$authorizer" SMOKE_ADMIN_URL="$admin" SMOKE_ADMIN_HEADER="X-Admin-Key: $admin_key" \
  SMOKE_CA_CERT="$work/ca.pem" SMOKE_CA_KEY="$work/ca.key" SMOKE_TLS_CACERT="$work/data/pki/qtsp-root.pem" \
  bash "$root/infra/smoke/smoke.sh"

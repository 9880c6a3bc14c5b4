#!/usr/bin/env bash
# Runs smoke.sh against the local host (src/TppGate.LocalHost): real mutual TLS, Azurite, and a throwaway test CA
# as the only trust anchor, from which smoke.sh mints its QWAC. What App Service does in front of the app
# (replacing X-ARR-ClientCert, dropping X-MS-CLIENT-PRINCIPAL) the local host does itself, and the admin key stands
# in for the Entra token. CI runs this; by hand: bash infra/smoke/local.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
host_pid=""
crl_pid=""
cleanup() {
  if [[ -n "$crl_pid" ]]; then kill "$crl_pid" 2> /dev/null || true; fi
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

# The test CA publishes an empty CRL on a loopback HTTP server: revocation is checked by default (decision 0009), and
# the minted QWAC names this CRL as its distribution point.
mkdir -p "$work/ca-db" "$work/crl"
touch "$work/ca-db/index.txt"
echo 01 > "$work/ca-db/crlnumber"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = smoke
[smoke]
database = $work/ca-db/index.txt
crlnumber = $work/ca-db/crlnumber
default_md = sha256
default_crl_days = 2
CNF
openssl ca -gencrl -config "$work/ca.cnf" -keyfile "$work/ca.key" -cert "$work/ca.pem" -out "$work/crl/ca.crl.pem" 2> /dev/null
openssl crl -in "$work/crl/ca.crl.pem" -outform DER -out "$work/crl/ca.crl"
crl_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server "$crl_port" --bind 127.0.0.1 --directory "$work/crl" > "$work/crl.log" 2>&1 &
crl_pid=$!
export SMOKE_CRL_URL="http://127.0.0.1:$crl_port/ca.crl"

dotnet build "$root/src/TppGate.LocalHost/TppGate.LocalHost.csproj" --verbosity quiet --nologo > "$work/build.log" 2>&1 || {
  cat "$work/build.log"
  exit 1
}
admin_key="$(openssl rand -hex 24)"
Local__DataPath="$work/data" Local__AuthorizerPort=0 Local__AdminPort=0 Local__AzuriteTablePort=0 Local__AzuriteBlobPort=0 Local__CrlPort=0 \
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

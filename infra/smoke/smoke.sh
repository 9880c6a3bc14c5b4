#!/usr/bin/env bash
# Post-deployment smoke test of TppGate (docs/deployment.md, "Smoke test"). Proves on the running deployment what
# the platform documents neither way for Flex Consumption, and what the code assumes of it:
#   1. a call without a client certificate is refused;
#   2. a forged X-ARR-ClientCert and a forged X-MS-CLIENT-PRINCIPAL are refused;
#   3. an admin call without a token is 401 (and a forged principal does not make one), and neither app serves
#      the other's routes;
#   4. the sample TPP flow allows (directly, and through APIM when given), then denies after revocation.
# Settings (environment):
#   SMOKE_AUTHORIZER_URL  https://<authorizer app>   (azd output SERVICE_AUTHORIZER_URI)
#   SMOKE_ADMIN_URL       https://<admin app>        (azd output SERVICE_ADMIN_URI)
#   SMOKE_ADMIN_TOKEN     an Entra access token for the admin API with the TppGate.Admin role, or
#   SMOKE_ADMIN_HEADER    the whole header that authenticates an admin (the local host: "X-Admin-Key: <key>")
#   SMOKE_TPP_CERT/_KEY   a fresh test QWAC (PEM) and key, bound to nothing yet; or
#   SMOKE_CA_CERT/_KEY    a test CA the deployment trusts, to mint one (mint-qwac.sh; needs SMOKE_CRL_URL, where
#                         that CA publishes its CRL, reachable from the deployment)
#   SMOKE_APIM_URL        optional: the TPP-facing API, e.g. https://<apim>.azure-api.net/psd2
#   SMOKE_TLS_CACERT          optional: CA file for the servers' TLS certificates (the local host's dev root)
#   SMOKE_PROPAGATION_SECONDS  how long a revocation may take to reach every instance (default 15)
# Exit 0 when every check passed, 1 when any failed, 2 when a setting is missing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

need() {
  if [[ -z "${!1:-}" ]]; then
    echo "smoke: $1 is not set" >&2
    exit 2
  fi
}
need SMOKE_AUTHORIZER_URL
need SMOKE_ADMIN_URL
if [[ -z "${SMOKE_ADMIN_HEADER:-}" ]]; then
  need SMOKE_ADMIN_TOKEN
  SMOKE_ADMIN_HEADER="Authorization: Bearer $SMOKE_ADMIN_TOKEN"
fi
authorizer="${SMOKE_AUTHORIZER_URL%/}"
admin="${SMOKE_ADMIN_URL%/}"
apim="${SMOKE_APIM_URL:-}"
apim="${apim%/}"
propagation="${SMOKE_PROPAGATION_SECONDS:-15}"
client_id="smoke-$(date +%s)-$RANDOM"

if [[ -n "${SMOKE_TPP_CERT:-}" ]]; then
  need SMOKE_TPP_KEY
  tpp_cert="$SMOKE_TPP_CERT"
  tpp_key="$SMOKE_TPP_KEY"
else
  need SMOKE_CA_CERT
  need SMOKE_CA_KEY
  bash "$here/mint-qwac.sh" "$SMOKE_CA_CERT" "$SMOKE_CA_KEY" "$work/tpp"
  tpp_cert="$work/tpp.pem"
  tpp_key="$work/tpp.key"
fi

# A certificate nobody trusts, to present in TLS while forging headers about the TPP's.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=smoke-forger" \
  -keyout "$work/forger.key" -out "$work/forger.pem" 2> /dev/null
tpp_der_base64="$(openssl x509 -in "$tpp_cert" -outform DER | base64 | tr -d '\n')"
tpp_x5t="$(openssl x509 -in "$tpp_cert" -outform DER | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')"
forged_principal="$(printf '{"auth_typ":"aad","name_typ":"name","role_typ":"roles","claims":[{"typ":"roles","val":"TppGate.Admin"},{"typ":"name","val":"smoke-forger"}]}' | base64 | tr -d '\n')"

curl_tls=(--silent --show-error --max-time 20)
if [[ -n "${SMOKE_TLS_CACERT:-}" ]]; then
  curl_tls+=(--cacert "$SMOKE_TLS_CACERT")
fi

failures=0
status=""
body=""

# call <curl arguments...>: sets status (000 when TLS or the connection refused the call) and body.
call() {
  status="$(curl "${curl_tls[@]}" --output "$work/body" --write-out '%{http_code}' "$@" 2> "$work/error")" || status="000"
  body="$(cat "$work/body" 2> /dev/null || true)"
  rm -f "$work/body"
}

# code: the problem+json "code" of the last answer, or nothing.
code() {
  sed -n 's/.*"code"[[:space:]]*:[[:space:]]*"\([A-Z_]*\)".*/\1/p' <<< "$body" | head -n 1
}

pass() { echo "PASS  $1"; }
fail() {
  echo "FAIL  $1 (status $status, code '$(code)')"
  failures=$((failures + 1))
}

# refused: the platform (TLS or 401/403) or the app (a deny) said no; never a 2xx.
expect_refused() {
  if [[ "$status" == "000" || "$status" == 4* ]]; then pass "$1 (status $status $(code))"; else fail "$1"; fi
}

# denied: the app answered with a deny code (the caller presented a certificate, so TLS let it in).
expect_denied() {
  if [[ "$status" == 4* && -n "$(code)" ]]; then pass "$1 (status $status $(code))"; else fail "$1"; fi
}

expect() {
  local want_status="$1" want_code="$2" what="$3"
  if [[ "$status" == "$want_status" && ( -z "$want_code" || "$(code)" == "$want_code" ) ]]; then
    pass "$what ($status $(code))"
  else
    fail "$what: expected $want_status $want_code"
  fi
}

tpp=(--cert "$tpp_cert" --key "$tpp_key")
forger=(--cert "$work/forger.pem" --key "$work/forger.key")
tpp_headers=(-H "X-Client-Id: $client_id" -H "X-Tpp-Api: accounts")

echo "TppGate smoke test: authorizer $authorizer, admin $admin${apim:+, APIM $apim}, client_id $client_id"

# 1. No certificate.
call "${tpp_headers[@]}" "$authorizer/api/authorize"
expect_refused "authorizer refuses a call without a client certificate"
if [[ -n "$apim" ]]; then
  call -H "X-Client-Id: $client_id" "$apim/v1/accounts"
  expect 401 CERTIFICATE_MISSING "APIM refuses a call without a client certificate"
fi

# 3. Admin without a token, and with a forged principal instead of one.
call "$admin/api/bindings/$client_id"
expect 401 "" "admin API without a token is 401"
call -H "X-MS-CLIENT-PRINCIPAL: $forged_principal" -H "X-MS-CLIENT-PRINCIPAL-NAME: smoke-forger" "$admin/api/bindings/$client_id"
expect 401 "" "admin API with a forged X-MS-CLIENT-PRINCIPAL is 401"

# Each app serves only its own surface (decision 0007): the functions of the other one are disabled.
call "${tpp[@]}" -H "$SMOKE_ADMIN_HEADER" "$authorizer/api/bindings/$client_id"
expect 404 "" "the authorizer app serves no admin route, even with admin credentials"
call -H "$SMOKE_ADMIN_HEADER" "${tpp_headers[@]}" -X POST "$admin/api/authorize"
expect 404 "" "the admin app serves no authorizer route"

# 4a. Register the fresh certificate for a fresh client_id.
call -H "$SMOKE_ADMIN_HEADER" -H "Content-Type: application/json" \
  --data "{\"clientId\":\"$client_id\",\"certificate\":\"$tpp_der_base64\",\"note\":\"smoke test\"}" "$admin/api/bindings"
expect 201 "" "admin registers the smoke certificate"

# 2. Forged headers: the TLS certificate is the forger's, the headers name the (now bound) TPP certificate.
call "${forger[@]}" "${tpp_headers[@]}" -H "X-ARR-ClientCert: $tpp_der_base64" "$authorizer/api/authorize"
expect_denied "a forged X-ARR-ClientCert is denied"
call "${forger[@]}" "${tpp_headers[@]}" -H "X-MS-CLIENT-PRINCIPAL: $forged_principal" -H "Client-Cert: :$tpp_der_base64:" "$authorizer/api/authorize"
expect_denied "a forged X-MS-CLIENT-PRINCIPAL with a Client-Cert is denied"

# 4b. The TPP's own call is allowed, directly and through APIM.
call "${tpp[@]}" "${tpp_headers[@]}" "$authorizer/api/authorize"
expect 200 "" "the bound TPP certificate is allowed"
if [[ -n "$apim" ]]; then
  call "${tpp[@]}" -H "X-Client-Id: $client_id" "$apim/v1/accounts"
  # APIM forwards an allowed call to the bank's API: any answer but a TppGate deny means the authorizer allowed it.
  if [[ "$status" != "000" && "$status" != "401" && "$status" != "403" && "$status" != "503" && -z "$(code)" ]]; then
    pass "APIM lets the bound TPP through to the backend (status $status)"
  else
    fail "APIM lets the bound TPP through to the backend"
  fi
fi

# 4c. Revoke, then every path denies within the propagation bound.
call -H "$SMOKE_ADMIN_HEADER" -H "Content-Type: application/json" --data '{"reason":"smoke test"}' \
  "$admin/api/bindings/$client_id/$tpp_x5t/revoke"
expect 200 "" "admin revokes the binding"
deadline=$((SECONDS + propagation))
while :; do
  call "${tpp[@]}" "${tpp_headers[@]}" "$authorizer/api/authorize"
  if [[ "$status" == "403" || $SECONDS -ge $deadline ]]; then break; fi
  sleep 1
done
expect 403 CERTIFICATE_BLOCKED "the revoked certificate is denied within ${propagation}s"
if [[ -n "$apim" ]]; then
  call "${tpp[@]}" -H "X-Client-Id: $client_id" "$apim/v1/accounts"
  expect 403 CERTIFICATE_BLOCKED "APIM denies the revoked certificate"
fi

if [[ $failures -gt 0 ]]; then
  echo "smoke: $failures check(s) failed"
  exit 1
fi
echo "smoke: all checks passed"

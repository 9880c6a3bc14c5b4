#!/usr/bin/env bash
# Runs smoke.sh against the deployment of the current azd environment: by hand after `azd up`, and in
# .github/workflows/deploy.yml after `azd deploy`. Needs az and azd signed in, and either SMOKE_TPP_CERT/_KEY
# (a fresh test QWAC) or SMOKE_CA_CERT/_KEY (a test CA the environment trusts); see docs/deployment.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

SMOKE_AUTHORIZER_URL="$(azd env get-value SERVICE_AUTHORIZER_URI)"
SMOKE_ADMIN_URL="$(azd env get-value SERVICE_ADMIN_URI)"
export SMOKE_AUTHORIZER_URL SMOKE_ADMIN_URL
gateway="$(azd env get-value APIM_GATEWAY_URI 2> /dev/null || true)"
if [[ -n "$gateway" ]]; then
  export SMOKE_APIM_URL="${gateway%/}/psd2"
fi

# The caller (a person, or the deploy workflow's service principal) needs the TppGate.Admin app role; the admin app
# registration issues v2 tokens (accessTokenAcceptedVersion 2), whose audience is its client id.
if [[ -z "${SMOKE_ADMIN_TOKEN:-}" && -z "${SMOKE_ADMIN_HEADER:-}" ]]; then
  client_id="${TPPGATE_ADMIN_APP_CLIENT_ID:-$(azd env get-value TPPGATE_ADMIN_APP_CLIENT_ID)}"
  SMOKE_ADMIN_TOKEN="$(az account get-access-token --scope "$client_id/.default" --query accessToken --output tsv)"
  export SMOKE_ADMIN_TOKEN
fi

exec bash "$here/smoke.sh"

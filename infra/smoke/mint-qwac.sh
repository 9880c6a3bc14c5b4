#!/usr/bin/env bash
# Mints a fresh test QWAC (EC P-256, clientAuth, QcCompliance, QcType web, PSD2 statement with PSP_AI and PSP_PI)
# from a test CA, for one smoke run: the run revokes it, and a revoked certificate can never be bound again.
#   mint-qwac.sh <ca.pem> <ca.key> <out-prefix>   writes <out-prefix>.pem and <out-prefix>.key
# The CA must be a trust anchor of the deployment under test. Never give production a test CA.
# SMOKE_CRL_URL (required): where the test CA's CRL is published, named in the QWAC's CRL distribution point; with
# revocation checked by default (decision 0009) a QWAC naming no revocation source is refused.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <ca.pem> <ca.key> <out-prefix>" >&2
  exit 2
fi
ca_cert="$1"
: "${SMOKE_CRL_URL:?SMOKE_CRL_URL must name where the CRL of the test CA is published (decision 0009)}"
ca_key="$2"
out="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# qcStatements (ETSI EN 319 412-5, TS 119 495), DER: QcCompliance; QcType web; PSD2 statement with roles
# PSP_AI (0.4.0.19495.1.3) and PSP_PI (0.4.0.19495.1.2), NCA name "Smoke Test NCA", NCA id "XX-STNCA".
qc_statements="306D3008060604008E4601013013060604008E4601063009060704008E46010603304C06060400819827023042302630110607040081982701030C065053505F414930110607040081982701020C065053505F50490C0E536D6F6B652054657374204E43410C0858582D53544E4341"
serial="$(date +%s)$RANDOM"

cat > "$work/leaf.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
C = XX
O = TppGate Smoke TPP
organizationIdentifier = PSDXX-STNCA-SMOKE$serial
CN = smoke-$serial.tpp.example
[qwac]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth, serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
1.3.6.1.5.5.7.1.3 = DER:$qc_statements
crlDistributionPoints = URI:$SMOKE_CRL_URL
CNF

openssl ecparam -name prime256v1 -genkey -noout -out "$work/leaf.ec.key"
openssl pkcs8 -topk8 -nocrypt -in "$work/leaf.ec.key" -out "$out.key"
openssl req -new -key "$out.key" -config "$work/leaf.cnf" -out "$work/leaf.csr"
openssl x509 -req -in "$work/leaf.csr" -CA "$ca_cert" -CAkey "$ca_key" -set_serial "0x$(openssl rand -hex 12)" \
  -days 30 -sha256 -extfile "$work/leaf.cnf" -extensions qwac -out "$out.pem" 2> /dev/null
chmod 600 "$out.key"

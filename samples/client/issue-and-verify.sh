#!/usr/bin/env bash
# Example client: make a key and CSR locally, have Signet issue a TLS server certificate over the
# HTTP API, then verify the certificate's chain with OpenSSL against the root CA alone.
#
#   SIGNET_TOKEN=<officer token> samples/client/issue-and-verify.sh [DNS-NAME]
#
# Environment: SIGNET_URL (default http://127.0.0.1:8080), SIGNET_TOKEN (an officer token, from
# `java -jar web/target/signet.jar token create --data signet-data --role officer`), SIGNET_CA
# (CA id; default: the first CA that has a parent, i.e. the demo issuing CA), OUT (directory to
# keep the key, certificate and chain in; default: a temporary directory, removed at the end).
# Needs: curl, openssl, python3 (for JSON).
set -euo pipefail

URL=${SIGNET_URL:-http://127.0.0.1:8080}
TOKEN=${SIGNET_TOKEN:?set SIGNET_TOKEN to an officer API token}
NAME=${1:-client.example.com}
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT"; W=$OUT; else W=$(mktemp -d); trap 'rm -rf "$W"' EXIT; fi

api() { curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" "$@"; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }

# 1. The private key is made here and never sent anywhere; only the CSR goes to Signet.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/key.pem" \
  -subj "/CN=$NAME" -addext "subjectAltName=DNS:$NAME" -out "$W/request.csr" 2>/dev/null

# 2. Choose the CA: the one named in SIGNET_CA, or the first subordinate (issuing) CA.
api "$URL/api/v1/cas" > "$W/cas.json" \
  || { echo "cannot list CAs at $URL: is Signet running there? (start it with serve, or set SIGNET_URL)" >&2; exit 1; }
CA=${SIGNET_CA:-$(json '[c["id"] for c in d if c.get("parentId")][0]' < "$W/cas.json")}
json "[c for c in d if c['id']=='$CA'][0]['chainPem']" < "$W/cas.json" > "$W/chain.pem"

# 3. Issue: POST the CSR with the profile; the answer carries the serial and the certificate.
python3 -c 'import json,sys; print(json.dumps({"profile": "tls-server", "csr": open(sys.argv[1]).read()}))' \
  "$W/request.csr" > "$W/request.json"
api -X POST -H 'Content-Type: application/json' --data @"$W/request.json" \
  "$URL/api/v1/cas/$CA/certificates" > "$W/issued.json"
SERIAL=$(json 'd["serial"]' < "$W/issued.json")
json 'd["certificatePem"]' < "$W/issued.json" > "$W/certificate.pem"

# 4. Verify with OpenSSL, trusting only the root (the last certificate of the CA's chain); the
#    CA certificates below it are untrusted intermediates that must chain up to it.
python3 - "$W/chain.pem" "$W/root.pem" <<'PY'
import re, sys
blocks = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", open(sys.argv[1]).read(), re.S)
open(sys.argv[2], "w").write(blocks[-1])
PY
openssl verify -purpose sslserver -CAfile "$W/root.pem" -untrusted "$W/chain.pem" "$W/certificate.pem"
openssl x509 -in "$W/certificate.pem" -noout -subject -issuer -enddate
echo "issued serial $SERIAL by CA $CA and verified its chain"

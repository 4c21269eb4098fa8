#!/usr/bin/env bash
# Smoke test of a running exchange-sync-monitor (in Azure, or `npm start` on this machine):
#
#   scripts/smoke.sh URL KEY [ADMIN_KEY] [PROFILE_ID]
#
#   URL         the app's base URL, e.g. https://func-abc123.azurewebsites.net or http://localhost:7071
#   KEY         a function key (Azure: az functionapp keys list ... --query functionKeys.default)
#   ADMIN_KEY   the host's master key (Azure: az functionapp keys list ... --query masterKey); enables the
#               Test Connection check
#   PROFILE_ID  the profile to run Test Connection for; default: the first profile the app lists
#
# Checks, in order, and what a good answer looks like:
#   health           GET  /api/health            200, {"status":"ok",...,"storage":{"ok":true,...}}
#   status           GET  /api/status            200, {"overall":{"health":...,"profiles":N,...},"profiles":[...]}
#   metrics          GET  /api/metrics           200, Prometheus text with "# TYPE exchange_sync_profiles gauge"
#   test-connection  POST /api/profiles/ID/test-connection
#                                                200, {"profile":ID,"ok":true,"steps":[autodiscover, ews, mailbox]}
# Prints one line per check; exits 0 when all pass, 1 naming each failed check, 2 on wrong arguments.
# Needs curl, grep and sed only. Keys are sent in the x-functions-key header, never printed.
set -u

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
  echo "usage: scripts/smoke.sh URL KEY [ADMIN_KEY] [PROFILE_ID]" >&2
  exit 2
fi
base="${1%/}"
key="$2"
admin_key="${3:-}"
profile_id="${4:-}"
timeout="${SMOKE_TIMEOUT_SECONDS:-120}"

body="$(mktemp)"
trap 'rm -f "$body"' EXIT
failed=()

pass() { printf 'ok    %-16s %s\n' "$1" "$2"; }
fail() { printf 'FAIL  %-16s %s\n' "$1" "$2"; failed+=("$1"); }

# request METHOD PATH KEY -> sets $code and $type; the answer is in $body
request() {
  local out
  out="$(curl -sS -o "$body" -w '%{http_code} %{content_type}' --max-time "$timeout" -X "$1" \
    ${3:+-H "x-functions-key: $3"} -H 'content-type: application/json' ${4:+--data "$4"} "$base$2" 2>&1)" || {
    code="000"
    type=""
    printf '%s' "$out" > "$body"
    return
  }
  code="${out%% *}"
  type="${out#* }"
}

has() { grep -q -- "$1" "$body"; }
excerpt() { head -c 300 "$body" | tr '\n' ' '; }

# health: anonymous; storage must answer.
request GET /api/health ""
if [ "$code" = 200 ] && has '"status":"ok"' && has '"storage":{"ok":true'; then
  pass health "storage answers, version $(grep -o '"version":"[^"]*"' "$body" | sed 's/.*:"//; s/"$//')"
else
  fail health "HTTP $code: $(excerpt)"
fi

# status: function key.
request GET /api/status "$key"
if [ "$code" = 200 ] && has '"overall":{' && has '"profiles":\['; then
  pass status "$(grep -o '"overall":{"health":"[^"]*","profiles":[0-9]*' "$body" | sed 's/"overall":{"health":"\([^"]*\)","profiles":\([0-9]*\)/overall health \1, profiles: \2/')"
elif [ "$code" = 401 ]; then
  fail status "HTTP 401: KEY is not a function key of this app"
else
  fail status "HTTP $code: $(excerpt)"
fi

# metrics: function key, Prometheus text.
request GET /api/metrics "$key"
if [ "$code" = 200 ] && [[ "$type" == text/plain* ]] && has '^# TYPE exchange_sync_profiles gauge'; then
  pass metrics "$(grep -c '^exchange_sync_' "$body") samples"
elif [ "$code" = 401 ]; then
  fail metrics "HTTP 401: KEY is not a function key of this app"
else
  fail metrics "HTTP $code ($type): $(excerpt)"
fi

# test-connection: admin (master) key; the first listed profile unless one is named.
if [ -z "$admin_key" ]; then
  echo "skip  test-connection  (no ADMIN_KEY given)"
else
  if [ -z "$profile_id" ]; then
    request GET /api/profiles "$admin_key"
    if [ "$code" = 200 ]; then
      profile_id="$(grep -o '"profiles":\[{"id":"[^"]*"' "$body" | sed 's/.*"id":"//; s/"$//')"
      [ -n "$profile_id" ] || fail test-connection "the app lists no profile: import one first (docs/deploy.md)"
    else
      fail test-connection "listing profiles: HTTP $code$([ "$code" = 401 ] && echo ': ADMIN_KEY is not the master key')"
    fi
  fi
  if [ -n "$profile_id" ]; then
    request POST "/api/profiles/$profile_id/test-connection" "$admin_key" '{}'
    ok="$(grep -o '"ok":[a-z]*' "$body" | head -n 1)"
    if [ "$code" = 200 ] && [ "$ok" = '"ok":true' ]; then
      pass test-connection "$profile_id: autodiscover, ews and mailbox passed in $(grep -o '"elapsedMs":[0-9]*' "$body" | head -n 1 | sed 's/.*://') ms"
    elif [ "$code" = 200 ]; then
      step="$(grep -o '"step":"[a-z]*","ok":false' "$body" | head -n 1 | sed 's/"step":"\([a-z]*\)".*/\1/')"
      category="$(grep -o '"category":"[^"]*"' "$body" | head -n 1 | sed 's/.*:"//; s/"$//')"
      fail test-connection "$profile_id: failed at ${step:-?} (${category:-no category}); see the full answer with curl -X POST"
    elif [ "$code" = 401 ]; then
      fail test-connection "HTTP 401: ADMIN_KEY is not the master key"
    else
      fail test-connection "$profile_id: HTTP $code: $(excerpt)"
    fi
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "smoke test failed: ${failed[*]}" >&2
  exit 1
fi
echo "smoke test passed"

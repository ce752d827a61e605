#!/usr/bin/env bash
# Repeats the steps of the Dockerfile's runtime stage without a Docker engine and checks that
# the result starts. It builds dist/, installs production dependencies only (npm ci --omit=dev)
# into a temporary folder next to a copy of dist/, starts `node dist/main.js` there on
# 127.0.0.1 and expects GET /healthz to return 200, then stops it with SIGTERM and expects exit
# code 0. A dev dependency imported at runtime makes the start fail.
#
# NOTE: this runs on the local Node version, while the image runs Node 22.
#
# Usage: scripts/check-runtime-image.sh   (needs node and npm on PATH)
set -euo pipefail

readonly STARTUP_TIMEOUT_SECONDS=15
readonly SHUTDOWN_TIMEOUT_SECONDS=15
# Replaces the gateway's default upstream, the real Northflank API, which this check must never
# call. Port 9 (discard) normally has no listener, and /healthz sends no upstream request anyway.
readonly UNUSED_UPSTREAM_URL='http://127.0.0.1:9'

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work_dir=''
gateway_pid=''

cleanup() {
  if [[ -n "$gateway_pid" ]] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -KILL "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  if [[ -n "$work_dir" ]]; then
    rm -rf "$work_dir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() {
  printf '\n==> %s\n' "$*"
}

fail() {
  printf 'check-runtime-image: %s\n' "$*" >&2
  if [[ -n "$work_dir" && -f "$work_dir/gateway.log" ]]; then
    printf -- '--- gateway output ---\n' >&2
    cat "$work_dir/gateway.log" >&2
    printf -- '--- end of gateway output ---\n' >&2
  fi
  exit 1
}

# Binds port 0 on 127.0.0.1, prints the port the kernel assigned, and releases it. Another
# process could take the port before the gateway binds it, which shows up as a start failure.
find_free_port() {
  node -e '
    const server = require("node:net").createServer();
    server.listen(0, "127.0.0.1", () => {
      console.log(server.address().port);
      server.close();
    });
  '
}

# Prints the HTTP status of a GET request, or "no-response" when the connection fails.
http_status() {
  node -e '
    fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(
      (response) => console.log(response.status),
      () => console.log("no-response"),
    );
  ' "$1"
}

cd "$repo_root"

step 'Build dist/ (npm run build)'
npm run build

step 'Install production dependencies only (npm ci --omit=dev --ignore-scripts)'
work_dir="$(mktemp -d)"
cp package.json package-lock.json "$work_dir/"
cp -R dist "$work_dir/dist"
(cd "$work_dir" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund)

port="$(find_free_port)"
healthz_url="http://127.0.0.1:${port}/healthz"

step "Start node dist/main.js on 127.0.0.1:${port}"
# env -i keeps the caller's NORTHFLANK_* settings and tokens out of the check.
(
  cd "$work_dir"
  exec env -i PATH="$PATH" NODE_ENV=production HOST=127.0.0.1 PORT="$port" \
    NORTHFLANK_API_URL="$UNUSED_UPSTREAM_URL" node dist/main.js
) >"$work_dir/gateway.log" 2>&1 </dev/null &
gateway_pid=$!

step "Wait up to ${STARTUP_TIMEOUT_SECONDS} s for GET ${healthz_url} to return 200"
deadline=$((SECONDS + STARTUP_TIMEOUT_SECONDS))
status=''
while ((SECONDS < deadline)); do
  if ! kill -0 "$gateway_pid" 2>/dev/null; then
    fail "the gateway exited before ${healthz_url} returned 200."
  fi
  status="$(http_status "$healthz_url")"
  if [[ "$status" == '200' ]]; then
    break
  fi
  sleep 0.5
done
if [[ "$status" != '200' ]]; then
  fail "GET ${healthz_url} returned ${status:-nothing} instead of 200 within ${STARTUP_TIMEOUT_SECONDS} s."
fi
echo "GET ${healthz_url} returned 200."

step 'Stop the gateway with SIGTERM and expect exit code 0'
kill -TERM "$gateway_pid"
deadline=$((SECONDS + SHUTDOWN_TIMEOUT_SECONDS))
while kill -0 "$gateway_pid" 2>/dev/null && ((SECONDS < deadline)); do
  sleep 0.2
done
if kill -0 "$gateway_pid" 2>/dev/null; then
  fail "the gateway was still running ${SHUTDOWN_TIMEOUT_SECONDS} s after SIGTERM."
fi
exit_code=0
wait "$gateway_pid" || exit_code=$?
gateway_pid=''
if ((exit_code != 0)); then
  fail "the gateway exited with code ${exit_code} after SIGTERM, expected 0."
fi

echo 'Runtime check passed: the production install starts, serves /healthz and stops cleanly.'

#!/usr/bin/env bash
# Runs the three scripting examples of Duvo's CLI docs ("Starting Runs (CLI)", Scripting examples) verbatim, with
# `duvo` on PATH pointing at the built binary and the environment pointing at a local `duvo sim`, then checks what
# they did: the loop ends on a terminal status, the approval run completes after auto-approve, and the log file
# holds the assistant's text. Prints "ok" per example; exits non-zero naming the example that went wrong.
#
# Environment: DUVO_BIN (default: .build/debug/duvo). Without DUVO_BASE_URL or DUVO_SIMULATE, it starts (and stops)
# its own simulator; with DUVO_SIMULATE=1 every command uses the shared background simulator (`--simulate`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
DUVO_BIN=${DUVO_BIN:-$here/../../.build/debug/duvo}
[ -x "$DUVO_BIN" ] || { echo "no duvo binary at $DUVO_BIN: run 'swift build' or set DUVO_BIN" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is needed for the docs' examples" >&2; exit 2; }

work=$(mktemp -d)
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/bin"
ln -s "$DUVO_BIN" "$work/bin/duvo"
export PATH="$work/bin:$PATH"

if [ -z "${DUVO_BASE_URL:-}" ] && [ -z "${DUVO_SIMULATE:-}" ]; then
  duvo sim --port 0 --speed 50 --log-level error >"$work/sim.url" 2>"$work/sim.log" &
  sim_pid=$!
  for _ in $(seq 200); do [ -s "$work/sim.url" ] && break; sleep 0.05; done
  [ -s "$work/sim.url" ] || { echo "duvo sim did not start:" >&2; cat "$work/sim.log" >&2; exit 1; }
  DUVO_BASE_URL=$(head -n 1 "$work/sim.url")
  export DUVO_BASE_URL
fi
export DUVO_API_KEY=${DUVO_API_KEY:-dv_sim_local_key}
export DUVO_TEAM_ID=${DUVO_TEAM_ID:-local-team}
export DUVO_POLL_SCALE=${DUVO_POLL_SCALE:-0.1}

fail() { echo "FAIL: $*" >&2; exit 1; }
agent() { duvo sim agents --json | jq -r --arg name "$1" '.[] | select(.name == $name) | .id'; }
cd "$work"

# --- 1. Start a Run and wait for it to finish (verbatim from the docs) -------------------------------------------
AGENT_ID=$(agent echo)

RUN_ID=$(duvo runs start --agent "$AGENT_ID" --json | jq -r '.run.id')

while true; do
  STATUS=$(duvo runs get "$RUN_ID" --json | jq -r '.run.status')
  case "$STATUS" in
    completed|failed|stopped) break ;;
  esac
  sleep 5
done

echo "Run $RUN_ID finished with status: $STATUS"
# ---------------------------------------------------------------------------------------------------------------------
[ "$STATUS" = completed ] || fail "start-and-wait: the echo run ended '$STATUS', not completed"
echo "ok 1 - start and wait: $STATUS"

# --- 2. Auto-approve any pending human requests on a Run ----------------------------------------------------------
AGENT_ID=$(agent approval)
RUN_ID=$(duvo runs start --agent "$AGENT_ID" --json | jq -r '.run.id')
code=0
duvo runs wait "$RUN_ID" --until attention --timeout 60 --exit-status >/dev/null || code=$?
[ "$code" = 13 ] || fail "auto-approve: the approval run did not come to wait for a human (exit $code)"

duvo runs messages "$RUN_ID" --json \
  | jq -r '.messages[] | select(.type=="human_request" and .status=="pending") | .id' \
  | xargs -I {} duvo runs respond "$RUN_ID" --approve
# ---------------------------------------------------------------------------------------------------------------------
duvo runs wait "$RUN_ID" --timeout 60 --exit-status >/dev/null || fail "auto-approve: the run did not complete"
duvo runs messages "$RUN_ID" --json | jq -e '[.messages[].content] | any(startswith("Approved:"))' >/dev/null \
  || fail "auto-approve: the agent never said it was approved"
echo "ok 2 - auto-approve: $(duvo runs get "$RUN_ID" --json | jq -r '.run.status') after approval"

# --- 3. Forward Run output to a script ------------------------------------------------------------------------------
AGENT_ID=$(agent echo)
RUN_ID=$(duvo runs start --agent "$AGENT_ID" --message "Forward this line" --json | jq -r '.run.id')
duvo runs wait "$RUN_ID" --timeout 60 >/dev/null

duvo runs messages "$RUN_ID" --json \
  | jq -r '.messages[] | select(.role=="assistant") | .content' \
  > run-output.log
# ---------------------------------------------------------------------------------------------------------------------
grep -q "Hi, I am echo" run-output.log || fail "forward output: the greeting is missing from run-output.log"
grep -q "Forward this line" run-output.log || fail "forward output: the echoed message is missing from run-output.log"
! grep -qx "null" run-output.log || fail "forward output: run-output.log has 'null' lines"
echo "ok 3 - forward output: $(wc -l <run-output.log | tr -d ' ') assistant lines in run-output.log"

#!/bin/bash
# Runs one of the operations guide's shell examples (Tests/Fixtures/upstream/operations-guide-v2.txt) verbatim
# against a simulator. Only the documented placeholders change:
# the base URL, the API key, and the RUN_ID / TEAM_ID / AGENT_ID example values (the duration script reads
# TEAM_ID, AGENT_ID and API_KEY from the environment, as its reader's shell would have them).
#
# Usage: SIM_BASE_URL=http://127.0.0.1:PORT SIM_API_KEY=KEY [SIM_RUN_ID=..] [SIM_TEAM_ID=..] [SIM_AGENT_ID=..] \
#        run.sh poll-until-finished.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${SIM_BASE_URL:?set SIM_BASE_URL to the simulator URL}" "${SIM_API_KEY:?set SIM_API_KEY}"
team="${SIM_TEAM_ID:-your-team-id}"
agent="${SIM_AGENT_ID:-7c9e6679-7425-40de-944b-e07fc1f90ae7}"
run="${SIM_RUN_ID:-550e8400-e29b-41d4-a716-446655440000}"
sed -e "s|https://api.duvo.ai/v2|${SIM_BASE_URL}/v2|g" \
    -e "s|dv_your_api_key|${SIM_API_KEY}|g" \
    -e "s|550e8400-e29b-41d4-a716-446655440000|${run}|g" \
    -e "s|your-team-id|${team}|g" \
    -e "s|7c9e6679-7425-40de-944b-e07fc1f90ae7|${agent}|g" \
    "$here/$1" | TEAM_ID="$team" AGENT_ID="$agent" API_KEY="$SIM_API_KEY" bash

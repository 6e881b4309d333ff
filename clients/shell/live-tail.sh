#!/usr/bin/env bash
# live-tail.sh: print a Duvo run's messages as they arrive, one line each, like `tail -f` (or the CLI's
# `duvo runs messages <run-id> --follow`), until the run ends.
#
# Usage: live-tail.sh [--simulate [--sim-speed X]] (--run ID | --agent ID | --agent-name NAME)
#                     [--role ROLE] [--offset N]
#
#   --simulate       run against duvo's embedded simulator (no API key needed); default agent: chatty
#   --run ID         tail a run that is already going (from its first message, or from --offset N)
#   --agent ID       start a run of this agent and tail it; --agent-name NAME looks a simulator agent up by name
#   --role ROLE      only messages of this role, e.g. assistant (the docs' "forward run output" recipe, live)
#
# Output: "<HH:MM:SS> <role>: <text>" per message (tool calls as "called <tool>"), and last
# "run <id> finished: <status>". Exits 0 when the run ended, 1 when the follow ended for another reason.
# One jq process renders the whole stream, so long runs tail quickly. Needs bash 4+, jq, duvo (DUVO_BIN or PATH).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/duvo-rpc.sh"

duvo_parse_common "$@"
role= offset=0
set -- "${DUVO_ARGS_REST[@]}"
while (($# > 0)); do
    case $1 in
        --role) role=${2:?--role needs a role} && shift ;;
        --offset) offset=${2:?--offset needs a number} && shift ;;
        *) duvo_usage >&2; exit 2 ;;
    esac
    shift
done
duvo_require_target chatty

duvo_open "${DUVO_RPC_ARGS[@]}"
duvo_start_or_follow "$offset"
subscription=$DUVO_SUBSCRIPTION

render='select(.params.subscription == $sub) | .method as $m | .params as $p
    | if $m == "runs/message" and ($role == "" or $p.message.role == $role) then
        "\($p.message.timestamp[11:19]) \($p.message.role): \($p.message.text_content
            // ($p.message.tool_call | if . then "called \(.name)" else null end) // $p.message.type)"
      elif $m == "runs/followEnded" then "run \($p.run_id) finished: \($p.status // "unknown")"
      else empty end'
ended_reason=
{
    while duvo_next; do
        printf '%s\n' "$DUVO_FRAME"
        # A cheap test first, so jq runs only on the frame that may end the follow.
        if [[ $DUVO_FRAME == *runs/followEnded* ]]; then
            ended_reason=$(jq -r --arg sub "$subscription" \
                'select(.method == "runs/followEnded" and .params.subscription == $sub) | .params.reason' \
                <<<"$DUVO_FRAME")
            [[ -n $ended_reason ]] && break
        fi
    done
} > >(jq --unbuffered -r --arg sub "$subscription" --arg role "$role" "$render")
renderer=$!

duvo_close
wait "$renderer" 2>/dev/null || true
[[ $ended_reason == terminal ]]

#!/usr/bin/env bash
# start-and-follow.sh: start a Duvo run and print its messages as they arrive, then how it ended.
#
# Usage: start-and-follow.sh [--simulate [--sim-speed X]] (--agent ID | --agent-name NAME) [--message TEXT]
#
#   --simulate       run against duvo's embedded simulator (no API key needed); default agent: echo
#   --agent ID       the agent to start; --agent-name NAME looks a simulator agent up by name
#   --message TEXT   the run's first message
#
# Output, one line each: "run <id> started", "status: <status>" on every change, "[<index>] <role>: <text>" per
# message, and last "run <id> finished: <status>". Exits 0 when the run completed, 1 when it ended otherwise.
# Without --simulate, duvo reads DUVO_API_KEY (and DUVO_TEAM_ID for API v2) from the environment.
# Needs bash 4+, jq, and duvo (DUVO_BIN, else on PATH).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/duvo-rpc.sh"

duvo_parse_common "$@"
[[ ${#DUVO_ARGS_REST[@]} -eq 0 && -z $DUVO_RUN ]] || { duvo_usage >&2; exit 2; }
duvo_require_target echo

duvo_open "${DUVO_RPC_ARGS[@]}"
duvo_start_or_follow
run_id=$DUVO_RUN subscription=$DUVO_SUBSCRIPTION
echo "run $run_id started"

final=
while duvo_next; do
    # One jq per frame: the kind of frame, and the line to print for it.
    IFS=$'\t' read -r kind text < <(jq -r --arg sub "$subscription" '
        select(.params.subscription == $sub) | .params as $p
        | if .method == "runs/message" then
            ["message", "[\($p.index)] \($p.message.role): \($p.message.text_content
                // ($p.message.tool_call | if . then "called \(.name)" else null end) // $p.message.type)"]
          elif .method == "runs/status" then ["status", $p.status]
          elif .method == "runs/followEnded" then ["ended", ($p.status // "unknown")]
          else empty end | @tsv' <<<"$DUVO_FRAME") || continue  # not this follow's: an answer, say
    case $kind in
        message) printf '%s\n' "$text" ;;
        status) echo "status: $text" ;;
        ended) final=$text; break ;;
    esac
done

duvo_close
echo "run $run_id finished: ${final:-unknown}"
[[ $final == completed ]]

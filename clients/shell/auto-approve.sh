#!/usr/bin/env bash
# auto-approve.sh: follow a Duvo run and approve every human request it raises, until the run ends.
#
# Usage: auto-approve.sh [--simulate [--sim-speed X]] (--run ID | --agent ID | --agent-name NAME) [--deny]
#
#   --simulate       run against duvo's embedded simulator (no API key needed); default agent: approval
#   --run ID         attach to a run that is already going
#   --agent ID       start a run of this agent first; --agent-name NAME looks a simulator agent up by name
#   --deny           deny instead of approve
#
# For trusted batch pipelines where every approval is expected to pass (the CLI docs' auto-approve recipe, without
# polling). Question requests get each question's first option (every first option, for a multi-select).
# Output, one line each: "following run <id>", "approved <request id>: <title>" (or denied/answered) per request,
# and last "run <id> finished: <status>". Exits 0 when the run completed, 1 when it ended otherwise.
# Needs bash 4+, jq, and duvo (DUVO_BIN, else on PATH).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/duvo-rpc.sh"

duvo_parse_common "$@"
approve=true
for arg in "${DUVO_ARGS_REST[@]}"; do
    case $arg in
        --deny) approve=false ;;
        *) duvo_usage >&2; exit 2 ;;
    esac
done
duvo_require_target approval

duvo_open "${DUVO_RPC_ARGS[@]}"
duvo_start_or_follow
run_id=$DUVO_RUN subscription=$DUVO_SUBSCRIPTION
echo "following run $run_id"

final=
while duvo_next; do
    IFS=$'\t' read -r kind status < <(jq -r --arg sub "$subscription" '
        select(.params.subscription == $sub) | .params as $p
        | if .method == "runs/status" then ["status", $p.status]
          elif .method == "runs/followEnded" then ["ended", ($p.status // "unknown")]
          else empty end | @tsv' <<<"$DUVO_FRAME") || continue  # a message, or an answer to runs/respond
    if [[ $kind == ended ]]; then
        final=$status
        break
    fi
    request=$(jq -c '.params.pending_human_request // empty' <<<"$DUVO_FRAME")
    [[ $status == waiting && -n $request ]] || continue

    request_id=$(jq -r .id <<<"$request")
    title=$(jq -r .title <<<"$request")
    if [[ $(jq -r .type <<<"$request") == question ]]; then
        answer=$(jq -c '{answers: ([.questions[]? | {key: .question,
            value: (if .multi_select then [.options[0].label // "yes"] else (.options[0].label // "yes") end)}]
            | from_entries)}' <<<"$request")
        verb=answered
    else
        answer=$(jq -cn --argjson approved "$approve" '{approved: $approved}')
        verb=$($approve && echo approved || echo denied)
    fi
    params=$(jq -c --arg run "$run_id" --arg request "$request_id" '. + {run_id: $run, request_id: $request}' \
        <<<"$answer")
    if duvo_call runs/respond "$params" >/dev/null; then
        echo "$verb $request_id: $title"
    else
        echo "could not answer $request_id (answered elsewhere?)" >&2
    fi
done

duvo_close
echo "run $run_id finished: ${final:-unknown}"
[[ $final == completed ]]

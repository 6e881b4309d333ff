# shellcheck shell=bash
# duvo-rpc.sh: the few functions the recipes share to talk to `duvo rpc` from bash, through a coproc and jq.
#
# Source it, then:
#   duvo_open [--simulate] [--sim-speed X] ...   spawn `duvo rpc` (binary: $DUVO_BIN, else `duvo` on PATH)
#   duvo_call METHOD PARAMS_JSON                 send a request and wait: its result in $DUVO_RESULT, or its error on
#                                                stderr and a failure status (call it directly, not in $(...): a
#                                                subshell would lose the frames it reads meanwhile)
#   duvo_send METHOD PARAMS_JSON                 send a request without waiting (its answer comes via duvo_next)
#   duvo_next                                    read the next frame into $DUVO_FRAME; fails when duvo has exited
#   duvo_close                                   close duvo's stdin and wait for it to exit; returns its status
#   duvo_agent_id NAME                           a simulator agent's id (`duvo sim agents --json`)
#   duvo_parse_common ARGS...                    the options every recipe takes (see below)
#   duvo_require_target DEFAULT_AGENT_NAME       --run or --agent given, or --simulate's default agent; else usage
#   duvo_start_or_follow [OFFSET]                start $DUVO_AGENT following it, or follow $DUVO_RUN: sets DUVO_RUN
#                                                and DUVO_SUBSCRIPTION
#
# Frames that arrive while duvo_call waits for its answer (follow notifications, answers to duvo_send) are kept in
# order and handed out by duvo_next first, so nothing is lost.

DUVO_BIN=${DUVO_BIN:-duvo}
DUVO_NEXT_ID=1
DUVO_BACKLOG=()
DUVO_FRAME=
DUVO_RESULT=

duvo_die() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
    exit 2
}

duvo_open() {
    command -v jq >/dev/null || duvo_die "jq is needed (apt-get install jq)"
    command -v "$DUVO_BIN" >/dev/null || duvo_die "no duvo binary '$DUVO_BIN': set DUVO_BIN"
    coproc DUVO_PROC { exec "$DUVO_BIN" rpc --framing ndjson "$@"; }
    DUVO_PID=$DUVO_PROC_PID
    # Own copies of the pipe ends: bash drops the coproc's when the process exits, and stdin must really close.
    exec {DUVO_IN}<&"${DUVO_PROC[0]}" {DUVO_OUT}>&"${DUVO_PROC[1]}"
    eval "exec ${DUVO_PROC[0]}<&- ${DUVO_PROC[1]}>&-"
}

duvo_send() {
    local method=$1 params=${2:-'{}'}
    DUVO_LAST_ID=$DUVO_NEXT_ID
    DUVO_NEXT_ID=$((DUVO_NEXT_ID + 1))
    jq -cn --argjson id "$DUVO_LAST_ID" --arg method "$method" --argjson params "$params" \
        '{jsonrpc: "2.0", id: $id, method: $method, params: $params}' >&"$DUVO_OUT"
}

duvo_read() {
    local line
    while IFS= read -r line <&"$DUVO_IN"; do
        [[ -n $line ]] && { DUVO_FRAME=$line; return 0; }
    done
    return 1
}

duvo_next() {
    if ((${#DUVO_BACKLOG[@]} > 0)); then
        DUVO_FRAME=${DUVO_BACKLOG[0]}
        DUVO_BACKLOG=("${DUVO_BACKLOG[@]:1}")
        return 0
    fi
    duvo_read
}

duvo_call() {
    duvo_send "$@"
    local id=$DUVO_LAST_ID
    while duvo_read; do
        if [[ $(jq -r --argjson id "$id" 'select(.id == $id) | "answer"' <<<"$DUVO_FRAME") == answer ]]; then
            if jq -e 'has("error")' <<<"$DUVO_FRAME" >/dev/null; then
                jq -r '"\(.error.message) (code \(.error.code))"' <<<"$DUVO_FRAME" >&2
                return 1
            fi
            DUVO_RESULT=$(jq -c '.result' <<<"$DUVO_FRAME")
            return 0
        fi
        DUVO_BACKLOG+=("$DUVO_FRAME")
    done
    echo "duvo rpc exited before answering $1" >&2
    return 1
}

duvo_close() {
    exec {DUVO_OUT}>&-
    local status=0
    wait "$DUVO_PID" || status=$?
    exec {DUVO_IN}<&-
    return "$status"
}

duvo_agent_id() {
    "$DUVO_BIN" sim agents --json |
        jq -r --arg name "$1" '(if type == "array" then . else ([.[] | arrays] | first) end)[]
            | select(.name == $name) | .id'
}

# Parses the options every recipe takes; the rest are left in DUVO_ARGS_REST. Sets DUVO_RPC_ARGS (for duvo_open),
# DUVO_SIMULATE, DUVO_AGENT, DUVO_AGENT_NAME, DUVO_RUN, DUVO_MESSAGE.
duvo_parse_common() {
    DUVO_RPC_ARGS=() DUVO_SIMULATE=false DUVO_AGENT= DUVO_AGENT_NAME= DUVO_RUN= DUVO_MESSAGE= DUVO_ARGS_REST=()
    while (($# > 0)); do
        case $1 in
            --simulate) DUVO_SIMULATE=true DUVO_RPC_ARGS+=(--simulate) ;;
            --sim-speed) DUVO_RPC_ARGS+=(--sim-speed "${2:?--sim-speed needs a value}") && shift ;;
            --agent) DUVO_AGENT=${2:?--agent needs an id} && shift ;;
            --agent-name) DUVO_AGENT_NAME=${2:?--agent-name needs a simulator agent name} && shift ;;
            --run) DUVO_RUN=${2:?--run needs a run id} && shift ;;
            --message) DUVO_MESSAGE=${2?--message needs a text} && shift ;;
            *) DUVO_ARGS_REST+=("$1") ;;
        esac
        shift
    done
    if [[ -n $DUVO_AGENT_NAME && -z $DUVO_AGENT ]]; then
        DUVO_AGENT=$(duvo_agent_id "$DUVO_AGENT_NAME")
        [[ -n $DUVO_AGENT ]] || duvo_die "the simulator has no agent '$DUVO_AGENT_NAME'"
    fi
    return 0
}

duvo_require_target() {
    if [[ -z $DUVO_RUN && -z $DUVO_AGENT ]]; then
        $DUVO_SIMULATE || { duvo_usage >&2; exit 2; }
        DUVO_AGENT=$(duvo_agent_id "$1")
    fi
}

duvo_start_or_follow() {
    if [[ -n $DUVO_RUN ]]; then
        duvo_call runs/follow "$(jq -cn --arg run "$DUVO_RUN" --argjson offset "${1:-0}" \
            '{run_id: $run, offset: $offset}')" || exit 1
    else
        duvo_call runs/start "$(jq -cn --arg agent "$DUVO_AGENT" --arg message "$DUVO_MESSAGE" \
            '{agent_id: $agent, follow: true} + (if $message == "" then {} else {message: $message} end)')" || exit 1
        DUVO_RUN=$(jq -r '.run.id' <<<"$DUVO_RESULT")
    fi
    DUVO_SUBSCRIPTION=$(jq -r '.subscription' <<<"$DUVO_RESULT")
}

# Prints a usage text: the comment block at the top of the calling script, without the shebang and '#'.
duvo_usage() {
    sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p}' "$0"
}

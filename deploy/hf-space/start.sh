#!/usr/bin/env bash
# The Space's entrypoint: the proxy on 0.0.0.0:7860 first, then preflight.py (is the GPU big enough,
# has bitsandbytes a CUDA library), then TGI serving WhiteRabbitNeo-33B on 127.0.0.1:8081 and the
# CodeT5+ server on 127.0.0.1:8082, each only if the preflight let it. A model that cannot start, or
# whose server stops, gets a `<name>.failed` file in MODEL_STATE_DIR holding why: the proxy answers
# that reason on its path while the other model goes on serving. Only the proxy ending ends the
# container (nothing could be reached then).
# Every setting below can be overridden by a Space variable of the same name.
set -uo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-/usr/src/.venv/bin/python}"   # TGI's own Python environment (torch, transformers)

export MODEL_STATE_DIR="${MODEL_STATE_DIR:-/tmp/codetune-models}"
# The Hub cache. A Space keeps nothing on its own disk between restarts: a Storage Bucket attached as a
# volume at /data (read-write) keeps the downloaded weights from one start to the next; without one
# the cache is in the home folder and every cold start downloads the weights again (about 100 GB).
if [ -z "${HF_HOME:-}" ]; then
	if mountpoint -q /data 2>/dev/null && [ -w /data ]; then
		export HF_HOME=/data/.huggingface
	else
		export HF_HOME="$HOME/.cache/huggingface"
	fi
fi
# TGI's router writes the tokenizer it converts into its working directory: a folder of its own that
# uid 1000 can write (the image's /app is root's), or it falls back to a slow tokenizer.
TGI_WORK_DIR="${TGI_WORK_DIR:-$HOME/tgi}"

WRN_MODEL_ID="${WRN_MODEL_ID:-WhiteRabbitNeo/WhiteRabbitNeo-33B-v1}"   # a Hub id, or the path of a mounted copy
WRN_REVISION="${WRN_REVISION:-}"
export WRN_MODEL_ID CODET5P_MODEL_ID="${CODET5P_MODEL_ID:-Salesforce/instructcodet5p-16b}"
# Room for a long prompt plus the studio's largest answer (4096 new tokens); the model's context is 16k.
WRN_MAX_INPUT_TOKENS="${WRN_MAX_INPUT_TOKENS:-8192}"
WRN_MAX_TOTAL_TOKENS="${WRN_MAX_TOTAL_TOKENS:-12288}"
# TGI fills the GPU memory it finds free with KV cache. This leaves half of an 80 GB A100 to CodeT5+
# (about 31 GiB of weights plus room to generate); TGI keeps about 18 GB of weights and the rest as cache.
WRN_CUDA_MEMORY_FRACTION="${WRN_CUDA_MEMORY_FRACTION:-0.5}"
# Keys merged over the model repo's own tokenizer_config.json (the chat template from its model card);
# "" gives TGI the repo's file as it is.
WRN_TOKENIZER_CONFIG="${WRN_TOKENIZER_CONFIG-$APP_DIR/whiterabbitneo_tokenizer_config.json}"
# The CodeT5+ server's own transformers (requirements-codet5p.txt), ahead of TGI's on its path only.
CODET5P_LIB_DIR="${CODET5P_LIB_DIR:-/opt/codet5p/lib}"
# CodeT5+ goes onto the GPU once TGI is ready, since TGI sizes its cache from the memory free then
# (or at once, if WhiteRabbitNeo failed).
CODET5P_LOAD_AFTER="${CODET5P_LOAD_AFTER-http://127.0.0.1:8081/health}"

pids=()
declare -A names=()

run() {
	local name=$1
	shift
	"$@" &
	pids+=("$!")
	names[$!]=$name
	echo "start.sh: started $name (pid $!)"
}

# fail <name> <why>: the proxy answers <why> on that model's path from now on.
fail() {
	printf '%s\n' "$2" >"$MODEL_STATE_DIR/$1.failed"
	echo "start.sh: $1 is not served: $2" >&2
}

# The last error line a model's server wrote, without colours, for the reason shown to the studio.
last_error() {
	[ -f "$MODEL_STATE_DIR/$1.log" ] || return 0
	tail -n 300 "$MODEL_STATE_DIR/$1.log" | sed 's/\x1b\[[0-9;]*m//g' | grep -E 'Error|ERROR|error:' | tail -n 1 | cut -c1-300
}

stop_all() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	wait
}

trap 'echo "start.sh: asked to stop"; stop_all; exit 143' TERM INT

rm -rf "$MODEL_STATE_DIR"
mkdir -p "$MODEL_STATE_DIR" "$TGI_WORK_DIR" "$HF_HOME"
echo "start.sh: the model cache is $HF_HOME"

# The proxy first: it answers "loading" for both models within seconds of the Space starting.
run proxy "$PYTHON" "$APP_DIR/proxy.py" --host 0.0.0.0 --port 7860
proxy_pid=${pids[0]}

if ! "$PYTHON" "$APP_DIR/preflight.py" --state-dir "$MODEL_STATE_DIR"; then
	fail whiterabbitneo "The Space's start-up check failed (see its logs)."
	fail codet5p "The Space's start-up check failed (see its logs)."
fi

if [ ! -e "$MODEL_STATE_DIR/whiterabbitneo.failed" ]; then
	tgi_args=(
		--model-id "$WRN_MODEL_ID"
		--quantize bitsandbytes-nf4
		--hostname 127.0.0.1
		--port 8081
		--max-input-tokens "$WRN_MAX_INPUT_TOKENS"
		--max-total-tokens "$WRN_MAX_TOTAL_TOKENS"
		--cuda-memory-fraction "$WRN_CUDA_MEMORY_FRACTION"
	)
	[ -n "$WRN_REVISION" ] && tgi_args+=(--revision "$WRN_REVISION")
	tokenizer_ok=1
	if [ -n "$WRN_TOKENIZER_CONFIG" ]; then
		merged="$MODEL_STATE_DIR/whiterabbitneo_tokenizer_config.json"
		if "$PYTHON" "$APP_DIR/whiterabbitneo_tokenizer.py" --model "$WRN_MODEL_ID" ${WRN_REVISION:+--revision "$WRN_REVISION"} \
			--overrides "$WRN_TOKENIZER_CONFIG" --out "$merged"; then
			tgi_args+=(--tokenizer-config-path "$merged")
		else
			tokenizer_ok=0
			fail whiterabbitneo "WhiteRabbitNeo-33B's tokenizer config could not be read from $WRN_MODEL_ID (see the Space's logs)."
		fi
	fi
	if [ "$tokenizer_ok" = 1 ]; then
		run whiterabbitneo env -C "$TGI_WORK_DIR" text-generation-launcher "${tgi_args[@]}" \
			> >(tee -a "$MODEL_STATE_DIR/whiterabbitneo.log") 2>&1
	fi
fi

if [ ! -e "$MODEL_STATE_DIR/codet5p.failed" ]; then
	run codet5p env \
		PYTHONPATH="$APP_DIR:$CODET5P_LIB_DIR${PYTHONPATH:+:$PYTHONPATH}" \
		CODET5P_LOAD_AFTER="$CODET5P_LOAD_AFTER" \
		CODET5P_LOAD_AFTER_FAILED="$MODEL_STATE_DIR/whiterabbitneo.failed" \
		"$PYTHON" "$APP_DIR/codet5p_server.py" --host 127.0.0.1 --port 8082 \
		> >(tee -a "$MODEL_STATE_DIR/codet5p.log") 2>&1
fi

display_name() {
	case $1 in
		whiterabbitneo) echo "WhiteRabbitNeo-33B" ;;
		codet5p) echo "CodeT5+ 16B" ;;
		*) echo "$1" ;;
	esac
}

while true; do
	ended=""
	wait -n -p ended "${pids[@]}"
	status=$?
	if [ -z "$ended" ] || [ "$ended" = "$proxy_pid" ]; then
		echo "start.sh: the proxy ended (status $status): nothing can be reached, stopping" >&2
		stop_all
		exit $((status == 0 ? 1 : status))
	fi
	name=${names[$ended]}
	why=$(last_error "$name")
	fail "$name" "$(display_name "$name") stopped on this Space (exit status $status)${why:+: $why}. The Space's logs say more; its other model is not affected."
	remaining=()
	for pid in "${pids[@]}"; do
		[ "$pid" = "$ended" ] || remaining+=("$pid")
	done
	pids=("${remaining[@]}")
done

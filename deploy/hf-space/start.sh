#!/usr/bin/env bash
# The Space's entrypoint: TGI serving WhiteRabbitNeo-33B on 127.0.0.1:8081, the CodeT5+ server on
# 127.0.0.1:8082, and the proxy in front of both on 0.0.0.0:7860. When any of the three ends, the others
# are stopped and the script exits non-zero, so that the Space restarts instead of serving half.
# Every setting below can be overridden by a Space variable of the same name.
set -uo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-/usr/src/.venv/bin/python}"   # TGI's own Python environment (torch, transformers)

WRN_MODEL_ID="${WRN_MODEL_ID:-WhiteRabbitNeo/WhiteRabbitNeo-33B-v1}"
# Room for a long prompt plus the studio's largest answer (4096 new tokens); the model's context is 16k.
WRN_MAX_INPUT_TOKENS="${WRN_MAX_INPUT_TOKENS:-8192}"
WRN_MAX_TOTAL_TOKENS="${WRN_MAX_TOTAL_TOKENS:-12288}"
# TGI fills the GPU memory it finds free with KV cache. This leaves half of an 80 GB A100 to CodeT5+
# (about 32 GB of weights plus room to generate); TGI keeps about 20 GB of weights and 20 GB of cache.
WRN_CUDA_MEMORY_FRACTION="${WRN_CUDA_MEMORY_FRACTION:-0.5}"
# The chat template from WhiteRabbitNeo's model card (SYSTEM:/USER:/ASSISTANT:). Set to "" to use the
# tokenizer config of the model repo instead.
WRN_TOKENIZER_CONFIG="${WRN_TOKENIZER_CONFIG-$APP_DIR/whiterabbitneo_tokenizer_config.json}"
# The CodeT5+ server's own transformers (requirements-codet5p.txt), ahead of TGI's on its path only.
CODET5P_LIB_DIR="${CODET5P_LIB_DIR:-/opt/codet5p/lib}"
# CodeT5+ goes onto the GPU once TGI is ready, since TGI sizes its cache from the memory free then.
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

stop_all() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	wait
}

trap 'echo "start.sh: asked to stop"; stop_all; exit 143' TERM INT

tgi_args=(
	--model-id "$WRN_MODEL_ID"
	--quantize bitsandbytes-nf4
	--hostname 127.0.0.1
	--port 8081
	--max-input-tokens "$WRN_MAX_INPUT_TOKENS"
	--max-total-tokens "$WRN_MAX_TOTAL_TOKENS"
	--cuda-memory-fraction "$WRN_CUDA_MEMORY_FRACTION"
)
if [ -n "$WRN_TOKENIZER_CONFIG" ]; then
	tgi_args+=(--tokenizer-config-path "$WRN_TOKENIZER_CONFIG")
fi

# The proxy first: it answers "loading" for both models within seconds of the Space starting.
run proxy "$PYTHON" "$APP_DIR/proxy.py" --host 0.0.0.0 --port 7860
run whiterabbitneo text-generation-launcher "${tgi_args[@]}"
run codet5p env \
	PYTHONPATH="$CODET5P_LIB_DIR${PYTHONPATH:+:$PYTHONPATH}" \
	CODET5P_LOAD_AFTER="$CODET5P_LOAD_AFTER" \
	"$PYTHON" "$APP_DIR/codet5p_server.py" --host 127.0.0.1 --port 8082

ended=""
wait -n -p ended "${pids[@]}"
status=$?
echo "start.sh: ${names[$ended]:-a process} ended (status $status); stopping the others" >&2
stop_all
exit $((status == 0 ? 1 : status))

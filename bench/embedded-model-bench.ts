// The embedded stand-in model (src/lib/server/models/embedded): the shipped ONNX model run in this
// process by transformers.js on the CPU, no database, no Redis, no network.
//   load: the shipped model's first load in the process (tokenizer + ONNX session); the first run
//     after it (not timed with the others: ONNX Runtime warms up on it)
//   direct: streamEmbedded on the loaded model, greedy, Python prompts of about 20, 150, 250 and 400
//     tokens; time to first token (call -> first token event: tokenizing and the prompt's forward
//     pass), decode tokens/s (completion tokens after the first / first token -> done) and end to end
//     tokens/s (completion tokens / call -> done)
//   two at once: two runs of the ~150-token prompt started together on the one model, as a shared
//     session runs both model slots on the stand-in; each run's tokens/s and both together
//   gateway: streamGeneration('codet5p') with no endpoints and EMBEDDED_MODEL set, the path a run
//     takes in the studio (prompt rendered, parameters normalised, the process's embeddedModel()),
//     alternated run by run with the direct call (on the same model instance, embeddedModel()) on the
//     same prompt so both see the same machine;
//     and the gateway's own work before the model (prepareRequest), timed alone right after each
//     pair of runs and in a tight loop (where it is several times faster: warm caches)
// BENCH_EMBEDDED_RUNS=20 (for instance) times more runs per row.
import { cpus, availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DraftContent } from '$lib/prompt-doc';
import { prepareRequest, streamGeneration, type GenerationEvent } from '$lib/server/models/gateway';
import { configuredSource, embeddedModel, loadEmbeddedModel, SHIPPED_MODEL_ID, streamEmbedded, type EmbeddedModel } from '$lib/server/models/embedded';
import type { EndpointSettings, GenerationParameters } from '$lib/server/models/registry';

/** Timed runs per row, after one untimed run. */
const RUNS = Number(process.env.BENCH_EMBEDDED_RUNS) || 10;
/** Pairs of runs started together, after one untimed pair. */
const PAIRS = Math.max(3, Math.round(RUNS / 2));
/** Prompt lengths in tokens (each prompt is whole lines of PYTHON, as many as fit). */
const PROMPT_TOKENS = [20, 150, 250, 400];
/** Answers shorter than this (the model ended them) are too short to time decoding. */
const MIN_DECODE_TOKENS = 16;
/** Gateway and direct runs alternated, after one untimed pair (more than RUNS: the difference is small). */
const GATEWAY_PAIRS = 2 * RUNS;
/** Calls of the gateway's preparation timed alone. */
const PREPARE_CALLS = 1000;
/** Answer length asked for; a prompt that leaves less room in the context gets what is left. */
const MAX_NEW_TOKENS = 128;

const PYTHON = `import json
import os
from dataclasses import dataclass, field
from typing import Iterable, Optional


@dataclass
class Order:
    """One customer order with its lines and a status."""

    order_id: int
    customer: str
    lines: list = field(default_factory=list)
    status: str = "open"

    def total(self) -> float:
        return sum(line["price"] * line["quantity"] for line in self.lines)

    def add_line(self, sku: str, price: float, quantity: int = 1) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self.lines.append({"sku": sku, "price": price, "quantity": quantity})


def load_orders(path: str) -> list:
    """Read orders from a JSON file; a missing file is no orders."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    orders = []
    for item in data:
        order = Order(order_id=item["id"], customer=item["customer"])
        for line in item.get("lines", []):
            order.add_line(line["sku"], line["price"], line.get("quantity", 1))
        order.status = item.get("status", "open")
        orders.append(order)
    return orders


def open_orders(orders: Iterable[Order]) -> list:
    return [order for order in orders if order.status == "open"]


def find_order(orders: Iterable[Order], order_id: int) -> Optional[Order]:
    for order in orders:
        if order.order_id == order_id:
            return order
    return None


def totals_by_customer(orders: Iterable[Order]) -> dict:
    totals = {}
    for order in orders:
        totals[order.customer] = totals.get(order.customer, 0.0) + order.total()
    return totals


def save_orders(path: str, orders: Iterable[Order]) -> None:
    data = []
    for order in orders:
        data.append({"id": order.order_id, "customer": order.customer, "lines": order.lines, "status": order.status})
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)


def close_order(orders: list, order_id: int) -> bool:
    order = find_order(orders, order_id)
    if order is None or order.status != "open":
        return False
    order.status = "closed"
    return True


def largest_orders(orders: Iterable[Order], count: int = 3) -> list:
    return sorted(orders, key=lambda order: order.total(), reverse=True)[:count]


def merge_lines(order: Order) -> None:
    merged = {}
    for line in order.lines:
        key = (line["sku"], line["price"])
        merged[key] = merged.get(key, 0) + line["quantity"]
    order.lines = [{"sku": sku, "price": price, "quantity": quantity} for (sku, price), quantity in merged.items()]
`;

interface Run {
	promptTokens: number;
	completionTokens: number;
	tokenEvents: number;
	finishReason: string;
	/** From the call: first token event, done event (ms). */
	firstMs: number;
	doneMs: number;
	startedAt: number;
}

async function timeRun(events: () => AsyncIterable<GenerationEvent>): Promise<Run> {
	const startedAt = performance.now();
	let first = NaN;
	let tokenEvents = 0;
	let done: Extract<GenerationEvent, { type: 'done' }> | undefined;
	for await (const event of events()) {
		if (event.type === 'token') {
			if (tokenEvents++ === 0) first = performance.now();
		} else done = event;
	}
	const end = performance.now();
	if (!done?.usage) throw new Error('a run ended without usage');
	return {
		promptTokens: done.usage.promptTokens ?? NaN,
		completionTokens: done.usage.completionTokens ?? NaN,
		tokenEvents,
		finishReason: done.finishReason,
		firstMs: first - startedAt,
		doneMs: end - startedAt,
		startedAt
	};
}

/** Completion tokens after the first, per second from the first token to done. */
const decodeRate = (run: Run) => ((run.completionTokens - 1) * 1000) / (run.doneMs - run.firstMs);
/** Completion tokens per second from the call to done. */
const endToEndRate = (run: Run) => (run.completionTokens * 1000) / run.doneMs;

function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const sorted = (values: number[]) => Float64Array.from(values).sort();
const p = (values: number[], at: number) => percentile(sorted(values), at);

const num = (value: number, width = 8, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-').padStart(width);
const table = (title: string, header: string, rows: string[]) => `\n${title}\n${header}\n${'-'.repeat(header.length)}\n${rows.join('\n')}`;

/** Whole lines of PYTHON (repeated if need be), as many as stay within `tokens`. */
function pythonPrompt(model: EmbeddedModel, tokens: number): string {
	const lines = (PYTHON + PYTHON).split('\n');
	let text = '';
	for (const line of lines) {
		const next = `${text}${line}\n`;
		if ((model.tokenizer.encode(next) as number[]).length > tokens) break;
		text = next;
	}
	return text;
}

const greedy = (maxNewTokens: number): GenerationParameters => ({ max_new_tokens: maxNewTokens, temperature: 0 });

export async function runBench({ root, importMs }: { root: string; importMs: number }): Promise<void> {
	const started = performance.now();
	const onnx = join(root, 'models', SHIPPED_MODEL_ID, 'onnx', 'model.onnx');
	const onnxFile = await stat(onnx);
	const cpuList = cpus();
	console.log('\nEmbedded stand-in model: transformers.js + onnxruntime-node on the CPU, in this process (no database, no Redis)');
	console.log(`machine: ${cpuList[0]?.model ?? 'unknown CPU'}, ${cpuList.length} CPUs (available parallelism ${availableParallelism()}); node ${process.version}`);
	console.log(`model: ${SHIPPED_MODEL_ID}, ${onnx.slice(root.length + 1)} ${(onnxFile.size / 2 ** 20).toFixed(1)} MiB (modified ${onnxFile.mtime.toISOString()})`);
	console.log(`measured at ${new Date().toISOString()}; ${RUNS} timed runs per row after one untimed run; greedy (temperature 0)`);

	// 1. Load, and the first run after it.
	const loadStarted = performance.now();
	const model = await loadEmbeddedModel({ ...configuredSource(), id: SHIPPED_MODEL_ID, dir: join(root, 'models') });
	const loadMs = performance.now() - loadStarted;
	const prompts = PROMPT_TOKENS.map((tokens) => ({ text: pythonPrompt(model, tokens) }));
	const firstRun = await timeRun(() => streamEmbedded(model, { text: prompts[1]!.text, parameters: greedy(MAX_NEW_TOKENS) }));
	console.log(`context: ${model.contextLength} tokens, prompt and answer together`);

	// 2. Direct, per prompt length.
	const directRows: string[] = [];
	const direct: Run[][] = [];
	const shortAnswers: number[] = [];
	for (const prompt of prompts) {
		const runs: Run[] = [];
		for (let i = 0; i <= RUNS; i++) {
			const run = await timeRun(() => streamEmbedded(model, { text: prompt.text, parameters: greedy(MAX_NEW_TOKENS) }));
			if (i > 0) runs.push(run);
		}
		direct.push(runs);
		const last = runs.at(-1)!;
		const ttft = runs.map((r) => r.firstMs);
		const timed = runs.filter((r) => r.completionTokens >= MIN_DECODE_TOKENS);
		if (timed.length < runs.length) shortAnswers.push(last.promptTokens);
		directRows.push(
			`${String(last.promptTokens).padStart(7)} ${String(last.completionTokens).padStart(7)} ${last.finishReason.padStart(7)} ${num(p(ttft, 50))} ${num(p(ttft, 90))} ${num(p(timed.map(decodeRate), 50), 9, 0)} ${num(p(timed.map(endToEndRate), 50), 9, 0)} ${num(p(runs.map((r) => r.doneMs), 50), 9, 0)}`
		);
	}

	// 3. Two runs at once on the one model (the ~150-token prompt).
	const pairText = prompts[1]!.text;
	const pairs: { each: Run[]; wallMs: number }[] = [];
	for (let i = 0; i <= PAIRS; i++) {
		const pairStarted = performance.now();
		const each = await Promise.all([0, 1].map(() => timeRun(() => streamEmbedded(model, { text: pairText, parameters: greedy(MAX_NEW_TOKENS) }))));
		const wallMs = performance.now() - pairStarted;
		if (i > 0) pairs.push({ each, wallMs });
	}
	const pairRuns = pairs.flatMap((pair) => pair.each);
	const pairTtft = pairRuns.map((r) => r.firstMs);
	const combined = pairs.map(({ each, wallMs }) => ((each[0]!.completionTokens + each[1]!.completionTokens) * 1000) / wallMs);
	const alone = direct[1]!;
	const concurrencyRows = [
		`${'one run alone'.padEnd(20)} ${num(p(alone.map((r) => r.firstMs), 50))} ${num(p(alone.map((r) => r.firstMs), 90))} ${num(p(alone.map(decodeRate), 50), 9, 0)} ${num(p(alone.map(endToEndRate), 50), 9, 0)} ${num(p(alone.map(endToEndRate), 50), 9, 0)}`,
		`${'two at once'.padEnd(20)} ${num(p(pairTtft, 50))} ${num(p(pairTtft, 90))} ${num(p(pairRuns.map(decodeRate), 50), 9, 0)} ${num(p(pairRuns.map(endToEndRate), 50), 9, 0)} ${num(p(combined, 50), 9, 0)}`
	];

	// 4. Through the gateway, alternated with the direct call on the same prompt.
	const settings: EndpointSettings = { WHITERABBITNEO_ENDPOINT_URL: undefined, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined, EMBEDDED_MODEL: SHIPPED_MODEL_ID };
	const content: DraftContent = {
		systemPrompt: '',
		userPromptTemplate: pairText,
		fewShotExamples: [],
		parameters: { modelType: 'codet5p', temperature: 0, maxTokens: MAX_NEW_TOKENS }
	};
	const gatewayLoadStarted = performance.now();
	const gatewayModel = await embeddedModel();
	const gatewayLoadMs = performance.now() - gatewayLoadStarted;
	const timePrepare = () => {
		const at = performance.now();
		prepareRequest('codet5p', { content, variables: {} }, settings);
		return performance.now() - at;
	};
	const preparesAfterRun: number[] = [];
	const viaGateway: Run[] = [];
	const viaDirect: Run[] = [];
	for (let i = 0; i <= GATEWAY_PAIRS; i++) {
		// Each path goes first in every other pair.
		const gateway = () => timeRun(() => streamGeneration(prepareRequest('codet5p', { content, variables: {} }, settings)));
		const directly = () => timeRun(() => streamEmbedded(gatewayModel, { text: pairText, parameters: greedy(MAX_NEW_TOKENS) }));
		const [g, d] = i % 2 === 0 ? [await gateway(), await directly()] : ([await directly(), await gateway()].reverse() as [Run, Run]);
		if (i === 0) {
			if (g.promptTokens !== d.promptTokens || g.completionTokens !== d.completionTokens)
				throw new Error(`the gateway's run differs from the direct one: ${g.promptTokens}+${g.completionTokens} vs ${d.promptTokens}+${d.completionTokens} tokens`);
			continue;
		}
		viaGateway.push(g);
		viaDirect.push(d);
		// What the gateway does before it hands the prompt to the model, alone, as a run finds the
		// caches: right after a generation.
		preparesAfterRun.push(timePrepare());
	}
	// The same in a tight loop, for comparison.
	const preparesHot = Array.from({ length: PREPARE_CALLS }, timePrepare);
	const pathRow = (name: string, runs: Run[]) =>
		`${name.padEnd(34)} ${num(p(runs.map((r) => r.firstMs), 50))} ${num(p(runs.map((r) => r.firstMs), 90))} ${num(p(runs.map(decodeRate), 50), 9, 0)} ${num(p(runs.map(endToEndRate), 50), 9, 0)}`;
	const pairedDifference = p(viaGateway.map((g, i) => g.firstMs - viaDirect[i]!.firstMs), 50);

	// The figures.
	const loadHeader = `${'what'.padEnd(56)} ${'ms'.padStart(8)}`;
	console.log(
		table('Loading', loadHeader, [
			`${'import of the bench module (transformers.js, ONNX Runtime)'.padEnd(56)} ${num(importMs)}`,
			`${'first load in the process (tokenizer + ONNX session)'.padEnd(56)} ${num(loadMs)}`,
			`${`first run after it: time to first token (${firstRun.promptTokens}-token prompt)`.padEnd(56)} ${num(firstRun.firstMs)}`,
			`${`first run after it: all ${firstRun.completionTokens} tokens`.padEnd(56)} ${num(firstRun.doneMs)}`,
			`${"second load (the gateway's embeddedModel(), same files)".padEnd(56)} ${num(gatewayLoadMs)}`
		])
	);
	console.log(`  loader's own figure (loadMs): ${model.loadMs} ms first, ${gatewayModel.loadMs} ms second; the ONNX file is read from the OS page cache when it was read recently`);
	const directHeader = `${'prompt'.padStart(7)} ${'answer'.padStart(7)} ${'finish'.padStart(7)} ${'TTFT p50'.padStart(8)} ${'TTFT p90'.padStart(8)} ${'decode/s'.padStart(9)} ${'e2e tok/s'.padStart(9)} ${'run ms'.padStart(9)}`;
	console.log(table(`Direct: streamEmbedded, greedy, max_new_tokens ${MAX_NEW_TOKENS} or what the context leaves (tokens; ms; p50 unless said)`, directHeader, directRows));
	console.log('  TTFT: the call -> the first token event (tokenizing + the forward pass over the prompt + the first decode step)');
	console.log('  decode/s: completion tokens after the first / first token -> done; e2e tok/s: completion tokens / the call -> done');
	if (shortAnswers.length > 0)
		console.log(`  NOTE the model ended its answer (end-of-text, or where its code ended) before ${MIN_DECODE_TOKENS} tokens after the ${shortAnswers.join(', ')}-token prompt: too short to time decoding (-)`);
	const concurrencyHeader = `${''.padEnd(20)} ${'TTFT p50'.padStart(8)} ${'TTFT p90'.padStart(8)} ${'decode/s'.padStart(9)} ${'e2e tok/s'.padStart(9)} ${'combined'.padStart(9)}`;
	console.log(table(`Two runs at once on the one model (${alone[0]!.promptTokens}-token prompt, ${PAIRS} pairs; per run, p50; combined: both runs' tokens / the pair's wall time)`, concurrencyHeader, concurrencyRows));
	const pathHeader = `${'path'.padEnd(34)} ${'TTFT p50'.padStart(8)} ${'TTFT p90'.padStart(8)} ${'decode/s'.padStart(9)} ${'e2e tok/s'.padStart(9)}`;
	console.log(
		table(`Gateway vs direct, alternated run by run (${viaDirect[0]!.promptTokens}-token prompt, ${viaDirect[0]!.completionTokens}-token answer, ${GATEWAY_PAIRS} runs each)`, pathHeader, [
			pathRow("streamGeneration('codet5p')", viaGateway),
			pathRow('streamEmbedded', viaDirect)
		])
	);
	console.log(`  gateway TTFT - direct TTFT of the same pair of runs, median: ${pairedDifference.toFixed(1)} ms`);
	console.log(
		`  the gateway's own work before the model (prepareRequest: prompt rendered, parameters normalised), right after a run: p50 ${p(preparesAfterRun, 50).toFixed(2)} ms, p90 ${p(preparesAfterRun, 90).toFixed(2)} ms; ${PREPARE_CALLS} calls in a tight loop: p50 ${p(preparesHot, 50).toFixed(3)} ms`
	);
	console.log(`embedded model bench: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// Times each built-in plugin's hook on each pathological line: one warm-up call, then `calls` timed
// calls; prints p50 / max ms per hook and line, and the slowest call of all. The reference is the
// one the unit test used to assert: a few hundred ms at most per call on a 60k-character line
// (an unbounded expression on these lines runs for seconds to hours).
import { availableParallelism, loadavg } from 'node:os';
import { BUILT_IN_TEXT_HOOKS, PATHOLOGICAL_LINES } from '../tests/fixtures/plugin-pathological-lines';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));

export async function runBench({ calls }: { calls: number }) {
	console.log(`plugins on pathological lines: ${calls} calls each, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
	console.log('| plugin | line | p50 ms | max ms |\n| --- | --- | --- | --- |');
	let slowest = { ms: 0, row: '' };
	for (const [id, hook] of BUILT_IN_TEXT_HOOKS) {
		for (const line of PATHOLOGICAL_LINES) {
			await hook(line);
			const times: number[] = [];
			for (let i = 0; i < calls; i++) {
				const started = performance.now();
				await hook(line);
				times.push(performance.now() - started);
			}
			times.sort((a, b) => a - b);
			const row = `${id} | \`${JSON.stringify(line.slice(0, 12)).slice(1, -1)}…\``;
			console.log(`| ${row} | ${ms(percentile(times, 50))} | ${ms(times.at(-1)!)} |`);
			if (times.at(-1)! > slowest.ms) slowest = { ms: times.at(-1)!, row };
		}
	}
	console.log(`slowest call: ${slowest.row.replace(' | ', ' on ')}, ${ms(slowest.ms)} ms`);
}

// The attack bench's watcher, in a worker thread of its own so that the attackers' and bystanders'
// work in the bench process does not delay its clock: GET /api/health polled one request at a time,
// one started every `everyMs` (at once after a slow one), as a load balancer would, and the watched
// process's resident memory (VmRSS) sampled as often.
//   workerData: { url, pid, everyMs }
//   'health' -> { type: 'health', times, failures }: health polling stops (times in ms, Infinity for no answer in 10 s)
//   'rss'    -> { type: 'rss', before, peak, now }: bytes; the worker then ends
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { url, pid, everyMs } = workerData;

function rss() {
	try {
		const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kb ? Number(kb) * 1024 : 0;
	} catch {
		return 0; // gone
	}
}

const before = rss();
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), everyMs);

const times = [];
let failures = 0;
let polling = true;
const poller = (async () => {
	while (polling) {
		const started = performance.now();
		const status = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) }).then(
			async (response) => (await response.arrayBuffer(), response.status),
			() => 0
		);
		const took = performance.now() - started;
		times.push(status === 0 ? Infinity : took);
		if (status !== 200) failures++;
		await new Promise((done) => setTimeout(done, Math.max(0, everyMs - took)));
	}
})();

parentPort.on('message', async (message) => {
	if (message === 'health') {
		polling = false;
		await poller;
		parentPort.postMessage({ type: 'health', times, failures });
	} else if (message === 'rss') {
		clearInterval(sampler);
		const now = rss();
		peak = Math.max(peak, now);
		parentPort.postMessage({ type: 'rss', before, peak, now });
		parentPort.close();
	}
});
parentPort.postMessage({ type: 'ready' });

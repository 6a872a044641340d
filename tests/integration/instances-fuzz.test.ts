// A randomised test of co-editing across three instances: editors insert and delete at random
// places in the template, drop their sockets and come back (often on another instance), type while
// away; once everyone is back and quiet, every editor and PostgreSQL hold the same text. Seeded:
// the seed is printed, and SEED=<n> replays the same actions (their timing across sockets may differ).
import { afterEach, describe, expect, it } from 'vitest';
import { hasPostgres } from '../helpers/db';
import { balancedClient, startInstances, storedTemplate, type BalancedClient, type Instances } from '../helpers/instances';
import { eventually } from '../helpers/yjs-client';
import { newPromptTeam } from '../helpers/yjs-team';

const manyInstances = hasPostgres() && !!process.env.REDIS_URL;
const INSTANCES = 3;
const EDITORS = 10;
const ROUNDS = 150;

let running: Instances | null = null;
let clients: BalancedClient[] = [];

afterEach(async () => {
	for (const client of clients) client.destroy();
	clients = [];
	await running?.stop();
	running = null;
});

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(manyInstances)('editors on three instances, at random', () => {
	const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));

	it(`converge with each other and with the stored draft (seed ${seed})`, async () => {
		console.log(`instances-fuzz: seed ${seed} (replay with SEED=${seed})`);
		const random = prng(seed);
		const int = (below: number) => Math.floor(random() * below);
		const team = await newPromptTeam();
		running = await startInstances(INSTANCES);
		const { balancer } = running;
		for (let i = 0; i < EDITORS; i++) {
			balancer.preferNext(i % INSTANCES);
			const client = balancedClient(balancer, team.promptId, i % 2 ? team.editor.cookie : team.owner.cookie, `e${i}`);
			clients.push(client);
			await client.synced();
		}
		expect(new Set(clients.map((client) => client.instance())).size).toBe(INSTANCES);

		const tally = { inserts: 0, deletes: 0, drops: 0, returns: 0, movedInstance: 0 };
		const leftFrom = new Map<BalancedClient, number | undefined>();
		try {
			for (let round = 0; round < ROUNDS; round++) {
				for (const client of clients) {
					const roll = random();
					const text = client.doc.getText('template');
					if (roll < 0.45) {
						const word = `${client.name}.${round}.${int(1000)} `;
						text.insert(int(text.length + 1), word);
						tally.inserts++;
					} else if (roll < 0.65 && text.length > 0) {
						const at = int(text.length);
						text.delete(at, Math.min(1 + int(12), text.length - at));
						tally.deletes++;
					} else if (roll < 0.69 && client.provider.shouldConnect) {
						leftFrom.set(client, client.instance());
						client.provider.disconnect();
						tally.drops++;
					} else if (roll < 0.85 && !client.provider.shouldConnect) {
						// Back through the balancer; sometimes it is asked for a given instance.
						if (random() < 0.5) balancer.preferNext(int(INSTANCES));
						client.provider.connect();
						tally.returns++;
					}
				}
				await sleep(int(25));
			}
			for (const client of clients) if (!client.provider.shouldConnect) client.provider.connect();
			await eventually(() => clients.map((client) => client.provider.synced && client.instance() !== undefined), (all) => all.every(Boolean), 20_000);
			for (const [client, from] of leftFrom) if (from !== undefined && client.instance() !== from) tally.movedInstance++;

			const texts = await eventually(() => clients.map((client) => client.text()), (all) => all.every((text) => text === all[0]), 20_000);
			expect(tally.inserts).toBeGreaterThan(0);
			expect(tally.deletes).toBeGreaterThan(0);
			expect(tally.drops).toBeGreaterThan(0);
			expect(tally.movedInstance).toBeGreaterThan(0);
			await expect.poll(() => storedTemplate(team.promptId), { timeout: 10_000 }).toBe(texts[0]);

			// A newcomer after everyone has gone is served the same text.
			for (const client of clients) client.destroy();
			clients = [];
			const newcomer = balancedClient(balancer, team.promptId, team.owner.cookie, 'late');
			clients.push(newcomer);
			await newcomer.synced();
			expect(newcomer.text()).toBe(texts[0]);
			console.log(`instances-fuzz: seed ${seed}: ${JSON.stringify(tally)}, final text ${texts[0]!.length} characters`);
		} catch (error) {
			throw new Error(`instances-fuzz failed with seed ${seed} (replay with SEED=${seed}): ${(error as Error).message}`, { cause: error });
		}
	}, 90_000);
});

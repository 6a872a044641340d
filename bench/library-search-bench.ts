// The public library's search (searchLibrary in src/lib/server/publishing/library.ts) over a
// generated library of public prompts (bench/library-search-corpus.ts), called in this process as
// the library page calls it. Per query shape (browse; common, frequent, middling and rare words;
// two words; a quoted phrase; websearch with a minus; each sort; tag and model filters; page 1 and
// page 50): warm-up calls, then up to CALLS timed calls (or BUDGET_MS, whichever ends first),
// rotating over the shape's variants. Printed: p50 / p99 / max ms per shape and the matches each
// variant found. BENCH_LIBRARY_PROMPTS=10000 (for instance) builds a smaller library.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { readFile } from 'node:fs/promises';
import { libraryQuerySchema } from '$lib/schemas/publishing';
import { closeDatabase, prisma } from '$lib/server/db';
import { searchLibrary } from '$lib/server/publishing/library';
import { generateLibrary, librarySizes, QUERY_WORDS, TAGS } from './library-search-corpus';

const PROMPTS = Number(process.env.BENCH_LIBRARY_PROMPTS ?? 100_000);
const WARMUP = 10;
const CALLS = 300;
const BUDGET_MS = 20_000;

type RawQuery = { q?: string; sort?: string; tag?: string; model?: string; page?: number };
interface Shape {
	name: string;
	variants: RawQuery[];
}

const { common, frequent, middling, rare, phrases } = QUERY_WORDS;
const each = (words: string[], extra: RawQuery = {}) => words.map((q) => ({ q, ...extra }));

const SHAPES: Shape[] = [
	{ name: 'browse (no query), newest, page 1', variants: [{}] },
	{ name: 'browse, newest, page 50', variants: [{ page: 50 }] },
	{ name: 'browse, stars', variants: [{ sort: 'stars' }] },
	{ name: 'browse, trending', variants: [{ sort: 'trending' }] },
	{ name: 'browse, tag filter', variants: [{ tag: TAGS[0] }, { tag: TAGS[5] }, { tag: TAGS[25] }] },
	{ name: 'browse, tag filter, page 50', variants: [{ tag: TAGS[0], page: 50 }] },
	{ name: 'browse, model filter, stars', variants: [{ model: 'codet5p', sort: 'stars' }, { model: 'whiterabbitneo', sort: 'stars' }] },
	{ name: 'common word, relevance', variants: each(common) },
	{ name: 'common word, relevance, page 50', variants: each(common, { page: 50 }) },
	{ name: 'common word, newest', variants: each(common, { sort: 'newest' }) },
	{ name: 'common word, stars', variants: each(common, { sort: 'stars' }) },
	{ name: 'common word, trending', variants: each(common, { sort: 'trending' }) },
	{ name: 'frequent word, relevance', variants: each(frequent) },
	{ name: 'middling word, relevance', variants: each(middling) },
	{ name: 'rare word, relevance', variants: each(rare) },
	{ name: 'rare word, newest', variants: each(rare, { sort: 'newest' }) },
	{ name: 'rare word, stars', variants: each(rare, { sort: 'stars' }) },
	{ name: 'two words, relevance', variants: [{ q: `${common[1]} ${frequent[0]}` }, { q: `${frequent[0]} ${frequent[1]}` }, { q: `${common[0]} ${middling[0]}` }, { q: `${common[0]} ${rare[3]}` }] },
	{ name: 'quoted phrase, relevance', variants: phrases.map((p) => ({ q: `"${p}"` })) },
	{ name: 'websearch with a minus, relevance', variants: [{ q: 'injection -sql' }, { q: `${common[2]} -${common[3]}` }, { q: `${frequent[0]} -${common[0]}` }, { q: `${middling[2]} -${frequent[0]}` }] },
	{ name: 'word + tag + model, relevance', variants: [{ q: common[1], tag: TAGS[2], model: 'whiterabbitneo' }, { q: frequent[0], tag: TAGS[0], model: 'codet5p' }, { q: middling[1], tag: TAGS[0], model: 'codet5p' }] },
	{ name: 'word + tag, stars, page 50', variants: [{ q: common[0], tag: TAGS[0], sort: 'stars', page: 50 }] }
];

function percentile(sorted: Float64Array, p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)).padStart(7);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');

/** Busy share of all CPUs since `before` (Linux /proc/stat; null elsewhere). */
async function cpuTimes(): Promise<number[] | null> {
	const stat = await readFile('/proc/stat', 'utf8').catch(() => null);
	return stat ? stat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number) : null;
}
function busyShare(before: number[] | null, after: number[] | null): string {
	if (!before || !after) return 'unknown';
	const delta = after.map((v, i) => v - before[i]!);
	const total = delta.reduce((a, b) => a + b, 0);
	const idle = delta[3]! + (delta[4] ?? 0);
	return `${((100 * (total - idle)) / total).toFixed(0)} %`;
}

function describe(raw: RawQuery): string {
	const parts = [raw.q ? `q=${raw.q}` : 'no q', raw.sort && `sort=${raw.sort}`, raw.tag && `tag=${raw.tag}`, raw.model && `model=${raw.model}`, raw.page && `page=${raw.page}`];
	return parts.filter(Boolean).join(' ');
}

export async function runBench({ database }: { database: string }): Promise<void> {
	const cpuList = cpus();
	console.log('\nPublic library search: searchLibrary() in this process over a generated library');
	console.log(`database: ${database}`);
	console.log(`machine: ${cpuList[0]?.model.trim() ?? 'unknown CPU'}, ${cpuList.length} CPUs (available parallelism ${availableParallelism()}); node ${process.version}`);
	console.log(`measured at ${new Date().toISOString()}; load average (1 / 5 / 15 min) before: ${load()}`);
	try {
		const db = await prisma();
		const [server] = await db.$queryRawUnsafe<Array<{ version: string }>>('SELECT version()');
		console.log(`server: ${server?.version}`);

		const corpus = await generateLibrary(db, PROMPTS);
		console.log(
			`\ngenerated ${corpus.prompts.toLocaleString('en-US')} public prompts in ${corpus.workspaces} workspaces (${corpus.recentStars.toLocaleString('en-US')} stars in the last 7 days) in ${(corpus.totalMs / 1000).toFixed(1)} s:`
		);
		for (const { step, ms: took } of corpus.steps) console.log(`  ${(took / 1000).toFixed(1).padStart(6)} s  ${step}`);
		console.log('\nsizes on disk:');
		for (const row of await librarySizes(db)) {
			console.log(`  ${mib(row.bytes).padStart(10)}  ${row.name} (${row.kind}${row.rows !== null ? `, ${Math.round(row.rows).toLocaleString('en-US')} rows` : ''})`);
		}

		console.log(`\nper shape: ${WARMUP} warm-up calls, then up to ${CALLS} timed calls (at most ${BUDGET_MS / 1000} s), rotating over the variants; ms per call`);
		console.log(`${'shape'.padEnd(36)} ${'calls'.padStart(5)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}  matches per variant`);
		const cpuBefore = await cpuTimes();
		const measureStarted = performance.now();
		for (const shape of SHAPES) {
			const queries = shape.variants.map((raw) => libraryQuerySchema.parse(raw));
			const matches = new Map<number, string>();
			for (let i = 0; i < WARMUP; i++) {
				const index = i % queries.length;
				const page = await searchLibrary(queries[index]!);
				// totalIsEstimate: the count stopped at its cap; rankedAmong: relevance ranked only that many.
				const { totalIsEstimate, rankedAmong } = page as { totalIsEstimate?: boolean; rankedAmong?: number | null };
				const ranked = rankedAmong ? `, ranked among ${rankedAmong.toLocaleString('en-US')}` : '';
				matches.set(index, `${page.total.toLocaleString('en-US')}${totalIsEstimate ? '+' : ''} (${page.cards.length} shown${ranked})`);
			}
			const times: number[] = [];
			const started = performance.now();
			for (let i = 0; i < CALLS && performance.now() - started < BUDGET_MS; i++) {
				const at = performance.now();
				await searchLibrary(queries[i % queries.length]!);
				times.push(performance.now() - at);
			}
			const sorted = Float64Array.from(times).sort();
			const found = shape.variants.map((raw, i) => `${describe(raw)}: ${matches.get(i)}`).join('; ');
			console.log(`${shape.name.padEnd(36)} ${String(times.length).padStart(5)} ${ms(percentile(sorted, 50))} ${ms(percentile(sorted, 99))} ${ms(sorted.at(-1)!)}  ${found}`);
		}
		const cpuAfter = await cpuTimes();
		console.log(
			`\nmeasuring took ${((performance.now() - measureStarted) / 1000).toFixed(0)} s; all CPUs busy ${busyShare(cpuBefore, cpuAfter)} meanwhile (this process and PostgreSQL included); load average after: ${load()}`
		);
	} finally {
		await closeDatabase();
	}
}

// The library bench's generated public library: N public prompts written straight into the tables
// the library reads (prompt_library, prompt_versions, publications, public_prompts, prompt_stars),
// built set-based in PostgreSQL (INSERT … SELECT over generate_series), never row by row. Text is
// composed from a programming/security/prompt vocabulary picked with a Zipf-like skew (a few words
// in nearly every prompt), a few common two-word phrases, and words planted in known shares of the
// prompts (middling and rare), so broad, selective and phrase queries all exist.
import type { PrismaClient } from '$lib/server/db';

/** Vocabulary, most frequent first (index i is picked with probability falling like a power law). */
const WORDS = `
code function input output review security model prompt data user test error example request file
value string response query system return class method server api token context variable type check
list result language task answer explain write generate step version config database access
validate message update change issue report format json source library module object parse
handle rule path key field test safe secret risk attack vulnerability exploit payload patch fix
refactor performance memory cache log event network client header session cookie password hash
encrypt decrypt certificate signature permission role policy audit scan detect alert threat
injection sanitize escape encode decode buffer overflow pointer thread lock race condition loop
recursion array map set tree graph node edge sort search index table column row schema migration
transaction commit branch merge diff pull deploy build pipeline container image docker kubernetes
cluster service endpoint route handler controller middleware template render component state props
hook effect store action reducer selector async await promise callback stream pipe socket
websocket http https tls ssl dns proxy firewall port packet protocol tcp udp ip address domain
url redirect origin cors csrf xss sql nosql ldap xml yaml csv regex pattern match replace split
join trim lower upper length count sum average max min limit offset page cursor batch queue job
worker scheduler cron timer timeout retry backoff rate throttle quota budget cost latency
throughput benchmark profile trace metric monitor dashboard incident postmortem runbook oncall
python javascript typescript rust go java kotlin swift ruby php bash shell powershell haskell
scala elixir clojure lua perl sql c cpp csharp dart zig julia matlab assembly wasm
linter formatter compiler interpreter runtime garbage collector allocator heap stack frame
debugger breakpoint assertion mock stub fixture coverage regression unit integration fuzzing
property snapshot contract boundary edge case invariant precondition postcondition
assistant persona instruction constraint guideline tone style concise detailed bullet summary
outline draft rewrite translate classify extract rank score evaluate grade critique compare
reasoning chain thought few shot zero shot system role temperature sampling top token window
embedding vector retrieval chunk document citation grounding hallucination refusal jailbreak
guardrail moderation filter redact anonymize privacy compliance gdpr hipaa soc pci owasp cve
cwe cvss severity priority triage remediation mitigation disclosure bounty pentest red team
blue team threat model attack surface least privilege zero trust sandbox isolation seccomp
namespace capability selinux apparmor kernel syscall driver firmware bootloader binary
disassembler decompiler reverse engineering malware ransomware phishing spoofing tampering
repudiation elevation denial spoof brute force credential stuffing enumeration traversal
deserialize pickle eval exec shell command subprocess environment argument flag option
default override inherit interface generic trait closure lambda iterator generator decorator
annotation macro reflection serialization marshalling protobuf grpc graphql rest openapi
swagger webhook oauth openid saml jwt bearer scope refresh expiry revoke rotate vault kms
hsm entropy random nonce salt pepper bcrypt argon scrypt pbkdf aes rsa ecdsa ed curve
`;

/** Two-word phrases picked like words, so that quoted phrase queries find adjacent words. */
const PHRASES = [
	'sql injection',
	'code review',
	'unit test',
	'buffer overflow',
	'prompt injection',
	'cross site scripting',
	'access control',
	'input validation',
	'error handling',
	'race condition',
	'dependency update',
	'secret scanning'
];

/**
 * Words in no other list, planted in the template of a known share of the prompts: rare ones (a
 * dozen to a thousand prompts of 100,000) and middling ones (a few thousand: under the library's
 * count cap, so a relevance search ranks every match). The vocabulary alone has no such words: at
 * about 250 words a prompt, even its least frequent word is in a fifth of the prompts.
 */
export const PLANTED_WORDS: ReadonlyArray<{ word: string; share: number }> = [
	{ word: 'heartbleed', share: 0.0001 },
	{ word: 'kerberoasting', share: 0.0003 },
	{ word: 'shellshock', share: 0.001 },
	{ word: 'spectre', share: 0.01 },
	{ word: 'idempotency', share: 0.03 },
	{ word: 'memoization', share: 0.05 },
	{ word: 'sharding', share: 0.08 }
];

/** Tags, most used first. */
export const TAGS = `security code-review python javascript typescript testing refactoring documentation sql
devops rust go java debugging performance api owasp pentest threat-modeling secure-coding
data-analysis regex shell docker kubernetes ci cloud aws llm rag summarization translation
classification extraction chatbot education beginner advanced productivity`
	.split(/\s+/)
	.filter(Boolean);

const VARIABLES = ['code', 'language', 'focus', 'context', 'diff', 'question', 'schema', 'logs'];

export const VOCABULARY: string[] = [...new Set(WORDS.split(/\s+/).filter(Boolean))];
// The phrases sit from the hundredth entry on: each in a third of the prompts or fewer, not in nearly all.
PHRASES.forEach((phrase, i) => VOCABULARY.splice(100 + i * 30, 0, phrase));

/** The words queries pick from: the vocabulary's most frequent (in nearly every prompt), some of
 * its middle (in a fifth to a half of the prompts), planted middling and rare words, phrases. */
export const QUERY_WORDS = {
	common: VOCABULARY.slice(0, 4),
	frequent: [VOCABULARY[200]!, VOCABULARY[260]!, VOCABULARY[320]!],
	middling: PLANTED_WORDS.filter((w) => w.share > 0.01).map((w) => w.word),
	rare: PLANTED_WORDS.filter((w) => w.share <= 0.01).map((w) => w.word),
	phrases: PHRASES.slice(0, 4)
};

const SENTENCES = 8000;
const WORKSPACES = 20;
const STAR_USERS = 3000;
const STARS = 60_000;

export interface CorpusReport {
	prompts: number;
	workspaces: number;
	recentStars: number;
	steps: Array<{ step: string; ms: number }>;
	totalMs: number;
}

const literal = (values: string[]) => {
	for (const value of values) if (!/^[a-z0-9 #+._-]+$/.test(value)) throw new Error(`vocabulary entry not plain: ${value}`);
	return `ARRAY[${values.map((v) => `'${v}'`).join(',')}]::text[]`;
};

/**
 * Writes `count` public prompts (one version each, published, in the library) and stars; returns
 * how long each step took. Helper tables bench_* are dropped at the end.
 */
export async function generateLibrary(db: PrismaClient, count: number): Promise<CorpusReport> {
	const steps: CorpusReport['steps'] = [];
	const started = performance.now();
	const step = async (name: string, ...sql: string[]) => {
		const at = performance.now();
		for (const statement of sql) await db.$executeRawUnsafe(statement);
		steps.push({ step: name, ms: performance.now() - at });
	};
	// A power-law pick among n entries: 1 + floor(n * random()^k); k = 2 gives the first tenth of
	// the entries a third of all picks, the most frequent entry about 5 %.
	const skewed = (n: number | string, k = 3) => `(1 + floor(${n} * power(random(), ${k})))::int`;
	const words = VOCABULARY.length;

	await step(
		'vocabulary and 8,000 sentences',
		`CREATE TABLE bench_words AS SELECT ordinality::int AS id, word FROM unnest(${literal(VOCABULARY)}) WITH ORDINALITY AS w(word)`,
		`CREATE TABLE bench_tags AS SELECT ordinality::int AS id, tag FROM unnest(${literal(TAGS)}) WITH ORDINALITY AS t(tag)`,
		// Sentences of 6 to 19 words, capitalised, each word a skewed pick.
		`CREATE TABLE bench_sentences AS
		 SELECT p.sid AS id, initcap(left(string_agg(w.word, ' ' ORDER BY p.pos), 1)) || substr(string_agg(w.word, ' ' ORDER BY p.pos), 2) AS body
		 FROM (SELECT sid, pos, ${skewed(words, 2)} AS wid FROM generate_series(1, ${SENTENCES}) sid, generate_series(1, 19) pos WHERE pos <= 6 + sid % 14) p
		 JOIN bench_words w ON w.id = p.wid
		 GROUP BY p.sid`,
		`ALTER TABLE bench_sentences ADD PRIMARY KEY (id)`
	);

	// Per prompt: description 2-3 sentences, system prompt 3-6, template 8-16 (about 250 words in all).
	const parts = `(VALUES ('description', 2, 2), ('system', 3, 4), ('template', 8, 9)) AS part(name, base, spread)`;
	const planted = PLANTED_WORDS.map((r) => `CASE WHEN random() < ${r.share} THEN ' Mind ${r.word} here.' ELSE '' END`).join(' || ');
	await step(
		'titles, texts, tags and models per prompt',
		`CREATE TABLE bench_titles AS
		 SELECT p.n, initcap(string_agg(w.word, ' ' ORDER BY p.pos)) AS title
		 FROM (SELECT n, pos, ${skewed(words, 1.5)} AS wid FROM generate_series(1, ${count}) n, generate_series(1, 7) pos WHERE pos <= 3 + n % 5) p
		 JOIN bench_words w ON w.id = p.wid
		 GROUP BY p.n`,
		`CREATE TABLE bench_texts AS
		 SELECT p.n, p.name, string_agg(s.body, '. ' ORDER BY p.pos) || '.' AS body
		 FROM (SELECT n, part.name, pos, (1 + floor(random() * ${SENTENCES}))::int AS sid
		       FROM generate_series(1, ${count}) n, ${parts}, generate_series(1, 16) pos
		       WHERE pos <= part.base + (n * 7 + length(part.name)) % part.spread) p
		 JOIN bench_sentences s ON s.id = p.sid
		 GROUP BY p.n, p.name`,
		`CREATE TABLE bench_prompt_tags AS
		 SELECT p.n, array_agg(DISTINCT t.tag) AS tags
		 FROM (SELECT n, ${skewed(TAGS.length, 2)} AS tid FROM generate_series(1, ${count}) n, generate_series(1, 5) pos WHERE pos <= 1 + n % 5) p
		 JOIN bench_tags t ON t.id = p.tid
		 GROUP BY p.n`,
		`CREATE TABLE bench_prompts AS
		 SELECT t.n, gen_random_uuid() AS prompt_id, gen_random_uuid() AS version_id, gen_random_uuid() AS publication_id,
		        1 + t.n % ${WORKSPACES} AS ws,
		        t.title,
		        left(regexp_replace(lower(t.title), '[^a-z0-9]+', '-', 'g'), 50) || '-' || t.n AS slug,
		        d.body AS description, s.body AS system_prompt,
		        tp.body || ' Review the {{' || v.a || '}} with the {{' || v.b || '}} in mind.' || ${planted} AS template,
		        ARRAY[v.a, v.b] AS variables,
		        coalesce(g.tags, ARRAY[]::text[]) AS tags,
		        CASE WHEN m.r < 0.45 THEN ARRAY['whiterabbitneo'] WHEN m.r < 0.8 THEN ARRAY['codet5p'] ELSE ARRAY['whiterabbitneo', 'codet5p'] END AS models,
		        -- Pareto-like stars: half the prompts 0-1, a tenth over 10, a few thousands.
		        least(20000, floor(power(random(), -1.1)) - 1)::int AS stars,
		        (random() * 40)::int AS forks,
		        now() - random() * interval '730 days' AS published_at
		 FROM bench_titles t
		 JOIN bench_texts d ON d.n = t.n AND d.name = 'description'
		 JOIN bench_texts s ON s.n = t.n AND s.name = 'system'
		 JOIN bench_texts tp ON tp.n = t.n AND tp.name = 'template'
		 LEFT JOIN bench_prompt_tags g ON g.n = t.n
		 CROSS JOIN LATERAL (SELECT random() AS r, t.n) m
		 CROSS JOIN LATERAL (SELECT (${literal(VARIABLES)})[1 + (t.n % 4)] AS a, (${literal(VARIABLES)})[5 + (t.n / 4) % 4] AS b) v`
	);

	await step(
		`${WORKSPACES} workspaces, their owners and ${STAR_USERS} starring users`,
		`INSERT INTO users (id, username, username_key, password_hash, created_at)
		 SELECT gen_random_uuid(), name, name, '!bench', now() - interval '800 days'
		 FROM (SELECT 'author' || i AS name FROM generate_series(1, ${WORKSPACES}) i UNION ALL SELECT 'fan' || i FROM generate_series(1, ${STAR_USERS}) i) u`,
		`INSERT INTO workspaces (id, name, slug, created_at, updated_at)
		 SELECT gen_random_uuid(), 'Bench workspace ' || i, 'bench-' || i, now() - interval '800 days', now() FROM generate_series(1, ${WORKSPACES}) i`,
		`INSERT INTO memberships (workspace_id, user_id, role)
		 SELECT w.id, u.id, 'owner' FROM workspaces w JOIN users u ON u.username = 'author' || substr(w.slug, 7)`
	);

	// Stars of the last 30 days (a quarter of them in the last 7), skewed to the first prompts; each
	// prompt's star_count is its Pareto-like base plus these.
	await step(
		`up to ${STARS.toLocaleString('en-US')} stars of the last 30 days`,
		`CREATE TABLE bench_stars AS
		 SELECT DISTINCT ON (fan, n) fan, n, now() - random() * interval '30 days' AS created_at
		 FROM (SELECT 'fan' || (1 + floor(random() * ${STAR_USERS}))::int AS fan, ${skewed(count, 4)} AS n FROM generate_series(1, ${STARS})) s`
	);
	const ws = `JOIN workspaces w ON w.slug = 'bench-' || p.ws JOIN users u ON u.username = 'author' || p.ws`;
	await step(
		'prompt_library',
		`INSERT INTO prompt_library (id, workspace_id, slug, name, description, tags, visibility, model_type, system_prompt, user_prompt_template,
		                             created_by, created_at, updated_at, star_count, fork_count)
		 SELECT p.prompt_id, w.id, p.slug, p.title, p.description, p.tags, 'public', p.models[1], p.system_prompt, p.template,
		        u.id, p.published_at - interval '3 days', p.published_at, p.stars + coalesce(s.stars, 0), p.forks
		 FROM bench_prompts p ${ws}
		 LEFT JOIN (SELECT n, count(*)::int AS stars FROM bench_stars GROUP BY n) s ON s.n = p.n`
	);
	await step(
		'prompt_versions',
		`INSERT INTO prompt_versions (id, prompt_id, version_number, system_prompt, user_prompt_template, model_type, variables, change_notes, content_hash, created_by, created_at)
		 SELECT p.version_id, p.prompt_id, 1, p.system_prompt, p.template, p.models[1], p.variables, 'First version', md5(p.system_prompt) || md5(p.template), u.id, p.published_at - interval '1 day'
		 FROM bench_prompts p ${ws}`,
		`UPDATE prompt_library l SET current_version_id = p.version_id FROM bench_prompts p WHERE l.id = p.prompt_id`
	);
	await step(
		'publications',
		`INSERT INTO publications (id, prompt_id, version_id, published_by, published_at, title, description, tags, models_tried)
		 SELECT p.publication_id, p.prompt_id, p.version_id, u.id, p.published_at, p.title, p.description, p.tags, p.models
		 FROM bench_prompts p ${ws}`
	);
	await step(
		'public_prompts (and its generated tsvector)',
		`INSERT INTO public_prompts (prompt_id, publication_id, workspace_slug, prompt_slug, version_number, title, description, tags, text, variables, models,
		                             author_name, first_published_at, published_at)
		 SELECT p.prompt_id, p.publication_id, w.slug, p.slug, 1, p.title, p.description, p.tags, p.system_prompt || E'\\n\\n' || p.template, p.variables, p.models,
		        u.username, p.published_at, p.published_at
		 FROM bench_prompts p ${ws}`
	);
	await step(
		'prompt_stars',
		`INSERT INTO prompt_stars (user_id, prompt_id, created_at)
		 SELECT u.id, p.prompt_id, s.created_at FROM bench_stars s JOIN users u ON u.username = s.fan JOIN bench_prompts p ON p.n = s.n`
	);
	await step(
		'drop the helper tables',
		...['bench_stars', 'bench_prompts', 'bench_prompt_tags', 'bench_texts', 'bench_titles', 'bench_sentences', 'bench_tags', 'bench_words'].map((t) => `DROP TABLE ${t}`)
	);
	await step(
		'VACUUM ANALYZE',
		...['prompt_library', 'prompt_versions', 'publications', 'public_prompts', 'prompt_stars', 'users', 'workspaces'].map((t) => `VACUUM ANALYZE ${t}`)
	);
	const [stars] = await db.$queryRawUnsafe<Array<{ recent: number }>>(`SELECT count(*)::int AS recent FROM prompt_stars WHERE created_at > now() - interval '7 days'`);
	return { prompts: count, workspaces: WORKSPACES, recentStars: stars?.recent ?? 0, steps, totalMs: performance.now() - started };
}

/** Every table and index the library reads, with its size on disk. */
export async function librarySizes(db: PrismaClient): Promise<Array<{ name: string; kind: string; bytes: number; rows: number | null }>> {
	const tables = ['public_prompts', 'prompt_library', 'prompt_versions', 'publications', 'prompt_stars'];
	const list = tables.map((t) => `'${t}'`).join(',');
	return db.$queryRawUnsafe(
		`SELECT c.relname AS name, CASE c.relkind WHEN 'i' THEN 'index on ' || t.relname ELSE 'table (with TOAST and indexes)' END AS kind,
		        (CASE c.relkind WHEN 'i' THEN pg_relation_size(c.oid) ELSE pg_total_relation_size(c.oid) END)::float8 AS bytes,
		        CASE c.relkind WHEN 'r' THEN c.reltuples::float8 END AS rows
		 FROM pg_class c
		 LEFT JOIN pg_index i ON i.indexrelid = c.oid
		 LEFT JOIN pg_class t ON t.oid = i.indrelid
		 WHERE (c.relkind = 'r' AND c.relname IN (${list})) OR (c.relkind = 'i' AND t.relname = 'public_prompts')
		 ORDER BY c.relkind DESC, bytes DESC`
	);
}

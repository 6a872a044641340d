// The "Use this prompt" panel's snippets, run as a person would paste them, against a running studio
// whose model endpoint is a local TGI-protocol server: the curl commands in bash, the TypeScript in
// Node 24 (which runs .mts as written), the Python with requests. Each fetches the labelled version
// and runs it with a real token; the page shows exactly these snippets, with the studio's origin.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_VARIABLE, promptSnippets, versionOptions, type PromptSnippets } from '$lib/api/snippets';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { createApiToken } from '$lib/server/api-tokens';
import { createPrompt } from '$lib/server/prompts';
import { commitDraft, listVersions, moveLabel } from '$lib/server/versions';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres } from '../helpers/db';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';
import { cookieFor } from '../helpers/yjs-team';
import { uniquePromptName } from '../helpers/unique';
import { sample, setDraft, versionTeam } from './versions-fixtures';

const run = promisify(execFile);
const ANSWER = 'Never eval input.';

/** Debian's python3, which `npm test` makes sure has requests (scripts/ensure-test-tools.mjs). */
const PYTHON = '/usr/bin/python3';

describe.runIf(hasPostgres())('the "Use this prompt" snippets', async () => {
	let app: AppServer;
	let tgi: TgiServer;
	let team: Awaited<ReturnType<typeof versionTeam>>;
	let token: string;
	let folder: string;

	beforeAll(async () => {
		tgi = await startTgiServer({ tokens: ['Never', ' eval', ' input', '.'] });
		[app, team, folder] = await Promise.all([
			startAppServer({ WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: '', EMBEDDED_MODEL: 'off' }),
			versionTeam('snippets'),
			mkdtemp(join(tmpdir(), 'cts-snippets-'))
		]);
		await setDraft(team.promptId, sample({ parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } }));
		await commitDraft(team.author, team.prompt, 'Reviewed');
		await setDraft(team.promptId, sample({ userPromptTemplate: 'Review {{code}} for {{focus}}', parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } }));
		await commitDraft(team.author, team.prompt, 'With a focus');
		await moveLabel(team.owner, team.prompt, 'production', 1);
		await moveLabel(team.owner, team.prompt, 'staging', 2);
		token = (await createApiToken(team.owner, { name: 'snippets', scopes: ['read', 'run'], expiresInDays: 0 })).token;
	}, 120_000);
	afterAll(async () => {
		await app?.stop();
		await tgi?.close();
		if (folder) await rm(folder, { recursive: true, force: true });
	});

	async function snippetsFor(label: string): Promise<PromptSnippets> {
		const { versions } = await listVersions(team.owner, team.prompt);
		const option = versionOptions(versions).find((o) => 'label' in o.choice && o.choice.label === label)!;
		return promptSnippets({ origin: app.url, promptSlug: team.prompt, choice: option.choice, variables: option.variables });
	}

	/** Runs a snippet file with the token in the environment, as a person would after `export CTS_API_TOKEN=…`. */
	async function execute(command: string, args: string[]): Promise<string> {
		const { stdout } = await run(command, args, { env: { ...process.env, [TOKEN_VARIABLE]: token }, timeout: 60_000 });
		return stdout;
	}

	it('offers production first, then the other labels, each with its version and variables', async () => {
		const { versions } = await listVersions(team.owner, team.prompt);
		expect(versionOptions(versions)).toEqual([
			{ title: 'production (v1)', choice: { label: 'production' }, variables: ['language', 'code'] },
			{ title: 'staging (v2)', choice: { label: 'staging' }, variables: ['code', 'focus'] }
		]);
	});

	it('curl: fetches the production version and runs it', async () => {
		const snippets = await snippetsFor('production');
		const file = join(folder, 'production.sh');
		await writeFile(file, `set -e\n${snippets.curl}\n`);
		const stdout = await execute('bash', [file]);
		// Two JSON bodies, one after the other: the version, then the run's end.
		const [fetched, ran] = stdout.split(/(?<=\})(?=\{"executionId")/).map((part) => JSON.parse(part));
		expect(fetched).toMatchObject({ prompt: { slug: team.prompt }, version: { number: 1 }, resolvedBy: { label: 'production' }, variables: ['language', 'code'] });
		expect(ran).toMatchObject({ status: 'succeeded', text: ANSWER });
	});

	it('curl fails loudly (non-zero) when the token is wrong', async () => {
		const snippets = await snippetsFor('production');
		const file = join(folder, 'wrong-token.sh');
		await writeFile(file, `set -e\n${snippets.curl}\n`);
		const failed = await run('bash', [file], { env: { ...process.env, [TOKEN_VARIABLE]: 'cts_not_a_token' } }).catch((e: { code: number; stdout: string }) => e);
		expect(failed).toMatchObject({ code: 22 });
		expect((failed as { stdout: string }).stdout).toContain('"unauthorized"');
	});

	it('TypeScript (fetch): runs as written in Node, fetching the staging version and running it', async () => {
		const snippets = await snippetsFor('staging');
		const file = join(folder, 'staging.mts');
		await writeFile(file, snippets.typescript);
		const stdout = await execute(process.execPath, [file]);
		expect(stdout).toContain("resolvedBy: { label: 'staging' }");
		expect(stdout).toMatch(/number: 2\b/);
		expect(stdout.trim().split('\n').at(-1)).toBe(ANSWER);
	});

	it('Python (requests): fetches the production version and runs it', async () => {
		const snippets = await snippetsFor('production');
		const file = join(folder, 'production.py');
		await writeFile(file, snippets.python);
		const stdout = await execute(PYTHON, [file]);
		expect(stdout).toContain("'resolvedBy': {'label': 'production'}");
		expect(stdout.trim().split('\n').at(-1)).toBe(ANSWER);
	});

	it("is what the prompt's page shows, with the studio's own origin", async () => {
		const snippets = await snippetsFor('production');
		const response = await fetch(`${app.url}/w/${team.ws}/prompts/${team.prompt}`, { headers: { cookie: await cookieFor(team.viewer.user) } });
		const html = await response.text();
		const shown = /<pre[^>]*data-snippet="curl"[^>]*><code>([\s\S]*?)<\/code><\/pre>/.exec(html)?.[1];
		const decoded = shown?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
		expect(decoded).toBe(snippets.curl);
		expect(decoded).toContain(`${app.url}/api/v1/prompts/${team.prompt}?label=production`);
		// A viewer cannot make tokens: the panel says who can, instead of linking to the owners' page.
		expect(html).toContain('A workspace owner can create one.');
	});

	it('a private prompt says it stays out of the API, and offers no snippet', async () => {
		const { slug } = await createPrompt(team.owner, promptMetaSchema.parse({ name: uniquePromptName('Private'), visibility: 'private' }));
		const html = await (await fetch(`${app.url}/w/${team.ws}/prompts/${slug}`, { headers: { cookie: await cookieFor(team.owner.user) } })).text();
		expect(html).toContain('Private prompts stay out of the prompt API.');
		expect(html).not.toContain('data-snippet=');
	});
});

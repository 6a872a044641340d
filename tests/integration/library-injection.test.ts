// A published prompt is written by one person and read by everyone: every field that crosses into
// the library is hostile until rendered. This publishes (through publishVersion) a prompt whose
// every published field carries script, HTML, link and template injection attempts, then reads the
// listing, a search, the public page (head and meta tags included) and the site admins' reports
// page as HTML, parsed into elements, and compares them with the same pages for a harmless prompt:
// no element, script, event handler or javascript: URL appears that the harmless page lacks. It
// also checks that a public prompt carries no endpoint URL or token, with both configured.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { publishSchema } from '$lib/schemas/publishing';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { publicPromptPage } from '$lib/server/publishing/public-page';
import { publishVersion } from '$lib/server/publishing/publish';
import { commitDraft } from '$lib/server/versions';
import type { Member } from '$lib/server/workspaces';
import type { DraftContent } from '$lib/prompt-doc';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { prisma } from '../helpers/db';
import { FormClient, visibleText } from '../helpers/form-client';
import { newWorkspace } from '../helpers/people';
import { TEST_PASSWORD, uniquePromptName, uniqueUsername } from '../helpers/unique';
import { sample, setDraft } from './versions-fixtures';

const SECRET_URL = 'https://secret-endpoint.example.test/v1/chat';
const SECRET_HOST = 'secret-endpoint.example.test';
const SECRET_TOKEN = 'hf_SECRETlibrarytoken42';

const SCRIPT = '<script>alert(1)</script>';
const ATTRIBUTE = '"><img src=x onerror=alert(1)>';
const MARKDOWN_LINK = '[x](javascript:alert(1))';
const ANCHOR = '<a href="javascript:alert(1)">click</a>';
const END_TITLE = '</title><script>alert(1)</script>';
const TEMPLATE = '{{constructor}}';
const PAYLOADS = [SCRIPT, ATTRIBUTE, MARKDOWN_LINK, ANCHOR, END_TITLE, TEMPLATE];
const ALL = PAYLOADS.join('\n');

// ---- A small HTML tokenizer (the HTML standard's tokenization, as far as these pages need it) ----

interface Element {
	name: string;
	attributes: Array<[name: string, value: string]>;
	/** The text of a script, style, title or textarea element. */
	text?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function decode(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
		if (body[0] === '#') return String.fromCodePoint(body[1]?.toLowerCase() === 'x' ? parseInt(body.slice(2), 16) : Number(body.slice(1)));
		return ENTITIES[body.toLowerCase()] ?? whole;
	});
}

/** Every element of the document, in order, with decoded attributes. */
function parseHtml(html: string): Element[] {
	const elements: Element[] = [];
	let i = 0;
	while (i < html.length) {
		const lt = html.indexOf('<', i);
		if (lt < 0) break;
		i = lt + 1;
		if (html.startsWith('!--', i)) {
			const end = html.indexOf('-->', i + 3);
			i = end < 0 ? html.length : end + 3;
		} else if (html[i] === '!' || html[i] === '?' || html[i] === '/') {
			const end = html.indexOf('>', i);
			i = end < 0 ? html.length : end + 1;
		} else if (/[a-z]/i.test(html[i] ?? '')) {
			const nameMatch = /^[^\s/>]+/.exec(html.slice(i))!;
			const element: Element = { name: nameMatch[0].toLowerCase(), attributes: [] };
			i += nameMatch[0].length;
			for (;;) {
				while (/[\s/]/.test(html[i] ?? '')) i++;
				if (i >= html.length || html[i] === '>') {
					i++;
					break;
				}
				const attrName = /^[^\s/>][^\s/>=]*/.exec(html.slice(i))![0];
				i += attrName.length;
				while (/\s/.test(html[i] ?? '')) i++;
				let value = '';
				if (html[i] === '=') {
					i++;
					while (/\s/.test(html[i] ?? '')) i++;
					const quote = html[i];
					if (quote === '"' || quote === "'") {
						const end = html.indexOf(quote, i + 1);
						value = html.slice(i + 1, end < 0 ? html.length : end);
						i = end < 0 ? html.length : end + 1;
					} else {
						const raw = /^[^\s>]*/.exec(html.slice(i))![0];
						value = raw;
						i += raw.length;
					}
				}
				element.attributes.push([attrName.toLowerCase(), decode(value)]);
			}
			if (['script', 'style', 'title', 'textarea'].includes(element.name)) {
				const close = new RegExp(`</${element.name}[\\s/>]`, 'i').exec(html.slice(i));
				const end = close ? i + close.index : html.length;
				const raw = html.slice(i, end);
				element.text = element.name === 'title' || element.name === 'textarea' ? decode(raw) : raw;
				i = end;
			}
			elements.push(element);
		}
	}
	return elements;
}

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'srcset', 'poster', 'data', 'xlink:href', 'background']);
const attr = (element: Element, name: string) => element.attributes.find(([n]) => n === name)?.[1];

/**
 * What a page must not have compared with the same page for a harmless prompt: more <script>
 * elements, an element kind the harmless page has not (an <img>, an <iframe>…), an event handler
 * attribute, or a URL attribute with a script or data scheme.
 */
function expectNoInjection(html: string, baseline: string, where: string) {
	const elements = parseHtml(html);
	const base = parseHtml(baseline);
	const scripts = (list: Element[]) => list.filter((e) => e.name === 'script').length;
	expect(scripts(elements), `${where}: <script> elements`).toBe(scripts(base));
	const known = new Set(base.map((e) => e.name));
	expect(elements.map((e) => e.name).filter((name) => !known.has(name)), `${where}: element kinds the harmless page lacks`).toEqual([]);
	for (const element of elements) {
		for (const [name, value] of element.attributes) {
			expect(name.startsWith('on'), `${where}: <${element.name} ${name}=…>`).toBe(false);
			if (URL_ATTRIBUTES.has(name)) {
				expect(value.trim().replace(/[\s\u0000-\u001f]/g, '').toLowerCase(), `${where}: <${element.name} ${name}>`).not.toMatch(/^(javascript|vbscript|data):/);
			}
		}
		if (element.name === 'img') expect(attr(element, 'src'), `${where}: an <img>`).not.toBe('x');
		// Inline scripts are SvelteKit's own: the page's data in them is serialised with `<` escaped,
		// so nothing inside can close the element.
		if (element.name === 'script' && element.text) expect(element.text, `${where}: script text`).not.toMatch(/<\/?script/i);
	}
	// The head holds one title.
	expect(elements.filter((e) => e.name === 'title'), `${where}: <title> elements`).toHaveLength(base.filter((e) => e.name === 'title').length);
}

function metaContent(html: string, key: string): string | undefined {
	const element = parseHtml(html).find((e) => e.name === 'meta' && (attr(e, 'property') === key || attr(e, 'name') === key));
	return element && attr(element, 'content');
}

// ---- Fixtures ----

interface Fixture {
	id: string;
	slug: string;
	path: string;
	tag: string;
	word: string;
}

function word(prefix: string): string {
	return `${prefix}${Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => String.fromCharCode(97 + (b % 26))).join('')}x`;
}

async function publishFixture(owner: Member, hostile: boolean): Promise<Fixture> {
	const db = await prisma();
	const tag = word(hostile ? 'inj' : 'safe');
	const searchWord = word('zq');
	const content: Partial<DraftContent> = hostile
		? {
				systemPrompt: `${ALL}\n</textarea></pre></code><style>body{display:none}</style>\nFind ${searchWord} near ${SCRIPT} and ${ANCHOR}.`,
				userPromptTemplate: `Review ${TEMPLATE} with {{__proto__}} and {{<img src=x onerror=alert(1)>}} in {{language}}:\n${SCRIPT}`,
				fewShotExamples: [{ input: SCRIPT, output: `${ANCHOR} ${MARKDOWN_LINK}` }]
			}
		: { systemPrompt: `You review code carefully.\nFind ${searchWord} near the handler and its callers.` };
	const { slug } = await createPrompt(owner, promptMetaSchema.parse({ name: uniquePromptName(hostile ? 'Hostile' : 'Harmless') }));
	const id = (await getPrompt(owner, slug)).id;
	await setDraft(id, sample(content));
	await commitDraft(owner, slug, 'First version');
	const version = await db.promptVersion.findFirstOrThrow({ where: { promptId: id, versionNumber: 1 }, select: { id: true } });
	// A run of the version, as the studio records one with endpoints configured: the endpoint and
	// token sit in its parameters and rendered prompt; it becomes a sample output.
	const run = await db.executionHistory.create({
		data: {
			workspaceId: owner.workspace.id,
			promptId: id,
			versionId: version.id,
			userId: owner.user.id,
			runGroupId: randomUUID(),
			status: 'succeeded',
			modelUsed: 'whiterabbitneo',
			finishedAt: new Date(),
			inputData: (hostile ? { constructor: ATTRIBUTE, '<b>name</b>': SCRIPT, language: ANCHOR } : { language: 'python' }) as Record<string, string>,
			renderedPrompt: `[endpoint ${SECRET_URL} token ${SECRET_TOKEN}]`,
			parameters: { endpoint: SECRET_URL, headers: { authorization: `Bearer ${SECRET_TOKEN}` }, temperature: 0.2 },
			outputData: hostile ? `${ALL}\n${END_TITLE}` : 'Looks fine.',
			success: true
		},
		select: { id: true }
	});
	const form = publishSchema.parse({
		versionNumber: '1',
		title: hostile ? `${END_TITLE}${ATTRIBUTE}` : 'Harmless reviewer',
		description: hostile ? ALL : 'Reviews code.\nCarefully.',
		tags: hostile ? [tag, 'c++', 'c#', 'x.y_z-w'].join(',') : [tag, 'python'].join(','),
		sampleRunIds: run.id
	});
	const published = await publishVersion(owner, slug, form);
	return { id, slug, path: `/library/${published.workspaceSlug}/${published.promptSlug}`, tag, word: searchWord };
}

describe('publishing hostile text', () => {
	let app: AppServer;

	beforeAll(async () => {
		app = await startAppServer({ WHITERABBITNEO_ENDPOINT_URL: SECRET_URL, CODET5P_ENDPOINT_URL: `${SECRET_URL}/codet5p`, HF_TOKEN: SECRET_TOKEN, EMBEDDED_MODEL: 'off' });
	}, 90_000);

	afterAll(async () => {
		await app?.stop();
	});

	it('refuses tags that are not plain words, whatever they carry', () => {
		for (const payload of [...PAYLOADS, 'javascript:alert(1)', 'a b', '#start', "x'y", 'x"y']) {
			const parsed = publishSchema.safeParse({ versionNumber: '1', title: 'T', tags: payload });
			expect(parsed.success, payload).toBe(false);
		}
		expect(publishSchema.parse({ versionNumber: '1', title: 'T', tags: 'C++, c#, x.y_z-w' }).tags).toEqual(['c++', 'c#', 'x.y_z-w']);
	});

	it('renders every published field as text on the listing, a search, the public page and the admin page', async () => {
		const { owner } = await newWorkspace('inject');
		const db = await prisma();
		// The publisher's display name is the author shown on the public page and the cards.
		await db.user.update({ where: { id: owner.user.id }, data: { displayName: SCRIPT } });
		const hostile = await publishFixture(owner, true);
		const { owner: other } = await newWorkspace('harmless');
		const harmless = await publishFixture(other, false);
		const visitor = new FormClient(app.url);

		const pages: Array<[string, string, string]> = [
			['listing', `/library?${new URLSearchParams({ tag: hostile.tag })}`, `/library?${new URLSearchParams({ tag: harmless.tag })}`],
			['search', `/library?${new URLSearchParams({ q: hostile.word })}`, `/library?${new URLSearchParams({ q: harmless.word })}`],
			['public page', hostile.path, harmless.path]
		];
		for (const [where, path, baselinePath] of pages) {
			const [page, baseline] = [await visitor.get(path), await visitor.get(baselinePath)];
			expect([page.status, baseline.status], where).toEqual([200, 200]);
			expectNoInjection(page.html, baseline.html, where);
			const text = visibleText(page.html);
			// Shown, as text: the attempts are visible to a reader rather than swallowed.
			expect(text, where).toContain(`${END_TITLE}${ATTRIBUTE}`);
			expect(text, where).toContain(SCRIPT);
		}

		const search = await visitor.get(`/library?${new URLSearchParams({ q: hostile.word })}`);
		const marks = parseHtml(search.html).filter((e) => e.name === 'mark');
		expect(marks.length, 'the search highlights its match').toBeGreaterThan(0);
		expect(visibleText(search.html)).toContain(`${hostile.word} near ${SCRIPT}`);

		const page = await visitor.get(hostile.path);
		const title = parseHtml(page.html).find((e) => e.name === 'title');
		expect(title?.text).toBe(`${END_TITLE}${ATTRIBUTE} · Community prompt library · CodeTuneStudio`);
		expect(metaContent(page.html, 'og:title')).toBe(`${END_TITLE}${ATTRIBUTE}`);
		expect(metaContent(page.html, 'og:description')).toBe(ALL.replace(/\s+/g, ' ').slice(0, 200));
		expect(metaContent(page.html, 'description')).toBe(metaContent(page.html, 'og:description'));
		expect(metaContent(page.html, 'og:url')).toBe(`${app.url}${hostile.path}`);
		const text = visibleText(page.html);
		for (const shown of [MARKDOWN_LINK, ANCHOR, TEMPLATE, '<img src=x onerror=alert(1)>', '__proto__', '<b>name</b>', '</textarea></pre></code>', 'c++', 'c#']) {
			expect(text, shown).toContain(shown);
		}
		// Every link on the page goes somewhere inside the studio (tags are URL-encoded).
		const hrefs = parseHtml(page.html).flatMap((e) => (attr(e, 'href') === undefined ? [] : [attr(e, 'href')!]));
		for (const href of hrefs) expect(new URL(href, app.url).origin, href).toBe(app.url);
		expect(hrefs).toContain('/library?tag=c%2B%2B');
		expect(hrefs).toContain('/library?tag=c%23');

		// The admin page shows a hostile report reason (and the hostile title) as text too.
		const [adminPerson, reporter] = [new FormClient(app.url), new FormClient(app.url)];
		const adminName = uniqueUsername('admin');
		for (const [client, username] of [[adminPerson, adminName], [reporter, uniqueUsername('reporter')]] as const) {
			expect((await client.post('/signup', { username, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD })).status).toBe(303);
		}
		await db.user.update({ where: { usernameKey: adminName }, data: { isSiteAdmin: true } });
		expect(visibleText((await reporter.post(`${harmless.path}?/report`, { reason: 'A harmless report, for the baseline.' })).html)).toContain('A site admin will look');
		const adminBaseline = await adminPerson.get('/admin/reports');
		expect(visibleText((await reporter.post(`${hostile.path}?/report`, { reason: `${ALL}\n${END_TITLE}` })).html)).toContain('A site admin will look');
		const admin = await adminPerson.get('/admin/reports');
		expect(admin.status).toBe(200);
		expectNoInjection(admin.html, adminBaseline.html, 'admin page');
		expect(visibleText(admin.html)).toContain(`${END_TITLE}${ATTRIBUTE}`);
		expect(visibleText(admin.html)).toContain(MARKDOWN_LINK);
		expect(parseHtml(admin.html).some((e) => e.name === 'a' && attr(e, 'href') === hostile.path)).toBe(true);
	}, 60_000);

	it('carries text, variables and parameters only: no endpoint URL or token on the page, in its data or in the library’s rows', async () => {
		const { owner } = await newWorkspace('secrets');
		const db = await prisma();
		// The workspace's own model settings hold an endpoint and a token too.
		await db.workspace.update({ where: { id: owner.workspace.id }, data: { modelSettings: { endpoint: SECRET_URL, token: SECRET_TOKEN } } });
		const prompt = await publishFixture(owner, false);
		// Even a stored version whose parameters somehow held an endpoint and a header shows only the known parameters.
		await db.promptVersion.updateMany({
			where: { promptId: prompt.id },
			data: { parameters: { topP: 0.9, endpoint: SECRET_URL, headers: { authorization: `Bearer ${SECRET_TOKEN}` } } }
		});
		const visitor = new FormClient(app.url);
		const bodies = [
			(await visitor.get(prompt.path)).html,
			(await visitor.get(`${prompt.path}/__data.json`)).html,
			(await visitor.get(`/library?${new URLSearchParams({ q: prompt.word })}`)).html,
			(await visitor.get(`/library/__data.json?${new URLSearchParams({ q: prompt.word })}`)).html
		];
		expect(bodies[0]).toContain('Harmless reviewer');
		expect(bodies[1]).toContain('Harmless reviewer');
		expect(bodies[3]).toContain('Harmless reviewer');
		for (const body of bodies) {
			expect(body).not.toContain(SECRET_HOST);
			expect(body).not.toContain(SECRET_TOKEN);
		}
		const listing = await db.publicPrompt.findUniqueOrThrow({ where: { promptId: prompt.id } });
		const publication = await db.publication.findFirstOrThrow({ where: { promptId: prompt.id } });
		for (const row of [listing, publication]) {
			const json = JSON.stringify(row);
			expect(json).not.toContain(SECRET_HOST);
			expect(json).not.toContain(SECRET_TOKEN);
		}
		const page = await publicPromptPage(prompt.path.split('/')[2]!, prompt.path.split('/')[3]!, { viewer: null });
		expect(Object.keys(page.version.parameters).sort()).toEqual(['maxTokens', 'modelType', 'seed', 'stop', 'temperature', 'topP']);
		expect(page.version.parameters.topP).toBe(0.9);
		expect(page.version.samples).toEqual([{ model: 'whiterabbitneo', standIn: null, variables: { language: 'python' }, output: 'Looks fine.' }]);
	});
});

// What one account may create in an hour (src/lib/server/creation-budget.ts), through the studio's
// own forms: workspaces, prompts (a blank one or a starter) and live sessions each stop at their
// budget with a message that says when to come back, nothing is written past it, requests fired at
// once are counted too, and another account's budget is its own. The studio runs with small budgets
// (the defaults are 20, 100 and 60 an hour).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres, prisma } from '../helpers/db';
import { signUpOverHttp, visibleText, type FormClient } from '../helpers/form-client';
import { uniqueSlug } from '../helpers/unique';

const BUDGET = { workspaces: 3, prompts: 3, sessions: 2 };
const SPENT = /You have made as many (workspaces|prompts|sessions) as an account may in an hour\. Try again in \d+ minutes?\./;

describe.runIf(hasPostgres())('what one account may create in an hour', () => {
	let app: AppServer;

	beforeAll(async () => {
		app = await startAppServer({
			EMBEDDED_MODEL: 'off',
			// Its own Redis prefix: no other file's studio spends these budgets.
			REDIS_PREFIX: uniqueSlug('cts_budget'),
			CREATE_WORKSPACES_PER_HOUR: String(BUDGET.workspaces),
			CREATE_PROMPTS_PER_HOUR: String(BUDGET.prompts),
			OPEN_SESSIONS_PER_HOUR: String(BUDGET.sessions)
		});
	}, 120_000);
	afterAll(async () => {
		await app?.stop();
	});

	const createWorkspace = (client: FormClient) => client.post('/workspaces?/create', { name: `Budget ${uniqueSlug('w')}` });

	async function workspacesOf(userId: string) {
		return (await prisma()).membership.count({ where: { userId, role: 'owner' } });
	}

	it('workspaces: requests fired at once get exactly the budget, the rest a message saying when to come back; another account is not affected', async () => {
		const person = await signUpOverHttp(app.url, 'budgetw');
		const answers = await Promise.all(Array.from({ length: BUDGET.workspaces + 3 }, () => createWorkspace(person.client)));
		expect(answers.filter((a) => a.status === 303)).toHaveLength(BUDGET.workspaces);
		const refused = answers.filter((a) => a.status !== 303);
		expect(refused).toHaveLength(3);
		for (const answer of refused) {
			expect(answer.status).toBe(429);
			expect(visibleText(answer.html)).toMatch(SPENT);
		}
		expect(await workspacesOf(person.id)).toBe(BUDGET.workspaces);

		const other = await signUpOverHttp(app.url, 'budgetw2');
		expect((await createWorkspace(other.client)).status).toBe(303);
	});

	it('prompts: blank ones and starters share one budget; past it nothing is created', async () => {
		const person = await signUpOverHttp(app.url, 'budgetp');
		const workspace = (await createWorkspace(person.client)).location!;
		const blank = (n: number) => person.client.post(`${workspace}/prompts/new`, { name: `Budget prompt ${n}`, visibility: 'workspace' });
		const starter = () => person.client.post(`${workspace}/prompts/new/starter`, { starter: 'generate-code' });

		expect((await blank(1)).status).toBe(303);
		expect((await starter()).status).toBe(303);
		expect((await blank(2)).status).toBe(303);
		const refusedBlank = await blank(3);
		expect(refusedBlank.status).toBe(429);
		expect(visibleText(refusedBlank.html)).toMatch(SPENT);
		const refusedStarter = await starter();
		expect(refusedStarter.status).toBe(429);
		expect(visibleText(refusedStarter.html)).toMatch(SPENT);

		const slug = workspace.split('/').pop()!;
		expect(await (await prisma()).prompt.count({ where: { workspace: { slug } } })).toBe(BUDGET.prompts);
	});

	it('live sessions: past the budget the sessions page says so and no session is opened', async () => {
		const person = await signUpOverHttp(app.url, 'budgets');
		const workspace = (await createWorkspace(person.client)).location!;
		const prompt = (await person.client.post(`${workspace}/prompts/new/starter`, { starter: 'generate-code' })).location!;
		const open = (title: string) => person.client.post(`${prompt}/sessions?/open`, { title });

		for (let n = 1; n <= BUDGET.sessions; n++) expect((await open(`Session ${n}`)).status).toBe(303);
		const refused = await open('One too many');
		expect(refused.status).toBe(429);
		expect(visibleText(refused.html)).toMatch(SPENT);
		expect(await (await prisma()).generationSession.count({ where: { createdById: person.id } })).toBe(BUDGET.sessions);
	});
});

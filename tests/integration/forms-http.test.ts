// Every form of the foundation, posted over HTTP as a browser with JavaScript off would: bad input
// is a 400 whose message is in the page, a forbidden action a 403, a missing thing a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { FormClient, visibleText, signUpOverHttp } from '../helpers/form-client';
import { TEST_PASSWORD, uniqueUsername, uniqueWorkspaceName } from '../helpers/unique';

let app: AppServer;

beforeAll(async () => {
	app = await startAppServer();
}, 90_000);

afterAll(async () => {
	await app?.stop();
});

const signedUp = (base: string) => signUpOverHttp(app.url, base);

/** An owner with a workspace and a prompt, an editor and a viewer in it, and an outsider. */
async function team() {
	const owner = await signedUp('own');
	const created = await owner.client.post('/workspaces?/create', { name: uniqueWorkspaceName('Team') });
	expect(created.status).toBe(303);
	const ws = created.location!; // /w/<slug>
	const editor = await signedUp('edt');
	const viewer = await signedUp('vwr');
	const outsider = await signedUp('out');
	for (const [person, role] of [[editor, 'editor'], [viewer, 'viewer']] as const) {
		const added = await owner.client.post(`${ws}/settings?/addMember`, { username: person.username, role });
		expect(added.status).toBe(200);
	}
	const prompt = await owner.client.post(`${ws}/prompts/new`, { name: 'Security review', visibility: 'workspace' });
	expect(prompt.status).toBe(303);
	return { ws, promptPath: prompt.location!, owner, editor, viewer, outsider };
}

function expectShown(response: { status: number; html: string }, status: number, message: string | RegExp) {
	expect(response.status).toBe(status);
	const text = visibleText(response.html);
	if (typeof message === 'string') expect(text).toContain(message);
	else expect(text).toMatch(message);
}

describe('one server', () => {
	it('serves the pages and mounts realtime/ on the same port', async () => {
		const health = await fetch(`${app.url}/api/health`).then((r) => r.json());
		expect(health.ok).toBe(true);
		expect(health.realtime.mounted).toBe(true);
		expect(health.realtime.paths).toEqual(['/yjs/', '/socket.io/']);
		expect((await new FormClient(app.url).get('/signin')).status).toBe(200);
	});

	it('answers socket.io on the same port, refusing a socket that is not signed in', async () => {
		const { io } = await import('socket.io-client');
		const socket = io(app.url, { path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true });
		const refusal = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
		socket.disconnect();
		expect(refusal.message).toBe('Sign in to join generation sessions.');
	});
});

describe('sign-up and sign-in forms', () => {
	it('shows each field’s problem and keeps the username, never the password', async () => {
		const client = new FormClient(app.url);
		const short = await client.post('/signup', { username: 'ab', password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
		expectShown(short, 400, 'Use 3–32 letters, digits, "-" or "_".');
		expect(short.html).toContain('value="ab"');
		expect(short.html).not.toContain(TEST_PASSWORD);
		expectShown(await client.post('/signup', { username: 'good_name', password: 'short', confirmPassword: 'short' }), 400, 'Use at least 10 characters.');
		expectShown(await client.post('/signup', { username: 'good_name', password: TEST_PASSWORD, confirmPassword: 'different password' }), 400, 'The passwords do not match.');
		expectShown(await client.post('/signup', { username: 'bad name!', password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD }), 400, 'Use 3–32 letters');
		expectShown(await client.post('/signup', { username: 'x'.repeat(33), password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD }), 400, 'Use 3–32 letters');
		expectShown(await client.post('/signup', { username: 'good_name', password: 'p'.repeat(257), confirmPassword: 'p'.repeat(257) }), 400, 'Use at most 256 characters.');
		expect(client.signedIn).toBe(false);
	});

	it('says a field’s problem once, beside the field, with no summary above; a whole-form problem above the fields', async () => {
		const summary = 'Please correct the highlighted fields.';
		const times = (text: string, part: string) => text.split(part).length - 1;
		const client = new FormClient(app.url);
		const signup = visibleText((await client.post('/signup', { username: 'ab', password: 'short', confirmPassword: 'other' })).html);
		expect(signup).not.toContain(summary);
		expect(times(signup, 'Use 3–32 letters, digits, "-" or "_".')).toBe(1);
		expect(times(signup, 'Use at least 10 characters.')).toBe(1);
		const signin = visibleText((await client.post('/signin', { username: '', password: '' })).html);
		expect(signin).not.toContain(summary);
		expect([times(signin, 'Enter your username.'), times(signin, 'Enter your password.')]).toEqual([1, 1]);
		// A refusal of a field by the server (a taken name) is the field's too, said once.
		const { username } = await signedUp('once');
		const taken = visibleText((await client.post('/signup', { username, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD })).html);
		expect(times(taken, 'That username is taken.')).toBe(1);
		// Wrong credentials concern the whole form: said above the fields.
		const wrong = visibleText((await client.post('/signin', { username, password: 'wrong password' })).html);
		expect(times(wrong, 'That username and password do not match an account.')).toBe(1);
		// Other forms that put a message above their fields follow the same rule.
		const owner = await signedUp('oncews');
		expect(visibleText((await owner.client.post('/workspaces?/create', { name: '   ' })).html)).not.toContain(summary);
		const created = await owner.client.post('/workspaces?/create', { name: uniqueWorkspaceName('Once') });
		const newPrompt = visibleText((await owner.client.post(`${created.location!}/prompts/new`, { name: '' })).html);
		expect(newPrompt).not.toContain(summary);
		expect(times(newPrompt, 'Enter a title.')).toBe(1);
		const account = visibleText((await owner.client.post('/account?/changePassword', { currentPassword: '', newPassword: 'short', confirmPassword: 'short' })).html);
		expect(account).not.toContain(summary);
	});

	it('refuses a taken username in any letter case', async () => {
		const { username } = await signedUp('taken');
		const again = await new FormClient(app.url).post('/signup', { username: username.toUpperCase(), password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
		expectShown(again, 409, 'That username is taken.');
	});

	it('signs in, signs out, and gives one message for any wrong pair', async () => {
		const { username } = await signedUp('inout');
		const client = new FormClient(app.url);
		expectShown(await client.post('/signin', { username: '', password: '' }), 400, 'Enter your username.');
		const wrong = await client.post('/signin', { username, password: 'wrong password' });
		const unknown = await client.post('/signin', { username: uniqueUsername('ghost'), password: TEST_PASSWORD });
		expectShown(wrong, 400, 'That username and password do not match an account.');
		expectShown(unknown, 400, 'That username and password do not match an account.');
		const ok = await client.post('/signin', { username, password: TEST_PASSWORD, redirectTo: '//evil.example/' });
		expect([ok.status, ok.location]).toEqual([303, '/workspaces']);
		expect((await client.get('/workspaces')).status).toBe(200);
		const out = await client.post('/signout', {});
		expect(out.status).toBe(303);
		expect(client.signedIn).toBe(false);
		expect((await client.get('/workspaces')).location).toBe('/signin?redirectTo=%2Fworkspaces');
	});

	it('answers 429 with Retry-After once an account has failed too often', async () => {
		const { username } = await signedUp('limit');
		const client = new FormClient(app.url);
		let last = await client.post('/signin', { username, password: 'wrong password' });
		for (let i = 0; i < 10 && last.status !== 429; i++) last = await client.post('/signin', { username, password: 'wrong password' });
		expectShown(last, 429, /Too many failed sign-ins/);
		expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
		const right = await client.post('/signin', { username, password: TEST_PASSWORD });
		expect(right.status).toBe(429);
	});
});

describe('workspace forms', () => {
	it('validates the workspace name', async () => {
		const { client } = await signedUp('wsname');
		expectShown(await client.post('/workspaces?/create', { name: '   ' }), 400, 'Enter a name.');
		expectShown(await client.post('/workspaces?/create', { name: 'n'.repeat(65) }), 400, 'Use at most 64 characters.');
	});

	it('sends signed-out visitors to sign in, hides workspaces from outsiders, refuses lower roles', async () => {
		const { ws, promptPath, editor, viewer, outsider } = await team();
		const anonymous = new FormClient(app.url);
		expect((await anonymous.get(ws)).location).toMatch(/^\/signin\?redirectTo=/);
		expect((await anonymous.post(`${ws}/prompts/new`, { name: 'x' })).location).toMatch(/^\/signin/);
		expect((await outsider.client.get(ws)).status).toBe(404);
		expect((await outsider.client.get(promptPath)).status).toBe(404);
		expect((await outsider.client.post(`${ws}/prompts/new`, { name: 'x' })).status).toBe(404);
		expect((await viewer.client.get(promptPath)).status).toBe(200);
		expect((await viewer.client.get(`${ws}/prompts/new`)).status).toBe(403);
		expect((await viewer.client.post(`${ws}/prompts/new`, { name: 'x' })).status).toBe(403);
		expect((await viewer.client.get(`${promptPath}/edit`)).status).toBe(403);
		expect((await viewer.client.post(`${promptPath}/edit`, { name: 'Hijacked' })).status).toBe(403);
		expect((await viewer.client.post(`${promptPath}?/delete`, {})).status).toBe(403);
		for (const actor of [editor, viewer]) {
			expect((await actor.client.post(`${ws}/settings?/rename`, { name: 'Mine now' })).status).toBe(403);
			expect((await actor.client.post(`${ws}/settings?/addMember`, { username: outsider.username, role: 'owner' })).status).toBe(403);
		}
		expect((await viewer.client.get(promptPath)).html).toContain('Security review');
		expect(visibleText((await viewer.client.get(promptPath)).html)).not.toContain('Hijacked');
	});

	it('validates every member form and keeps the last owner', async () => {
		const { ws, owner, viewer } = await team();
		const settings = `${ws}/settings`;
		expectShown(await owner.client.post(`${settings}?/addMember`, { username: uniqueUsername('nobody'), role: 'viewer' }), 400, 'No account has that username.');
		expectShown(await owner.client.post(`${settings}?/addMember`, { username: viewer.username, role: 'viewer' }), 409, 'is already a member.');
		expectShown(await owner.client.post(`${settings}?/addMember`, { username: 'someone', role: 'admin' }), 400, 'Choose owner, editor or viewer.');
		expectShown(await owner.client.post(`${settings}?/changeRole`, { userId: 'not-a-uuid', role: 'viewer' }), 400, 'Please correct the highlighted fields.');
		expectShown(await owner.client.post(`${settings}?/rename`, { name: '' }), 400, 'Enter a name.');
		expectShown(await owner.client.post(`${settings}?/leave`, {}), 409, 'You are the last owner');
		const page = await owner.client.get(settings);
		expect(visibleText(page.html)).toContain(owner.username);
	});
});

describe('prompt forms', () => {
	it('validates title, slug, tags and visibility, and keeps what was typed', async () => {
		const { ws, editor } = await team();
		const path = `${ws}/prompts/new`;
		const blank = await editor.client.post(path, { name: '', description: 'kept text' });
		expectShown(blank, 400, 'Enter a title.');
		expect(blank.html).toContain('kept text');
		expectShown(await editor.client.post(path, { name: 'Ok', slug: 'Bad Slug' }), 400, 'Use lower-case letters, digits and single dashes');
		expectShown(await editor.client.post(path, { name: 'Ok', tags: Array.from({ length: 13 }, (_, i) => `t${i}`).join(',') }), 400, 'Use at most 12 tags.');
		expectShown(await editor.client.post(path, { name: 'Ok', visibility: 'everyone' }), 400, 'Choose private, workspace or public.');
		expectShown(await editor.client.post(path, { name: 't'.repeat(121) }), 400, 'Use at most 120 characters.');
		expectShown(await editor.client.post(path, { name: 'Copy', slug: 'security-review' }), 409, 'already uses that slug');
	});

	it('creates a prompt from a starter and opens its editor; refuses viewers and unknown starters', async () => {
		const { ws, editor, viewer } = await team();
		const page = await editor.client.get(`${ws}/prompts/new`);
		expect(visibleText(page.html)).toContain('Or start from a starter prompt');
		const created = await editor.client.post(`${ws}/prompts/new/starter`, { starter: 'generate-code' });
		expect(created.status).toBe(303);
		expect(created.location).toBe(`${ws}/prompts/generate-code`);
		expect((await editor.client.get(created.location!)).status).toBe(200);
		expect((await viewer.client.post(`${ws}/prompts/new/starter`, { starter: 'analyse' })).status).toBe(403);
		expectShown(await editor.client.post(`${ws}/prompts/new/starter`, { starter: 'nope' }), 400, 'Choose one of the starter prompts.');
	});

	it('edits and deletes as an editor; a missing prompt is a 404', async () => {
		const { ws, promptPath, editor } = await team();
		const saved = await editor.client.post(`${promptPath}/edit`, { name: 'Security review v2', slug: 'sec-v2', tags: 'owasp' });
		expect([saved.status, saved.location]).toEqual([303, `${ws}/prompts/sec-v2`]);
		expect(visibleText((await editor.client.get(`${ws}/prompts/sec-v2`)).html)).toContain('#owasp');
		expectShown(await editor.client.post(`${ws}/prompts/sec-v2/edit`, { name: '' }), 400, 'Enter a title.');
		expect((await editor.client.get(promptPath)).status).toBe(404);
		expect((await editor.client.post(`${promptPath}/edit`, { name: 'Ghost' })).status).toBe(404);
		const deleted = await editor.client.post(`${ws}/prompts/sec-v2?/delete`, {});
		expect([deleted.status, deleted.location]).toEqual([303, ws]);
		expect((await editor.client.get(`${ws}/prompts/sec-v2`)).status).toBe(404);
	});
});

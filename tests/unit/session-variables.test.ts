// The rules of a session's shared variable values, without sockets: the wire schema's bounds and
// messages, the page's model (what is shown, what is typed here, late and crossing changes), the
// empty-variable check before a run, and the one-instance store (bounds, revisions, forgetting).
import { describe, expect, it } from 'vitest';
import { SESSION_LIMITS, variableChangesSchema } from '$lib/realtime/session-events';
import { emptyVariables, SharedVariablesModel } from '$lib/components/generation/shared-variables';
import { MemoryVariablesStore, nextRevision, TOO_MANY } from '$lib/server/generation/session-variables';

const SESSION = '00000000-0000-4000-8000-000000000001';
const OTHER_SESSION = '00000000-0000-4000-8000-000000000002';

describe('the variables:set schema', () => {
	it('takes multi-line values of any length up to the bound', () => {
		const code = 'def add(a, b):\n    return a + b\n';
		const parsed = variableChangesSchema.safeParse({ sessionId: SESSION, values: { code, language: '', long: 'x'.repeat(SESSION_LIMITS.variableValue) } });
		expect(parsed.success).toBe(true);
	});

	it('refuses a value past the bound, naming the variable and both lengths', () => {
		const parsed = variableChangesSchema.safeParse({ sessionId: SESSION, values: { code: 'x'.repeat(SESSION_LIMITS.variableValue + 1) } });
		expect(parsed.success).toBe(false);
		expect(parsed.error!.issues[0]!.message).toBe('code is 20,001 characters long; a value may be at most 20,000. It stays here and is not shared until it is shorter.');
	});

	it('refuses more variables than a session keeps in one change', () => {
		const values = Object.fromEntries(Array.from({ length: SESSION_LIMITS.variables + 1 }, (_, i) => [`v${i}`, 'x']));
		const parsed = variableChangesSchema.safeParse({ sessionId: SESSION, values });
		expect(parsed.error!.issues[0]!.message).toBe('A session keeps at most 50 variables.');
	});

	it('refuses a NUL character, an unpaired surrogate and an empty name', () => {
		for (const values of [{ code: 'a\u0000b' }, { code: '\ud800' }, { '': 'x' }]) {
			expect(variableChangesSchema.safeParse({ sessionId: SESSION, values }).success, JSON.stringify(values)).toBe(false);
		}
	});
});

describe('a page’s shared variables', () => {
	it('shows the snapshot, then others’ changes in revision order; a late change never replaces a newer one', () => {
		const model = new SharedVariablesModel();
		model.snapshot({ values: { language: 'Go' }, revision: 10 });
		expect(model.get('language')).toBe('Go');
		expect(model.changed({ values: { language: 'Rust' }, revision: 12 })).toBe(true);
		// Relayed late through another instance: older than what is shown.
		expect(model.changed({ values: { language: 'Python' }, revision: 11 })).toBe(false);
		expect(model.get('language')).toBe('Rust');
		// Older than the snapshot: the snapshot already holds it.
		expect(model.changed({ values: { task: 'stale' }, revision: 9 })).toBe(false);
		expect(model.get('task')).toBe('');
	});

	it('sends what is typed once, never overwrites it with another’s change, and shows that change if the server kept it later', () => {
		const model = new SharedVariablesModel();
		model.typed('code', 'print(1)\nprint(2)');
		expect(model.unsent).toBe(true);
		expect(model.takeOutgoing()).toEqual({ code: 'print(1)\nprint(2)' });
		expect(model.takeOutgoing()).toBeNull(); // one send in the air at a time
		// Someone else's change to the same variable arrives while ours is in flight.
		model.changed({ values: { code: 'theirs' }, revision: 50 });
		expect(model.get('code')).toBe('print(1)\nprint(2)');
		// The server kept ours first (revision 40): theirs came after, so theirs is what the session holds.
		model.acknowledged(40);
		expect(model.get('code')).toBe('theirs');
		expect(model.unsent).toBe(false);
	});

	it('keeps what is typed when the server kept another’s change before it', () => {
		const model = new SharedVariablesModel();
		model.typed('code', 'mine');
		model.takeOutgoing();
		model.changed({ values: { code: 'theirs' }, revision: 50 });
		model.acknowledged(60);
		expect(model.get('code')).toBe('mine');
	});

	it('a snapshot (a rejoin) leaves what is being typed alone and follows the server for the rest', () => {
		const model = new SharedVariablesModel();
		model.snapshot({ values: { language: 'Go', task: 'sum' }, revision: 5 });
		model.typed('task', 'sort a list');
		model.snapshot({ values: { language: 'Zig' }, revision: 8 });
		expect(model.get('task')).toBe('sort a list');
		expect(model.get('language')).toBe('Zig');
	});

	it('sends a refused change again with the next send, with whatever was typed since', () => {
		const model = new SharedVariablesModel();
		model.typed('a', '1');
		model.takeOutgoing();
		model.typed('b', '2');
		model.refused();
		expect(model.takeOutgoing()).toEqual({ a: '1', b: '2' });
	});

	it('keeps a value too long to share on the page, unsent, with the reason, and sends the others', () => {
		const model = new SharedVariablesModel();
		model.typed('code', 'x'.repeat(SESSION_LIMITS.variableValue + 5));
		model.typed('language', 'Python');
		expect(model.problems.get('code')).toMatch(/^code is 20,005 characters long/);
		expect(model.takeOutgoing()).toEqual({ language: 'Python' });
		model.acknowledged(3);
		expect(model.get('code')).toHaveLength(SESSION_LIMITS.variableValue + 5);
		expect(model.unsent).toBe(true);
	});

	it('clearing a value sends it empty, which removes it', () => {
		const model = new SharedVariablesModel();
		model.snapshot({ values: { language: 'Go' }, revision: 1 });
		model.typed('language', '');
		expect(model.get('language')).toBe('');
		expect(model.takeOutgoing()).toEqual({ language: '' });
	});

	it('a name such as __proto__ is only a name', () => {
		const model = new SharedVariablesModel();
		model.changed({ values: JSON.parse('{"__proto__":"x","constructor":"y"}'), revision: 2 });
		expect(model.get('__proto__')).toBe('x');
		expect(model.get('constructor')).toBe('y');
		expect(model.takeOutgoing()).toBeNull();
	});
});

describe('running with empty variables', () => {
	it('names the variables left empty or blank, in the template’s order', () => {
		const values = new Map([['language', 'Go'], ['task', '   \n']]);
		expect(emptyVariables(['code', 'language', 'task'], (name) => values.get(name) ?? '')).toEqual(['code', 'task']);
		expect(emptyVariables(['language'], (name) => values.get(name) ?? '')).toEqual([]);
	});
});

describe('the one-instance store', () => {
	it('keeps values, removes a cleared one, and moves the revision forward on every change', async () => {
		let now = 1000;
		const store = new MemoryVariablesStore(1_000_000, 60_000, () => now);
		expect(await store.read(SESSION)).toEqual({ values: {}, revision: 0 });
		const first = await store.change(SESSION, { code: 'a\nb', language: 'Go' });
		expect(first).toBe(1000);
		const second = await store.change(SESSION, { language: '' });
		expect(second).toBe(1001); // the clock did not move: still forward
		expect(await store.read(SESSION)).toEqual({ values: { code: 'a\nb' }, revision: 1001 });
		now = 5000;
		expect(await store.change(SESSION, { task: 't' })).toBe(5000);
	});

	it('refuses a change past the count and changes nothing; replacing or clearing at the bound is fine', async () => {
		const store = new MemoryVariablesStore();
		const full = Object.fromEntries(Array.from({ length: SESSION_LIMITS.variables }, (_, i) => [`v${i}`, 'x']));
		expect(await store.change(SESSION, full)).not.toBe(TOO_MANY);
		const before = await store.read(SESSION);
		expect(await store.change(SESSION, { extra: 'x' })).toBe(TOO_MANY);
		expect(await store.read(SESSION)).toEqual(before);
		expect(await store.change(SESSION, { v0: 'y' })).not.toBe(TOO_MANY);
		expect(await store.change(SESSION, { v1: '', extra: 'x' })).not.toBe(TOO_MANY);
		expect(Object.keys((await store.read(SESSION)).values)).toHaveLength(SESSION_LIMITS.variables);
	});

	it('forgets the session changed longest ago past its budget, and a session unchanged past its time', async () => {
		let now = 0;
		const store = new MemoryVariablesStore(100, 10_000, () => now);
		await store.change(SESSION, { code: 'x'.repeat(60) });
		await store.change(OTHER_SESSION, { code: 'y'.repeat(60) });
		expect((await store.read(SESSION)).values).toEqual({});
		expect((await store.read(OTHER_SESSION)).values.code).toHaveLength(60);
		now = 20_000;
		expect((await store.read(OTHER_SESSION)).values).toEqual({});
		expect(store.count).toBe(0);
	});

	it('counts a session that grows after its first change against the budget', async () => {
		// A stranger opens sessions freely: each starts with one character, then grows to its bound.
		// Every session's growth must count, or the budget bounds nothing.
		const store = new MemoryVariablesStore(100);
		await store.change(SESSION, { code: 'x' });
		await store.change(SESSION, { code: 'x'.repeat(60) });
		await store.change(OTHER_SESSION, { code: 'y' });
		await store.change(OTHER_SESSION, { code: 'y'.repeat(60) });
		expect((await store.read(SESSION)).values).toEqual({});
		expect((await store.read(OTHER_SESSION)).values.code).toHaveLength(60);
		expect(store.count).toBe(1);
	});

	it('a revision is at least the clock, and always past the last', () => {
		expect(nextRevision(0, 1_700_000_000_000)).toBe(1_700_000_000_000);
		expect(nextRevision(1_700_000_000_005, 1_700_000_000_000)).toBe(1_700_000_000_006);
	});
});

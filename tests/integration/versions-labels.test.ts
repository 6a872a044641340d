import { describe, expect, it } from 'vitest';
import { labelNameSchema } from '$lib/schemas/versions';
import {
	commitDraft,
	decideReview,
	getVersion,
	isProductionProtected,
	listLabelMoves,
	listLabels,
	listVersions,
	mergeReview,
	moveLabel,
	proposeReview,
	setProductionProtection
} from '$lib/server/versions';
import { refusal } from '../helpers/refusal';
import { sample, setDraft, versionTeam } from './versions-fixtures';

async function withVersions(count = 3) {
	const t = await versionTeam('labels');
	for (let n = 1; n <= count; n++) {
		await setDraft(t.promptId, sample({ systemPrompt: `System ${n}` }));
		await commitDraft(t.author, t.prompt, `v${n}`);
	}
	return t;
}

describe('labels', () => {
	it('records every move: who, when, from and to', async () => {
		const t = await withVersions();
		const before = Date.now();
		expect(await moveLabel(t.author, t.prompt, 'staging', 1)).toEqual({ from: null, to: 1 });
		const between = Date.now();
		expect(await moveLabel(t.reviewer, t.prompt, 'staging', 3)).toEqual({ from: 1, to: 3 });
		const after = Date.now();
		const moves = await listLabelMoves(t.promptId);
		expect(moves.map((m) => [m.label, m.from, m.to, m.movedBy, m.reviewId])).toEqual([
			['staging', 1, 3, t.reviewer.user.username, null],
			['staging', null, 1, t.author.user.username, null]
		]);
		// When: each while its own move was asked for (the database's clock is this machine's; the
		// stored time is at millisecond precision), however long the test took.
		const [second, first] = moves.map((m) => Date.parse(m.movedAt));
		expect(first).toBeGreaterThanOrEqual(before - 1);
		expect(first).toBeLessThanOrEqual(between + 1);
		expect(second).toBeGreaterThanOrEqual(first!);
		expect(second).toBeLessThanOrEqual(after + 1);
		expect((await listLabels(t.promptId)).map((l) => [l.name, l.version, l.updatedBy])).toEqual([['staging', 3, t.reviewer.user.username]]);
		const { versions } = await listVersions(t.viewer, t.prompt);
		expect(versions.find((v) => v.number === 3)!.labels).toEqual(['staging']);
	});

	it('keeps is_deployed and deployed_at in step with production', async () => {
		const t = await withVersions();
		await moveLabel(t.owner, t.prompt, 'production', 1);
		await moveLabel(t.owner, t.prompt, 'production', 2);
		const deployed = async (n: number) => (await getVersion(t.owner, t.prompt, n)).version;
		expect((await deployed(1)).isDeployed).toBe(false);
		expect((await deployed(2)).isDeployed).toBe(true);
		expect((await deployed(2)).deployedAt).not.toBeNull();
		await moveLabel(t.owner, t.prompt, 'staging', 3);
		expect((await deployed(3)).isDeployed).toBe(false);
	});

	it('accepts user-made label names that follow the rule, and refuses others', () => {
		expect(labelNameSchema.parse(' Canary-EU.2 ')).toBe('canary-eu.2');
		for (const bad of ['', '-leading', 'has space', 'x'.repeat(41), 'ünïcode']) expect(labelNameSchema.safeParse(bad).success).toBe(false);
	});

	it('refuses a move to where the label already is, to a missing version, and by a viewer', async () => {
		const t = await withVersions();
		await moveLabel(t.author, t.prompt, 'canary', 2);
		const same = await refusal(moveLabel(t.author, t.prompt, 'canary', 2));
		expect([same.status, same.message]).toEqual([409, 'canary already points at v2.']);
		expect((await refusal(moveLabel(t.author, t.prompt, 'canary', 9))).status).toBe(400);
		expect((await refusal(moveLabel(t.viewer, t.prompt, 'canary', 1))).status).toBe(403);
		expect(await listLabelMoves(t.promptId)).toHaveLength(1);
	});
});

describe('protected production', () => {
	it('lets only owners turn the protection on and off', async () => {
		const t = await withVersions(1);
		expect((await refusal(setProductionProtection(t.author, true))).status).toBe(403);
		await setProductionProtection(t.owner, true);
		expect(await isProductionProtected(t.owner.workspace.id)).toBe(true);
		await setProductionProtection(t.owner, false);
		expect(await isProductionProtected(t.owner.workspace.id)).toBe(false);
	});

	it('refuses a direct move of production to an unapproved version, with a clear message', async () => {
		const t = await withVersions();
		await setProductionProtection(t.owner, true);
		const refused = await refusal(moveLabel(t.owner, t.prompt, 'production', 2));
		expect(refused.status).toBe(403);
		expect(refused.message).toBe(
			'production is protected: it moves only to a version approved in a review. Propose v2 for production and have it approved first.'
		);
		// A review that is only open, or has changes requested, does not count.
		const { id } = await proposeReview(t.author, t.prompt, { version: 2, label: 'production', title: '' });
		expect((await refusal(moveLabel(t.owner, t.prompt, 'production', 2))).status).toBe(403);
		await decideReview(t.reviewer, t.prompt, id, 'request_changes');
		expect((await refusal(moveLabel(t.owner, t.prompt, 'production', 2))).status).toBe(403);
		expect(await listLabels(t.promptId)).toEqual([]);
		// Other labels stay free.
		await moveLabel(t.author, t.prompt, 'staging', 2);
	});

	it('accepts a version approved for production, and records the review on the move', async () => {
		const t = await withVersions();
		await setProductionProtection(t.owner, true);
		const { id } = await proposeReview(t.author, t.prompt, { version: 2, label: 'production', title: '' });
		await decideReview(t.reviewer, t.prompt, id, 'approve');
		expect(await moveLabel(t.author, t.prompt, 'production', 2)).toEqual({ from: null, to: 2 });
		const [move] = await listLabelMoves(t.promptId);
		expect([move!.label, move!.to, move!.reviewId]).toEqual(['production', 2, id]);
	});

	it('moves production by merging an approved review', async () => {
		const t = await withVersions();
		await setProductionProtection(t.owner, true);
		const { id } = await proposeReview(t.author, t.prompt, { version: 3, label: 'production', title: '' });
		await decideReview(t.reviewer, t.prompt, id, 'approve');
		expect(await mergeReview(t.author, t.prompt, id)).toEqual({ label: 'production', version: 3, from: null });
		expect((await getVersion(t.owner, t.prompt, 3)).version.isDeployed).toBe(true);
		// Rolling production back to a version never approved for it is refused too.
		expect((await refusal(moveLabel(t.owner, t.prompt, 'production', 1))).status).toBe(403);
	});
});

// Publishing a committed version to the community library, and taking it back. A publication is
// fixed when published (title, description, tags, models tried, copied sample outputs); the
// library's row follows the newest live one. Each change runs in one transaction under the
// prompt's lock, so the prompt's visibility, its publications and its library row always agree.
import type { PublishInput } from '$lib/schemas/publishing';
import { prisma } from '../db';
import type { Prisma } from '../db';
import { forbidden, invalid } from '../errors';
import { emitEvent } from '../domain-events';
import type { Member } from '../workspaces';
import { requirePublisher, type PublishablePrompt } from './access';
import { refreshListing, withdrawListing } from '../listings';
import { TX_OPTIONS, lockPrompt, setVisibility, type Transaction } from '../prompts';
import { chooseSamples, modelsTried } from './samples';

export interface PublishResult {
	versionNumber: number;
	/** The version the public page shows now (the highest live one). */
	liveVersion: number;
	/** /library/<workspaceSlug>/<promptSlug> */
	workspaceSlug: string;
	promptSlug: string;
	/** True when this version had been published before (its publication was updated). */
	republished: boolean;
	message: string;
}

async function versionOf(tx: Transaction, promptId: string, number: number, field = 'versionNumber') {
	const row = await tx.promptVersion.findUnique({ where: { promptId_versionNumber: { promptId, versionNumber: number } }, select: { id: true } });
	if (!row) throw invalid(`This prompt has no v${number}.`, field);
	return { id: row.id, number };
}

function refuseHidden(prompt: PublishablePrompt): void {
	if (prompt.hiddenAt) {
		throw forbidden(`A site admin hid this prompt from the library${prompt.hiddenReason ? `: ${prompt.hiddenReason}` : ''}. It cannot be published.`);
	}
}

/** Publishes version `input.versionNumber` of the prompt (again, when it was before), and lists it. */
export async function publishVersion(member: Member, promptSlug: string, input: PublishInput): Promise<PublishResult> {
	const prompt = await requirePublisher(member, promptSlug);
	refuseHidden(prompt);
	const db = await prisma();
	const outcome = await db.$transaction(async (tx) => {
		await lockPrompt(tx, prompt.id);
		const version = await versionOf(tx, prompt.id, input.versionNumber);
		const sampleRunIds = [...new Set(input.sampleRunIds)];
		const samples = await chooseSamples(tx, prompt.id, version, sampleRunIds);
		const fields = {
			title: input.title,
			description: input.description,
			tags: input.tags,
			sampleRunIds,
			samples: samples as Prisma.InputJsonValue,
			modelsTried: await modelsTried(tx, prompt.id, version.id),
			publishedById: member.user.id,
			publishedAt: new Date(),
			unpublishedAt: null
		};
		const before = await tx.publication.findUnique({ where: { promptId_versionId: { promptId: prompt.id, versionId: version.id } }, select: { id: true } });
		await tx.publication.upsert({
			where: { promptId_versionId: { promptId: prompt.id, versionId: version.id } },
			create: { promptId: prompt.id, versionId: version.id, ...fields },
			update: fields
		});
		await setVisibility(tx, prompt.id, 'public');
		const liveVersion = await refreshListing(tx, prompt.id);
		if (liveVersion === null) throw new Error(`prompt ${prompt.id} was published but has no live publication`);
		return { republished: before !== null, liveVersion };
	}, TX_OPTIONS);
	if (prompt.visibility !== 'public') emitEvent('prompt.access.changed', { promptId: prompt.id });
	const shown = outcome.liveVersion === input.versionNumber ? '' : ` The public page keeps showing v${outcome.liveVersion}, the newest published version.`;
	return {
		versionNumber: input.versionNumber,
		liveVersion: outcome.liveVersion,
		workspaceSlug: member.workspace.slug,
		promptSlug: prompt.slug,
		republished: outcome.republished,
		message: `${outcome.republished ? 'Published again' : 'Published'}: v${input.versionNumber} is in the community library.${shown}`
	};
}

export interface UnpublishResult {
	/** The version the public page shows now, or null when the prompt left the library. */
	liveVersion: number | null;
	message: string;
}

/**
 * With a version number: that publication is unpublished and the public page falls back to the
 * newest live one. Without: every publication is, the prompt leaves the library and its visibility
 * goes back to `workspace`. A prompt with no live publication left is never `public`.
 */
export async function unpublish(member: Member, promptSlug: string, versionNumber?: number): Promise<UnpublishResult> {
	const prompt = await requirePublisher(member, promptSlug, 'Viewers cannot unpublish prompts.');
	const db = await prisma();
	const liveVersion = await db.$transaction(async (tx) => {
		await lockPrompt(tx, prompt.id);
		if (versionNumber === undefined) {
			const count = await withdrawListing(tx, prompt.id);
			if (count === 0 && prompt.visibility !== 'public') throw invalid('This prompt is not published.');
		} else {
			const version = await versionOf(tx, prompt.id, versionNumber, 'version');
			const { count } = await tx.publication.updateMany({ where: { promptId: prompt.id, versionId: version.id, unpublishedAt: null }, data: { unpublishedAt: new Date() } });
			if (count === 0) throw invalid(`v${versionNumber} is not published.`, 'version');
		}
		const live = await refreshListing(tx, prompt.id);
		if (live === null) await setVisibility(tx, prompt.id, 'workspace');
		return live;
	}, TX_OPTIONS);
	if (versionNumber === undefined) return { liveVersion: null, message: 'Unpublished everywhere: the prompt left the community library and is visible to the workspace only.' };
	return {
		liveVersion,
		message:
			liveVersion === null
				? `Unpublished v${versionNumber}. No version is published any more: the prompt left the library and is visible to the workspace only.`
				: `Unpublished v${versionNumber}. The public page now shows v${liveVersion}.`
	};
}

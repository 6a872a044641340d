// Sample outputs a publisher may show with a version: succeeded runs of that very version of that
// prompt, copied (model, stand-in, variables, output) so that the public page never reads
// execution_history, which holds user ids, parameters and rendered prompts.
import { isModelId } from '$lib/models';
import { invalid } from '../errors';
import { toSample, type SampleSource } from '../listings';
import type { Transaction } from '../prompts';
import { sortTriedOn, triedOnEntry, type SampleOutput } from '$lib/schemas/publishing';

const sampleSelect = {
	id: true,
	promptId: true,
	versionId: true,
	status: true,
	modelUsed: true,
	standInModel: true,
	inputData: true,
	outputData: true
} as const;

/**
 * The chosen runs as samples, in the order chosen; a 400 on `sampleRunIds` naming the first run that
 * is not a succeeded run of this version.
 */
export async function chooseSamples(tx: Transaction, promptId: string, version: { id: string; number: number }, runIds: string[]): Promise<SampleOutput[]> {
	if (runIds.length === 0) return [];
	const rows = await tx.executionHistory.findMany({ where: { id: { in: runIds } }, select: { ...sampleSelect, version: { select: { versionNumber: true } } } });
	const byId = new Map(rows.map((row) => [row.id, row]));
	return runIds.map((id) => {
		const run = byId.get(id);
		const fail = (why: string) => invalid(`Sample run ${id.slice(0, 8)} ${why}`, 'sampleRunIds');
		if (!run || run.promptId !== promptId) throw fail('is not a run of this prompt.');
		if (run.versionId !== version.id) {
			throw fail(run.version ? `ran v${run.version.versionNumber}, not v${version.number}.` : `ran the live draft, not v${version.number}.`);
		}
		if (run.status !== 'succeeded') throw fail(`did not succeed (${run.status}); only succeeded runs can be samples.`);
		if (!isModelId(run.modelUsed)) throw fail('ran on a model the library does not list.');
		return toSample(run as SampleSource);
	});
}

/**
 * What answered the version's succeeded runs, as execution_history recorded it: a model through its
 * endpoint, or the embedded stand-in in a model's place (listed as itself, never as that model).
 */
export async function modelsTried(tx: Transaction, promptId: string, versionId: string): Promise<string[]> {
	const rows = await tx.executionHistory.findMany({
		where: { promptId, versionId, status: 'succeeded' },
		distinct: ['modelUsed', 'standInModel'],
		select: { modelUsed: true, standInModel: true }
	});
	return sortTriedOn(rows.filter((row) => isModelId(row.modelUsed)).map((row) => triedOnEntry({ model: row.modelUsed, standIn: row.standInModel })));
}

// What the studio says while a model wakes: the server's own account of a cold start when it gives one
// (the Space's proxy does: downloading N of M GB), in one bounded line, and never an HTML page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftContent } from '../../src/lib/prompt-doc';
import { ModelLoadingError, prepareRequest, streamWithRetry, type WaitingInfo } from '../../src/lib/server/models/gateway';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';

let tgi: TgiServer;
beforeAll(async () => {
	tgi = await startTgiServer();
});
afterAll(() => tgi?.close());

const content: DraftContent = {
	systemPrompt: '',
	userPromptTemplate: 'Explain {{code}}',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 10 }
};

async function wakingMessages(raw: { status: number; contentType: string; body: string }) {
	tgi.script({ raw });
	const waits: WaitingInfo[] = [];
	let failure: unknown;
	try {
		const request = prepareRequest('whiterabbitneo', { content, variables: { code: 'x' } }, { WHITERABBITNEO_ENDPOINT_URL: tgi.url, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN: undefined });
		for await (const _ of streamWithRetry(request, { initialDelayMs: 1, maxAttempts: 2, onWaiting: (w) => waits.push(w) })) void _;
	} catch (error) {
		failure = error;
	}
	expect(failure).toBeInstanceOf(ModelLoadingError);
	return { waits, error: failure as ModelLoadingError };
}

describe('the waking message', () => {
	it("carries the server's account of a cold start, on one line and bounded", async () => {
		const said = `WhiteRabbitNeo-33B is downloading its weights\n(12.3 of 66.5 GB so far)\u0007 ${'and more '.repeat(60)}`;
		const { waits, error } = await wakingMessages({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: said, error_type: 'loading', estimated_time: 900 }) });
		expect(waits[0]!.message).toMatch(/^Waking WhiteRabbitNeo-33B, ~900 s \(the server says: WhiteRabbitNeo-33B is downloading its weights \(12\.3 of 66\.5 GB so far\) and more and more/);
		expect(error.detail).toHaveLength(300);
		expect(error.detail!.endsWith('…')).toBe(true);
		expect(waits[0]!.message).not.toMatch(/[\n\u0007]/);
	});

	it('keeps the plain message for the stock "Model … is currently loading"', async () => {
		const { waits } = await wakingMessages({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'Model WhiteRabbitNeo/WhiteRabbitNeo-33B-v1 is currently loading', estimated_time: 20 }) });
		expect(waits[0]!.message).toBe('Waking WhiteRabbitNeo-33B, ~20 s');
	});

	it("never passes on a front end's HTML page", async () => {
		const { waits } = await wakingMessages({ status: 503, contentType: 'text/html', body: '<html><body><h1>Your Space is starting</h1></body></html>' });
		expect(waits[0]!.message).toMatch(/^Waking WhiteRabbitNeo-33B, ~\d+ s$/);
	});
});

// An endpoint configured as https://user:password@host reaches its model server with those
// credentials as Basic auth (fetch itself refuses such a URL); with HF_TOKEN set, the token goes
// as Bearer instead. The URL the request went to carries no credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRequest, streamGeneration } from '$lib/server/models/gateway';
import { startTgiServer, type TgiServer } from '../helpers/tgi-server';

let tgi: TgiServer;
beforeAll(async () => {
	tgi = await startTgiServer({ tokens: ['ok'] });
});
afterAll(() => tgi?.close());

const content = {
	systemPrompt: 'You review code.',
	userPromptTemplate: 'Review {{code}}',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo' as const, temperature: 0, maxTokens: 8 }
};

async function runWith(HF_TOKEN?: string): Promise<string> {
	const url = new URL(tgi.url);
	url.username = 'model user';
	url.password = 'p@ss:word';
	const settings = { WHITERABBITNEO_ENDPOINT_URL: url.toString(), CODET5P_ENDPOINT_URL: undefined, HF_TOKEN };
	let text = '';
	for await (const event of streamGeneration(prepareRequest('whiterabbitneo', { content, variables: { code: 'x' } }, settings))) if (event.type === 'token') text += event.text;
	return text;
}

describe('endpoint credentials in the URL', () => {
	it('are sent as Basic auth', async () => {
		expect(await runWith()).toBe('ok');
		expect(tgi.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('model user:p@ss:word').toString('base64')}`);
		expect(tgi.requests.at(-1)!.path).toBe('/v1/chat/completions');
	});

	it('give way to HF_TOKEN, sent as Bearer', async () => {
		expect(await runWith('hf_secret_token')).toBe('ok');
		expect(tgi.requests.at(-1)!.headers.authorization).toBe('Bearer hf_secret_token');
	});
});

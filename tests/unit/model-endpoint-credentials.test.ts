// An endpoint URL configured with `user:password@` is used without them (fetch refuses such a URL,
// and its error repeats the URL, credentials and all, to the run's caller and its history).
import { describe, expect, it } from 'vitest';
import { modelEndpoint } from '$lib/server/models/registry';

const settings = (url: string, HF_TOKEN?: string) => ({ WHITERABBITNEO_ENDPOINT_URL: url, CODET5P_ENDPOINT_URL: undefined, HF_TOKEN });

describe('a model endpoint', () => {
	it('keeps the credentials of its URL apart from the URL', () => {
		expect(modelEndpoint('whiterabbitneo', settings('https://model-user:s3cr%40t@tgi.example:8080'))).toEqual({
			url: 'https://tgi.example:8080',
			basicCredentials: 'model-user:s3cr@t'
		});
		expect(modelEndpoint('whiterabbitneo', settings('https://model-user:pw@tgi.example/v2/', 'hf_token'))).toEqual({
			url: 'https://tgi.example/v2/',
			token: 'hf_token',
			basicCredentials: 'model-user:pw'
		});
	});

	it('leaves a URL without credentials exactly as configured', () => {
		expect(modelEndpoint('whiterabbitneo', settings('http://127.0.0.1:8080'))).toEqual({ url: 'http://127.0.0.1:8080' });
	});
});

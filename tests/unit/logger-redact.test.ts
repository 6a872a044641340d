// The logger's own options write passwords, cookies and authorization headers as [redacted],
// wherever they sit in a logged object, at debug level too.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from '$lib/server/logger';

function capture() {
	const lines: string[] = [];
	const stream = new Writable({
		write(chunk, _encoding, done) {
			lines.push(String(chunk));
			done();
		}
	});
	return { log: pino({ ...loggerOptions, level: 'debug' }, stream), lines };
}

describe('the logger', () => {
	it('redacts credentials in requests, errors and forms, and keeps the rest', () => {
		const { log, lines } = capture();
		log.debug(
			{
				request: { method: 'POST', path: '/signin', headers: { authorization: 'Bearer cts_secret', cookie: 'auth-session=abc', 'set-cookie': 'auth-session=def', accept: 'text/html' } },
				err: { message: 'refused', config: { headers: { Authorization: 'Basic dXNlcjpwdw==' } } },
				form: { username: 'ada', password: 'hunter2 hunter2', confirmPassword: 'hunter2 hunter2' },
				headers: { authorization: 'Bearer top-level' }
			},
			'a request'
		);
		const line = lines.join('');
		for (const secret of ['cts_secret', 'auth-session=abc', 'auth-session=def', 'dXNlcjpwdw==', 'hunter2', 'top-level']) expect(line).not.toContain(secret);
		const logged = JSON.parse(line);
		expect(logged.request.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]', accept: 'text/html' });
		expect(logged.form).toEqual({ username: 'ada', password: '[redacted]', confirmPassword: '[redacted]' });
		expect(logged.request.path).toBe('/signin');
	});
});

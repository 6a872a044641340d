// One structured logger for the server (pino). Unexpected errors are logged once, with context.
import pino, { type LoggerOptions } from 'pino';
import { config } from './config';

/**
 * Wherever they turn up in a logged object (a request's headers, an error's request, a form's
 * fields), these are written as [redacted], at every level: a session cookie, a bearer or Basic
 * credential, a password. Nothing logs them today (tests/integration/secrets-not-logged.test.ts
 * checks the output); this keeps a future `logger.debug({ request })` from doing so.
 */
export const REDACTED_PATHS = [
	'password',
	'*.password',
	'confirmPassword',
	'*.confirmPassword',
	'headers.authorization',
	'headers.cookie',
	'headers["set-cookie"]',
	'*.headers.authorization',
	'*.headers.Authorization',
	'*.headers.cookie',
	'*.headers["set-cookie"]',
	// An error's request (err.config.headers, err.request.headers), one level further down.
	'*.*.headers.authorization',
	'*.*.headers.Authorization',
	'*.*.headers.cookie'
];

export const loggerOptions: LoggerOptions = {
	level: config().LOG_LEVEL,
	base: { app: 'codetunestudio' },
	redact: { paths: REDACTED_PATHS, censor: '[redacted]' }
};

export const logger = pino(loggerOptions);

// One structured logger for the server (pino). Unexpected errors are logged once, with context.
import pino from 'pino';
import { config } from './config';

export const logger = pino({ level: config().LOG_LEVEL, base: { app: 'codetunestudio' } });

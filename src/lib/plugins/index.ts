// What a plugin is written against: the manifest and hooks it may define, the plain-JSON results it
// returns, and the shared token estimate. Plugins under plugins/ import this and nothing of the server's.
export * from './types';
export { estimateTokens } from './tokens';

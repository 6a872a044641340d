// Runs in every integration worker before a test file: the environment the global set-up chose
// (DATABASE_URL of the run's own database, or DATA_DIR of the embedded one; Redis and its prefix).
// The app reads config() lazily from process.env, so setting it here is enough.
import { inject } from 'vitest';

const env = inject('testEnv');
if (inject('testDatabase') === 'embedded') delete process.env.DATABASE_URL;
Object.assign(process.env, env);

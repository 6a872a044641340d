// Prisma CLI configuration. The studio itself migrates through src/lib/server/db/migrate.ts
// (offline, WebAssembly engine); this file serves `prisma generate` and, where Prisma's binary
// engine can be downloaded, `prisma migrate deploy` against DATABASE_URL.
import { defineConfig } from 'prisma/config';

export default defineConfig({
	schema: 'prisma/schema.prisma',
	migrations: { path: 'prisma/migrations' },
	datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/codetunestudio' }
});

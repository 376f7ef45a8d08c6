import { defineConfig } from 'prisma/config';

// The URL is optional so that `prisma generate` works without a database; tools/prisma.mjs supplies one otherwise.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/unused' },
});

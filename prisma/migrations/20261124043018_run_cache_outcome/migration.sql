-- CreateEnum
CREATE TYPE "CacheOutcome" AS ENUM ('hit', 'miss', 'skip');

-- CreateEnum
CREATE TYPE "CacheMode" AS ENUM ('auto', 'always', 'never');

-- AlterTable
ALTER TABLE "execution_history" ADD COLUMN     "cache_mode" "CacheMode" NOT NULL DEFAULT 'auto',
ADD COLUMN     "cache_outcome" "CacheOutcome";

-- CreateIndex
CREATE INDEX "execution_history_workspace_id_cache_outcome_idx" ON "execution_history"("workspace_id", "cache_outcome");

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('owner', 'editor', 'viewer');

-- CreateEnum
CREATE TYPE "ApiScope" AS ENUM ('read', 'run');

-- CreateEnum
CREATE TYPE "Visibility" AS ENUM ('private', 'workspace', 'public');

-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('open', 'approved', 'changes_requested', 'merged', 'closed');

-- CreateEnum
CREATE TYPE "ReviewVerdict" AS ENUM ('approve', 'request_changes');

-- CreateEnum
CREATE TYPE "DiffSide" AS ENUM ('old', 'new');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "RunSource" AS ENUM ('studio', 'api', 'evaluation');

-- CreateEnum
CREATE TYPE "EvaluationStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "SampleOutcome" AS ENUM ('passed', 'failed', 'timeout', 'error');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "username" VARCHAR(32) NOT NULL,
    "username_key" VARCHAR(32) NOT NULL,
    "display_name" VARCHAR(64),
    "password_hash" TEXT NOT NULL,
    "is_site_admin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" VARCHAR(64) NOT NULL,
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workspaces" (
    "id" UUID NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "slug" VARCHAR(64) NOT NULL,
    "protect_production" BOOLEAN NOT NULL DEFAULT false,
    "model_settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "workspace_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("workspace_id","user_id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "scopes" "ApiScope"[],
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_library" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "slug" VARCHAR(64) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "description" VARCHAR(2000) NOT NULL DEFAULT '',
    "category" VARCHAR(64) NOT NULL DEFAULT '',
    "use_case" VARCHAR(500) NOT NULL DEFAULT '',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "visibility" "Visibility" NOT NULL DEFAULT 'workspace',
    "model_type" VARCHAR(64) NOT NULL DEFAULT 'whiterabbitneo',
    "temperature" DOUBLE PRECISION NOT NULL DEFAULT 0.7,
    "max_tokens" INTEGER NOT NULL DEFAULT 2048,
    "system_prompt" TEXT NOT NULL DEFAULT '',
    "user_prompt_template" TEXT NOT NULL DEFAULT '',
    "few_shot_examples" JSONB NOT NULL DEFAULT '[]',
    "avg_execution_time" DOUBLE PRECISION,
    "success_rate" DOUBLE PRECISION,
    "total_executions" INTEGER NOT NULL DEFAULT 0,
    "current_version_id" UUID,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "forked_from_id" UUID,
    "forked_from_version_id" UUID,
    "star_count" INTEGER NOT NULL DEFAULT 0,
    "fork_count" INTEGER NOT NULL DEFAULT 0,
    "hidden_at" TIMESTAMPTZ(3),
    "hidden_by" UUID,
    "hidden_reason" VARCHAR(500),

    CONSTRAINT "prompt_library_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_drafts" (
    "prompt_id" UUID NOT NULL,
    "snapshot" BYTEA NOT NULL,
    "compacted_through" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "prompt_drafts_pkey" PRIMARY KEY ("prompt_id")
);

-- CreateTable
CREATE TABLE "prompt_draft_updates" (
    "id" BIGSERIAL NOT NULL,
    "prompt_id" UUID NOT NULL,
    "update" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prompt_draft_updates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_versions" (
    "id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "version_number" INTEGER NOT NULL,
    "system_prompt" TEXT NOT NULL,
    "user_prompt_template" TEXT NOT NULL,
    "few_shot_examples" JSONB NOT NULL DEFAULT '[]',
    "model_type" VARCHAR(64) NOT NULL,
    "temperature" DOUBLE PRECISION NOT NULL DEFAULT 0.7,
    "max_tokens" INTEGER NOT NULL DEFAULT 2048,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "variables" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "change_notes" VARCHAR(2000) NOT NULL DEFAULT '',
    "content_hash" VARCHAR(64) NOT NULL,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "parent_version_id" UUID,
    "restored_from_id" UUID,
    "test_executions" INTEGER NOT NULL DEFAULT 0,
    "test_success_rate" DOUBLE PRECISION,
    "test_avg_execution_time" DOUBLE PRECISION,
    "is_deployed" BOOLEAN NOT NULL DEFAULT false,
    "deployed_at" TIMESTAMPTZ(3),

    CONSTRAINT "prompt_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_labels" (
    "id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "name" VARCHAR(40) NOT NULL,
    "version_id" UUID NOT NULL,
    "updated_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "prompt_labels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "label_moves" (
    "id" UUID NOT NULL,
    "label_id" UUID NOT NULL,
    "from_version_id" UUID,
    "to_version_id" UUID NOT NULL,
    "moved_by" UUID,
    "review_id" UUID,
    "moved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "label_moves_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "version_reviews" (
    "id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "version_id" UUID NOT NULL,
    "base_version_id" UUID,
    "label_name" VARCHAR(40) NOT NULL,
    "title" VARCHAR(200) NOT NULL DEFAULT '',
    "status" "ReviewStatus" NOT NULL DEFAULT 'open',
    "proposed_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "version_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_decisions" (
    "id" UUID NOT NULL,
    "review_id" UUID NOT NULL,
    "reviewer_id" UUID,
    "verdict" "ReviewVerdict" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_comments" (
    "id" UUID NOT NULL,
    "version_id" UUID NOT NULL,
    "review_id" UUID,
    "author_id" UUID,
    "body" VARCHAR(5000) NOT NULL,
    "field" VARCHAR(32),
    "side" "DiffSide",
    "line" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "review_comments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "generation_sessions" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "title" VARCHAR(120) NOT NULL DEFAULT '',
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_activity_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "generation_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "execution_history" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "prompt_id" UUID,
    "version_id" UUID,
    "session_id" UUID,
    "user_id" UUID,
    "api_token_id" UUID,
    "run_group_id" UUID,
    "source" "RunSource" NOT NULL DEFAULT 'studio',
    "executed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "status" "RunStatus" NOT NULL DEFAULT 'running',
    "input_data" JSONB NOT NULL DEFAULT '{}',
    "rendered_prompt" TEXT NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "output_data" TEXT,
    "execution_time_ms" INTEGER,
    "time_to_first_token_ms" INTEGER,
    "tokens_used" INTEGER,
    "prompt_tokens" INTEGER,
    "completion_tokens" INTEGER,
    "model_used" VARCHAR(120) NOT NULL,
    "success" BOOLEAN,
    "error_message" TEXT,
    "finish_reason" VARCHAR(32),
    "cache_hit" BOOLEAN NOT NULL DEFAULT false,
    "estimated_cost_usd" DECIMAL(12,6),
    "user_feedback" SMALLINT,
    "user_feedback_text" VARCHAR(2000),
    "plugin_results" JSONB,

    CONSTRAINT "execution_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "execution_chunks" (
    "execution_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "execution_chunks_pkey" PRIMARY KEY ("execution_id","seq")
);

-- CreateTable
CREATE TABLE "model_cache" (
    "id" UUID NOT NULL,
    "model_name" VARCHAR(120) NOT NULL,
    "prompt_hash" VARCHAR(64) NOT NULL,
    "parameters_hash" VARCHAR(64) NOT NULL,
    "cached_output" JSONB NOT NULL,
    "tokens_used" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_accessed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "access_count" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "is_valid" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "model_cache_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "publications" (
    "id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "version_id" UUID NOT NULL,
    "published_by" UUID,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "unpublished_at" TIMESTAMPTZ(3),
    "sample_run_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "publications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_stars" (
    "user_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prompt_stars_pkey" PRIMARY KEY ("user_id","prompt_id")
);

-- CreateTable
CREATE TABLE "abuse_reports" (
    "id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "reporter_id" UUID,
    "reason" VARCHAR(2000) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" UUID,

    CONSTRAINT "abuse_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluation_runs" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "version_id" UUID,
    "benchmark" VARCHAR(32) NOT NULL,
    "model_id" VARCHAR(120) NOT NULL,
    "samples_per_problem" INTEGER NOT NULL DEFAULT 1,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "status" "EvaluationStatus" NOT NULL DEFAULT 'queued',
    "total_problems" INTEGER NOT NULL DEFAULT 0,
    "completed_problems" INTEGER NOT NULL DEFAULT 0,
    "pass_at_1" DOUBLE PRECISION,
    "pass_at_k" JSONB,
    "error" TEXT,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "evaluation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluation_results" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "task_id" VARCHAR(64) NOT NULL,
    "sample_index" INTEGER NOT NULL DEFAULT 0,
    "outcome" "SampleOutcome" NOT NULL,
    "completion" TEXT NOT NULL,
    "detail" TEXT,
    "duration_ms" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evaluation_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plugin_settings" (
    "workspace_id" UUID NOT NULL,
    "plugin_id" VARCHAR(64) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "config" JSONB NOT NULL DEFAULT '{}',
    "updated_by" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plugin_settings_pkey" PRIMARY KEY ("workspace_id","plugin_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key_key" ON "users"("username_key");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "workspaces_slug_key" ON "workspaces"("slug");

-- CreateIndex
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_workspace_id_idx" ON "api_tokens"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "prompt_library_current_version_id_key" ON "prompt_library"("current_version_id");

-- CreateIndex
CREATE INDEX "prompt_library_workspace_id_updated_at_idx" ON "prompt_library"("workspace_id", "updated_at" DESC);

-- CreateIndex
CREATE INDEX "prompt_library_workspace_id_category_idx" ON "prompt_library"("workspace_id", "category");

-- CreateIndex
CREATE INDEX "prompt_library_tags_idx" ON "prompt_library" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "prompt_library_visibility_hidden_at_idx" ON "prompt_library"("visibility", "hidden_at");

-- CreateIndex
CREATE INDEX "prompt_library_star_count_idx" ON "prompt_library"("star_count" DESC);

-- CreateIndex
CREATE INDEX "prompt_library_forked_from_id_idx" ON "prompt_library"("forked_from_id");

-- CreateIndex
CREATE INDEX "prompt_library_created_by_idx" ON "prompt_library"("created_by");

-- CreateIndex
CREATE UNIQUE INDEX "prompt_library_workspace_id_slug_key" ON "prompt_library"("workspace_id", "slug");

-- CreateIndex
CREATE INDEX "prompt_draft_updates_prompt_id_id_idx" ON "prompt_draft_updates"("prompt_id", "id");

-- CreateIndex
CREATE INDEX "prompt_versions_prompt_id_created_at_idx" ON "prompt_versions"("prompt_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "prompt_versions_prompt_id_content_hash_idx" ON "prompt_versions"("prompt_id", "content_hash");

-- CreateIndex
CREATE UNIQUE INDEX "prompt_versions_prompt_id_version_number_key" ON "prompt_versions"("prompt_id", "version_number");

-- CreateIndex
CREATE INDEX "prompt_labels_version_id_idx" ON "prompt_labels"("version_id");

-- CreateIndex
CREATE UNIQUE INDEX "prompt_labels_prompt_id_name_key" ON "prompt_labels"("prompt_id", "name");

-- CreateIndex
CREATE INDEX "label_moves_label_id_moved_at_idx" ON "label_moves"("label_id", "moved_at" DESC);

-- CreateIndex
CREATE INDEX "version_reviews_prompt_id_status_idx" ON "version_reviews"("prompt_id", "status");

-- CreateIndex
CREATE INDEX "version_reviews_version_id_idx" ON "version_reviews"("version_id");

-- CreateIndex
CREATE INDEX "review_decisions_review_id_created_at_idx" ON "review_decisions"("review_id", "created_at");

-- CreateIndex
CREATE INDEX "review_comments_version_id_created_at_idx" ON "review_comments"("version_id", "created_at");

-- CreateIndex
CREATE INDEX "review_comments_review_id_created_at_idx" ON "review_comments"("review_id", "created_at");

-- CreateIndex
CREATE INDEX "generation_sessions_workspace_id_last_activity_at_idx" ON "generation_sessions"("workspace_id", "last_activity_at" DESC);

-- CreateIndex
CREATE INDEX "generation_sessions_prompt_id_idx" ON "generation_sessions"("prompt_id");

-- CreateIndex
CREATE INDEX "execution_history_prompt_id_idx" ON "execution_history"("prompt_id");

-- CreateIndex
CREATE INDEX "execution_history_executed_at_idx" ON "execution_history"("executed_at" DESC);

-- CreateIndex
CREATE INDEX "execution_history_success_idx" ON "execution_history"("success");

-- CreateIndex
CREATE INDEX "execution_history_session_id_idx" ON "execution_history"("session_id");

-- CreateIndex
CREATE INDEX "execution_history_workspace_id_executed_at_idx" ON "execution_history"("workspace_id", "executed_at" DESC);

-- CreateIndex
CREATE INDEX "execution_history_model_used_executed_at_idx" ON "execution_history"("model_used", "executed_at");

-- CreateIndex
CREATE INDEX "execution_history_run_group_id_idx" ON "execution_history"("run_group_id");

-- CreateIndex
CREATE INDEX "model_cache_expires_at_idx" ON "model_cache"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "model_cache_model_name_prompt_hash_parameters_hash_key" ON "model_cache"("model_name", "prompt_hash", "parameters_hash");

-- CreateIndex
CREATE INDEX "publications_prompt_id_published_at_idx" ON "publications"("prompt_id", "published_at" DESC);

-- CreateIndex
CREATE INDEX "publications_published_at_idx" ON "publications"("published_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "publications_prompt_id_version_id_key" ON "publications"("prompt_id", "version_id");

-- CreateIndex
CREATE INDEX "prompt_stars_prompt_id_created_at_idx" ON "prompt_stars"("prompt_id", "created_at");

-- CreateIndex
CREATE INDEX "abuse_reports_resolved_at_created_at_idx" ON "abuse_reports"("resolved_at", "created_at");

-- CreateIndex
CREATE INDEX "abuse_reports_prompt_id_idx" ON "abuse_reports"("prompt_id");

-- CreateIndex
CREATE INDEX "evaluation_runs_workspace_id_created_at_idx" ON "evaluation_runs"("workspace_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "evaluation_runs_prompt_id_version_id_idx" ON "evaluation_runs"("prompt_id", "version_id");

-- CreateIndex
CREATE UNIQUE INDEX "evaluation_results_run_id_task_id_sample_index_key" ON "evaluation_results"("run_id", "task_id", "sample_index");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_library" ADD CONSTRAINT "prompt_library_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_library" ADD CONSTRAINT "prompt_library_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_library" ADD CONSTRAINT "prompt_library_hidden_by_fkey" FOREIGN KEY ("hidden_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_library" ADD CONSTRAINT "prompt_library_current_version_id_fkey" FOREIGN KEY ("current_version_id") REFERENCES "prompt_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_library" ADD CONSTRAINT "prompt_library_forked_from_id_fkey" FOREIGN KEY ("forked_from_id") REFERENCES "prompt_library"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_library" ADD CONSTRAINT "prompt_library_forked_from_version_id_fkey" FOREIGN KEY ("forked_from_version_id") REFERENCES "prompt_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_drafts" ADD CONSTRAINT "prompt_drafts_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_draft_updates" ADD CONSTRAINT "prompt_draft_updates_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_versions" ADD CONSTRAINT "prompt_versions_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_versions" ADD CONSTRAINT "prompt_versions_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_versions" ADD CONSTRAINT "prompt_versions_parent_version_id_fkey" FOREIGN KEY ("parent_version_id") REFERENCES "prompt_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_versions" ADD CONSTRAINT "prompt_versions_restored_from_id_fkey" FOREIGN KEY ("restored_from_id") REFERENCES "prompt_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_labels" ADD CONSTRAINT "prompt_labels_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_labels" ADD CONSTRAINT "prompt_labels_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "prompt_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_labels" ADD CONSTRAINT "prompt_labels_updated_by_fkey" FOREIGN KEY ("updated_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "label_moves" ADD CONSTRAINT "label_moves_label_id_fkey" FOREIGN KEY ("label_id") REFERENCES "prompt_labels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "label_moves" ADD CONSTRAINT "label_moves_from_version_id_fkey" FOREIGN KEY ("from_version_id") REFERENCES "prompt_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "label_moves" ADD CONSTRAINT "label_moves_to_version_id_fkey" FOREIGN KEY ("to_version_id") REFERENCES "prompt_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "label_moves" ADD CONSTRAINT "label_moves_moved_by_fkey" FOREIGN KEY ("moved_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "label_moves" ADD CONSTRAINT "label_moves_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "version_reviews"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "version_reviews" ADD CONSTRAINT "version_reviews_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "version_reviews" ADD CONSTRAINT "version_reviews_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "prompt_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "version_reviews" ADD CONSTRAINT "version_reviews_base_version_id_fkey" FOREIGN KEY ("base_version_id") REFERENCES "prompt_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "version_reviews" ADD CONSTRAINT "version_reviews_proposed_by_fkey" FOREIGN KEY ("proposed_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "version_reviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_comments" ADD CONSTRAINT "review_comments_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "prompt_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_comments" ADD CONSTRAINT "review_comments_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "version_reviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_comments" ADD CONSTRAINT "review_comments_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generation_sessions" ADD CONSTRAINT "generation_sessions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generation_sessions" ADD CONSTRAINT "generation_sessions_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generation_sessions" ADD CONSTRAINT "generation_sessions_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_history" ADD CONSTRAINT "execution_history_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_history" ADD CONSTRAINT "execution_history_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_history" ADD CONSTRAINT "execution_history_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "prompt_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_history" ADD CONSTRAINT "execution_history_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "generation_sessions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_history" ADD CONSTRAINT "execution_history_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_history" ADD CONSTRAINT "execution_history_api_token_id_fkey" FOREIGN KEY ("api_token_id") REFERENCES "api_tokens"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_chunks" ADD CONSTRAINT "execution_chunks_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "execution_history"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "publications" ADD CONSTRAINT "publications_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "publications" ADD CONSTRAINT "publications_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "prompt_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "publications" ADD CONSTRAINT "publications_published_by_fkey" FOREIGN KEY ("published_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_stars" ADD CONSTRAINT "prompt_stars_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_stars" ADD CONSTRAINT "prompt_stars_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "abuse_reports" ADD CONSTRAINT "abuse_reports_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "abuse_reports" ADD CONSTRAINT "abuse_reports_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "abuse_reports" ADD CONSTRAINT "abuse_reports_resolved_by_fkey" FOREIGN KEY ("resolved_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "prompt_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_results" ADD CONSTRAINT "evaluation_results_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "evaluation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plugin_settings" ADD CONSTRAINT "plugin_settings_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plugin_settings" ADD CONSTRAINT "plugin_settings_updated_by_fkey" FOREIGN KEY ("updated_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

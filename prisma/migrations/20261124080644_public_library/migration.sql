-- AlterTable
ALTER TABLE "publications" ADD COLUMN     "description" VARCHAR(2000) NOT NULL DEFAULT '',
ADD COLUMN     "models_tried" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "samples" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "title" VARCHAR(120) NOT NULL DEFAULT '';

-- The library's search document: title weighs most, then tags and description, then the text.
-- IMMUTABLE so a generated column may use it (array_to_string is only STABLE in general, but
-- joining text[] is immutable).
CREATE FUNCTION public_prompt_search(title TEXT, tags TEXT[], description TEXT, body TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
      || setweight(to_tsvector('english'::regconfig, left(coalesce(body, ''), 200000)), 'C')
$$;

-- CreateTable
CREATE TABLE "public_prompts" (
    "prompt_id" UUID NOT NULL,
    "publication_id" UUID NOT NULL,
    "workspace_slug" VARCHAR(64) NOT NULL,
    "prompt_slug" VARCHAR(64) NOT NULL,
    "version_number" INTEGER NOT NULL,
    "title" VARCHAR(120) NOT NULL,
    "description" VARCHAR(2000) NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "text" TEXT NOT NULL,
    "variables" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "models" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "author_name" VARCHAR(64) NOT NULL,
    "first_published_at" TIMESTAMPTZ(3) NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    "search" tsvector GENERATED ALWAYS AS (public_prompt_search("title", "tags", "description", "text")) STORED,

    CONSTRAINT "public_prompts_pkey" PRIMARY KEY ("prompt_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "public_prompts_publication_id_key" ON "public_prompts"("publication_id");

-- CreateIndex
CREATE INDEX "public_prompts_published_at_idx" ON "public_prompts"("published_at" DESC);

-- CreateIndex
CREATE INDEX "public_prompts_tags_idx" ON "public_prompts" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "public_prompts_models_idx" ON "public_prompts" USING GIN ("models");

-- CreateIndex
CREATE UNIQUE INDEX "public_prompts_workspace_slug_prompt_slug_key" ON "public_prompts"("workspace_slug", "prompt_slug");

-- CreateIndex
CREATE INDEX "public_prompts_search_idx" ON "public_prompts" USING GIN ("search");

-- CreateIndex
CREATE INDEX "prompt_stars_created_at_idx" ON "prompt_stars"("created_at");

-- AddForeignKey
ALTER TABLE "public_prompts" ADD CONSTRAINT "public_prompts_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompt_library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public_prompts" ADD CONSTRAINT "public_prompts_publication_id_fkey" FOREIGN KEY ("publication_id") REFERENCES "publications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

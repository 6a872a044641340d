-- "Tried on" names the model that answered a version's runs: the embedded stand-in is listed as
-- 'stand-in:<its id>', not as the model it stood in for. Publications made before say it again from
-- what execution_history recorded of that version's succeeded runs up to the publication, and the
-- library's rows follow their publication.
UPDATE "publications" AS p
SET "models_tried" = COALESCE((
  SELECT array_agg(entry ORDER BY entry LIKE 'stand-in:%', entry)
  FROM (
    SELECT DISTINCT CASE WHEN r."stand_in_model" IS NULL THEN r."model_used" ELSE 'stand-in:' || r."stand_in_model" END AS entry
    FROM "execution_history" AS r
    WHERE r."prompt_id" = p."prompt_id"
      AND r."version_id" = p."version_id"
      AND r."status" = 'succeeded'
      AND r."executed_at" <= p."published_at"
      AND r."model_used" IN ('whiterabbitneo', 'codet5p')
  ) AS answered
), '{}');

UPDATE "public_prompts" AS pp
SET "models" = p."models_tried"
FROM "publications" AS p
WHERE p."id" = pp."publication_id";

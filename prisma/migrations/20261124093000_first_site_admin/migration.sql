-- A studio that had accounts before site admins existed gets one: its oldest account, unless an
-- account is already a site admin. (A new studio's first sign-up becomes site admin at sign-up.)
UPDATE "users"
SET "is_site_admin" = true
WHERE "id" = (SELECT "id" FROM "users" ORDER BY "created_at", "id" LIMIT 1)
  AND NOT EXISTS (SELECT 1 FROM "users" WHERE "is_site_admin");

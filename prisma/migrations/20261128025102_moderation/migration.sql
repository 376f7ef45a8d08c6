-- The audit log (moderation_actions) is insert-only: rows can be neither changed nor deleted, nor the table emptied.
-- The one exception is deleting a whole group, whose rows go with it through the foreign key's ON DELETE CASCADE: by
-- the time the cascade deletes a row here, its group row is already gone.

CREATE FUNCTION "moderation_actions_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "groups" WHERE "id" = OLD."group_id") THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % on moderation_actions is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "moderation_actions_no_update"
  BEFORE UPDATE ON "moderation_actions"
  FOR EACH ROW EXECUTE FUNCTION "moderation_actions_append_only"();

CREATE TRIGGER "moderation_actions_no_delete"
  BEFORE DELETE ON "moderation_actions"
  FOR EACH ROW EXECUTE FUNCTION "moderation_actions_append_only"();

CREATE TRIGGER "moderation_actions_no_truncate"
  BEFORE TRUNCATE ON "moderation_actions"
  FOR EACH STATEMENT EXECUTE FUNCTION "moderation_actions_append_only"();

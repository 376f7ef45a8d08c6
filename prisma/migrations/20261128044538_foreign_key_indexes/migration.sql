-- CreateIndex
CREATE INDEX "debates_created_by_id_idx" ON "debates"("created_by_id");

-- CreateIndex
CREATE INDEX "document_revisions_created_by_id_idx" ON "document_revisions"("created_by_id");

-- CreateIndex
CREATE INDEX "documents_created_by_id_idx" ON "documents"("created_by_id");

-- CreateIndex
CREATE INDEX "flags_annotation_id_idx" ON "flags"("annotation_id");

-- CreateIndex
CREATE INDEX "flags_reply_id_idx" ON "flags"("reply_id");

-- CreateIndex
CREATE INDEX "invites_created_by_id_idx" ON "invites"("created_by_id");

-- CreateIndex
CREATE INDEX "moderation_actions_actor_id_idx" ON "moderation_actions"("actor_id");

-- CreateIndex
CREATE INDEX "notifications_actor_id_idx" ON "notifications"("actor_id");

-- CreateIndex
CREATE INDEX "positions_debate_id_idx" ON "positions"("debate_id");

-- CreateIndex
CREATE INDEX "replies_author_id_idx" ON "replies"("author_id");

-- CreateIndex
CREATE INDEX "replies_parent_id_idx" ON "replies"("parent_id");

-- CreateIndex
CREATE INDEX "stances_annotation_id_idx" ON "stances"("annotation_id");

-- CreateIndex
CREATE INDEX "stances_reply_id_idx" ON "stances"("reply_id");

-- CreateIndex
CREATE INDEX "stances_position_id_idx" ON "stances"("position_id");

-- CreateIndex
CREATE INDEX "stances_user_id_idx" ON "stances"("user_id");

-- CreateIndex
CREATE INDEX "votes_annotation_id_idx" ON "votes"("annotation_id");

-- CreateIndex
CREATE INDEX "votes_reply_id_idx" ON "votes"("reply_id");

-- CreateTable
CREATE TABLE "workspace_invitation_uses" (
    "invitation_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workspace_invitation_uses_pkey" PRIMARY KEY ("invitation_id","user_id")
);

-- CreateIndex
CREATE INDEX "workspace_invitation_uses_user_id_idx" ON "workspace_invitation_uses"("user_id");

-- AddForeignKey
ALTER TABLE "workspace_invitation_uses" ADD CONSTRAINT "workspace_invitation_uses_invitation_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "workspace_invitations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workspace_invitation_uses" ADD CONSTRAINT "workspace_invitation_uses_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

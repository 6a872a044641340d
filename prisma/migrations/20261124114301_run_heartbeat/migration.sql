-- AlterTable
ALTER TABLE "execution_history" ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "execution_history_status_heartbeat_at_idx" ON "execution_history"("status", "heartbeat_at");

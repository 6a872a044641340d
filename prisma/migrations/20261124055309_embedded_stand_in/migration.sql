-- AlterTable
ALTER TABLE "execution_history" ADD COLUMN     "stand_in_model" VARCHAR(160);

-- Credits ledger (modules/credits): append-only rows whose SUM is the balance.

-- CreateEnum
CREATE TYPE "CreditKind" AS ENUM ('grant', 'spend', 'refund');

-- CreateTable
CREATE TABLE "credit_entries" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" "CreditKind" NOT NULL,
    "amount" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "refund_of_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "credit_entries_refund_of_id_key" ON "credit_entries"("refund_of_id");

-- CreateIndex
CREATE INDEX "credit_entries_user_id_created_at_idx" ON "credit_entries"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "credit_entries_user_id_kind_idempotency_key_attempt_key" ON "credit_entries"("user_id", "kind", "idempotency_key", "attempt");


-- AddForeignKey
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_refund_of_id_fkey" FOREIGN KEY ("refund_of_id") REFERENCES "credit_entries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Sign and shape of each kind, enforced by the database as well as the service (not modelled in
-- schema.prisma: Prisma ignores CHECK constraints when diffing).
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_amount_sign" CHECK (
    ("kind" = 'spend' AND "amount" < 0) OR ("kind" IN ('grant', 'refund') AND "amount" > 0)
);
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_refund_shape" CHECK (
    ("kind" = 'refund') = ("refund_of_id" IS NOT NULL)
);
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_attempt_nonnegative" CHECK ("attempt" >= 0);

-- Reason: an evaluation says how far it can be trusted and what it found wrong, so a client
-- can show it and the LLM path can be compared with the built-in engine. Owner:
-- evaluation-service. Rows stored before this have NULL confidence and rubric origin
-- (unknown), no red flags, no disagreement.
ALTER TABLE answer_evaluations
    ADD COLUMN IF NOT EXISTS confidence VARCHAR(10) NULL,
    ADD COLUMN IF NOT EXISTS rubric_origin VARCHAR(20) NULL,
    ADD COLUMN IF NOT EXISTS red_flags JSONB NULL,
    ADD COLUMN IF NOT EXISTS disagreement BOOLEAN NOT NULL DEFAULT FALSE;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'chk_evaluations_confidence') THEN
        ALTER TABLE answer_evaluations ADD CONSTRAINT chk_evaluations_confidence
            CHECK (confidence IN ('low', 'medium', 'high'));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'chk_evaluations_rubric_origin') THEN
        ALTER TABLE answer_evaluations ADD CONSTRAINT chk_evaluations_rubric_origin
            CHECK (rubric_origin IN ('bank', 'question', 'key_points', 'derived'));
    END IF;
END;
$$;

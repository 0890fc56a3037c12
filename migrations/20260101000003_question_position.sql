-- Reason: questions inserted in one transaction share created_at, so their order within a
-- session needs its own column. Owner: session-service.
ALTER TABLE interview_questions ADD COLUMN IF NOT EXISTS position INTEGER;

UPDATE interview_questions q
SET position = ordered.rn
FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY created_at, id) AS rn
    FROM interview_questions
) ordered
WHERE q.id = ordered.id AND q.position IS NULL;

ALTER TABLE interview_questions ALTER COLUMN position SET NOT NULL;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ck_questions_position_positive') THEN
        ALTER TABLE interview_questions
            ADD CONSTRAINT ck_questions_position_positive CHECK (position >= 1);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'uq_questions_session_position') THEN
        ALTER TABLE interview_questions
            ADD CONSTRAINT uq_questions_session_position UNIQUE (session_id, position);
    END IF;
END;
$$;

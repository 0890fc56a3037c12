-- Reason: pending evaluations are a durable queue in the database (an answer stays
-- 'pending' until the evaluation service has stored its evaluation; retries back off),
-- and the session list pages by (created_at, id) per user. Owner: session-service.
ALTER TABLE interview_answers
    ADD COLUMN IF NOT EXISTS evaluation_status VARCHAR(20) NOT NULL DEFAULT 'pending',
    ADD COLUMN IF NOT EXISTS evaluation_attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS next_evaluation_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    ADD COLUMN IF NOT EXISTS evaluated_at TIMESTAMP WITH TIME ZONE NULL;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ck_answers_evaluation_status') THEN
        ALTER TABLE interview_answers ADD CONSTRAINT ck_answers_evaluation_status
            CHECK (evaluation_status IN ('pending', 'evaluated'));
    END IF;
END;
$$;

-- The worker's queue scan touches only pending rows.
CREATE INDEX IF NOT EXISTS idx_answers_pending_due
    ON interview_answers (next_evaluation_at) WHERE evaluation_status = 'pending';
-- ListSessions: newest first per user, keyset on (created_at, id).
CREATE INDEX IF NOT EXISTS idx_sessions_user_created_id
    ON interview_sessions (user_id, created_at DESC, id DESC);
-- The sweeper scans only sessions still in progress.
CREATE INDEX IF NOT EXISTS idx_sessions_in_progress_created
    ON interview_sessions (created_at) WHERE status = 'in_progress';

-- Reason: an evaluation must say honestly which engine produced it, with which rubric, and
-- whether it was a fallback after an LLM failure. Owner: evaluation-service.
ALTER TABLE answer_evaluations
    ADD COLUMN IF NOT EXISTS evaluator VARCHAR(100) NOT NULL DEFAULT 'bank',
    ADD COLUMN IF NOT EXISTS rubric_version VARCHAR(50) NOT NULL DEFAULT 'unknown',
    ADD COLUMN IF NOT EXISTS is_fallback BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN IF NOT EXISTS fallback_reason VARCHAR(100) NULL;

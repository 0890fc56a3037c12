-- Reason: 20260101000004 enforced one answer per question and one evaluation per answer with
-- new unique indexes beside the seed's plain indexes on the same columns, so every answer and
-- evaluation insert, and every update of an answer's queue columns, maintained two identical
-- indexes (index inserts were 8% of Postgres's CPU under the SubmitAnswer benchmark). Keep one
-- index per key under the seed's name, unique: drop the seed's plain index and give its name
-- to the unique one (a rename, no rebuild). Guarded so that running it again changes nothing.
DO $$
BEGIN
    IF to_regclass('public.uq_answers_question_id') IS NOT NULL THEN
        DROP INDEX IF EXISTS idx_answers_question_id;
        ALTER INDEX uq_answers_question_id RENAME TO idx_answers_question_id;
    END IF;
    IF to_regclass('public.uq_evaluations_answer_id') IS NOT NULL THEN
        DROP INDEX IF EXISTS idx_evaluations_answer_id;
        ALTER INDEX uq_evaluations_answer_id RENAME TO idx_evaluations_answer_id;
    END IF;
END;
$$;

-- Reason: the seed's one-to-one relations (one answer per question, one evaluation per
-- answer) enforced by the database, so concurrent requests cannot break them.
CREATE UNIQUE INDEX IF NOT EXISTS uq_answers_question_id ON interview_answers (question_id);
CREATE UNIQUE INDEX IF NOT EXISTS uq_evaluations_answer_id ON answer_evaluations (answer_id);

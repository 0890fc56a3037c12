-- Reason: a question's rubric (key points, reference answer, red flags, topic) is about
-- 15 KB: carried in every question's question_data and sent with every answer, it was
-- written, read, sent and parsed again for each answer. Rubrics are stored once each here, by the digest of their content;
-- question_data keeps the digest (`rubricDigest`) and the evaluator finds the rubric by it,
-- so an answer is still scored against the rubric its question was asked with. Owner:
-- evaluation-service, which writes every rubric it hands out before handing it out. Rows
-- are never updated (the digest names the content) and never deleted while a question may
-- name them. Questions stored before this keep their rubric in question_data.
CREATE TABLE IF NOT EXISTS question_rubrics (
    digest VARCHAR(40) PRIMARY KEY,
    rubric JSONB NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

-- The seed schema (shared/seed/database-schema.md), reproduced exactly: five tables, every
-- column, default, CHECK, UNIQUE, ON DELETE CASCADE foreign key and every named index.
-- Idempotent: every object is created only if missing.

CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

-- Keeps updated_at true on every UPDATE (the seed says "last update timestamp").
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$;

-- Owner: identity-service.
CREATE TABLE IF NOT EXISTS users (
    id            UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    -- The UNIQUE constraint's index is the seed's idx_users_email.
    email         VARCHAR(255) NOT NULL CONSTRAINT idx_users_email UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    name          VARCHAR(255) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at    TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

-- Owner: session-service.
CREATE TABLE IF NOT EXISTS interview_sessions (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id          UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type             VARCHAR(50) NOT NULL
                     CHECK (type IN ('technical', 'behavioral', 'system-design')),
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 30 AND 60),
    difficulty       VARCHAR(20) NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    status           VARCHAR(20) NOT NULL DEFAULT 'in_progress'
                     CHECK (status IN ('in_progress', 'completed', 'abandoned')),
    overall_score    DECIMAL(5,2) CHECK (overall_score BETWEEN 0 AND 10),
    created_at       TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    completed_at     TIMESTAMP WITH TIME ZONE NULL,
    updated_at       TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_sessions_user_id ON interview_sessions (user_id);
CREATE INDEX IF NOT EXISTS idx_sessions_status ON interview_sessions (status);
CREATE INDEX IF NOT EXISTS idx_sessions_created_at ON interview_sessions (created_at);

-- Owner: session-service.
CREATE TABLE IF NOT EXISTS interview_questions (
    id            UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    session_id    UUID NOT NULL REFERENCES interview_sessions(id) ON DELETE CASCADE,
    question_text TEXT NOT NULL,
    question_type VARCHAR(50) NOT NULL,
    difficulty    VARCHAR(20) NOT NULL,
    question_data JSONB NULL,
    created_at    TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_questions_session_id ON interview_questions (session_id);

-- Owner: session-service.
CREATE TABLE IF NOT EXISTS interview_answers (
    id          UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    session_id  UUID NOT NULL REFERENCES interview_sessions(id) ON DELETE CASCADE,
    question_id UUID NOT NULL REFERENCES interview_questions(id) ON DELETE CASCADE,
    answer_text TEXT NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_answers_session_id ON interview_answers (session_id);
CREATE INDEX IF NOT EXISTS idx_answers_question_id ON interview_answers (question_id);
CREATE INDEX IF NOT EXISTS idx_answers_session_question ON interview_answers (session_id, question_id);

-- Owner: evaluation-service.
CREATE TABLE IF NOT EXISTS answer_evaluations (
    id            UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    session_id    UUID NOT NULL REFERENCES interview_sessions(id) ON DELETE CASCADE,
    question_id   UUID NOT NULL REFERENCES interview_questions(id) ON DELETE CASCADE,
    answer_id     UUID NOT NULL REFERENCES interview_answers(id) ON DELETE CASCADE,
    score         DECIMAL(5,2) NOT NULL CHECK (score BETWEEN 0 AND 10),
    feedback_text TEXT NOT NULL,
    strengths     JSONB NULL,
    improvements  JSONB NULL,
    created_at    TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_evaluations_session_id ON answer_evaluations (session_id);
CREATE INDEX IF NOT EXISTS idx_evaluations_question_id ON answer_evaluations (question_id);
CREATE INDEX IF NOT EXISTS idx_evaluations_answer_id ON answer_evaluations (answer_id);
CREATE INDEX IF NOT EXISTS idx_evaluations_session_question ON answer_evaluations (session_id, question_id);

DROP TRIGGER IF EXISTS users_set_updated_at ON users;
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

DROP TRIGGER IF EXISTS interview_sessions_set_updated_at ON interview_sessions;
CREATE TRIGGER interview_sessions_set_updated_at BEFORE UPDATE ON interview_sessions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

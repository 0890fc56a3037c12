-- Reason: each service owns its tables (ARCHITECTURE.md), and the database should hold that
-- boundary, not only the code. One group role per service (NOLOGIN: deployments create the
-- login users that are members of them) can read and write its own tables and nothing else;
-- none has DDL rights, which stay with the role that applies migrations. Owners: one role
-- per service, as below. A later migration that adds a table grants it to its owner's role.
--
-- Roles belong to the cluster, not to one database: another database of the same cluster
-- (a test database, a second deployment) may have created them already, or be creating them
-- at this moment, so each is created only when missing and a concurrent creation is taken
-- as done.
DO $$
DECLARE
    role_name TEXT;
BEGIN
    FOREACH role_name IN ARRAY ARRAY[
        'interview_coach_identity', 'interview_coach_session', 'interview_coach_evaluation'
    ] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

-- Foreign keys across owners still hold: their checks and cascades run as the tables'
-- owner, so deleting a user still removes the user's sessions without the identity role
-- having any right on them.
GRANT SELECT, INSERT, UPDATE, DELETE
    ON users, refresh_tokens, token_revocations
    TO interview_coach_identity;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON interview_sessions, interview_questions, interview_answers
    TO interview_coach_session;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON answer_evaluations, question_rubrics
    TO interview_coach_evaluation;

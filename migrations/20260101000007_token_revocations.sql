-- Reason: other services verify access tokens locally, so identity publishes which users' tokens stopped being valid (account deleted, password changed). Owner: identity-service.
-- No foreign key to users: the row must outlive a deleted account until its tokens expire.
CREATE TABLE IF NOT EXISTS token_revocations (
    user_id     UUID PRIMARY KEY,
    -- Access tokens of the user issued (`iat`) before this are refused; far in the future
    -- (9999-12-31) for a deleted account.
    not_before  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- When the revocation was recorded or last raised: the feed's cursor.
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- Every token the revocation covers has expired by then; the row can go.
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_token_revocations_created_at ON token_revocations (created_at);

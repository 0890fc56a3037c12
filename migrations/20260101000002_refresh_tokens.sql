-- Reason: identity needs server-side refresh tokens (only their SHA-256 stored) with
-- rotation and family revocation. Owner: identity-service.
CREATE TABLE IF NOT EXISTS refresh_tokens (
    id          UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- Every token rotated from the same login shares the family id.
    family_id   UUID NOT NULL,
    token_hash  BYTEA NOT NULL CONSTRAINT uq_refresh_tokens_token_hash UNIQUE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- Set when the token was exchanged for a new one; presenting it again is reuse.
    used_at     TIMESTAMP WITH TIME ZONE NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE NULL
);
CREATE INDEX IF NOT EXISTS idx_refresh_tokens_user_id ON refresh_tokens (user_id);
CREATE INDEX IF NOT EXISTS idx_refresh_tokens_family_id ON refresh_tokens (family_id);

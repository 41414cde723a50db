-- One-time links that let a person set their own password: given to trainees
-- an administrator imported. Only the SHA-256 of the token is kept; a token
-- works once (used_at) and until it expires.
CREATE TABLE password_tokens (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;

CREATE INDEX password_tokens_user ON password_tokens (user_id);

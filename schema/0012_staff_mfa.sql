-- 0012 staff MFA and token scopes (#13).

-- TOTP (RFC 6238): the secret is AES-GCM-sealed with a key kept outside the database; the last
-- accepted time step makes every code good once only, on every instance at once.
ALTER TABLE staff_user
    ADD COLUMN mfa_secret         bytea,
    ADD COLUMN mfa_pending_secret bytea,
    ADD COLUMN mfa_enrolled_at    timestamptz,
    ADD COLUMN mfa_last_step      bigint;

-- Ten one-time recovery codes per account, only their SHA-256 (each carries about 115 bits).
CREATE TABLE staff_recovery_code (
    user_id    bigint NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- A session is fully signed in only after the second factor: 'mfa' waits for a code, 'enrol'
-- for the enrolment a role requires, 'full' may use the site.
ALTER TABLE staff_session ADD COLUMN stage text NOT NULL DEFAULT 'full' CHECK (stage IN ('mfa', 'enrol', 'full'));

ALTER TABLE login_attempt DROP CONSTRAINT login_attempt_outcome_check;
ALTER TABLE login_attempt ADD CONSTRAINT login_attempt_outcome_check
    CHECK (outcome IN ('success', 'wrong-password', 'unknown-login', 'locked', 'inactive', 'throttled',
                       'mfa-success', 'wrong-code', 'recovery-code'));

-- API tokens act for machines with the permissions named here (at most their owner's), and
-- expire. Tokens made before scopes keep their owner's permissions of today and get 90 days.
ALTER TABLE api_token ADD COLUMN scopes text[];
UPDATE api_token t SET scopes = ARRAY(
    SELECT DISTINCT p.permission FROM staff_user_role r JOIN role_permission p ON p.role_name = r.role_name WHERE r.user_id = t.user_id);
ALTER TABLE api_token ALTER COLUMN scopes SET NOT NULL;
UPDATE api_token SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL AND revoked_at IS NULL;

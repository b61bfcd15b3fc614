-- The API writes the audit log through its own database role, `sigmat_audit`, which may insert
-- into audit_log and do nothing else: not read it, not change or delete an entry, not touch any
-- other table. So even a compromised API process cannot rewrite the log (the trigger of 0004
-- stays as a second guard, against owners too).
--
-- The role is created here when missing, with LOGIN but no password: under password
-- authentication it cannot sign in until an administrator gives it one
-- (ALTER ROLE sigmat_audit PASSWORD '…'; docs/security.md). Roles belong to the whole
-- PostgreSQL cluster, so several schemas (and processes migrating at once) share it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sigmat_audit') THEN
        BEGIN
            CREATE ROLE sigmat_audit LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another process created it at the same moment
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO sigmat_audit', current_schema());
END $$;

GRANT INSERT ON audit_log TO sigmat_audit;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO sigmat_audit;

-- Which role wrote each entry: the API's entries must say sigmat_audit.
ALTER TABLE audit_log ADD COLUMN written_by text NOT NULL DEFAULT current_user;

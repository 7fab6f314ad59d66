-- Two-step sign-in for staff: an authenticator app's TOTP secret per person (enabled once a
-- first code confirmed it) and single-use recovery codes, kept hashed.
create table two_factor (
    user_id bigint primary key references users(id),
    secret text not null,
    enabled_at bigint,
    -- The newest time step a code was accepted for: a code is never taken twice.
    last_step bigint not null default 0
);

create table recovery_codes (
    id bigint generated always as identity primary key,
    user_id bigint not null references users(id),
    code_hash text not null,
    used_at bigint
);
create index recovery_codes_user on recovery_codes (user_id);

-- Running the desk: who owns a ticket, how urgent it is, and its service clocks (deadlines are
-- wall-clock UTC ms computed in business hours by the server; spent time is business ms).
alter table tickets add column priority text not null default 'normal'
    constraint tickets_priority_known check (priority in ('low', 'normal', 'high', 'urgent'));
alter table tickets add column assignee_id bigint references users (id);
alter table tickets add column first_response_at bigint;
alter table tickets add column first_response_due bigint;
alter table tickets add column response_owed_since bigint;
alter table tickets add column response_due_at bigint;
alter table tickets add column response_breaches bigint not null default 0;
alter table tickets add column resolve_running_since bigint;
alter table tickets add column resolve_spent_ms bigint not null default 0;
alter table tickets add column resolve_due_at bigint;
alter table tickets add column resolution_breached bigint;
-- The nearest of the two deadlines: what the queue sorts by.
alter table tickets add column next_due_at bigint;
-- A duplicate merged into another ticket points at it.
alter table tickets add column merged_into bigint references tickets (id);
create index tickets_status_due on tickets (status, next_due_at);
create index tickets_assignee_status on tickets (assignee_id, status);

-- What an admin changed in the console, one JSON document per section; absent: the default.
create table desk_settings (
    section text primary key,
    value text not null,
    updated_at bigint not null,
    updated_by bigint references users (id)
);

-- Who did what, when. Rows are only ever added: the trigger refuses changes and deletions.
create table audit_log (
    id bigint generated always as identity primary key,
    at bigint not null,
    actor_id bigint references users (id),
    action text not null,
    target_kind text,
    target_id bigint,
    detail text not null
);
create index audit_log_at on audit_log (at);
create index audit_log_actor_at on audit_log (actor_id, at);
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();

-- Round robin: when each agent last got a ticket automatically.
create table assignment_rotation (
    agent_id bigint primary key references users (id),
    last_assigned_at bigint not null
);
-- One row whose lock makes automatic assignments take turns across instances (each reads the
-- rotation and the agents' loads, then writes; two at once would pick the same agent).
create table assignment_lock (id bigint primary key);
insert into assignment_lock (id) values (1);

-- Canned answers that admins write and agents apply; the name is what agents pick by.
create table macros (
    id bigint generated always as identity primary key,
    name text not null unique,
    body_en text not null,
    body_es text not null,
    -- What applying it also does: null (answer only), 'awaiting_feedback' or 'closed'.
    set_status text check (set_status in ('awaiting_feedback', 'closed')),
    updated_at bigint not null,
    updated_by bigint references users (id)
);

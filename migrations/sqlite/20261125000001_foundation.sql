-- Times are UTC milliseconds since the epoch (bigint) on both backends.
create table users (
    id integer primary key autoincrement,
    username text not null unique,
    display_name text not null,
    email text not null,
    member_number text,
    tier text not null,
    role text not null,
    password_hash text not null,
    created_at bigint not null
);

create table sessions (
    id text primary key,
    data text not null,
    expires_at bigint not null
);
create index sessions_expires_at on sessions (expires_at);

-- One row per failed login, keyed by account ("a:name") and by client ("c:addr").
create table login_failures (
    id integer primary key autoincrement,
    key text not null,
    at bigint not null
);
create index login_failures_key_at on login_failures (key, at);

create table tickets (
    id integer primary key autoincrement,
    member_id bigint not null references users (id),
    title text not null,
    language text not null,
    description text not null,
    status text not null,
    created_at bigint not null
);
create index tickets_member_status on tickets (member_id, status);

-- The status history: "date opened" and "date closed" are read from here.
create table ticket_events (
    id integer primary key autoincrement,
    ticket_id bigint not null references tickets (id),
    actor_id bigint not null references users (id),
    from_status text,
    to_status text not null,
    at bigint not null
);
create index ticket_events_ticket on ticket_events (ticket_id, at);

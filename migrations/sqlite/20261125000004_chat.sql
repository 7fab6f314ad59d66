-- Live chats. status: queued (waiting for an agent), active (an agent accepted it), ended.
-- member_number is copied from the account at start, never taken from the form.
create table chats (
    id integer primary key autoincrement,
    member_id bigint not null references users (id),
    display_name text not null,
    member_number text,
    email text not null,
    question text not null,
    language text not null,
    status text not null,
    agent_id bigint references users (id),
    created_at bigint not null,
    accepted_at bigint,
    ended_at bigint,
    end_reason text,
    ticket_id bigint references tickets (id)
);
create index chats_status_created on chats (status, created_at);
create index chats_member on chats (member_id, created_at);

-- kind: message (member or agent), system (joined/left/ended, no author).
create table chat_messages (
    id integer primary key autoincrement,
    chat_id bigint not null references chats (id),
    author_id bigint references users (id),
    kind text not null,
    body text not null,
    created_at bigint not null
);
create index chat_messages_chat on chat_messages (chat_id, id);

create table chat_attachments (
    id integer primary key autoincrement,
    message_id bigint not null references chat_messages (id),
    sha256 text not null,
    file_name text not null,
    mime text not null,
    size bigint not null,
    created_at bigint not null
);
create index chat_attachments_message on chat_attachments (message_id);
create index chat_attachments_sha256 on chat_attachments (sha256);

-- Agents online / away; "online" only counts while seen recently (heartbeat).
create table agent_presence (
    user_id bigint primary key references users (id),
    status text not null,
    seen_at bigint not null
);

-- The conversation of a ticket. kind: message (member or agent), question (an agent's request for
-- information, which moves the ticket to awaiting_feedback), note (internal, staff only).
create table ticket_messages (
    id bigint generated always as identity primary key,
    ticket_id bigint not null references tickets (id),
    author_id bigint not null references users (id),
    kind text not null,
    body text not null,
    created_at bigint not null
);
create index ticket_messages_ticket on ticket_messages (ticket_id, id);

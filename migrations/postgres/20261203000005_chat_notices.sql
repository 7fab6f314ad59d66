-- A chat that ended without becoming a ticket gets a notice too (rate it from the email or the
-- push): an outbox row is about a ticket or about a chat.
alter table outbox alter column ticket_id drop not null;
alter table outbox add column chat_id bigint references chats (id);
alter table outbox add constraint outbox_about_one check ((ticket_id is null) <> (chat_id is null));
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in ('question', 'reply', 'closed', 'chat_ticket', 'reminder', 'auto_closed', 'new_ticket', 'member_answer', 'chat_ended'));

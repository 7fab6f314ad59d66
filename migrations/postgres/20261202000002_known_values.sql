-- The values the code knows, enforced by the database too: a bad write (a bug, a hand edit)
-- fails at once instead of surfacing later as a row nobody can read.
alter table users add constraint users_tier_known check (tier in ('wellness_advocate', 'manager', 'director', 'executive', 'elite', 'premier', 'silver', 'gold', 'platinum', 'diamond', 'blue_diamond', 'presidential_diamond'));
alter table users add constraint users_role_known check (role in ('member', 'agent', 'admin'));
alter table tickets add constraint tickets_status_known check (status in ('open', 'awaiting_feedback', 'closed'));
alter table ticket_events add constraint ticket_events_to_status_known check (to_status in ('open', 'awaiting_feedback', 'closed'));
alter table ticket_events add constraint ticket_events_from_status_known check (from_status is null or from_status in ('open', 'awaiting_feedback', 'closed'));
alter table ticket_messages add constraint ticket_messages_kind_known check (kind in ('message', 'question', 'note'));
alter table chats add constraint chats_status_known check (status in ('queued', 'active', 'ended'));
alter table chat_messages add constraint chat_messages_kind_known check (kind in ('message', 'system'));
alter table agent_presence add constraint agent_presence_status_known check (status in ('online', 'away'));

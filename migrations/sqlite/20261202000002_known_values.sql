-- The values the code knows, enforced by the database too: a bad write (a bug, a hand edit)
-- fails at once instead of surfacing later as a row nobody can read. SQLite cannot add a
-- CHECK constraint to an existing table (only by rebuilding it, which its foreign keys make
-- unsafe in a migration), so the same rule is a trigger on insert and on update.
create trigger users_tier_known_insert before insert on users
when not (new.tier in ('wellness_advocate', 'manager', 'director', 'executive', 'elite', 'premier', 'silver', 'gold', 'platinum', 'diamond', 'blue_diamond', 'presidential_diamond'))
begin select raise(abort, 'users.tier: unknown value'); end;
create trigger users_tier_known_update before update on users
when not (new.tier in ('wellness_advocate', 'manager', 'director', 'executive', 'elite', 'premier', 'silver', 'gold', 'platinum', 'diamond', 'blue_diamond', 'presidential_diamond'))
begin select raise(abort, 'users.tier: unknown value'); end;
create trigger users_role_known_insert before insert on users
when not (new.role in ('member', 'agent', 'admin'))
begin select raise(abort, 'users.role: unknown value'); end;
create trigger users_role_known_update before update on users
when not (new.role in ('member', 'agent', 'admin'))
begin select raise(abort, 'users.role: unknown value'); end;
create trigger tickets_status_known_insert before insert on tickets
when not (new.status in ('open', 'awaiting_feedback', 'closed'))
begin select raise(abort, 'tickets.status: unknown value'); end;
create trigger tickets_status_known_update before update on tickets
when not (new.status in ('open', 'awaiting_feedback', 'closed'))
begin select raise(abort, 'tickets.status: unknown value'); end;
create trigger ticket_events_to_status_known_insert before insert on ticket_events
when not (new.to_status in ('open', 'awaiting_feedback', 'closed'))
begin select raise(abort, 'ticket_events.to_status: unknown value'); end;
create trigger ticket_events_to_status_known_update before update on ticket_events
when not (new.to_status in ('open', 'awaiting_feedback', 'closed'))
begin select raise(abort, 'ticket_events.to_status: unknown value'); end;
create trigger ticket_events_from_status_known_insert before insert on ticket_events
when not (new.from_status is null or new.from_status in ('open', 'awaiting_feedback', 'closed'))
begin select raise(abort, 'ticket_events.from_status: unknown value'); end;
create trigger ticket_events_from_status_known_update before update on ticket_events
when not (new.from_status is null or new.from_status in ('open', 'awaiting_feedback', 'closed'))
begin select raise(abort, 'ticket_events.from_status: unknown value'); end;
create trigger ticket_messages_kind_known_insert before insert on ticket_messages
when not (new.kind in ('message', 'question', 'note'))
begin select raise(abort, 'ticket_messages.kind: unknown value'); end;
create trigger ticket_messages_kind_known_update before update on ticket_messages
when not (new.kind in ('message', 'question', 'note'))
begin select raise(abort, 'ticket_messages.kind: unknown value'); end;
create trigger chats_status_known_insert before insert on chats
when not (new.status in ('queued', 'active', 'ended'))
begin select raise(abort, 'chats.status: unknown value'); end;
create trigger chats_status_known_update before update on chats
when not (new.status in ('queued', 'active', 'ended'))
begin select raise(abort, 'chats.status: unknown value'); end;
create trigger chat_messages_kind_known_insert before insert on chat_messages
when not (new.kind in ('message', 'system'))
begin select raise(abort, 'chat_messages.kind: unknown value'); end;
create trigger chat_messages_kind_known_update before update on chat_messages
when not (new.kind in ('message', 'system'))
begin select raise(abort, 'chat_messages.kind: unknown value'); end;
create trigger agent_presence_status_known_insert before insert on agent_presence
when not (new.status in ('online', 'away'))
begin select raise(abort, 'agent_presence.status: unknown value'); end;
create trigger agent_presence_status_known_update before update on agent_presence
when not (new.status in ('online', 'away'))
begin select raise(abort, 'agent_presence.status: unknown value'); end;

-- Members who sign in through the company's identity provider: the provider (issuer) and its
-- stable id for them (subject). An account has both or neither; one identity, one account.
alter table users add column external_issuer text;
alter table users add column external_subject text;
create unique index users_external_identity on users (external_issuer, external_subject);

-- Periodic jobs that must run on one instance at a time (reminders, auto-close): the instance
-- that holds a job's row until `until` does the work; another takes it over once that passed.
create table job_leases (
    name text primary key,
    holder text not null,
    until bigint not null
);

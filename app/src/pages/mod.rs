pub mod agent;
pub mod dashboard;
pub mod login;
pub mod not_found;
pub mod refusal;
pub mod submit;
pub mod ticket;

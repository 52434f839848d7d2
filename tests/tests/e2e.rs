//! End-to-end tests: the `contrail` binary run as a user runs it.

mod check;
mod corpus;
mod registry;
mod registry_push;
mod validate;

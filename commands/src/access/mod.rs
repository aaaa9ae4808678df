//! Who may do what: risk classes and the access policy.
//!
//! Access is denied unless a rule grants it, and rules name immutable platform ids (Slack `U…`
//! and user-group `S…` ids, Discord user and role snowflakes, console user names), never
//! display names, which anyone can change.

mod authorize;
mod policy;
mod principal;
mod risk;

pub use authorize::{Asked, Denied};
pub use policy::{AccessPolicy, Approval, Decision, Grant, Request, Role, Rule, Scope, Target};
pub use principal::{Actor, Principal};
pub use risk::Risk;

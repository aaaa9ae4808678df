//! Shared harness for warroom's end-to-end tests: real databases and the real binary.
//!
//! Tests never skip: a database that cannot be reached is a failure with a sentence saying how
//! to start it, in CI and on a developer's machine alike.

pub mod binary;
pub mod db;
pub mod http;
pub mod moto;

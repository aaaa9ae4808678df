//! The SNS verifier against a stand-in SNS on loopback: messages signed as AWS documents are
//! believed, and every way of forging, altering or redirecting one is refused, before any
//! request where the refusal needs none.

mod certificates;
mod fuzz;
mod messages;
mod support;
mod urls;

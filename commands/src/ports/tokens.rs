//! Confirmation tokens as a port, so tests can predict them and production draws them from
//! the operating system's random source.

pub trait TokenSource: Send + Sync {
    /// A fresh, unguessable, single-use token made of lowercase letters and digits.
    fn token(&self) -> String;
}

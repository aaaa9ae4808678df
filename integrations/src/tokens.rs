//! Confirmation tokens from the operating system's random source.

use warroom_commands::ports::TokenSource;

/// 80 random bits as 16 lowercase base32 characters: short enough to type on a phone, far too
/// many to guess within a token's few minutes of life.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsTokens;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

impl TokenSource for OsTokens {
    fn token(&self) -> String {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes).expect("the operating system's random source");
        let bits = bytes
            .iter()
            .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        (0..16)
            .rev()
            .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_typeable() {
        let tokens: std::collections::BTreeSet<String> =
            (0..1000).map(|_| OsTokens.token()).collect();
        assert_eq!(tokens.len(), 1000);
        for t in &tokens {
            assert_eq!(t.len(), 16);
            assert!(t.bytes().all(|b| ALPHABET.contains(&b)), "{t}");
        }
    }
}

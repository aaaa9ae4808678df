//! "Did you mean ...?" for mistyped words.

/// The candidate closest to `word`: a candidate it is a prefix of, or one within a small edit
/// distance. `None` when nothing is close enough to be a helpful guess.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if word.chars().count() >= 2
        && let Some(hit) = candidates.iter().find(|c| c.starts_with(&word))
    {
        return Some(hit);
    }
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(&word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters, counting a swap of two neighbours as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_prefixes() {
        let verbs = ["note", "action", "timeline", "resolve", "reopen"];
        assert_eq!(nearest("nte", verbs), Some("note"));
        assert_eq!(nearest("ntoe", verbs), Some("note"));
        assert_eq!(nearest("time", verbs), Some("timeline"));
        assert_eq!(nearest("reslove", verbs), Some("resolve"));
        assert_eq!(nearest("xyzzy", verbs), None);
    }
}

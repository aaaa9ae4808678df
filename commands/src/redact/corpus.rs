//! The redaction corpus (`corpus.txt`): secrets in the shapes they reach warroom in, and
//! look-alikes that must stay readable. The unit tests here and the end-to-end tests in
//! `tests/` read the same file, so a shape added once is checked on every way out.

/// The corpus as written, markers and all.
const TEXT: &str = include_str!("corpus.txt");

/// Opens and closes a secret inside a `secret:` line.
const OPEN: char = '«';
const CLOSE: char = '»';

/// One sample: text as it is printed, and the secrets in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub text: String,
    /// Empty for a look-alike, which must come out unchanged.
    pub secrets: Vec<String>,
}

/// Every sample, secrets first, in the file's order within each kind.
pub fn samples() -> Vec<Sample> {
    let mut samples: Vec<Sample> = TEXT.lines().filter_map(sample).collect();
    samples.sort_by_key(|s| s.secrets.is_empty());
    samples
}

/// The samples with secrets in them.
pub fn secrets() -> Vec<Sample> {
    samples()
        .into_iter()
        .filter(|s| !s.secrets.is_empty())
        .collect()
}

/// The look-alikes.
pub fn look_alikes() -> Vec<String> {
    samples()
        .into_iter()
        .filter(|s| s.secrets.is_empty())
        .map(|s| s.text)
        .collect()
}

fn sample(line: &str) -> Option<Sample> {
    if let Some(text) = line.strip_prefix("keep: ") {
        return Some(Sample {
            text: text.replace("\\n", "\n"),
            secrets: Vec::new(),
        });
    }
    let marked = line.strip_prefix("secret: ")?.replace("\\n", "\n");
    let mut text = String::with_capacity(marked.len());
    let mut secrets = Vec::new();
    let mut current: Option<String> = None;
    for c in marked.chars() {
        match (c, current.as_mut()) {
            (OPEN, None) => current = Some(String::new()),
            (CLOSE, Some(_)) => secrets.extend(current.take()),
            (c, Some(secret)) => {
                secret.push(c);
                text.push(c);
            }
            (c, None) => text.push(c),
        }
    }
    assert!(
        current.is_none() && !secrets.is_empty(),
        "corpus line without a closed secret: {line}"
    );
    Some(Sample { text, secrets })
}

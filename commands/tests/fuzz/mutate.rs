//! Mutations of a valid command, the way real input goes wrong: huge numbers, durations and
//! dates past what anything can hold, unicode (dashes from phones, emoji, right-to-left marks,
//! letters whose lowercase is longer), empty and unclosed quotes, flags without values or
//! repeated, words dropped, swapped or run together, lines cut anywhere.

use fastrand::Rng;

/// Values that have broken parsers before: boundaries of every integer type, durations and
/// dates at and past chrono's limits, ids out of range, regex traps, control characters.
const NASTY: &[&str] = &[
    "",
    "\"\"",
    "''",
    "0",
    "-1",
    "-0",
    "+1",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999999999999",
    "0s",
    "0ms",
    "1h30m",
    "24h",
    "24h1s",
    "36500d",
    "36501d",
    "99999999999d",
    "106751991167d",
    "9223372036854775807ms",
    "9223372036854775807w",
    "1d1d1d1d1d1d1d1d1d1d",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "2026-11-22T03:00:01Z",
    "2026-11-22T03:00:00+14:00",
    "2026-11-22T03:00:00-23:59",
    "INC-0",
    "INC-9223372036854775807",
    "INC-99999999999999999999",
    "INC--1",
    "#",
    "@",
    "@@@",
    "<@U024BE7LH>",
    "<!channel>",
    "<https://evil.example|click>",
    "—",
    "–",
    "—since",
    "–dry-run",
    "--",
    "---",
    "--=",
    "--=x",
    "--dry-run=",
    "--all=yes",
    "🔥",
    "é",
    "İ",
    "ẞ",
    "ﬁ",
    "Σ",
    "a\u{301}",
    "\u{200B}",
    "\u{202E}",
    "\u{FEFF}",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\t",
    "\r",
    "\u{2028}",
    "(",
    "[",
    ")",
    "*",
    ".*",
    "(a+)+$",
    "a{99999}",
    "\\",
    "$(id)",
    "{to}",
    "{since}",
    "p1",
    "sev9",
    "tok1",
    "tok99999999999999999999",
    "all",
    "i-0abc",
    "i-",
    "/incident",
    "warroom",
    "\u{201C}smart",
    "quote\u{201D}",
    "\u{2018}",
];

/// Every `--flag` the usage lines mention, plus those they do not (`--level`).
pub fn flags(templates: &[String]) -> Vec<String> {
    let mut out: Vec<String> = templates
        .iter()
        .flat_map(|t| t.split(|c: char| c.is_whitespace() || "[]|".contains(c)))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_string)
        .chain(["--level".to_string(), "--bogus".to_string()])
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A number of 1 to 20 digits, each length as likely as the next: small counts and values
/// just past every limit come up equally often.
fn number(rng: &mut Rng) -> String {
    let digits = rng.u32(1..=20);
    rng.u128(..10u128.pow(digits)).to_string()
}

fn nasty(rng: &mut Rng) -> String {
    const UNITS: [&str; 6] = ["d", "h", "m", "s", "ms", "w"];
    match rng.usize(..20) {
        0 => "9".repeat(rng.usize(1..400)),
        1 => "x".repeat(rng.usize(190..3100)),
        2..=4 => format!("{}{}", number(rng), UNITS[rng.usize(..UNITS.len())]),
        5 => format!("1h{}{}", number(rng), UNITS[rng.usize(..UNITS.len())]),
        6 => format!("INC-{}", number(rng)),
        7 | 8 => number(rng),
        _ => NASTY[rng.usize(..NASTY.len())].to_string(),
    }
}

/// Any character at all, weighted toward the ones that mean something to the grammar.
fn any_char(rng: &mut Rng) -> char {
    match rng.usize(..4) {
        0 => [
            '-', '=', '"', '\'', ' ', '/', '@', '#', '\u{2014}', '\u{201C}',
        ][rng.usize(..10)],
        1 => rng.char('\u{0}'..='\u{7f}'),
        2 => rng.char('\u{80}'..='\u{ffff}'),
        _ => rng.char(..),
    }
}

/// A line of random characters, or random words from `vocabulary`.
pub fn random_line(rng: &mut Rng, vocabulary: &[String]) -> String {
    if rng.bool() {
        return (0..rng.usize(..120)).map(|_| any_char(rng)).collect();
    }
    (0..rng.usize(..12))
        .map(|_| match rng.usize(..3) {
            0 => nasty(rng),
            _ => vocabulary[rng.usize(..vocabulary.len())].clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `line` with one to four mutations applied.
pub fn mutate(line: &str, flags: &[String], rng: &mut Rng) -> String {
    let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
    for _ in 0..rng.usize(1..=4) {
        let at = rng.usize(..=words.len());
        let some = rng
            .usize(..words.len().max(1))
            .min(words.len().saturating_sub(1));
        let flag = flags[rng.usize(..flags.len())].clone();
        match rng.usize(..20) {
            0 | 1 => words.insert(at, nasty(rng)),
            2 | 3 if !words.is_empty() => words[some] = nasty(rng),
            4 if !words.is_empty() => drop(words.remove(some)),
            5 if !words.is_empty() => words.insert(at, words[some].clone()),
            6 => words.push(flag),
            7 => words.insert(at, format!("{flag} {}", nasty(rng))),
            8 => words.insert(at, format!("{flag}={}", nasty(rng))),
            9 if words.len() > 1 => {
                let other = rng.usize(..words.len());
                words.swap(some, other);
            }
            10 if !words.is_empty() => {
                let quote = ["\"", "'", "\u{201C}", "\u{2018}", "\u{201E}"][rng.usize(..5)];
                let closed = if rng.bool() { quote } else { "" };
                words[some] = format!("{quote}{}{closed}", words[some]);
            }
            11 if !words.is_empty() => words[some] = words[some].replacen("--", "\u{2014}", 1),
            12 if !words.is_empty() => {
                let word = &words[some];
                let cut = char_boundary(word, rng);
                words[some] = format!("{}{}{}", &word[..cut], any_char(rng), &word[cut..]);
            }
            13 if !words.is_empty() => words[some] = words[some].to_uppercase(),
            16..=18 => {
                // Same shape, any size: `30m` → `83748293847m`, `INC-7` → `INC-0`.
                let numbered: Vec<usize> = (0..words.len())
                    .filter(|i| words[*i].contains(|c: char| c.is_ascii_digit()))
                    .collect();
                if let Some(&i) = numbered.get(rng.usize(..numbered.len().max(1))) {
                    words[i] = renumber(&words[i], rng);
                }
            }
            19 => {
                // A flag already in the line gets a bad value.
                let flagged: Vec<usize> = (0..words.len())
                    .filter(|i| words[*i].starts_with("--") || words[*i].starts_with('\u{2014}'))
                    .collect();
                match flagged.get(rng.usize(..flagged.len().max(1))) {
                    Some(&i) if i + 1 < words.len() => words[i + 1] = nasty(rng),
                    _ => words.push(nasty(rng)),
                }
            }
            14 if words.len() > 1 => {
                let first = rng.usize(..words.len() - 1);
                let next = words.remove(first + 1);
                words[first].push_str(&next);
            }
            _ => {
                let joined = words.join(" ");
                let cut = char_boundary(&joined, rng);
                words = vec![joined[..cut].to_string()];
            }
        }
    }
    words.join(" ")
}

/// `word` with every run of digits replaced by a number of any size.
fn renumber(word: &str, rng: &mut Rng) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in word.chars() {
        let digit = c.is_ascii_digit();
        if digit && !in_digits {
            out.push_str(&number(rng));
        } else if !digit {
            out.push(c);
        }
        in_digits = digit;
    }
    out
}

fn char_boundary(text: &str, rng: &mut Rng) -> usize {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    bounds[rng.usize(..bounds.len())]
}

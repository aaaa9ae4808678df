//! The post-mortem draft's Markdown as HTML, for the incident page.
//!
//! The draft is Markdown because that is what the team pastes into their wiki; the page shows
//! the same draft so a reviewer reads exactly what the download holds. The renderer in
//! `warroom_commands::postmortem` writes a small, known subset — headings, `-` lists (some as
//! `- [ ]` tasks), pipe tables, paragraphs, `` `code` `` and `_emphasis_` — so this converter
//! handles that subset and nothing more: no raw HTML passes through (the draft quotes titles,
//! notes and names that people typed), no links, no images. Every piece of text is escaped;
//! the only markup in the output is the markup written here.
//!
//! Headings move down one level (`#` becomes `<h2>`): the page's own title is the `<h1>`.

use super::html::escape;

/// Converts the draft to HTML.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::new();
    let mut block = Block::None;
    for line in markdown.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            block.close(&mut out);
            continue;
        }
        if let Some((level, text)) = heading(line) {
            block.close(&mut out);
            let level = (level + 1).min(6);
            out.push_str(&format!("<h{level}>{}</h{level}>\n", inline(text)));
        } else if let Some(item) = line.strip_prefix("- ") {
            if !matches!(block, Block::List(_)) {
                block.close(&mut out);
                block = Block::List(Vec::new());
            }
            if let Block::List(items) = &mut block {
                items.push(item.to_string());
            }
        } else if line.starts_with('|') {
            if !matches!(block, Block::Table(_)) {
                block.close(&mut out);
                block = Block::Table(Vec::new());
            }
            if let Block::Table(rows) = &mut block {
                rows.push(cells(line));
            }
        } else {
            if !matches!(block, Block::Paragraph(_)) {
                block.close(&mut out);
                block = Block::Paragraph(Vec::new());
            }
            if let Block::Paragraph(lines) = &mut block {
                lines.push(line.trim().to_string());
            }
        }
    }
    block.close(&mut out);
    out
}

/// The block being collected: consecutive lines of one kind.
enum Block {
    None,
    Paragraph(Vec<String>),
    List(Vec<String>),
    Table(Vec<Vec<String>>),
}

impl Block {
    /// Writes the block out and starts over.
    fn close(&mut self, out: &mut String) {
        match std::mem::replace(self, Block::None) {
            Block::None => {}
            Block::Paragraph(lines) => {
                out.push_str(&format!("<p>{}</p>\n", inline(&lines.join(" "))));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    match item.strip_prefix("[ ] ") {
                        Some(task) => out.push_str(&format!(
                            "<li class=\"task\">\u{2610} {}</li>\n",
                            inline(task)
                        )),
                        None => out.push_str(&format!("<li>{}</li>\n", inline(&item))),
                    }
                }
                out.push_str("</ul>\n");
            }
            Block::Table(rows) => table(rows, out),
        }
    }
}

/// `# text` .. `###### text`.
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|b| *b == b'#').count();
    let text = line[level..].strip_prefix(' ')?;
    (1..=6).contains(&level).then_some((level, text.trim()))
}

/// A pipe table: the first row is the header when the second is `|---|---|`.
fn table(rows: Vec<Vec<String>>, out: &mut String) {
    let is_rule = |row: &Vec<String>| {
        !row.is_empty()
            && row.iter().all(|c| {
                let c = c.trim_matches(':');
                !c.is_empty() && c.bytes().all(|b| b == b'-')
            })
    };
    let (header, body) = match rows.get(1) {
        Some(rule) if is_rule(rule) => (Some(&rows[0]), &rows[2..]),
        _ => (None, &rows[..]),
    };
    out.push_str("<table>\n");
    if let Some(header) = header.filter(|h| h.iter().any(|c| !c.is_empty())) {
        out.push_str("<thead><tr>");
        for cell in header {
            out.push_str(&format!("<th>{}</th>", cell_html(cell)));
        }
        out.push_str("</tr></thead>\n");
    }
    out.push_str("<tbody>\n");
    for row in body {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{}</td>", cell_html(cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// A cell's line breaks are written `<br>` (Markdown tables are one line a row); that one tag
/// is turned back into a break, and everything around it is escaped.
fn cell_html(cell: &str) -> String {
    cell.split("<br>")
        .map(inline)
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Splits `| a | b \| c |` into `["a", "b | c"]`.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().strip_prefix('|').unwrap_or(line);
    let inner = match inner.strip_suffix('|') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => inner,
    };
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    cells
}

/// `` `code` `` and `_emphasis_` within a line; all else is text. Emphasis may hold code (the
/// draft's placeholders do), and underscores inside code are only text.
fn inline(text: &str) -> String {
    let pieces = pieces(text);
    let mut roles = vec![Role::Text; pieces.len()];
    let mut i = 0;
    while i < pieces.len() {
        if let Piece::Mark { opens: true, .. } = pieces[i]
            && let Some(j) = (i + 2..pieces.len())
                .find(|&j| matches!(pieces[j], Piece::Mark { closes: true, .. }))
        {
            roles[i] = Role::Open;
            roles[j] = Role::Close;
            i = j + 1;
            continue;
        }
        i += 1;
    }
    let mut out = String::new();
    for (piece, role) in pieces.iter().zip(roles) {
        match (piece, role) {
            (Piece::Text(text), _) => out.push_str(&escape(text)),
            (Piece::Code(code), _) => out.push_str(&format!("<code>{}</code>", escape(code))),
            (Piece::Mark { .. }, Role::Open) => out.push_str("<em>"),
            (Piece::Mark { .. }, Role::Close) => out.push_str("</em>"),
            (Piece::Mark { .. }, Role::Text) => out.push('_'),
        }
    }
    out
}

/// A line cut at code spans and at underscores that stand at a word's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Code(&'a str),
    /// An underscore that could open emphasis (at a word's start) or close it (at its end), so
    /// `snake_case_names` are never cut.
    Mark {
        opens: bool,
        closes: bool,
    },
}

/// What a mark turned out to be once paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Text,
    Open,
    Close,
}

fn pieces<'a>(text: &'a str) -> Vec<Piece<'a>> {
    let mut pieces = Vec::new();
    let push_text = |pieces: &mut Vec<Piece<'a>>, from: usize, to: usize| {
        if from < to {
            pieces.push(Piece::Text(&text[from..to]));
        }
    };
    let (mut start, mut i) = (0, 0);
    while let Some(c) = text[i..].chars().next() {
        if c == '`'
            && let Some(len) = text[i + 1..].find('`')
        {
            push_text(&mut pieces, start, i);
            pieces.push(Piece::Code(&text[i + 1..i + 1 + len]));
            i += len + 2;
            start = i;
            continue;
        }
        if c == '_' {
            let before = text[..i].chars().next_back();
            let after = text[i + 1..].chars().next();
            let opens = !before.is_some_and(char::is_alphanumeric)
                && after.is_some_and(|c| !c.is_whitespace());
            let closes = before.is_some_and(|c| !c.is_whitespace())
                && !after.is_some_and(char::is_alphanumeric);
            if opens || closes {
                push_text(&mut pieces, start, i);
                pieces.push(Piece::Mark { opens, closes });
                i += 1;
                start = i;
                continue;
            }
        }
        i += c.len_utf8();
    }
    push_text(&mut pieces, start, text.len());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_paragraphs() {
        let html = to_html(
            "# Post-mortem: INC-7\n\n## Summary\n\nfirst line\nsecond line\n\n- one\n- two\n- [ ] fix it\n",
        );
        assert_eq!(
            html,
            "<h2>Post-mortem: INC-7</h2>\n<h3>Summary</h3>\n<p>first line second line</p>\n\
             <ul>\n<li>one</li>\n<li>two</li>\n<li class=\"task\">\u{2610} fix it</li>\n</ul>\n"
        );
    }

    #[test]
    fn tables_with_a_header_escaped_pipes_and_breaks() {
        let html =
            to_html("| Time | Who |\n|---|---|\n| 03:00 | a \\| b |\n| 03:05 | one<br>two |\n");
        assert_eq!(
            html,
            "<table>\n<thead><tr><th>Time</th><th>Who</th></tr></thead>\n<tbody>\n\
             <tr><td>03:00</td><td>a | b</td></tr>\n<tr><td>03:05</td><td>one<br>two</td></tr>\n\
             </tbody>\n</table>\n"
        );
        let headless = to_html("| | |\n|---|---|\n| Severity | P1 |\n");
        assert!(!headless.contains("<thead>"), "{headless}");
        assert!(headless.contains("<td>Severity</td><td>P1</td>"));
    }

    #[test]
    fn code_and_emphasis() {
        assert_eq!(
            inline("add them with `/incident action TEXT` now"),
            "add them with <code>/incident action TEXT</code> now"
        );
        assert_eq!(
            inline("_To be written by the team._"),
            "<em>To be written by the team.</em>"
        );
        assert_eq!(inline("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(inline("a lone ` backtick"), "a lone ` backtick");
        assert_eq!(inline("`_not em_`"), "<code>_not em_</code>");
        assert_eq!(inline("_ spaced _ and __"), "_ spaced _ and __");
    }

    #[test]
    fn nothing_a_person_typed_becomes_markup() {
        let evil = "<script>alert(1)</script>";
        let md = format!(
            "# Post-mortem: INC-1 — {evil}\n\n| Who | What |\n|---|---|\n| {evil} | <img src=x onerror=alert(1)> |\n\n\
             - {evil}\n\n{evil} and `{evil}` and _{evil}_\n"
        );
        let html = to_html(&md);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("<code>&lt;script&gt;"));
        assert!(html.contains("<em>&lt;script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn a_whole_draft_renders_without_raw_markdown_left() {
        let md = "# Post-mortem: INC-3 — api down\n\n| | |\n|---|---|\n| Severity | P1 (Service down) |\n\n\
                  ## Follow-up items\n\n_None recorded; add them with `/incident action TEXT`._\n";
        let html = to_html(md);
        assert!(!html.contains("|---"), "{html}");
        assert!(!html.contains('#'), "{html}");
        assert!(
            html.contains(
                "<p><em>None recorded; add them with <code>/incident action TEXT</code>.</em></p>"
            ),
            "{html}"
        );
    }
}

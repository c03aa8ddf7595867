//! Words as people read them, for showing changes like tracked changes in a word
//! processor: a text is cut into tokens — runs of letters and digits (with their combining
//! marks), runs of white space, and single punctuation marks, CJK characters and emoji
//! (whole grapheme clusters, so a ZWJ sequence such as 👩🏽‍💻 is one token).
//!
//! [`diff`] compares two texts token by token. It is bounded: after the common beginning
//! and end are set aside, a changed stretch longer than [`LIMIT`] tokens on either side is
//! reported as one large change with its word counts instead of being diffed, so a 1 MB
//! answer never freezes the page.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// The longest changed stretch (in tokens, on either side) that is diffed word by word.
pub const LIMIT: usize = 4_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Space,
    Punct,
    /// One CJK character: these scripts do not separate words with spaces.
    Cjk,
    /// An emoji or other symbol, one grapheme cluster.
    Symbol,
}

impl TokenKind {
    /// Whether the token counts as a word when people are told "N words".
    pub fn is_word(self) -> bool {
        matches!(self, TokenKind::Word | TokenKind::Cjk | TokenKind::Symbol)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x3FFFF) // CJK extensions B…
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x2010..=0x205E     // general punctuation: dashes, quotes, ellipsis, …
            | 0x3000..=0x303F   // CJK punctuation
            | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '«' | '»' | '¡' | '¿' | '·' | '§' | '¶')
}

fn kind_of(grapheme: &str) -> TokenKind {
    let c = grapheme.chars().next().unwrap_or(' ');
    if c.is_whitespace() {
        TokenKind::Space
    } else if is_cjk(c) {
        TokenKind::Cjk
    } else if c.is_alphanumeric() {
        TokenKind::Word
    } else if is_punct(c) {
        TokenKind::Punct
    } else if grapheme.chars().any(|c| c.is_alphanumeric()) {
        // A combining mark on its own, followed by letters in the same cluster.
        TokenKind::Word
    } else {
        TokenKind::Symbol
    }
}

/// A token: its byte range in the text and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub kind: TokenKind,
}

/// Cuts `text` into tokens (byte ranges that together cover it).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for (at, g) in text.grapheme_indices(true) {
        let kind = kind_of(g);
        let range = at..at + g.len();
        match out.last_mut() {
            Some(last)
                if last.kind == kind && matches!(kind, TokenKind::Word | TokenKind::Space) =>
            {
                last.range.end = range.end
            }
            _ => out.push(Token { range, kind }),
        }
    }
    out
}

/// Whether `before` followed directly by `after` needs a space between them: two words of a
/// space-separated script would run together (CJK needs none).
pub(crate) fn needs_space(before: &str, after: &str) -> bool {
    let spaced = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
    spaced(before.chars().next_back()) && spaced(after.chars().next())
}

/// How many words `text` has.
pub fn count_words(text: &str) -> usize {
    tokenize(text).iter().filter(|t| t.kind.is_word()).count()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Same,
    Added,
    Removed,
}

/// A run of text in a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub mark: Mark,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordDiff {
    /// The texts in order, unchanged runs between removed and added ones (within a change,
    /// what was removed comes before what was added).
    Pieces(Vec<Piece>),
    /// A changed stretch too long to diff word by word: the text around it is unchanged.
    Large { removed: usize, added: usize },
}

impl WordDiff {
    /// The words (word tokens) the change removes.
    pub fn removed_words(&self) -> usize {
        match self {
            WordDiff::Pieces(pieces) => pieces
                .iter()
                .filter(|p| p.mark == Mark::Removed)
                .map(|p| count_words(&p.text))
                .sum(),
            WordDiff::Large { removed, .. } => *removed,
        }
    }
}

/// Appends `text` with `mark`, joining it to the previous piece when they match.
pub(crate) fn push_piece(out: &mut Vec<Piece>, mark: Mark, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.mark == mark => last.text.push_str(text),
        _ => out.push(Piece {
            mark,
            text: text.to_string(),
        }),
    }
}

/// Orders every change run as removed-then-added and joins neighbouring pieces.
pub(crate) fn tidy(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let flush = |out: &mut Vec<Piece>, removed: &mut String, added: &mut String| {
        push_piece(out, Mark::Removed, removed);
        push_piece(out, Mark::Added, added);
        removed.clear();
        added.clear();
    };
    for p in pieces {
        match p.mark {
            Mark::Removed => removed.push_str(&p.text),
            Mark::Added => added.push_str(&p.text),
            Mark::Same => {
                flush(&mut out, &mut removed, &mut added);
                push_piece(&mut out, Mark::Same, &p.text);
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

/// Compares `before` with `after` word by word, for people to read: a short unchanged
/// stretch between two changes (a space, a comma, a word between two rewritten clauses) is
/// shown inside the change, so a rewritten sentence reads as one removal and one addition.
pub fn diff(before: &str, after: &str) -> WordDiff {
    match diff_exact(before, after) {
        WordDiff::Pieces(pieces) => WordDiff::Pieces(fold(pieces)),
        large => large,
    }
}

/// Whether an unchanged stretch `same` between changes of `left` and `right` words is
/// better shown as part of the change.
fn folds(same: &str, left: usize, right: usize) -> bool {
    let words = count_words(same);
    words == 0 && same.chars().count() <= 3 || words <= 2 && left > 2 * words && right > 2 * words
}

/// One change between unchanged stretches: what it removed and added, the words in both
/// (kept up to date when changes fold together, so folding stays linear), and what else
/// the caller tracks about it.
#[derive(Default)]
pub(crate) struct Replaced<X> {
    pub removed: String,
    pub added: String,
    pub words: usize,
    pub extra: X,
}

/// What a caller tracks about a change, combined when two changes fold into one.
pub(crate) trait Absorb {
    fn absorb(&mut self, next: Self);
}

impl Absorb for () {
    fn absorb(&mut self, _: ()) {}
}

impl<X: Absorb> Replaced<X> {
    fn replaces(&self) -> bool {
        !self.removed.is_empty() && !self.added.is_empty()
    }

    /// Takes in the unchanged stretch `same` and the change after it.
    fn absorb(&mut self, same: &str, next: Replaced<X>) {
        self.removed.push_str(same);
        self.removed.push_str(&next.removed);
        self.added.push_str(same);
        self.added.push_str(&next.added);
        self.words += next.words + 2 * count_words(same);
        self.extra.absorb(next.extra);
    }
}

/// A stretch of a compared text: unchanged, or one change.
pub(crate) enum Run<X> {
    Same(String),
    Change(Replaced<X>),
}

/// Folds a short unchanged stretch between two replacements (each removing and adding
/// something) into one change, so a rewritten sentence reads as one removal and one
/// addition. Pure removals and additions keep their neighbours: folding those would show
/// kept words as removed and added.
pub(crate) fn fold_runs<X: Absorb>(runs: Vec<Run<X>>) -> Vec<Run<X>> {
    let mut out: Vec<Run<X>> = Vec::with_capacity(runs.len());
    let mut it = runs.into_iter().peekable();
    while let Some(run) = it.next() {
        if let Run::Same(same) = &run {
            if let (Some(Run::Change(left)), Some(Run::Change(right))) = (out.last(), it.peek()) {
                if left.replaces() && right.replaces() && folds(same, left.words, right.words) {
                    let Some(Run::Change(next)) = it.next() else {
                        unreachable!("peeked a change")
                    };
                    if let Some(Run::Change(left)) = out.last_mut() {
                        left.absorb(same, next);
                    }
                    continue;
                }
            }
        }
        out.push(run);
    }
    out
}

/// Folds short unchanged stretches between changes into them (see [`diff`]).
fn fold(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut runs: Vec<Run<()>> = Vec::new();
    for p in pieces {
        let words = count_words(&p.text);
        match (p.mark, runs.last_mut()) {
            (Mark::Same, _) => runs.push(Run::Same(p.text)),
            (Mark::Added, Some(Run::Change(c))) if c.added.is_empty() => {
                c.added = p.text;
                c.words += words;
            }
            (mark, _) => {
                let (removed, added) = if mark == Mark::Removed {
                    (p.text, String::new())
                } else {
                    (String::new(), p.text)
                };
                runs.push(Run::Change(Replaced {
                    removed,
                    added,
                    words,
                    extra: (),
                }))
            }
        }
    }
    let mut out = Vec::new();
    for run in fold_runs(runs) {
        match run {
            Run::Same(text) => push_piece(&mut out, Mark::Same, &text),
            Run::Change(c) => {
                push_piece(&mut out, Mark::Removed, &c.removed);
                push_piece(&mut out, Mark::Added, &c.added);
            }
        }
    }
    out
}

/// Compares `before` with `after` word by word, keeping every unchanged token unchanged
/// (what an edit applies; [`diff`] is what people read).
pub fn diff_exact(before: &str, after: &str) -> WordDiff {
    let (a, b) = (tokenize(before), tokenize(after));
    let text_a = |t: &Token| &before[t.range.clone()];
    let text_b = |t: &Token| &after[t.range.clone()];
    let prefix = a
        .iter()
        .zip(&b)
        .take_while(|(x, y)| text_a(x) == text_b(y))
        .count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| text_a(x) == text_b(y))
        .count();
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if mid_a.len() > LIMIT || mid_b.len() > LIMIT {
        let words = |ts: &[Token]| ts.iter().filter(|t| t.kind.is_word()).count();
        return WordDiff::Large {
            removed: words(mid_a),
            added: words(mid_b),
        };
    }
    let sa: Vec<&str> = mid_a.iter().map(text_a).collect();
    let sb: Vec<&str> = mid_b.iter().map(text_b).collect();
    let mut pieces = Vec::new();
    let head_end = a.get(prefix).map_or(before.len(), |t| t.range.start);
    push_piece(&mut pieces, Mark::Same, &before[..head_end]);
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &sa, &sb) {
        let (mark, run) = match op.tag() {
            similar::DiffTag::Equal => (Mark::Same, &sa[op.old_range()]),
            similar::DiffTag::Delete => (Mark::Removed, &sa[op.old_range()]),
            similar::DiffTag::Insert => (Mark::Added, &sb[op.new_range()]),
            similar::DiffTag::Replace => {
                push_piece(&mut pieces, Mark::Removed, &sa[op.old_range()].concat());
                (Mark::Added, &sb[op.new_range()])
            }
        };
        push_piece(&mut pieces, mark, &run.concat());
    }
    let tail_start = a
        .get(a.len() - suffix)
        .map_or(before.len(), |t| t.range.start);
    push_piece(&mut pieces, Mark::Same, &before[tail_start..]);
    WordDiff::Pieces(tidy(pieces))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).into_iter().map(|t| &s[t.range]).collect()
    }

    #[test]
    fn words_spaces_and_punctuation_are_tokens() {
        assert_eq!(
            texts("Lead a project, not  just"),
            ["Lead", " ", "a", " ", "project", ",", " ", "not", "  ", "just"]
        );
    }

    #[test]
    fn cjk_is_cut_by_character_and_emoji_by_grapheme() {
        assert_eq!(
            texts("Zoë 👩🏽‍💻 naïve — 日本"),
            ["Zoë", " ", "👩🏽‍💻", " ", "naïve", " ", "—", " ", "日", "本"]
        );
        // Decomposed: "e" + combining diaeresis stays inside the word.
        assert_eq!(texts("nai\u{308}ve!"), ["nai\u{308}ve", "!"]);
        assert_eq!(count_words("Zoë 👩🏽‍💻 naïve — 日本"), 5);
    }

    #[test]
    fn a_changed_word_is_removed_then_added() {
        let d = diff("I want to lead the team.", "I want to lead the card team!");
        let WordDiff::Pieces(p) = d else { panic!() };
        assert_eq!(
            p,
            vec![
                Piece {
                    mark: Mark::Same,
                    text: "I want to lead the ".into()
                },
                Piece {
                    mark: Mark::Added,
                    text: "card ".into()
                },
                Piece {
                    mark: Mark::Same,
                    text: "team".into()
                },
                Piece {
                    mark: Mark::Removed,
                    text: ".".into()
                },
                Piece {
                    mark: Mark::Added,
                    text: "!".into()
                },
            ]
        );
    }

    #[test]
    fn replacing_everything_counts_the_removed_words() {
        let d = diff("Lead a project, not just a component.", "Own the roadmap.");
        assert_eq!(d.removed_words(), 7);
        // Read as one removal and one addition, not word by word between shared spaces.
        let d = diff(
            "Lead a project, not just a component.",
            "I want to lead the card-issuing team.",
        );
        assert_eq!(
            d,
            WordDiff::Pieces(vec![
                Piece {
                    mark: Mark::Removed,
                    text: "Lead a project, not just a component".into()
                },
                Piece {
                    mark: Mark::Added,
                    text: "I want to lead the card-issuing team".into()
                },
                Piece {
                    mark: Mark::Same,
                    text: ".".into()
                },
            ])
        );
    }

    #[test]
    fn a_huge_change_is_summarised_not_diffed() {
        let big_a = "word ".repeat(LIMIT);
        let big_b = "other ".repeat(LIMIT);
        let before = format!("Start. {big_a}End.");
        let after = format!("Start. {big_b}End.");
        assert_eq!(
            diff(&before, &after),
            WordDiff::Large {
                removed: LIMIT,
                added: LIMIT
            }
        );
        // A small edit in a huge text is still diffed word by word.
        let edited = format!("Start. {big_a}The end.");
        let WordDiff::Pieces(p) = diff(&before, &edited) else {
            panic!()
        };
        assert!(p.iter().any(|p| p.mark == Mark::Removed && p.text == "End"));
        assert!(p
            .iter()
            .any(|p| p.mark == Mark::Added && p.text == "The end"));
    }
}

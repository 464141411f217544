//! Text stage: sentence segmentation and tokenization with offsets into the original text.
//!
//! Every [`Sentence`] and [`Token`] keeps byte offsets into the document text it came from, so
//! that anything derived later can point back to the exact characters of the article.
//!
//! Tokenization follows the conventions of the UD English Web Treebank (EWT): clitics are split
//! (`Russia's` → `Russia` `'s`, `don't` → `do` `n't`, `can't` → `ca` `n't`), punctuation is split
//! off, hyphenated compounds are split (`Russia-Ukraine` → `Russia` `-` `Ukraine`) except after
//! prefixes such as `anti-` or `e-` and between digits (`713-555-0100`), currency symbols and unit
//! suffixes are split off numbers (`$1.5bn` → `$` `1.5` `bn`), while numbers (`100,000`, `3.5`),
//! dotted abbreviations (`U.S.`, `Mr.`, `e.g.`), URLs, e-mail addresses and ellipses stay whole.
//! A sentence-final abbreviation gives up its period as its own token (`... Apple Inc` `.`).

/// A token: a span of the original text and its normalized form (curly quotes folded to
/// straight ones, no-break spaces removed), as the tagger and the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte in the document text.
    pub start: usize,
    /// Byte offset one past the last byte in the document text.
    pub end: usize,
    /// The normalized form of the token.
    pub form: String,
}

/// A sentence: a span of the document text and its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte offset of the sentence's first byte in the document text.
    pub start: usize,
    /// Byte offset one past the sentence's last byte in the document text.
    pub end: usize,
    /// The tokens of the sentence, in order.
    pub tokens: Vec<Token>,
}

impl Sentence {
    /// The sentence as written in `text`, the document it was segmented from.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Folds what typography varies in a single character: curly quotes to straight ones, dashes
/// to `-`, no-break and other spaces to a plain space.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{0060}' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\u{200A}' | '\u{2002}' | '\u{2003}' | '\u{3000}' => ' ',
        c => c,
    }
}

/// The number of characters (Unicode scalar values) in `text` before byte offset `byte`.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

/// Returns `text` with every character folded by [`fold_char`] and invisible characters (soft
/// hyphens, zero-width spaces) removed, and for each byte of the result the byte offset in `text`
/// it came from (plus one final entry for the end), so that spans can be mapped back.
pub fn normalize(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        if is_invisible(c) {
            continue;
        }
        let f = fold_char(c);
        out.push(f);
        map.extend(std::iter::repeat_n(i, f.len_utf8()));
    }
    map.push(text.len());
    (out, map)
}

/// Characters that carry no text and are dropped from token forms.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn is_space(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_whitespace();
    }
    c.is_whitespace() || fold_char(c) == ' ' || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Letters, digits and the invisible characters that may sit inside a word.
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || matches!(c, '\u{00AD}' | '\u{200C}' | '\u{200D}')
}

/// Splits a document into sentences.
///
/// Sentences end at final punctuation (`.`, `!`, `?`, `...`, with closing quotes and brackets
/// kept in the sentence) followed by what can start a sentence, at blank lines, and at line breaks
/// after lines that do not continue on the next one (headlines, datelines).
///
/// ```
/// let text = "Mr. Smith said no. \"It is,\" he said.";
/// let sentences = claimgraph::text::segment(text);
/// assert_eq!(sentences.len(), 2);
/// assert_eq!(sentences[1].text(text), "\"It is,\" he said.");
/// ```
pub fn segment(text: &str) -> Vec<Sentence> {
    let tokens = tokenize(text, 0);
    // first the sentence ends (index one past the last token, and whether a final
    // abbreviation gives up its period), then the tokens are moved into their sentences
    let mut ends: Vec<(usize, bool)> = Vec::new();
    let mut sentence_start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let mut end = i + 1;
        let mut split_final_period = false;
        let brk = if let Some(kind) = terminal(&tokens[i].form).or_else(|| soft_terminal(&tokens, i)) {
            // closing quotes and brackets right after the punctuation stay with its sentence
            while end < tokens.len()
                && is_closer(&tokens[end].form)
                && (tokens[end].start == tokens[end - 1].end || detached_quote(text, &tokens, end))
            {
                end += 1;
            }
            let quoted = end > i + 1 && tokens[i + 1..end].iter().any(|t| is_quote(&t.form));
            let b = match tokens.get(end) {
                None => true,
                Some(_) if line_break(text, tokens[end - 1].end, tokens[end].start) > 0 => true,
                Some(next) if next.start == tokens[end - 1].end && kind != Terminal::Soft => false,
                Some(_) => ends_sentence(&tokens, i, end, kind, quoted),
            };
            split_final_period = b && kind == Terminal::Abbreviation && end == i + 1;
            b
        } else {
            tokens.get(end).is_none_or(|next| {
                let lines = line_break(text, tokens[i].end, next.start);
                lines >= 2
                    || (lines == 1 && !continues_line(&tokens[i].form, &next.form))
                    || (tokens[i].form == ","
                        && next.form.starts_with(char::is_uppercase)
                        && greeting(&tokens[sentence_start..i]))
                    || timestamp_header(&tokens, i)
            })
        };
        if brk {
            ends.push((end, split_final_period));
            sentence_start = end;
        }
        i = end;
    }
    let mut sentences = Vec::with_capacity(ends.len());
    let mut iter = tokens.into_iter();
    let mut taken = 0;
    for (end, split_final_period) in ends {
        let mut chunk: Vec<Token> = iter.by_ref().take(end - taken).collect();
        taken = end;
        if split_final_period && let Some(t) = chunk.last_mut() {
            // a sentence-final abbreviation gives up its period: "... Inc" "."
            if let Some(p) = text[t.start..t.end]
                .rfind('.')
                .map(|p| t.start + p)
                .filter(|&p| p > t.start)
            {
                let period = Token {
                    start: p,
                    end: p + 1,
                    form: ".".to_string(),
                };
                t.end = p;
                t.form.pop();
                chunk.push(period);
            }
        }
        if let (Some(first), Some(last)) = (chunk.first(), chunk.last()) {
            sentences.push(Sentence {
                start: first.start,
                end: last.end,
                tokens: chunk,
            });
        }
    }
    sentences
}

/// A quote mark standing alone between spaces after final punctuation closes that sentence.
fn detached_quote(text: &str, tokens: &[Token], k: usize) -> bool {
    is_quote(&tokens[k].form)
        && line_break(text, tokens[k - 1].end, tokens[k].start) == 0
        && tokens.get(k + 1).is_none_or(|n| n.start > tokens[k].end)
}

/// The greeting or closing of a letter or e-mail, standing before its comma as a sentence of
/// its own: `Thanks,`, `Best regards,`, `Dear all,`, `Hi Anna,`.
fn greeting(tokens: &[Token]) -> bool {
    let any = |w: &str, set: &[&str]| set.iter().any(|s| w.eq_ignore_ascii_case(s));
    match tokens {
        [w] => any(
            &w.form,
            &[
                "thanks",
                "regards",
                "sincerely",
                "cheers",
                "best",
                "hi",
                "hello",
                "cordially",
                "respectfully",
            ],
        ),
        [a, b] => {
            (any(
                &a.form,
                &["best", "kind", "warm", "kindest", "warmest", "many", "thank"],
            ) && any(&b.form, &["regards", "wishes", "thanks", "you"]))
                || (matches!(a.form.as_str(), "Dear" | "Hi" | "Hello") && b.form.starts_with(char::is_uppercase))
        }
        _ => false,
    }
}

/// An e-mail header's timestamp (`03/27/2001 09:11 AM`) after a sender's name starts a new unit.
fn timestamp_header(tokens: &[Token], i: usize) -> bool {
    let is_date = |f: &str| {
        f.len() >= 6
            && f.bytes().filter(|&c| c == b'/').count() == 2
            && f.bytes().all(|c| c == b'/' || c.is_ascii_digit())
    };
    let is_time = |f: &str| f.contains(':') && f.bytes().all(|c| c == b':' || c.is_ascii_digit());
    tokens[i].form.starts_with(char::is_alphabetic)
        && !tokens[i].form.starts_with(char::is_lowercase)
        && tokens.get(i + 1).is_some_and(|t| is_date(&t.form))
        && tokens.get(i + 2).is_some_and(|t| is_time(&t.form))
}

/// How many line breaks separate two tokens: 0, 1, or 2 for a blank line (or more).
fn line_break(text: &str, from: usize, to: usize) -> usize {
    let gap = &text[from..to];
    let mut lines = 0;
    let crlf = gap.contains('\n');
    for c in gap.chars() {
        if matches!(c, '\n' | '\u{2028}' | '\u{2029}') || (c == '\r' && !crlf) {
            lines += 1;
        }
    }
    lines.min(2)
}

/// Whether a line ending in `last` is continued by a line starting with `next` (hard-wrapped
/// text) rather than being a line of its own (a headline, a dateline, a list item).
fn continues_line(last: &str, next: &str) -> bool {
    let next_lower = next.chars().next().is_some_and(char::is_lowercase);
    matches!(last, "," | "-" | "(" | "/" | "&")
        || (next_lower && last.chars().next().is_some_and(char::is_alphanumeric))
        || FUNCTION_WORDS.contains(&last)
}

/// Words that do not end a headline or any other line that stands on its own.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or", "but", "that", "as",
    "is", "are", "was", "were", "his", "her", "their", "its", "our", "my", "your", "this", "these", "those",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Terminal {
    /// `.` `...` `…`
    Period,
    /// `!` `?` and runs mixing them
    Exclamation,
    /// A word ending in a period: `U.S.`, `Inc.`, `Mr.`, `M.`
    Abbreviation,
    /// A title that never ends a sentence: `Mr.`, `Gen.`
    Title,
    /// What ends a sentence only before a capitalized word: `:`, an emoticon, a separator line.
    Soft,
}

/// Tokens that end a sentence when a capitalized word follows: an emoticon, a line of `***` or
/// `===`, a clock time's `AM`/`PM`.
fn soft_terminal(tokens: &[Token], i: usize) -> Option<Terminal> {
    let form = tokens[i].form.as_str();
    let b = form.as_bytes();
    let separator = b.len() >= 3 && b.iter().all(|&c| c == b[0]) && matches!(b[0], b'*' | b'=' | b'_' | b'-' | b'~');
    let time = matches!(form, "AM" | "PM") && i > 0 && tokens[i - 1].form.contains(':');
    let emoticon = b.len() >= 2 && matches!(b[0], b':' | b';') && !b[1].is_ascii_alphanumeric() || form == ":D";
    (separator || time || emoticon).then_some(Terminal::Soft)
}

fn terminal(form: &str) -> Option<Terminal> {
    let b = form.as_bytes();
    if b.is_empty() {
        return None;
    }
    if form == "\u{2026}" || b.iter().all(|&c| c == b'.') {
        return Some(Terminal::Period);
    }
    if b.iter().all(|&c| matches!(c, b'.' | b'!' | b'?')) {
        return Some(Terminal::Exclamation);
    }
    if b.len() > 1 && b[b.len() - 1] == b'.' && (b[0] as char).is_ascii_alphanumeric() {
        let word = &form[..form.len() - 1];
        if TITLES.contains(&word) || matches!(word, "e.g" | "i.e" | "cf" | "viz") {
            return Some(Terminal::Title);
        }
        return Some(Terminal::Abbreviation);
    }
    None
}

/// Decides whether the sentence ends after `tokens[..end]` whose final punctuation is `tokens[i]`.
fn ends_sentence(tokens: &[Token], i: usize, end: usize, kind: Terminal, quoted: bool) -> bool {
    let next = &tokens[end];
    let first = next.form.chars().next().unwrap_or(' ');
    match kind {
        Terminal::Title => false,
        Terminal::Soft => first.is_uppercase() && !is_quote(&tokens[i].form),
        Terminal::Abbreviation => {
            SENTENCE_STARTERS.contains(&next.form.as_str())
                || (is_opener(&next.form)
                    && tokens
                        .get(end + 1)
                        .is_some_and(|t| SENTENCE_STARTERS.contains(&t.form.as_str())))
        }
        Terminal::Period | Terminal::Exclamation => {
            if first.is_lowercase() && tokens[i].form.len() > 1 && tokens[i].form.bytes().all(|c| c == b'.') {
                return false;
            }
            if first.is_lowercase() {
                // `"Why?" she asked.`: a quotation followed by its attribution
                if quoted {
                    return false;
                }
                // "the U.S. vs. the world", "approx. five": a period after a short lowercase word
                let prev = if i > 0 { tokens[i - 1].form.as_str() } else { "" };
                return !(kind == Terminal::Period
                    && tokens[i].form == "."
                    && i > 0
                    && tokens[i - 1].end == tokens[i].start
                    && LOWER_ABBREVIATIONS.contains(&prev));
            }
            if first.is_uppercase() {
                return !(quoted && attribution(&tokens[end..]));
            }
            first.is_numeric() || is_opener(&next.form) || !first.is_alphanumeric() && !is_continuation(&next.form)
        }
    }
}

/// `Smith said.`, `the official added,`: a short clause of speech after a quotation.
fn attribution(rest: &[Token]) -> bool {
    for (k, t) in rest.iter().enumerate().take(5) {
        if SPEECH_VERBS.contains(&t.form.as_str()) {
            return rest
                .get(k + 1)
                .is_none_or(|n| matches!(n.form.as_str(), "." | "," | ";" | "!" | "?"))
                || rest.get(k + 2).is_some_and(|n| n.form == "." || n.form == ",");
        }
        let c = t.form.chars().next().unwrap_or(' ');
        if !(c.is_uppercase() || matches!(t.form.as_str(), "the" | "a" | "an" | "'s" | "." | "-")) {
            return false;
        }
    }
    false
}

const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "added",
    "adds",
    "told",
    "tells",
    "asked",
    "asks",
    "stated",
    "noted",
    "notes",
    "wrote",
    "writes",
    "explained",
    "continued",
    "replied",
    "insisted",
    "warned",
    "declared",
    "argued",
    "claimed",
    "concluded",
    "commented",
    "tweeted",
    "announced",
    "recalled",
    "admitted",
    "acknowledged",
    "stressed",
    "emphasized",
    "emphasised",
    "underlined",
    "pointed",
    "remarked",
    "observed",
    "responded",
    "suggested",
];

/// Words that start sentences far more often than they follow an abbreviation inside one.
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "But",
    "And",
    "In",
    "On",
    "At",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "If",
    "When",
    "While",
    "As",
    "After",
    "Before",
    "However",
    "Meanwhile",
    "Still",
    "Yet",
    "So",
    "Then",
    "According",
    "Some",
    "Many",
    "Most",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "For",
    "Since",
    "Although",
    "Though",
    "Now",
    "Also",
    "Earlier",
    "Later",
    "Last",
    "Both",
    "Neither",
    "One",
    "Two",
    "Officials",
    "Asked",
    "Today",
    "Yesterday",
    "Instead",
    "Such",
    "Other",
    "Please",
    "Thanks",
    "Thank",
    "Our",
    "Your",
    "No",
    "Yes",
    "Not",
    "All",
    "Each",
    "Every",
];

/// Titles before a name: their period never ends a sentence.
const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Drs", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt", "Cmdr", "Adm", "Maj", "Cpl", "Pvt",
    "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Insp", "Det", "Amb", "Messrs", "Mmes", "Fr", "Sr", "Jr", "St",
    "Mt", "Ft", "No", "Nos", "Vol", "vol", "pp", "Fig", "fig", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec", "vs", "Ave", "Blvd", "approx", "est", "ca",
];

/// Abbreviations kept with their period as one token (besides single initials and dotted ones).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Drs", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt", "Cmdr", "Adm", "Maj", "Cpl", "Pvt",
    "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Insp", "Det", "Amb", "Messrs", "Mmes", "Fr", "Sr", "Jr", "St",
    "Mt", "Ft", "No", "Nos", "Vol", "vol", "pp", "Fig", "fig", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", "vs", "etc",
    "Inc", "Corp", "Ltd", "Co", "Bros", "Ave", "Blvd", "Rd", "Dept", "Univ", "Assn", "approx", "est", "ca", "cf", "al",
    "viz", "ext", "Calif", "Mass", "Penn", "Wash", "Fla", "Ariz", "Ill", "Conn", "Mich", "Minn",
];

/// Lowercase words after which a period rarely ends a sentence.
const LOWER_ABBREVIATIONS: &[&str] = &["vs", "approx", "etc", "ca", "cf", "al", "est", "vol", "pp", "no", "fig"];

fn is_quote(form: &str) -> bool {
    matches!(form, "\"" | "'" | "''")
}

fn is_closer(form: &str) -> bool {
    matches!(
        form,
        "\"" | "'" | "''" | ")" | "]" | "}" | ">" | "\u{2019}" | "\u{201D}"
    )
}

fn is_opener(form: &str) -> bool {
    matches!(
        form,
        "\"" | "'" | "(" | "[" | "{" | "<" | "``" | "-" | "--" | "*" | "#" | "@"
    )
}

/// Punctuation that continues a sentence: `, ; : ) %`.
fn is_continuation(form: &str) -> bool {
    matches!(
        form.as_bytes().first(),
        Some(b',' | b';' | b':' | b')' | b']' | b'%' | b'/' | b'.' | b'!' | b'?')
    )
}

/// Splits text into tokens; `offset` is added to every offset, for text that is a slice of a
/// larger document.
///
/// ```
/// let forms: Vec<String> = claimgraph::text::tokenize("Don’t go.", 0).into_iter().map(|t| t.form).collect();
/// assert_eq!(forms, ["Do", "n't", "go", "."]);
/// ```
pub fn tokenize(text: &str, offset: usize) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut chars: Vec<(usize, char)> = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some(&(_, c)) = iter.peek() {
        if is_space(c) {
            iter.next();
            continue;
        }
        chars.clear();
        while let Some(&(b, c)) = iter.peek() {
            if is_space(c) {
                break;
            }
            chars.push((b, fold_char(c)));
            iter.next();
        }
        let end = iter.peek().map_or(text.len(), |&(b, _)| b);
        let mut out = Chunk {
            text,
            chars: &chars,
            end,
            offset,
            tokens: &mut tokens,
        };
        out.split(0, chars.len());
    }
    tokens
}

/// One run of non-space characters being split into tokens.
struct Chunk<'a> {
    text: &'a str,
    /// Byte offsets and folded characters.
    chars: &'a [(usize, char)],
    /// Byte offset one past the chunk.
    end: usize,
    offset: usize,
    tokens: &'a mut Vec<Token>,
}

impl Chunk<'_> {
    fn ch(&self, k: usize) -> char {
        self.chars.get(k).map_or(' ', |&(_, c)| c)
    }

    fn byte(&self, k: usize) -> usize {
        self.chars.get(k).map_or(self.end, |&(b, _)| b)
    }

    fn emit(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte(from), self.byte(to));
        let slice = &self.text[a..b];
        let form: String = if slice.is_ascii() {
            slice.to_string()
        } else {
            self.chars[from..to]
                .iter()
                .map(|&(_, c)| c)
                .filter(|&c| !is_invisible(c))
                .collect()
        };
        if !form.is_empty() {
            self.tokens.push(Token {
                start: a + self.offset,
                end: b + self.offset,
                form,
            });
        }
    }

    /// Whether `chars[from..to]` is `word` (lowercase ASCII) in any case.
    fn lower_is(&self, from: usize, to: usize, word: &str) -> bool {
        to - from == word.len()
            && self.chars[from..to]
                .iter()
                .zip(word.bytes())
                .all(|(&(_, c), w)| c.to_ascii_lowercase() == w as char)
    }

    /// Splits `chars[from..to]` into tokens.
    fn split(&mut self, from: usize, to: usize) {
        if let Some((a, b)) = self.url(from, to) {
            for k in from..a {
                self.emit(k, k + 1);
            }
            self.emit(a, b);
            self.split(b, to);
            return;
        }
        let mut i = from;
        while i < to {
            let c = self.ch(i);
            let j = if is_word(c) {
                self.word(i, to)
            } else {
                let j = self.punct(i, to);
                self.emit(i, j);
                j
            };
            i = j;
        }
    }

    /// A URL or e-mail address inside `chars[from..to]`, without surrounding punctuation.
    fn url(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let lead = self.chars[from..to]
            .iter()
            .take_while(|&&(_, c)| matches!(c, '"' | '\'' | '(' | '[' | '<'))
            .count();
        let core = &self.text[self.byte(from + lead)..self.byte(to)];
        let is_url = core.contains("://") || core.starts_with("www.") || core.starts_with("WWW.");
        let is_mail = core
            .find('@')
            .is_some_and(|p| p > 0 && core[p + 1..].contains('.') && core[p + 1..].starts_with(char::is_alphanumeric));
        if !is_url && !is_mail {
            return None;
        }
        let a = from + lead;
        let opens = core.contains('(');
        let mut b = to;
        while b > a + 1 {
            let c = self.ch(b - 1);
            if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '"' | '\'' | ']' | '>') || (c == ')' && !opens) {
                b -= 1;
            } else {
                break;
            }
        }
        Some((a, b))
    }

    /// Punctuation starting at `i`; returns where its token ends.
    fn punct(&self, i: usize, to: usize) -> usize {
        let c = self.ch(i);
        let run = |set: &dyn Fn(char) -> bool| {
            let mut j = i + 1;
            while j < to && set(self.ch(j)) {
                j += 1;
            }
            j
        };
        match c {
            '.' | '!' | '?' => run(&|d| matches!(d, '.' | '!' | '?')),
            // hashtags and signed numbers: "#election", "+1"
            '#' | '+'
                if i + 1 < to
                    && (if c == '#' {
                        self.ch(i + 1).is_alphabetic()
                    } else {
                        self.ch(i + 1).is_ascii_digit()
                    })
                    && (i == 0 || !is_word(self.ch(i - 1))) =>
            {
                let mut j = i + 1;
                while j < to && (is_word(self.ch(j)) || self.ch(j) == '_') {
                    j += 1;
                }
                if c == '+' && !self.chars[i + 1..j].iter().all(|&(_, d)| d.is_ascii_digit()) {
                    i + 1
                } else {
                    j
                }
            }
            '-' | '=' | '_' | '*' | '<' | '>' | '~' | '#' | '+' | '^' | '$' => run(&|d| d == c),
            '\'' => {
                // clitic after a word: "Russia" "'s"
                let mut j = i + 1;
                while j < to && self.ch(j).is_alphabetic() {
                    j += 1;
                }
                let after_word = i > 0 && (is_word(self.ch(i - 1)) || self.ch(i - 1) == '.');
                if after_word && j > i + 1 && (j == to || !is_word(self.ch(j))) {
                    let suffix = ["s", "re", "ve", "ll", "d", "m"];
                    if suffix.iter().any(|s| self.lower_is(i + 1, j, s)) {
                        return j;
                    }
                }
                // "'90s"
                if i + 1 < to && self.ch(i + 1).is_ascii_digit() && (i == 0 || !is_word(self.ch(i - 1))) {
                    let mut j = i + 1;
                    while j < to && self.ch(j).is_ascii_alphanumeric() {
                        j += 1;
                    }
                    if j - i == 4 && self.ch(j - 1) == 's' {
                        return j;
                    }
                }
                run(&|d| d == '\'')
            }
            ':' | ';'
                if i + 2 < to && self.ch(i + 1) == '-' && matches!(self.ch(i + 2), ')' | '(' | 'D' | 'P' | 'p') =>
            {
                i + 3
            }
            ':' | ';' if i + 1 < to && matches!(self.ch(i + 1), ')' | '(' | 'D' | 'P' | 'p') => {
                if i + 2 >= to || !is_word(self.ch(i + 2)) {
                    i + 2
                } else {
                    i + 1
                }
            }
            _ => i + 1,
        }
    }

    /// A word starting at `i`; emits it (and any clitic split from it) and returns where it ends.
    fn word(&mut self, i: usize, to: usize) -> usize {
        // "n't" after the stem it was split from
        if i > 0 && is_word(self.ch(i - 1)) && i + 3 <= to && self.lower_is(i, i + 3, "n't") {
            self.emit(i, i + 3);
            return i + 3;
        }
        let mut j = i + 1;
        let mut seg = i; // start of the current hyphen- or slash-separated segment
        let mut dotted = false;
        while j < to {
            let d = self.ch(j);
            let prev = self.ch(j - 1);
            let next = self.ch(j + 1);
            let joins = match d {
                _ if is_word(d) => true,
                '.' => {
                    let ok = is_word(prev) && is_word(next) && prev.is_ascii_digit() == next.is_ascii_digit();
                    dotted |= ok && !prev.is_ascii_digit();
                    ok
                }
                ',' => {
                    prev.is_ascii_digit()
                        && (1..=3).all(|k| self.ch(j + k).is_ascii_digit())
                        && !self.ch(j + 4).is_ascii_digit()
                }
                ':' => prev.is_ascii_digit() && next.is_ascii_digit(),
                '-' => {
                    let ok = is_word(next)
                        && ((prev.is_ascii_digit() && next.is_ascii_digit() && self.digit_code(i, j, to))
                            || self.date_dash(j)
                            || self.is_prefix(seg, j));
                    if ok {
                        seg = j + 1;
                    }
                    ok
                }
                '/' => {
                    let mut e = j + 1;
                    while e < to && is_word(self.ch(e)) {
                        e += 1;
                    }
                    let ok = is_word(next)
                        && ((prev.is_ascii_digit() && next.is_ascii_digit()) || (j - seg <= 1 && e - j - 1 <= 2));
                    if ok {
                        seg = j + 1;
                    }
                    ok
                }
                '&' => prev.is_uppercase() && next.is_uppercase(),
                // snake_case names, file names and user@host without a dot
                '_' | '@' => is_word(next) && !matches!(prev, '_' | '@'),
                '\'' => {
                    // O'Brien, rock'n'roll join; clitics and "n't" split
                    let mut e = j + 1;
                    while e < to && self.ch(e).is_alphabetic() {
                        e += 1;
                    }
                    let clitic = e > j + 1
                        && (e == to || !is_word(self.ch(e)))
                        && (["s", "re", "ve", "ll", "d", "m"]
                            .iter()
                            .any(|s| self.lower_is(j + 1, e, s))
                            || (self.lower_is(j + 1, e, "t") && matches!(prev, 'n' | 'N') && j - 1 > i));
                    if clitic && self.lower_is(j + 1, e, "t") {
                        // "don't": the stem ends before the "n"
                        self.emit_word(i, j - 1);
                        return j - 1;
                    }
                    !clitic && is_word(next) && prev.is_alphabetic() && next.is_alphabetic()
                }
                '$' => self.chars[i..j].iter().all(|&(_, c)| c.is_uppercase()) && j - i <= 3 && next.is_ascii_digit(),
                _ => false,
            };
            if !joins {
                break;
            }
            j += 1;
            if d == '$' {
                break;
            }
        }
        // keep an abbreviation's period: "U.S.", "Mr.", "M."
        if j < to && self.ch(j) == '.' && self.ch(j + 1) != '.' && self.keeps_period(i, j, dotted) {
            j += 1;
        }
        self.emit_word(i, j);
        j
    }

    fn keeps_period(&self, i: usize, j: usize, dotted: bool) -> bool {
        let word = &self.text[self.byte(i)..self.byte(j)];
        if dotted {
            return word
                .split('.')
                .all(|p| p.chars().count() <= 3 && p.chars().all(char::is_alphabetic));
        }
        (j - i == 1 && self.ch(i).is_uppercase()) || ABBREVIATIONS.contains(&word)
    }

    /// Whether the hyphen at `hyphen` is inside a phone number or a date (`555-0100`, `11-20-2000`)
    /// rather than in a range (`13-17`, `2021-2022`), which is split.
    fn digit_code(&self, i: usize, hyphen: usize, to: usize) -> bool {
        let digits = |from: usize, step: isize| {
            let mut k = from as isize;
            let mut n = 0;
            while k >= i as isize && (k as usize) < to && self.ch(k as usize).is_ascii_digit() {
                n += 1;
                k += step;
            }
            (n, k)
        };
        let (before, b) = digits(hyphen - 1, -1);
        let (after, a) = digits(hyphen + 1, 1);
        let more = (b >= i as isize && self.ch(b as usize) == '-') || ((a as usize) < to && self.ch(a as usize) == '-');
        more || (after >= 4 && !(before == 4 && after == 4))
    }

    /// Whether the hyphen at `k` is one of the two in a date like `01-Feb-02`.
    fn date_dash(&self, k: usize) -> bool {
        let at = |from: usize| {
            from >= 1
                && self.ch(from - 1).is_ascii_digit()
                && self.ch(from) == '-'
                && (1..=3).all(|d| self.ch(from + d).is_ascii_alphabetic())
                && self.ch(from + 4) == '-'
                && self.ch(from + 5).is_ascii_digit()
        };
        at(k) || (k >= 4 && at(k - 4))
    }

    /// Whether `chars[seg..hyphen]` is a prefix that stays joined to what follows its hyphen.
    fn is_prefix(&self, seg: usize, hyphen: usize) -> bool {
        const PREFIXES: &[&str] = &[
            "e", "x", "non", "mis", "pre", "post", "anti", "pro", "co", "re", "ex", "mid", "neo", "multi", "semi",
            "sub", "cross", "inter", "intra", "counter", "over", "under", "ultra", "mega", "micro", "macro", "mini",
            "socio", "psycho", "bio", "geo", "quasi", "pseudo", "vice", "de", "un", "trans", "pan", "meta", "hyper",
            "super", "infra", "extra", "uber", "tri", "bi", "cyber", "afro", "indo", "sino",
        ];
        PREFIXES.iter().any(|p| self.lower_is(seg, hyphen, p))
    }

    /// Emits a word, splitting unit suffixes off numbers and apostrophe-less contractions.
    fn emit_word(&mut self, i: usize, j: usize) {
        if j - i >= 2 && self.ch(i).is_ascii_digit() {
            let k = (i..j)
                .find(|&k| !matches!(self.ch(k), '0'..='9' | '.' | ',' | ':'))
                .unwrap_or(j);
            if k < j && k > i && self.chars[k..j].iter().all(|&(_, c)| c.is_ascii_lowercase()) {
                let ordinal = ["st", "nd", "rd", "th", "s"].iter().any(|s| self.lower_is(k, j, s));
                if !ordinal {
                    self.emit(i, k);
                    self.emit(k, j);
                    return;
                }
            }
        }
        if j - i >= 4 && matches!(self.ch(j - 1), 't' | 'T' | 'a' | 'A') {
            let split = if self.lower_is(i, j, "cannot") {
                Some(j - 3)
            } else if ["gonna", "wanna", "gotta"]
                .iter()
                .chain(CONTRACTIONS)
                .any(|w| self.lower_is(i, j, w))
            {
                Some(j - 2)
            } else {
                None
            };
            if let Some(k) = split {
                self.emit(i, k);
                self.emit(k, j);
                return;
            }
        }
        self.emit(i, j);
    }
}

/// Contractions written without their apostrophe, split like `don't` is.
const CONTRACTIONS: &[&str] = &[
    "dont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "cant", "wont", "couldnt", "wouldnt", "shouldnt",
    "havent", "hasnt", "hadnt", "aint",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(text: &str) -> Vec<String> {
        tokenize(text, 0).into_iter().map(|t| t.form).collect()
    }

    fn sentences(text: &str) -> Vec<&str> {
        segment(text).iter().map(|s| s.text(text)).collect()
    }

    #[test]
    fn splits_clitics_like_ewt() {
        assert_eq!(
            forms("Canada’s mayors don't know"),
            ["Canada", "'s", "mayors", "do", "n't", "know"]
        );
        assert_eq!(
            forms("I can't and we won't"),
            ["I", "ca", "n't", "and", "we", "wo", "n't"]
        );
        assert_eq!(
            forms("They're sure we'd've I'm"),
            ["They", "'re", "sure", "we", "'d", "'ve", "I", "'m"]
        );
    }

    #[test]
    fn splits_clitics_after_acronyms_and_keeps_names_with_apostrophes() {
        assert_eq!(forms("the E.U.'s rules"), ["the", "E.U.", "'s", "rules"]);
        assert_eq!(forms("O'Neill's team"), ["O'Neill", "'s", "team"]);
        assert_eq!(forms("the players' union"), ["the", "players", "'", "union"]);
        assert_eq!(forms("dont cannot"), ["do", "nt", "can", "not"]);
    }

    #[test]
    fn hyphens_follow_ewt() {
        assert_eq!(forms("a Chile-Peru deal"), ["a", "Chile", "-", "Peru", "deal"]);
        assert_eq!(forms("a long-range missile"), ["a", "long", "-", "range", "missile"]);
        assert_eq!(
            forms("pro-government and non-binding e-mail"),
            ["pro-government", "and", "non-binding", "e-mail"]
        );
        assert_eq!(
            forms("call 555-867-5309 for ages 13-17"),
            ["call", "555-867-5309", "for", "ages", "13", "-", "17"]
        );
        assert_eq!(forms("the 2020-2021 season"), ["the", "2020", "-", "2021", "season"]);
    }

    #[test]
    fn keeps_numbers_and_splits_currency_and_units() {
        assert_eq!(
            forms("250,000 people, 4.75 points"),
            ["250,000", "people", ",", "4.75", "points"]
        );
        assert_eq!(forms("$2.4bn and 12%"), ["$", "2.4", "bn", "and", "12", "%"]);
        assert_eq!(
            forms("at 9pm on the 3rd in the 1980s"),
            ["at", "9", "pm", "on", "the", "3rd", "in", "the", "1980s"]
        );
        assert_eq!(forms("at 10:45 on 3/14/2019"), ["at", "10:45", "on", "3/14/2019"]);
    }

    #[test]
    fn splits_punctuation_and_keeps_ellipses_whole() {
        assert_eq!(
            forms("(yes), no; \"maybe\"!"),
            ["(", "yes", ")", ",", "no", ";", "\"", "maybe", "\"", "!"]
        );
        assert_eq!(
            forms("Well... fine… ok?!"),
            ["Well", "...", "fine", "\u{2026}", "ok", "?!"]
        );
        assert_eq!(
            forms("and/or it -- or not"),
            ["and", "/", "or", "it", "--", "or", "not"]
        );
    }

    #[test]
    fn keeps_urls_emails_and_abbreviations_whole() {
        assert_eq!(
            forms("See https://news.example.net/a-b/c?id=7."),
            ["See", "https://news.example.net/a-b/c?id=7", "."]
        );
        assert_eq!(forms("(www.example.com)"), ["(", "www.example.com", ")"]);
        assert_eq!(
            forms("Write to desk@paper.example.com, now"),
            ["Write", "to", "desk@paper.example.com", ",", "now"]
        );
        assert_eq!(
            forms("U.S. and U.K. troops, Mr. Li, e.g. Jan. 5"),
            [
                "U.S.", "and", "U.K.", "troops", ",", "Mr.", "Li", ",", "e.g.", "Jan.", "5"
            ]
        );
    }

    #[test]
    fn normalizes_forms_and_keeps_original_offsets() {
        let text = "\u{201C}Hi\u{201D}\u{00A0}it\u{2019}s a\u{2014}b co\u{00AD}operate";
        let tokens = tokenize(text, 0);
        let forms: Vec<&str> = tokens.iter().map(|t| t.form.as_str()).collect();
        assert_eq!(forms, ["\"", "Hi", "\"", "it", "'s", "a", "-", "b", "cooperate"]);
        for t in &tokens {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
        assert_eq!(&text[tokens[4].start..tokens[4].end], "\u{2019}s");
        assert_eq!(&text[tokens[8].start..tokens[8].end], "co\u{00AD}operate");
        let shifted = tokenize("ab cd", 100);
        assert_eq!((shifted[1].start, shifted[1].end), (103, 105));
    }

    #[test]
    fn normalize_maps_back_to_original_offsets() {
        let text = "a\u{00A0}\u{201C}b\u{00AD}c\u{201D}";
        let (folded, map) = normalize(text);
        assert_eq!(folded, "a \"bc\"");
        assert_eq!(map.len(), folded.len() + 1);
        assert!(text[map[3]..].starts_with('b'));
        assert_eq!(&text[map[4]..map[5]], "c");
        assert_eq!(char_offset(text, map[4]), 5);
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let text = "Gen. Ortiz met U.N. envoys in Dec. last year. Ms. Edna K. Moyo of the U.S. Army spoke. It rained.";
        assert_eq!(
            sentences(text),
            [
                "Gen. Ortiz met U.N. envoys in Dec. last year.",
                "Ms. Edna K. Moyo of the U.S. Army spoke.",
                "It rained."
            ]
        );
    }

    #[test]
    fn sentence_final_abbreviation_gives_up_its_period() {
        let text = "The plant moved to the U.S. The workers stayed.";
        let s = segment(text);
        assert_eq!(sentences(text), ["The plant moved to the U.S.", "The workers stayed."]);
        let last: Vec<&str> = s[0].tokens.iter().rev().take(2).map(|t| t.form.as_str()).collect();
        assert_eq!(last, [".", "U.S"]);
        assert_eq!(s[0].tokens.last().map(|t| (t.start, t.end)), Some((26, 27)));
    }

    #[test]
    fn quotations_keep_their_attribution() {
        let text = "\"The deal is off, and that is final,\" the minister said. \"We tried.\" Okafor said. \"Did you?\" she asked. Then they left.";
        assert_eq!(
            sentences(text),
            [
                "\"The deal is off, and that is final,\" the minister said.",
                "\"We tried.\" Okafor said.",
                "\"Did you?\" she asked.",
                "Then they left."
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let text = "He called it \u{201C}a disgrace.\u{201D} Nobody answered. (They never do.) Fine.";
        assert_eq!(
            sentences(text),
            [
                "He called it \u{201C}a disgrace.\u{201D}",
                "Nobody answered.",
                "(They never do.)",
                "Fine."
            ]
        );
        let text = "\u{201C}We will stay.\u{201D} The mayor left it there.";
        assert_eq!(
            sentences(text),
            ["\u{201C}We will stay.\u{201D}", "The mayor left it there."]
        );
    }

    #[test]
    fn headlines_datelines_and_paragraphs() {
        let text = "Floods hit northern towns\nRescue teams arrive\n\nLAGOS, March 3. /Reuters/. Rain fell for days\n\nand more is due.";
        assert_eq!(
            sentences(text),
            [
                "Floods hit northern towns",
                "Rescue teams arrive",
                "LAGOS, March 3. /Reuters/.",
                "Rain fell for days",
                "and more is due."
            ]
        );
    }

    #[test]
    fn wrapped_lines_continue_the_sentence() {
        let text = "The council voted on the\nbudget, and the mayor,\nwho objected, left.";
        assert_eq!(sentences(text).len(), 1);
    }

    #[test]
    fn ellipses_and_lowercase_continuations() {
        assert_eq!(
            sentences("I waited... and waited. Nothing."),
            ["I waited... and waited.", "Nothing."]
        );
        assert_eq!(
            sentences("Is it over? No! It is not."),
            ["Is it over?", "No!", "It is not."]
        );
    }

    #[test]
    fn segment_covers_every_token_once() {
        let text = "One. Two!\n\nThree? \"Four.\"";
        let all: Vec<Token> = segment(text).into_iter().flat_map(|s| s.tokens).collect();
        assert_eq!(all, tokenize(text, 0));
    }

    #[test]
    fn keeps_hashtags_file_names_and_dated_codes() {
        assert_eq!(
            forms("#vote2024 at +44 and #1"),
            ["#vote2024", "at", "+44", "and", "#", "1"]
        );
        assert_eq!(
            forms("open budget_final.xls from 05-Mar-21"),
            ["open", "budget_final.xls", "from", "05-Mar-21"]
        );
    }

    #[test]
    fn email_greetings_and_headers_stand_alone() {
        let text =
            "Best regards, Tom Hale\n\nPat Ruiz 03/04/2019 10:15 AM Please call me. Hi Jo, The file is attached.";
        assert_eq!(
            sentences(text),
            [
                "Best regards,",
                "Tom Hale",
                "Pat Ruiz",
                "03/04/2019 10:15 AM",
                "Please call me.",
                "Hi Jo,",
                "The file is attached."
            ]
        );
        // a comma after a name inside a quotation is no greeting
        assert_eq!(sentences("\"Thanks, Maria,\" he said.").len(), 1);
    }

    #[test]
    fn detached_closing_quote_stays_with_its_sentence() {
        assert_eq!(
            sentences("He said it was over. ' Then he left."),
            ["He said it was over. '", "Then he left."]
        );
    }

    #[test]
    fn fold_char_folds_typography() {
        assert_eq!(fold_char('\u{2019}'), '\'');
        assert_eq!(fold_char('\u{201C}'), '"');
        assert_eq!(fold_char('\u{2013}'), '-');
        assert_eq!(fold_char('\u{00A0}'), ' ');
        assert_eq!(fold_char('x'), 'x');
    }
}

//! Corpus stage: reads news articles from files, folders and stdin into [`Document`]s.
//!
//! Formats: plain text (`.txt`), Markdown (`.md`), HTML (`.html`, `.htm`) and JSON Lines (`.jsonl`, one
//! article per line). Every article is cleaned the same way: boilerplate (copyright notices, "contributed to
//! this report", "Skip to main content", a headline repeated later) is removed, and the title, outlet,
//! publication date and dateline are taken from the file's metadata or the text where they support them.
//! Problems are reported as [`CorpusError`]s naming the file (and line); they never stop the stream.

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::{Captures, Regex};
use sha2::{Digest, Sha256};

/// One article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// 16 lowercase hex chars: the first 8 bytes of the SHA-256 of the normalized text (whitespace runs
    /// folded, curly quotes folded), so the same article loaded twice gets the same id.
    pub id: String,
    /// Where it came from as the user gave it: the path, `-` for stdin, `path.jsonl:3` for JSONL line 3.
    pub source: String,
    /// The file's name; for JSONL the record's `id` field if present, else `name.jsonl:3`.
    pub file: String,
    /// The article's URL, when the file says it.
    pub url: Option<String>,
    /// The headline.
    pub title: Option<String>,
    /// The publishing outlet or news agency.
    pub outlet: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// How the date was found: `header`, `dateline`, `jsonl`, `html-meta`, `html-time`, `json-ld`,
    /// `front-matter` or `published-line`.
    pub date_source: Option<&'static str>,
    /// Place of the dateline, title case (`Moscow`, `Kyiv, Ukraine`).
    pub dateline: Option<String>,
    /// The cleaned article text: title kept once at the top, boilerplate removed, paragraphs separated by a
    /// blank line. All offsets elsewhere refer to this string.
    pub text: String,
}

/// A problem with one input: the file (and JSONL line) it concerns and what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {reason}", .line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct CorpusError {
    /// The path as the user gave it (or as found in a folder), `-` for stdin.
    pub path: String,
    /// The 1-based line number, for line-oriented problems.
    pub line: Option<usize>,
    /// What went wrong.
    pub reason: String,
}

fn err(path: &str, line: Option<usize>, reason: impl Into<String>) -> CorpusError {
    CorpusError {
        path: path.to_string(),
        line,
        reason: reason.into(),
    }
}

/// Longest line accepted in a `.txt`, `.md` or `.html` file.
const MAX_LINE: usize = 1 << 20;
/// Longest line accepted in a `.jsonl` file.
const MAX_JSONL_LINE: usize = 16 << 20;
/// How many leading bytes are checked for NUL to recognize binary files.
const SNIFF_LEN: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
    Html,
    Jsonl,
}

fn format_of(file: &str) -> Option<Format> {
    let ext = Path::new(file).extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" => Some(Format::Text),
        "md" | "markdown" => Some(Format::Markdown),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        _ => None,
    }
}

fn sniff(bytes: &[u8]) -> Format {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Jsonl,
        Some(b'<') => Format::Html,
        _ => Format::Text,
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn binary_reason(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    head.iter()
        .position(|&b| b == 0)
        .map(|at| format!("binary file (NUL byte at offset {at}), not an article"))
}

fn utf8_reason(e: &std::str::Utf8Error, base: usize) -> String {
    format!("invalid UTF-8 at byte offset {}", base + e.valid_up_to())
}

/// Parses one file's bytes into documents. The format comes from the extension of `file` (unknown extensions
/// are read as text), and is sniffed for stdin (`source` or `file` is `-`): JSONL when it starts with `{`,
/// HTML when it starts with `<`, text otherwise. `source` names the input in documents and errors.
pub fn parse(source: &str, file: &str, bytes: &[u8]) -> Vec<Result<Document, CorpusError>> {
    let bytes = strip_bom(bytes);
    let format = if source == "-" || file == "-" {
        sniff(bytes)
    } else {
        format_of(file).unwrap_or(Format::Text)
    };
    if let Some(reason) = binary_reason(bytes) {
        return vec![Err(err(source, None, reason))];
    }
    if format == Format::Jsonl {
        return JsonlReader::new(source, file, bytes).collect();
    }
    vec![parse_single(source, file, format, bytes)]
}

fn parse_single(source: &str, file: &str, format: Format, bytes: &[u8]) -> Result<Document, CorpusError> {
    let s = std::str::from_utf8(bytes).map_err(|e| err(source, None, utf8_reason(&e, 0)))?;
    if s.is_empty() {
        return Err(err(source, None, "file is empty"));
    }
    if s.trim().is_empty() {
        return Err(err(source, None, "file contains only whitespace"));
    }
    if let Some((n, len)) = s.split('\n').enumerate().find(|(_, l)| l.len() > MAX_LINE) {
        return Err(err(
            source,
            Some(n + 1),
            format!(
                "line is {len} bytes long (limit {MAX_LINE}); not an article",
                len = len.len()
            ),
        ));
    }
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let (paras, meta) = match format {
        Format::Markdown => markdown_parts(&s),
        Format::Html => html_parts(&s),
        _ => text_parts(&s),
    };
    finish(source, file, paras, meta).map_err(|r| err(source, None, r))
}

// ---------------------------------------------------------------------------------------------------------
// Streaming over paths
// ---------------------------------------------------------------------------------------------------------

/// Streams documents from paths (a file, a folder searched recursively in sorted order, or `-` for stdin).
/// Each item is one document or one error naming the file (and line); an error never stops the stream.
pub fn read_paths(paths: &[PathBuf]) -> Documents {
    Documents {
        roots: paths.iter().cloned().collect(),
        stack: Vec::new(),
        walk: None,
        pending: VecDeque::new(),
        jsonl: None,
    }
}

/// The iterator returned by [`read_paths`]: reads one file at a time, JSONL line by line.
pub struct Documents {
    roots: VecDeque<PathBuf>,
    /// Folder walk: paths still to visit, the next one on top.
    stack: Vec<PathBuf>,
    /// The folder being walked and how many article files were found in it.
    walk: Option<(String, usize)>,
    pending: VecDeque<Result<Document, CorpusError>>,
    jsonl: Option<JsonlReader<Box<dyn BufRead + Send>>>,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documents")
            .field("roots", &self.roots)
            .field("stack", &self.stack)
            .finish_non_exhaustive()
    }
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path_str(p))
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

impl Documents {
    fn push_dir(&mut self, dir: &Path) {
        let entries = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.pending.push_back(Err(err(
                    &path_str(dir),
                    None,
                    format!("cannot read folder: {}", io_reason(&e)),
                )));
                return;
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| !name_of(p).starts_with('.'))
            .collect();
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        self.stack.extend(paths.into_iter().rev());
    }

    /// Visits the next path of the folder walk.
    fn step_walk(&mut self, path: PathBuf) {
        let name = name_of(&path);
        let Ok(meta) = fs::metadata(&path) else { return };
        if meta.is_dir() {
            // Symlinked folders are not followed, so a link loop cannot trap the walk.
            if fs::symlink_metadata(&path)
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(true)
            {
                return;
            }
            self.push_dir(&path);
        } else if format_of(&name).is_some() && !name.to_ascii_lowercase().starts_with("readme") {
            if let Some((_, found)) = &mut self.walk {
                *found += 1;
            }
            self.open_file(&path);
        }
    }

    fn open_file(&mut self, path: &Path) {
        let source = path_str(path);
        let name = name_of(path);
        if format_of(&name) == Some(Format::Jsonl) {
            match File::open(path) {
                Ok(f) => self.start_jsonl(&source, &name, Vec::new(), Box::new(f)),
                Err(e) => self.pending.push_back(Err(err(&source, None, io_reason(&e)))),
            }
            return;
        }
        match fs::read(path) {
            Ok(bytes) => self.pending.extend(parse(&source, &name, &bytes)),
            Err(e) => self.pending.push_back(Err(err(&source, None, io_reason(&e)))),
        }
    }

    /// Starts streaming a JSONL input whose first bytes (`head`, possibly empty) were already read.
    fn start_jsonl(&mut self, source: &str, name: &str, mut head: Vec<u8>, mut rest: Box<dyn Read + Send>) {
        if head.len() < SNIFF_LEN {
            let want = (SNIFF_LEN - head.len()) as u64;
            if let Err(e) = (&mut rest).take(want).read_to_end(&mut head) {
                self.pending.push_back(Err(err(source, None, io_reason(&e))));
                return;
            }
        }
        if let Some(reason) = binary_reason(&head) {
            self.pending.push_back(Err(err(source, None, reason)));
            return;
        }
        let head = strip_bom(&head).to_vec();
        let reader = BufReader::with_capacity(1 << 16, io::Cursor::new(head).chain(rest));
        self.jsonl = Some(JsonlReader::new(source, name, Box::new(reader)));
    }

    fn open_stdin(&mut self) {
        let mut stdin = io::stdin();
        let mut head = Vec::new();
        if let Err(e) = (&mut stdin).take(SNIFF_LEN as u64).read_to_end(&mut head) {
            self.pending.push_back(Err(err("-", None, io_reason(&e))));
            return;
        }
        if sniff(strip_bom(&head)) == Format::Jsonl {
            self.start_jsonl("-", "-", head, Box::new(stdin));
            return;
        }
        match stdin.read_to_end(&mut head) {
            Ok(_) => self.pending.extend(parse("-", "-", &head)),
            Err(e) => self.pending.push_back(Err(err("-", None, io_reason(&e)))),
        }
    }

    fn open_root(&mut self, root: PathBuf) {
        if root.as_os_str() == "-" {
            self.open_stdin();
            return;
        }
        let source = path_str(&root);
        match fs::metadata(&root) {
            Err(e) => self.pending.push_back(Err(err(&source, None, io_reason(&e)))),
            Ok(m) if m.is_dir() => {
                self.walk = Some((source, 0));
                self.push_dir(&root);
            }
            Ok(_) => self.open_file(&root),
        }
    }
}

impl Iterator for Documents {
    type Item = Result<Document, CorpusError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if let Some(reader) = &mut self.jsonl {
                match reader.next() {
                    Some(item) => return Some(item),
                    None => {
                        self.jsonl = None;
                        continue;
                    }
                }
            }
            if let Some(path) = self.stack.pop() {
                self.step_walk(path);
                continue;
            }
            if let Some((folder, found)) = self.walk.take() {
                if found == 0 {
                    return Some(Err(err(
                        &folder,
                        None,
                        "folder contains no articles (.txt, .md, .html, .htm, .jsonl)",
                    )));
                }
                continue;
            }
            let root = self.roots.pop_front()?;
            self.open_root(root);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// JSONL
// ---------------------------------------------------------------------------------------------------------

/// Reads one JSONL input line by line; each non-blank line is one article.
struct JsonlReader<R> {
    reader: R,
    source: String,
    file: String,
    line: usize,
    offset: usize,
    records: usize,
    done: bool,
    buf: Vec<u8>,
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `limit + 2` bytes of it. Returns the line's
/// full length in bytes (0 at end of input) and whether it ended with `\n`.
fn read_line_limited<R: BufRead>(r: &mut R, buf: &mut Vec<u8>, limit: usize) -> io::Result<(usize, bool)> {
    let mut total = 0;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((total, false));
        }
        let (take, found) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        if buf.len() + take <= limit + 2 {
            buf.extend_from_slice(&avail[..take]);
        }
        total += take;
        r.consume(take);
        if found {
            return Ok((total, true));
        }
    }
}

impl<R: BufRead> JsonlReader<R> {
    fn new(source: &str, file: &str, reader: R) -> Self {
        JsonlReader {
            reader,
            source: source.to_string(),
            file: file.to_string(),
            line: 0,
            offset: 0,
            records: 0,
            done: false,
            buf: Vec::new(),
        }
    }

    fn record(&self, line: &str) -> Result<Document, CorpusError> {
        use serde_json::Value;
        let fail = |reason: String| err(&self.source, Some(self.line), reason);
        let value: Value = serde_json::from_str(line).map_err(|e| fail(format!("invalid JSON: {e}")))?;
        let obj = value
            .as_object()
            .ok_or_else(|| fail("expected a JSON object".to_string()))?;
        let field = |key: &str| match obj.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let text = match obj.get("text") {
            None | Some(Value::Null) => return Err(fail("missing \"text\" field".to_string())),
            Some(Value::String(s)) => s,
            Some(_) => return Err(fail("\"text\" must be a string".to_string())),
        };
        if text.trim().is_empty() {
            return Err(fail("\"text\" is empty or whitespace-only".to_string()));
        }
        let source = format!("{}:{}", self.source, self.line);
        let file = field("id").unwrap_or_else(|| format!("{}:{}", self.file, self.line));
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let (paras, mut meta) = text_parts(&text);
        meta.url = field("url");
        if let Some(t) = field("title") {
            meta.title = Some(t);
        }
        meta.outlet = field("outlet");
        if let Some(d) = field("date").as_deref().and_then(parse_date) {
            meta.date = Some(d);
            meta.date_source = Some("jsonl");
        }
        finish(&source, &file, paras, meta).map_err(fail)
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<Document, CorpusError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            self.buf.clear();
            let (len, newline) = match read_line_limited(&mut self.reader, &mut self.buf, MAX_JSONL_LINE) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(Err(err(&self.source, Some(self.line + 1), io_reason(&e))));
                }
            };
            if len == 0 {
                self.done = true;
                if self.records == 0 {
                    return Some(Err(err(
                        &self.source,
                        None,
                        "no JSONL records (file is empty or whitespace-only)",
                    )));
                }
                return None;
            }
            self.line += 1;
            let start = self.offset;
            self.offset += len;
            let content_len = len - usize::from(newline) - usize::from(self.buf.ends_with(b"\r\n"));
            if content_len > MAX_JSONL_LINE {
                self.records += 1;
                return Some(Err(err(
                    &self.source,
                    Some(self.line),
                    format!("line is {content_len} bytes long (limit {MAX_JSONL_LINE})"),
                )));
            }
            let bytes = &self.buf[..content_len];
            let line = match std::str::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => {
                    self.records += 1;
                    return Some(Err(err(&self.source, Some(self.line), utf8_reason(&e, start))));
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            self.records += 1;
            return Some(self.record(line));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Shared cleaning and metadata
// ---------------------------------------------------------------------------------------------------------

/// Metadata a format parser found before the shared text rules run.
#[derive(Debug, Default)]
struct Meta {
    url: Option<String>,
    title: Option<String>,
    outlet: Option<String>,
    date: Option<String>,
    date_source: Option<&'static str>,
}

const MONTH: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
/// A place in a dateline: one or more all-capital words (`MOSCOW`, `NEW YORK`, `ST. PETERSBURG`).
const PLACE: &str = r"[A-Z][A-Z'’.\-]*(?: [A-Z][A-Z'’.\-]*)*";
/// An optional region after the place (`, Ukraine`, `, Calif.`, `, D.C.`).
const REGION: &str = r"(?:, [A-Z][A-Za-z.\-]*(?: [A-Z][A-Za-z.\-]*)*)?";

fn re(s: &str) -> Regex {
    Regex::new(s).expect("valid regex")
}

static SKIP_LINK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)skip to (?:the )?(?:main content|content|navigation|main menu|search)"));
static HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(?i:date)\s*:?\s+(\d{4}-\d{2}-\d{2})(?:T[0-9:.]+(?:Z|[+\-]\d{2}:?\d{2})?)?(?:\s+|$)"));
static COPYRIGHT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:copyright\b|©|\(c\)\s*\d{4})|\ball rights reserved\b"));
static COPYRIGHT_OWNER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:copyright|©|\(c\))\s*(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s+)?(?:by\s+)?([^.,;]{2,60}?)\s*(?:[.,;]|$)",
    )
});
static CONTRIBUTED: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bcontributed(?: to)?(?: this)? (?:report|story|article|reporting)\b[^.]*\.?\s*$"));
static REPORTING_BY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\(?(?:additional )?(?:reporting|writing|editing|compiled) by\b"));
static STANDALONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:advertisement|ad|skip ad|share|share this(?: article| story)?|read more|related(?: articles| stories| coverage)?|sign up.*newsletter.*|subscribe(?: now)?|follow us.*|click here.*|listen to (?:this|the) article.*)[.:!]?$",
    )
});
static PUBLISHED: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(published|posted|updated|last updated)(?: on)?\s*:?\s+(.{4,80})$"));
static DATELINE_SLASH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^(?P<place>{PLACE}), (?P<month>{MONTH}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?\.? ?/(?P<outlet>[^/\n]{{2,40}})/\.?"
    ))
});
static DATELINE_PAREN: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^(?P<place>{PLACE}{REGION})(?:, (?P<month>{MONTH}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?)? \((?P<outlet>[A-Za-z][A-Za-z .&'\-]{{0,39}})\) ?(?:—|–|--?)"
    ))
});
static DATELINE_DASH: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"^(?P<place>{PLACE}{REGION}) ?(?:—|–|--| - )")));
static OUTLET_ONLY: LazyLock<Regex> = LazyLock::new(|| re(r"^\((?P<outlet>[A-Z][A-Za-z .&]{1,30})\) ?(?:—|–|--?)"));
static FULL_DATE_MDY: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"\b({MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b")));
static FULL_DATE_DMY: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"\b(\d{{1,2}}) ({MONTH}),? (\d{{4}})\b")));
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\d\-/])(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[^\d\-/]|$)"));

fn month_number(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    let n = match s.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

fn valid_date(y: i32, m: u32, d: u32) -> Option<(i32, u32, u32)> {
    ((1000..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

fn fmt_date((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

fn num<T: std::str::FromStr>(c: &Captures, i: usize) -> Option<T> {
    c.get(i)?.as_str().parse().ok()
}

/// Reads a date written as `2022-02-01`, `2022-02-01T10:00:00Z`, `2022/02/01`, `February 1, 2022`,
/// `Feb. 1 2022` or `1 February 2022` (also inside an RFC 2822 date) into `YYYY-MM-DD`.
fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(c) = ISO_DATE.captures(s)
        && let Some(d) = valid_date(num(&c, 1)?, num(&c, 2)?, num(&c, 3)?)
    {
        return Some(fmt_date(d));
    }
    all_full_dates(s).into_iter().next().map(fmt_date)
}

/// Every date in `text` written with a month name and a year.
fn all_full_dates(text: &str) -> Vec<(i32, u32, u32)> {
    let mut out = Vec::new();
    for c in FULL_DATE_MDY.captures_iter(text) {
        if let (Some(m), Some(d), Some(y)) = (month_number(&c[1]), num(&c, 2), num(&c, 3)) {
            out.extend(valid_date(y, m, d));
        }
    }
    for c in FULL_DATE_DMY.captures_iter(text) {
        if let (Some(d), Some(m), Some(y)) = (num(&c, 1), month_number(&c[2]), num(&c, 3)) {
            out.extend(valid_date(y, m, d));
        }
    }
    out
}

/// The year of a month and day written without one: the first such day on or after the latest full date
/// written in the text. `None` when the text has no full date.
fn infer_year(m: u32, d: u32, text: &str) -> Option<(i32, u32, u32)> {
    let mut dates = all_full_dates(text);
    for c in ISO_DATE.captures_iter(text) {
        if let (Some(y), Some(mo), Some(da)) = (num(&c, 1), num(&c, 2), num(&c, 3)) {
            dates.extend(valid_date(y, mo, da));
        }
    }
    let latest = dates.into_iter().max()?;
    let year = if (m, d) >= (latest.1, latest.2) {
        latest.0
    } else {
        latest.0 + 1
    };
    valid_date(year, m, d)
}

/// Replaces no-break and other fixed-width spaces with plain spaces, drops invisible characters, folds runs of
/// spaces and tabs, and trims.
fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => continue,
            ' ' | '\t' | '\u{00A0}' | '\u{202F}' | '\u{2007}' | '\u{2009}' | '\u{200A}' | '\u{2002}' | '\u{2003}' => {
                space = true;
                continue;
            }
            _ => {}
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// The form used to compare paragraphs and to hash documents: curly quotes folded, whitespace runs folded.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => '"',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

fn doc_id(text: &str) -> String {
    let digest = Sha256::digest(normalize(text).as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Words that may accompany a date on a "Published ..." line.
const DATE_WORDS: &[&str] = &[
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "am",
    "pm",
    "a",
    "m",
    "p",
    "at",
    "on",
    "and",
    "updated",
    "published",
];

/// Whether `s` holds a date and nothing else but times, weekdays and time zones.
fn is_date_only(s: &str) -> bool {
    let rest = FULL_DATE_MDY.replace_all(s, " ");
    let rest = FULL_DATE_DMY.replace_all(&rest, " ");
    let rest = ISO_DATE.replace_all(&rest, " ");
    rest.len() < s.len()
        && rest
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| {
                w.chars().all(|c| c.is_ascii_digit())
                    || (w.len() <= 5 && w.chars().all(|c| c.is_ascii_uppercase()))
                    || DATE_WORDS.contains(&w.to_ascii_lowercase().as_str())
            })
}

fn is_boilerplate(p: &str) -> bool {
    let n = p.chars().count();
    (n <= 600 && COPYRIGHT.is_match(p))
        || (n <= 500 && CONTRIBUTED.is_match(p))
        || (n <= 300 && REPORTING_BY.is_match(p))
        || (n <= 100 && STANDALONE.is_match(p))
}

fn copyright_owner(p: &str) -> Option<String> {
    let c = COPYRIGHT_OWNER.captures(p)?;
    let owner = c[1].trim();
    let ok = owner.chars().next().is_some_and(|c| c.is_uppercase())
        && !owner.to_ascii_lowercase().starts_with("all rights")
        && owner.chars().any(|c| c.is_alphabetic());
    ok.then(|| owner.to_string())
}

/// A short line that reads like a headline: a few words, capitalized, no sentence-final punctuation.
fn is_headline_like(p: &str) -> bool {
    let words = p.split_whitespace().count();
    let first = p.chars().next();
    let last = p.chars().last();
    p.chars().count() <= 200
        && (2..=30).contains(&words)
        && first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'‘“".contains(c))
        && last.is_some_and(|c| !".!?:;,…\"'’”)".contains(c))
        && !p.starts_with("By ")
        && dateline(p).is_none()
}

fn title_case_word(w: &str) -> String {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    let inner_dot = w.trim_end_matches('.').contains('.');
    if letters < 2 || inner_dot || w.chars().any(|c| c.is_lowercase()) {
        return w.to_string();
    }
    let mut out = String::with_capacity(w.len());
    let mut start = true;
    for c in w.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c == '-' || c == ' ';
    }
    out
}

fn title_case_place(p: &str) -> String {
    p.split(' ').map(title_case_word).collect::<Vec<_>>().join(" ")
}

/// Full names of the wire services whose short forms appear in datelines.
fn agency_name(raw: &str) -> String {
    let raw = raw.trim();
    wire_service_name(raw).unwrap_or(raw).to_string()
}

/// The full name of a wire service known by its short form in datelines and credits
/// (`AP` → `The Associated Press`), so the two forms make one outlet.
pub fn wire_service_name(short: &str) -> Option<&'static str> {
    Some(match short {
        "AP" => "The Associated Press",
        "AFP" => "Agence France-Presse",
        "UPI" => "United Press International",
        "CP" => "The Canadian Press",
        "PA" => "PA Media",
        "dpa" | "DPA" => "Deutsche Presse-Agentur",
        "PTI" => "Press Trust of India",
        "AAP" => "Australian Associated Press",
        _ => return None,
    })
}

/// What a dateline says: place, outlet and an optional month/day (and year).
#[derive(Debug, Default, PartialEq)]
struct Dateline {
    place: Option<String>,
    outlet: Option<String>,
    month_day: Option<(u32, u32)>,
    year: Option<i32>,
}

const NOT_PLACES: &[&str] = &[
    "BREAKING",
    "UPDATE",
    "UPDATED",
    "EXCLUSIVE",
    "ANALYSIS",
    "OPINION",
    "WATCH",
    "LIVE",
    "NOTE",
];

fn place_ok(place: &str) -> bool {
    let head = place.split(',').next().unwrap_or(place);
    head.chars().filter(|c| c.is_ascii_uppercase()).count() >= 3
        && !head
            .split(' ')
            .any(|w| NOT_PLACES.contains(&w.trim_matches(|c: char| !c.is_alphabetic())))
}

fn dateline(p: &str) -> Option<Dateline> {
    let p = p.trim_start();
    let with_date = |c: &Captures, d: &mut Dateline| {
        if let (Some(m), Some(day)) = (c.name("month"), c.name("day"))
            && let (Some(m), Ok(day)) = (month_number(m.as_str()), day.as_str().parse())
        {
            d.month_day = Some((m, day));
            d.year = c.name("year").and_then(|y| y.as_str().parse().ok());
        }
    };
    for rx in [&*DATELINE_SLASH, &*DATELINE_PAREN] {
        if let Some(c) = rx.captures(p)
            && place_ok(&c["place"])
        {
            let mut d = Dateline {
                place: Some(title_case_place(&c["place"])),
                outlet: Some(agency_name(&c["outlet"])),
                ..Dateline::default()
            };
            with_date(&c, &mut d);
            return Some(d);
        }
    }
    if let Some(c) = OUTLET_ONLY.captures(p) {
        return Some(Dateline {
            outlet: Some(agency_name(&c["outlet"])),
            ..Dateline::default()
        });
    }
    if let Some(c) = DATELINE_DASH.captures(p)
        && place_ok(&c["place"])
    {
        return Some(Dateline {
            place: Some(title_case_place(&c["place"])),
            ..Dateline::default()
        });
    }
    None
}

/// Applies the rules shared by every format to an article's paragraphs and builds the document.
fn finish(source: &str, file: &str, paras: Vec<String>, mut meta: Meta) -> Result<Document, String> {
    let mut kept: Vec<String> = Vec::with_capacity(paras.len());
    let mut copyright_outlet = None;
    let mut published = None;
    for p in paras {
        let p = clean_line(&SKIP_LINK.replace_all(&p, " "));
        if p.is_empty() {
            continue;
        }
        if COPYRIGHT.is_match(&p) && copyright_outlet.is_none() {
            copyright_outlet = copyright_owner(&p);
        }
        if let Some(c) = PUBLISHED.captures(&p).filter(|c| is_date_only(&c[2]))
            && let Some(d) = parse_date(&c[2])
        {
            if published.is_none() || !c[1].to_ascii_lowercase().contains("updated") {
                published = Some(d);
            }
            continue;
        }
        if is_boilerplate(&p) {
            continue;
        }
        kept.push(p);
    }

    // Title: the file's own, else a headline-like first paragraph followed by more text.
    let title = match meta.title.take().map(|t| clean_line(&t)).filter(|t| !t.is_empty()) {
        Some(t) => {
            if kept.first().map(|p| normalize(p)) != Some(normalize(&t)) {
                kept.insert(0, t.clone());
            }
            Some(t)
        }
        None => kept.first().filter(|p| kept.len() > 1 && is_headline_like(p)).cloned(),
    };

    // A headline repeated verbatim later is dropped the second time.
    let mut seen = HashSet::new();
    if let Some(t) = &title {
        seen.insert(normalize(t));
    }
    let mut paras: Vec<String> = Vec::with_capacity(kept.len());
    for (i, p) in kept.into_iter().enumerate() {
        let norm = normalize(&p);
        if i > 0 && seen.contains(&norm) {
            continue;
        }
        if is_headline_like(&p) {
            seen.insert(norm);
        }
        paras.push(p);
    }
    let body_start = usize::from(title.is_some());
    if paras.len() <= body_start {
        return Err("no article text left after removing boilerplate".to_string());
    }
    let text = paras.join("\n\n");

    let found = paras[body_start..]
        .iter()
        .take(4)
        .find_map(|p| dateline(p))
        .unwrap_or_default();
    if meta.date.is_none() {
        if let Some(d) = published {
            meta.date = Some(d);
            meta.date_source = Some("published-line");
        } else if let Some((m, d)) = found.month_day {
            let date = match found.year {
                Some(y) => valid_date(y, m, d),
                None => infer_year(m, d, &text),
            };
            if let Some(date) = date {
                meta.date = Some(fmt_date(date));
                meta.date_source = Some("dateline");
            }
        }
    }
    let outlet = meta.outlet.or(found.outlet).or(copyright_outlet);
    Ok(Document {
        id: doc_id(&text),
        source: source.to_string(),
        file: file.to_string(),
        url: meta.url,
        title,
        outlet,
        date_source: meta.date.as_ref().and(meta.date_source),
        date: meta.date,
        dateline: found.place,
        text,
    })
}

// ---------------------------------------------------------------------------------------------------------
// Plain text
// ---------------------------------------------------------------------------------------------------------

/// Splits plain text into paragraphs and reads a leading ` date YYYY-MM-DD` header line. Blank lines separate
/// paragraphs; in a hard-wrapped file the lines of a paragraph are joined, otherwise each line is one.
fn text_parts(s: &str) -> (Vec<String>, Meta) {
    let mut meta = Meta::default();
    let mut lines: Vec<String> = s.lines().map(|l| clean_line(&SKIP_LINK.replace_all(l, " "))).collect();
    if let Some(first) = lines.iter_mut().find(|l| !l.is_empty())
        && let Some(c) = HEADER.captures(first)
        && let Some(d) = parse_date(&c[1])
    {
        meta.date = Some(d);
        meta.date_source = Some("header");
        *first = first[c.get(0).map_or(0, |m| m.end())..].trim().to_string();
    }
    let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let wrapped = lens.iter().all(|&n| n <= 100) && lens.iter().filter(|&&n| n >= 50).count() >= 2;
    let mut paras = Vec::new();
    let mut cur = String::new();
    let mut prev_len = 0;
    for (line, len) in lines.into_iter().zip(lens) {
        if line.is_empty() || !wrapped || prev_len < 40 {
            if !cur.is_empty() {
                paras.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(' ');
        }
        cur.push_str(&line);
        prev_len = if line.is_empty() { 0 } else { len };
    }
    if !cur.is_empty() {
        paras.push(cur);
    }
    (paras, meta)
}

// ---------------------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------------------

static MD_FENCE: LazyLock<Regex> = LazyLock::new(|| re(r"^\s{0,3}(?:```|~~~)"));
static MD_HR: LazyLock<Regex> = LazyLock::new(|| re(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$"));
static MD_SETEXT1: LazyLock<Regex> = LazyLock::new(|| re(r"^\s{0,3}=+\s*$"));
static MD_ATX: LazyLock<Regex> = LazyLock::new(|| re(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$"));
static MD_REFDEF: LazyLock<Regex> = LazyLock::new(|| re(r"^\s{0,3}\[[^\]]+\]:\s+\S+"));
static MD_LIST: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+"));
static MD_QUOTE: LazyLock<Regex> = LazyLock::new(|| re(r"^\s{0,3}(?:>\s?)+"));
static MD_INLINE: LazyLock<[(Regex, &'static str); 11]> = LazyLock::new(|| {
    [
        (re(r"<!--.*?-->"), ""),
        (re(r"!\[[^\]]*\]\([^)]*\)"), ""),
        (re(r"\[([^\]]+)\]\([^)]*\)"), "$1"),
        (re(r"\[([^\]]+)\]\[[^\]]*\]"), "$1"),
        (re(r"<(https?://[^>\s]+)>"), "$1"),
        (re(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?/?>"), ""),
        (re(r"`([^`]+)`"), "$1"),
        (re(r"\*\*([^*]+)\*\*|__([^_]+)__"), "$1$2"),
        (re(r"~~([^~]+)~~"), "$1"),
        (re(r"\*([^*\s][^*]*)\*"), "$1"),
        (re(r"(^|[^\w])_([^_\s][^_]*)_([^\w]|$)"), "$1$2$3"),
    ]
});
static MD_ESCAPE: LazyLock<Regex> = LazyLock::new(|| re(r"\\([\\`*_{}\[\]()#+\-.!>~|])"));

fn md_inline(s: &str) -> String {
    let mut s = s.to_string();
    for (rx, to) in MD_INLINE.iter() {
        if let Cow::Owned(o) = rx.replace_all(&s, *to) {
            s = o;
        }
    }
    clean_line(&MD_ESCAPE.replace_all(&s, "$1"))
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

/// Reads a `---` front matter block of `key: value` lines; returns the rest of the document.
fn front_matter<'a>(s: &'a str, meta: &mut Meta) -> &'a str {
    let Some(rest) = s.strip_prefix("---\n") else { return s };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let end = offset + line.len();
        let t = line.trim();
        if t == "---" || t == "..." {
            return &rest[end..];
        }
        if let Some((k, v)) = t.split_once(':') {
            let v = unquote(v);
            if !v.is_empty() {
                match k.trim().to_ascii_lowercase().as_str() {
                    "title" | "headline" => meta.title = Some(v.to_string()),
                    "date" | "published" | "published_at" | "pubdate" | "publish_date" => {
                        if let Some(d) = parse_date(v) {
                            meta.date = Some(d);
                            meta.date_source = Some("front-matter");
                        }
                    }
                    "outlet" | "publisher" | "site" | "site_name" | "source" => meta.outlet = Some(v.to_string()),
                    "url" | "link" | "canonical_url" => meta.url = Some(v.to_string()),
                    _ => {}
                }
            }
        }
        offset = end;
    }
    s // no closing line: not front matter
}

/// Turns Markdown into paragraphs: front matter and the first `# Heading` give metadata, links keep their
/// text, emphasis and list markers are dropped, code blocks are skipped.
fn markdown_parts(s: &str) -> (Vec<String>, Meta) {
    let mut meta = Meta::default();
    let body = front_matter(s, &mut meta);
    let mut paras: Vec<String> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut h1: Option<String> = None;
    let mut in_fence = false;
    let flush = |cur: &mut Vec<String>, paras: &mut Vec<String>| {
        if !cur.is_empty() {
            paras.push(md_inline(&cur.join(" ")));
            cur.clear();
        }
    };
    for line in body.lines() {
        if MD_FENCE.is_match(line) {
            flush(&mut cur, &mut paras);
            in_fence = !in_fence;
            continue;
        }
        if in_fence || MD_REFDEF.is_match(line) {
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut cur, &mut paras);
            continue;
        }
        if MD_SETEXT1.is_match(line) && cur.len() == 1 {
            let heading = md_inline(&cur[0]);
            cur.clear();
            h1.get_or_insert_with(|| heading.clone());
            paras.push(heading);
            continue;
        }
        if MD_HR.is_match(line) {
            flush(&mut cur, &mut paras);
            continue;
        }
        if let Some(c) = MD_ATX.captures(line) {
            flush(&mut cur, &mut paras);
            let heading = md_inline(&c[2]);
            if c[1].len() == 1 && h1.is_none() {
                h1 = Some(heading.clone());
            }
            paras.push(heading);
            continue;
        }
        let line = MD_QUOTE.replace(line, "");
        if let Some(m) = MD_LIST.find(&line) {
            flush(&mut cur, &mut paras);
            cur.push(line[m.end()..].trim().to_string());
            continue;
        }
        cur.push(line.trim().to_string());
    }
    flush(&mut cur, &mut paras);
    if meta.title.is_none() {
        meta.title = h1;
    }
    (paras, meta)
}

// ---------------------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------------------

/// Elements whose content is never article text.
const HTML_SKIP: &[&str] = &[
    "nav",
    "header",
    "footer",
    "aside",
    "noscript",
    "template",
    "svg",
    "form",
    "button",
    "iframe",
    "select",
    "figcaption",
];
/// Elements that start or end a paragraph.
const HTML_BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "section",
    "article",
    "main",
    "tr",
    "table",
    "hr",
    "pre",
    "figure",
    "dd",
    "dt",
    "dl",
    "body",
    "td",
    "th",
];

#[derive(Default)]
struct Paras {
    list: Vec<String>,
    cur: String,
    space: bool,
}

impl Paras {
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = true;
                continue;
            }
            if self.space && !self.cur.is_empty() {
                self.cur.push(' ');
            }
            self.space = false;
            self.cur.push(c);
        }
    }

    fn brk(&mut self) {
        if !self.cur.is_empty() {
            self.list.push(std::mem::take(&mut self.cur));
        }
        self.space = false;
    }
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Parses the tag starting at `s[i] == '<'`; returns it and the index after its `>`.
fn parse_tag(s: &str, i: usize) -> Option<(Tag, usize)> {
    let b = s.as_bytes();
    let mut j = i + 1;
    let closing = b.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    if !b.get(j)?.is_ascii_alphabetic() {
        return None;
    }
    let start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
        j += 1;
    }
    let name = s[start..j].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        match b.get(j) {
            None => return None,
            Some(b'>') => {
                return Some((
                    Tag {
                        name,
                        closing,
                        self_closing,
                        attrs,
                    },
                    j + 1,
                ));
            }
            Some(b'/') => {
                self_closing = true;
                j += 1;
                continue;
            }
            _ => {}
        }
        let ks = j;
        while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
            j += 1;
        }
        let key = s[ks..j].to_ascii_lowercase();
        if key.is_empty() {
            j += 1; // a stray `=`
            continue;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = String::new();
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = s[j + 1..].find(q as char).map(|k| j + 1 + k)?;
                    value = decode_entities(&s[j + 1..end]).into_owned();
                    j = end + 1;
                }
                _ => {
                    let vs = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = decode_entities(&s[vs..j]).into_owned();
                }
            }
        }
        attrs.push((key, value));
    }
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{A0}",
        "ndash" => "–",
        "mdash" => "—",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "laquo" => "«",
        "raquo" => "»",
        "hellip" => "…",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "middot" => "·",
        "bull" => "•",
        "shy" => "\u{AD}",
        "thinsp" => "\u{2009}",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "zwj" => "\u{200D}",
        "zwnj" => "\u{200C}",
        "euro" => "€",
        "pound" => "£",
        "yen" => "¥",
        "cent" => "¢",
        "times" => "×",
        "prime" => "′",
        "aacute" => "á",
        "eacute" => "é",
        "iacute" => "í",
        "oacute" => "ó",
        "uacute" => "ú",
        "agrave" => "à",
        "egrave" => "è",
        "ntilde" => "ñ",
        "ccedil" => "ç",
        "auml" => "ä",
        "ouml" => "ö",
        "uuml" => "ü",
        "szlig" => "ß",
        _ => return None,
    })
}

/// Decodes HTML character references: the common named ones and all numeric ones.
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map_or(rest.len(), |k| k + 1);
        let name = &rest[1..end];
        let semi = rest[end..].starts_with(';');
        let decoded = if let Some(n) = name.strip_prefix('#') {
            let code = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => n.parse().ok(),
            };
            code.map(|c| {
                char::from_u32(c)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{FFFD}')
                    .to_string()
            })
        } else {
            named_entity(name).map(str::to_string)
        };
        match decoded {
            Some(d) if !name.is_empty() => {
                out.push_str(&d);
                rest = &rest[end + usize::from(semi)..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

static JSONLD_DATE: LazyLock<Regex> = LazyLock::new(|| re(r#""datePublished"\s*:\s*"([^"]+)""#));

fn find_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let n = needle.len();
    let b = hay.as_bytes();
    (from..b.len().saturating_sub(n - 1)).find(|&k| b[k..k + n].eq_ignore_ascii_case(needle.as_bytes()))
}

/// Turns HTML into paragraphs and metadata. Only the text inside `<article>` is kept when there is any.
fn html_parts(s: &str) -> (Vec<String>, Meta) {
    let mut meta = Meta::default();
    let (mut all, mut art) = (Paras::default(), Paras::default());
    let (mut skip, mut article) = (0usize, 0usize);
    let mut title_tag: Option<String> = None;
    let mut title_buf: Option<String> = None;
    let mut h1: Option<String> = None;
    let mut h1_buf: Option<String> = None;
    let mut og_title: Option<String> = None;
    let mut time_date: Option<String> = None;
    let mut jsonld_date: Option<String> = None;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<' {
            if s[i..].starts_with("<!--") {
                i = s[i + 4..].find("-->").map_or(b.len(), |k| i + 4 + k + 3);
                continue;
            }
            if matches!(b.get(i + 1), Some(b'!' | b'?')) {
                i = s[i..].find('>').map_or(b.len(), |k| i + k + 1);
                continue;
            }
            if let Some((tag, next)) = parse_tag(s, i) {
                i = next;
                let name = tag.name.as_str();
                if !tag.closing && !tag.self_closing && (name == "script" || name == "style") {
                    let end = find_ci(s, i, &format!("</{name}")).unwrap_or(b.len());
                    if tag.attr("type").is_some_and(|t| t.contains("ld+json")) && jsonld_date.is_none() {
                        jsonld_date = JSONLD_DATE.captures(&s[i..end]).and_then(|c| parse_date(&c[1]));
                    }
                    i = s[end..].find('>').map_or(b.len(), |k| end + k + 1);
                    continue;
                }
                if HTML_SKIP.contains(&name) && !tag.self_closing {
                    if tag.closing {
                        skip = skip.saturating_sub(1);
                    } else {
                        skip += 1;
                    }
                }
                if name == "article" {
                    if tag.closing {
                        article = article.saturating_sub(1);
                        art.brk();
                    } else {
                        article += 1;
                    }
                }
                match (name, tag.closing) {
                    ("title", false) => title_buf = Some(String::new()),
                    ("title", true) => {
                        if let Some(t) = title_buf.take() {
                            title_tag.get_or_insert(t);
                        }
                    }
                    ("h1", false) if h1.is_none() => h1_buf = Some(String::new()),
                    ("h1", true) => {
                        if let Some(t) = h1_buf.take().map(|t| clean_line(&t)).filter(|t| !t.is_empty()) {
                            h1.get_or_insert(t);
                        }
                    }
                    ("meta", false) => {
                        let key = tag.attr("property").or(tag.attr("name")).or(tag.attr("itemprop"));
                        let content = tag.attr("content").map(str::trim).filter(|c| !c.is_empty());
                        if let (Some(key), Some(content)) = (key.map(str::to_ascii_lowercase), content) {
                            match key.as_str() {
                                "og:title" | "twitter:title" => {
                                    og_title.get_or_insert_with(|| content.to_string());
                                }
                                "og:site_name" => {
                                    meta.outlet.get_or_insert_with(|| content.to_string());
                                }
                                "og:url" => {
                                    meta.url.get_or_insert_with(|| content.to_string());
                                }
                                "article:published_time"
                                | "datepublished"
                                | "date"
                                | "pubdate"
                                | "publish-date"
                                | "dc.date"
                                | "dc.date.issued"
                                | "og:published_time"
                                    if meta.date.is_none() =>
                                {
                                    meta.date = parse_date(content);
                                    meta.date_source = Some("html-meta");
                                }
                                _ => {}
                            }
                        }
                    }
                    ("link", false) if tag.attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) => {
                        if let Some(href) = tag.attr("href").filter(|h| !h.is_empty()) {
                            meta.url.get_or_insert_with(|| href.to_string());
                        }
                    }
                    ("time", false) if skip == 0 && time_date.is_none() => {
                        time_date = tag.attr("datetime").and_then(parse_date);
                    }
                    _ => {}
                }
                if HTML_BLOCK.contains(&name) || name == "title" {
                    all.brk();
                    art.brk();
                }
                continue;
            }
        }
        let from = if b[i] == b'<' { i + 1 } else { i };
        let j = s[from..].find('<').map_or(b.len(), |k| from + k);
        let text = decode_entities(&s[i..j]);
        if let Some(t) = &mut title_buf {
            t.push_str(&text);
        } else if skip == 0 {
            all.text(&text);
            if article > 0 {
                art.text(&text);
            }
        }
        if let Some(h) = &mut h1_buf {
            h.push_str(&text);
        }
        i = j;
    }
    all.brk();
    art.brk();
    if meta.date.is_none() {
        if let Some(d) = jsonld_date {
            meta.date = Some(d);
            meta.date_source = Some("json-ld");
        } else if let Some(d) = time_date {
            meta.date = Some(d);
            meta.date_source = Some("html-time");
        }
    }
    let title_tag = title_tag.map(|t| clean_line(&t)).filter(|t| !t.is_empty());
    let title = og_title.or(h1).or(title_tag).map(|t| {
        let t = clean_line(&t);
        match &meta.outlet {
            Some(o) => {
                let o = normalize(o);
                [" | ", " - ", " – ", " — "]
                    .iter()
                    .find_map(|sep| t.strip_suffix(o.as_str()).and_then(|x| x.strip_suffix(sep)))
                    .map_or(t.clone(), str::to_string)
            }
            None => t,
        }
    });
    meta.title = title;
    let paras = if art.list.is_empty() { all.list } else { art.list };
    (paras, meta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn tmpdir(tag: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("claimgraph-corpus-{}-{tag}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn one(file: &str, text: &str) -> Document {
        let mut docs = parse(file, file, text.as_bytes());
        assert_eq!(docs.len(), 1);
        docs.remove(0).unwrap()
    }

    fn one_err(file: &str, bytes: &[u8]) -> CorpusError {
        let mut docs = parse(file, file, bytes);
        assert_eq!(docs.len(), 1);
        docs.remove(0).unwrap_err()
    }

    const AGENCY: &str = "BERLIN, March 3. /NEWSWIRE/. The minister said on Friday that talks would go on.\n\n\
        \"We will keep talking,\" she told reporters.\n\nOn November 20, 2023, the parties met in Oslo.\n";

    #[test]
    fn slash_dateline_gives_place_outlet_and_inferred_year() {
        let d = one("a.txt", AGENCY);
        assert_eq!(d.dateline.as_deref(), Some("Berlin"));
        assert_eq!(d.outlet.as_deref(), Some("NEWSWIRE"));
        assert_eq!(d.date.as_deref(), Some("2024-03-03"));
        assert_eq!(d.date_source, Some("dateline"));
        assert_eq!(d.title, None);
        assert!(d.text.starts_with("BERLIN, March 3."));
    }

    #[test]
    fn year_inference_same_year_and_none_without_full_date() {
        let d = one(
            "a.txt",
            "ROME, June 5. /WIRE/. Officials spoke.\n\nOn January 2, 2020, a law passed.",
        );
        assert_eq!(d.date.as_deref(), Some("2020-06-05"));
        let d = one(
            "a.txt",
            "ROME, June 5. /WIRE/. Officials spoke on Monday.\n\nNothing else happened.",
        );
        assert_eq!(d.date, None);
        assert_eq!(d.date_source, None);
        assert_eq!(d.outlet.as_deref(), Some("WIRE"));
        let d = one("a.txt", "ROME, June 5, 2019. /WIRE/. Officials spoke.");
        assert_eq!(d.date.as_deref(), Some("2019-06-05"));
    }

    #[test]
    fn paren_datelines() {
        let d = one(
            "a.txt",
            "Headline about talks here\n\nNEW YORK (AP) — The council met on Monday.\n\nMore text.",
        );
        assert_eq!(d.dateline.as_deref(), Some("New York"));
        assert_eq!(d.outlet.as_deref(), Some("The Associated Press"));
        assert_eq!(d.title.as_deref(), Some("Headline about talks here"));
        let d = one("a.txt", "KYIV, Ukraine (AP) — Troops moved.\n\nMore.");
        assert_eq!(d.dateline.as_deref(), Some("Kyiv, Ukraine"));
        let d = one("a.txt", "LONDON (Reuters) - Shares fell on Tuesday.");
        assert_eq!(
            (d.dateline.as_deref(), d.outlet.as_deref()),
            (Some("London"), Some("Reuters"))
        );
        let d = one(
            "a.txt",
            "ST. PETERSBURG, Feb 2 (Reuters) - Prices rose. Talks began on January 30, 2021.",
        );
        assert_eq!(d.dateline.as_deref(), Some("St. Petersburg"));
        assert_eq!(d.date.as_deref(), Some("2021-02-02"));
        let d = one("a.txt", "WASHINGTON — The senator said no.");
        assert_eq!((d.dateline.as_deref(), d.outlet), (Some("Washington"), None));
        let d = one("a.txt", "BREAKING — Something happened.");
        assert_eq!(d.dateline, None);
    }

    #[test]
    fn header_date_and_skip_links() {
        let d = one(
            "a.txt",
            " date 2021-07-09  Skip to main contentSkip to main content\nA headline for the story\n\nBody text here.",
        );
        assert_eq!(d.date.as_deref(), Some("2021-07-09"));
        assert_eq!(d.date_source, Some("header"));
        assert_eq!(d.title.as_deref(), Some("A headline for the story"));
        assert_eq!(d.text, "A headline for the story\n\nBody text here.");
        let d = one(
            "a.txt",
            " date 2021-07-09 On Friday, the mayor spoke.\n\nShe said more.",
        );
        assert_eq!(d.text, "On Friday, the mayor spoke.\n\nShe said more.");
        assert_eq!(d.title, None);
    }

    #[test]
    fn boilerplate_is_removed() {
        let text = "Mayor wins second term in city vote\n\nA short dek about the vote.\n\n\
            Mayor wins second term in city vote\n\nThe mayor won, officials said.\n\n\
            Jane Roe contributed to this report.\n\n\
            Copyright 2020 Example Wire Service. All rights reserved. This material may not be published.\n";
        let d = one("a.txt", text);
        assert_eq!(
            d.text,
            "Mayor wins second term in city vote\n\nA short dek about the vote.\n\nThe mayor won, officials said."
        );
        assert_eq!(d.outlet.as_deref(), Some("Example Wire Service"));
        let d = one(
            "a.txt",
            "Body one.\n\n© 2019 Some Paper\n\nAdvertisement\n\n(Reporting by A; Editing by B)",
        );
        assert_eq!(d.text, "Body one.");
    }

    #[test]
    fn hard_wrapped_text_is_joined() {
        let text = "The committee met on Thursday to discuss the budget for the coming\nyear and agreed on most of the \
            items that had been proposed earlier\nby the staff.\n\nA second paragraph follows here and it is also \
            rather long indeed.\n";
        let d = one("a.txt", text);
        assert_eq!(d.text.split("\n\n").count(), 2);
        assert!(d.text.contains("coming year and"));
    }

    #[test]
    fn same_article_twice_has_same_id() {
        let a = one("a.txt", "He said “yes” today.\n\nSecond  paragraph.");
        let b = one("b.txt", "He said \"yes\" today.\r\n\r\nSecond paragraph.\n");
        assert_eq!(a.id, b.id);
        assert_eq!(a.id.len(), 16);
        assert!(a.id.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a.id, one("c.txt", "Something else.").id);
    }

    #[test]
    fn markdown() {
        let md = "---\ntitle: \"Front title\"\ndate: 2020-05-06\noutlet: Daily Example\nurl: https://example.org/a\n---\n\
            # Front title\n\nThe **mayor** said [on radio](https://x.org) that _taxes_ would *fall*.\n\
            Continued line.\n\n- first item\n- second item\n\n> A quoted line.\n\n```\ncode()\n```\n";
        let d = one("a.md", md);
        assert_eq!(d.title.as_deref(), Some("Front title"));
        assert_eq!(d.date.as_deref(), Some("2020-05-06"));
        assert_eq!(d.date_source, Some("front-matter"));
        assert_eq!(d.outlet.as_deref(), Some("Daily Example"));
        assert_eq!(d.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(
            d.text,
            "Front title\n\nThe mayor said on radio that taxes would fall. Continued line.\n\nfirst item\n\n\
             second item\n\nA quoted line."
        );
        let d = one("b.md", "# Just a heading\n\nSome snake_case_word text.");
        assert_eq!(d.title.as_deref(), Some("Just a heading"));
        assert!(d.text.ends_with("Some snake_case_word text."));
    }

    #[test]
    fn html() {
        let html = r#"<!DOCTYPE html><html><head><title>Big news | Example Times</title>
            <meta property="og:site_name" content="Example Times">
            <meta property="article:published_time" content="2021-03-04T10:00:00Z">
            <link rel="canonical" href="https://example.com/big">
            <style>p { color: red }</style><script>var x = "<p>no</p>";</script></head>
            <body><nav><a href="/">Home</a></nav><header><h1>Big news</h1></header>
            <p>PARIS (AFP) &mdash; The &quot;deal&quot; was signed&#44; officials said &#x2014; finally.</p>
            <p>Line one<br>Line two &amp; more</p><!-- comment --><footer>Copyright stuff</footer></body></html>"#;
        let d = one("a.html", html);
        assert_eq!(d.title.as_deref(), Some("Big news"));
        assert_eq!(d.outlet.as_deref(), Some("Example Times"));
        assert_eq!(d.date.as_deref(), Some("2021-03-04"));
        assert_eq!(d.date_source, Some("html-meta"));
        assert_eq!(d.url.as_deref(), Some("https://example.com/big"));
        assert_eq!(d.dateline.as_deref(), Some("Paris"));
        assert_eq!(
            d.text,
            "Big news\n\nPARIS (AFP) — The \"deal\" was signed, officials said — finally.\n\nLine one\n\nLine two & more"
        );
        let html = "<html><body><div>Menu junk</div><article><h2>Head</h2><time datetime=\"2019-12-31\">x</time>\
            <p>Story text.</p></article></body></html>";
        let d = one("b.htm", html);
        assert_eq!(d.date.as_deref(), Some("2019-12-31"));
        assert_eq!(d.date_source, Some("html-time"));
        assert!(!d.text.contains("Menu junk"));
        assert!(d.text.ends_with("Story text."));
    }

    #[test]
    fn jsonl() {
        let data = "{\"id\":\"art-1\",\"url\":\"https://e.org/1\",\"title\":\"A title here\",\"outlet\":\"Wire\",\
            \"date\":\"2022-02-01T10:00:00Z\",\"text\":\"Body of the first.\"}\n\n\
            {\"text\":\"TOKYO (AP) — Second body.\"}\n{bad json\n{\"title\":\"no text\"}\n{\"text\":\"  \"}\n[1]\n";
        let docs = parse("in/a.jsonl", "a.jsonl", data.as_bytes());
        assert_eq!(docs.len(), 6);
        let a = docs[0].as_ref().unwrap();
        assert_eq!((a.source.as_str(), a.file.as_str()), ("in/a.jsonl:1", "art-1"));
        assert_eq!(a.date.as_deref(), Some("2022-02-01"));
        assert_eq!(a.date_source, Some("jsonl"));
        assert_eq!(a.title.as_deref(), Some("A title here"));
        assert_eq!(a.text, "A title here\n\nBody of the first.");
        assert_eq!(
            (a.url.as_deref(), a.outlet.as_deref()),
            (Some("https://e.org/1"), Some("Wire"))
        );
        let b = docs[1].as_ref().unwrap();
        assert_eq!((b.source.as_str(), b.file.as_str()), ("in/a.jsonl:3", "a.jsonl:3"));
        assert_eq!(b.outlet.as_deref(), Some("The Associated Press"));
        let e = docs[2].as_ref().unwrap_err();
        assert_eq!((e.path.as_str(), e.line), ("in/a.jsonl", Some(4)));
        assert!(e.reason.starts_with("invalid JSON: "), "{e}");
        assert!(e.to_string().starts_with("in/a.jsonl:4: invalid JSON"));
        assert!(docs[3].as_ref().unwrap_err().reason.contains("missing \"text\""));
        assert!(docs[4].as_ref().unwrap_err().reason.contains("empty"));
        assert!(docs[5].as_ref().unwrap_err().reason.contains("JSON object"));
    }

    #[test]
    fn jsonl_errors() {
        let e = one_err("a.jsonl", b"\n  \n");
        assert!(e.reason.contains("no JSONL records"));
        let mut big = b"{\"text\":\"".to_vec();
        big.resize(MAX_JSONL_LINE + 10, b'a');
        big.extend_from_slice(b"\"}\n{\"text\":\"fine text.\"}\n");
        let docs = parse("a.jsonl", "a.jsonl", &big);
        assert_eq!(docs.len(), 2);
        let e = docs[0].as_ref().unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.reason.contains(&format!("{} bytes long", MAX_JSONL_LINE + 12)), "{e}");
        assert!(docs[1].is_ok());
        let docs = parse("a.jsonl", "a.jsonl", b"{\"text\":\"ok.\"}\n{\"text\":\"\xff\"}\n");
        assert_eq!(docs[1].as_ref().unwrap_err().reason, "invalid UTF-8 at byte offset 24");
    }

    #[test]
    fn file_errors() {
        assert_eq!(one_err("a.txt", b"").reason, "file is empty");
        assert_eq!(one_err("a.txt", b" \n\t\n").reason, "file contains only whitespace");
        assert!(
            one_err("a.txt", b"abc\0def")
                .reason
                .starts_with("binary file (NUL byte at offset 3)")
        );
        assert_eq!(
            one_err("a.txt", b"ok text \xe2\x28").reason,
            "invalid UTF-8 at byte offset 8"
        );
        let mut long = b"Short first line.\n".to_vec();
        long.resize(long.len() + MAX_LINE + 1, b'x');
        let e = one_err("a.md", &long);
        assert_eq!(e.line, Some(2));
        assert!(e.reason.contains(&format!("{} bytes long", MAX_LINE + 1)));
        assert!(
            one_err("a.txt", b"Copyright 2020 X. All rights reserved.")
                .reason
                .contains("no article text")
        );
    }

    #[test]
    fn stdin_sniffing_and_unknown_extension() {
        let d = parse("-", "-", b"{\"text\":\"From a pipe.\"}\n");
        assert_eq!(d[0].as_ref().unwrap().source, "-:1");
        let d = parse("-", "-", b"<html><body><p>Hello there.</p></body></html>");
        assert_eq!(d[0].as_ref().unwrap().text, "Hello there.");
        let d = parse("notes.dat", "notes.dat", b"<p> stays as text");
        assert_eq!(d[0].as_ref().unwrap().text, "<p> stays as text");
    }

    #[test]
    fn read_paths_streams_folders_and_reports_errors() {
        let dir = tmpdir("walk");
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::create_dir_all(dir.join("empty")).unwrap();
        fs::write(dir.join("b.txt"), "Second article.").unwrap();
        fs::write(dir.join("a.txt"), "First article.").unwrap();
        fs::write(dir.join("sub/c.md"), "Third article.").unwrap();
        fs::write(
            dir.join("sub/d.jsonl"),
            "{\"text\":\"Fourth.\"}\n{\"text\":\"Fifth.\"}\n",
        )
        .unwrap();
        fs::write(dir.join("README.md"), "Not an article.").unwrap();
        fs::write(dir.join(".hidden.txt"), "Hidden.").unwrap();
        fs::write(dir.join("data.csv"), "x,y").unwrap();
        fs::write(dir.join("z.txt"), "").unwrap();
        let explicit = dir.join("data.csv");
        let paths = vec![dir.join("missing.txt"), dir.clone(), dir.join("empty"), explicit];
        let items: Vec<_> = read_paths(&paths).collect();
        let shown: Vec<String> = items
            .iter()
            .map(|r| match r {
                Ok(d) => format!("ok {}", d.text),
                Err(e) => format!("err {}", e.reason),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "err no such file or directory",
                "ok First article.",
                "ok Second article.",
                "ok Third article.",
                "ok Fourth.",
                "ok Fifth.",
                "err file is empty",
                "err folder contains no articles (.txt, .md, .html, .htm, .jsonl)",
                "ok x,y",
            ]
        );
        let sub = items[3].as_ref().unwrap();
        assert_eq!(sub.source, path_str(&dir.join("sub/c.md")));
        assert_eq!(sub.file, "c.md");
        assert_eq!(
            items[5].as_ref().unwrap().source,
            format!("{}:2", path_str(&dir.join("sub/d.jsonl")))
        );
        assert_eq!(items[0].as_ref().unwrap_err().path, path_str(&dir.join("missing.txt")));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn read_paths_jsonl_binary_file() {
        let dir = tmpdir("bin");
        fs::write(dir.join("x.jsonl"), b"{\"text\":\"a\"}\n\0\0").unwrap();
        let items: Vec<_> = read_paths(&[dir.join("x.jsonl")]).collect();
        assert_eq!(items.len(), 1);
        assert!(items[0].as_ref().unwrap_err().reason.starts_with("binary file"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn published_lines() {
        let d = one("a.txt", "Published: Feb. 1, 2022 10:04 AM EST\n\nBody text.");
        assert_eq!(
            (d.date.as_deref(), d.date_source),
            (Some("2022-02-01"), Some("published-line"))
        );
        assert_eq!(d.text, "Body text.");
        let d = one("a.txt", "Published reports on March 3, 2022 said so.\n\nMore.");
        assert_eq!(d.date, None);
        assert!(d.text.starts_with("Published reports"));
    }

    #[test]
    fn html_with_raw_unicode_and_documents_is_send() {
        fn send<T: Send>(_: &T) {}
        send(&read_paths(&[]));
        let d = one("a.html", "<p>Café “quoted” — ünïcode</p>é<p>Zürich</p>");
        assert_eq!(d.text, "Café “quoted” — ünïcode\n\né\n\nZürich");
    }

    #[test]
    fn dates_parse() {
        assert_eq!(parse_date("2022-02-01T10:00:00Z").as_deref(), Some("2022-02-01"));
        assert_eq!(
            parse_date("Tue, 01 Feb 2022 10:00:00 GMT").as_deref(),
            Some("2022-02-01")
        );
        assert_eq!(parse_date("Sept. 9, 2021").as_deref(), Some("2021-09-09"));
        assert_eq!(parse_date("2021-02-30"), None);
        assert_eq!(parse_date("yesterday"), None);
    }
}

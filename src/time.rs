//! Time stage: finds date expressions in a sentence and resolves them against an anchor date.
//!
//! "on Tuesday", "last Wednesday", "On December 17, 2021", "February 14", "yesterday", "earlier in
//! the day" and "last week" resolve to a calendar date (or a month, for vague expressions) relative
//! to the anchor, normally the article's publication date. The calendar arithmetic is done here
//! (days from the civil date and back), without a date crate.
//!
//! ```
//! use claimgraph::time::{find_dates, Precision};
//! let found = find_dates("The minister said on Monday that talks failed.", Some("2022-02-01"));
//! assert_eq!(found[0].2.value.as_deref(), Some("2022-01-31"));
//! assert_eq!(found[0].2.precision, Precision::Day);
//! ```

use std::sync::OnceLock;

use regex::Regex;

/// How precise a resolved date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// A calendar day (`2022-02-01`).
    Day,
    /// A month (`2022-02`), for vague expressions such as "last week".
    Month,
}

/// A date expression found in a text and what it resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeValue {
    /// `2022-02-01` (day) or `2022-02` (month); `None` when the expression is too vague
    /// ("in the coming days") or there was no anchor to resolve it against.
    pub value: Option<String>,
    /// The precision of `value`.
    pub precision: Precision,
    /// The expression as written ("on Tuesday").
    pub text: String,
    /// The date it was resolved against, when it is relative.
    pub anchor: Option<String>,
}

impl TimeValue {
    /// Whether the expression only points back to a date given by its context ("on the same day",
    /// "earlier in the day", "in parallel"): its value is then the anchor it was given.
    pub fn is_continuation(&self) -> bool {
        let t = self.text.to_lowercase();
        [
            "same day",
            "in the day",
            "that day",
            "in parallel",
            "meanwhile",
            "in the meantime",
        ]
        .iter()
        .any(|k| t.contains(k))
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date (year, month, day) of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day of the week of a count of days since 1970-01-01: 0 = Sunday … 6 = Saturday.
pub fn weekday(days: i64) -> u32 {
    (days + 4).rem_euclid(7) as u32
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DD` into days since 1970-01-01.
pub fn parse_iso(date: &str) -> Option<i64> {
    let mut parts = date.get(..10)?.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
        .then(|| days_from_civil(year, month, day))
}

/// Formats days since 1970-01-01 as `YYYY-MM-DD`.
pub fn format_iso(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn format_month(days: i64) -> String {
    let (y, m, _) = civil_from_days(days);
    format!("{y:04}-{m:02}")
}

fn month_index(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) && (w.len() >= 3))
        .map(|i| i as u32 + 1)
}

fn weekday_index(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    WEEKDAYS.iter().position(|d| *d == w).map(|i| i as u32)
}

struct Patterns {
    full: Regex,
    day_first: Regex,
    weekday: Regex,
    deictic: Regex,
    vague: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let month = r"(Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)";
        let weekday = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
        let lead = r"(?:(?i:earlier|later|early|late)\s+)?(?:(?i:on|since|by|until|from)\s+)?";
        let full = format!(
            r"\b{lead}(?:(?i:last|this|next|past)\s+)?(?:{weekday}\s*,?\s+)?(?:the\s+)?{month}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*,?\s*(\d{{4}})\b)?"
        );
        let day_first = format!(r"\b{lead}(?:{weekday}\s*,?\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{month}(?:\s*,?\s*(\d{{4}})\b)?");
        let weekday_re = format!(r"\b{lead}(?:((?i:last|this|next|past))\s+)?{weekday}\b");
        Patterns {
            full: Regex::new(&full).expect("date pattern"),
            day_first: Regex::new(&day_first).expect("date pattern"),
            weekday: Regex::new(&weekday_re).expect("weekday pattern"),
            deictic: Regex::new(
                r"(?i)\b(?:(?:earlier|later)\s+(?:in\s+the\s+day|today|this\s+morning|this\s+afternoon|this\s+evening|that\s+day)|(?:on\s+)?the\s+same\s+day|on\s+that\s+day|(?:earlier\s+|later\s+)?yesterday|today|tonight|this\s+(?:morning|afternoon|evening)|in\s+parallel)\b",
            )
            .expect("deictic pattern"),
            vague: Regex::new(
                r"(?i)\b(?:(?:earlier|later)\s+)?(?:last|this|past|next)\s+(?:week|month|year)\b|\bin\s+the\s+coming\s+(?:days|weeks|months)\b|\bin\s+recent\s+(?:days|weeks)\b",
            )
            .expect("vague pattern"),
        }
    })
}

/// Finds the date expressions of `sentence_text` and resolves them against `anchor`
/// (`YYYY-MM-DD`, normally the article date).
///
/// Returns byte spans into `sentence_text`, in order, without overlaps (the longest expression
/// wins). Weekdays resolve to the most recent such day on or before the anchor ("last Wednesday":
/// the Wednesday of the week before the anchor's, "next Friday": the first one after it); a month
/// and day without a year take the most recent such date not later than a week after the anchor.
/// "in the coming days" is returned without a value; without an anchor, relative expressions
/// have no value either.
///
/// ```
/// use claimgraph::time::find_dates;
/// let found = find_dates("On December 17, 2021, the ministry published drafts.", None);
/// assert_eq!(found[0].2.value.as_deref(), Some("2021-12-17"));
/// assert_eq!(found[0].2.text, "On December 17, 2021");
/// ```
pub fn find_dates(sentence_text: &str, anchor: Option<&str>) -> Vec<(usize, usize, TimeValue)> {
    let p = patterns();
    let anchor_days = anchor.and_then(parse_iso);
    let anchor_string = anchor_days.map(format_iso);
    let mut found: Vec<(usize, usize, TimeValue)> = Vec::new();
    let make = |value: Option<String>, precision: Precision, text: &str, relative: bool| TimeValue {
        value,
        precision,
        text: text.to_string(),
        anchor: if relative { anchor_string.clone() } else { None },
    };
    // Words each pattern needs, looked for first: most sentences have no date and skip the
    // regexes. Month and weekday names are case-sensitive in the patterns; the other words are
    // matched ignoring case, where only "k" and "s" have non-ASCII variants (the Kelvin sign,
    // the long s), so these words avoid those letters.
    let has_month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .any(|m| sentence_text.contains(m));
    let has_weekday = sentence_text.contains("day");
    let folded = sentence_text.to_ascii_lowercase();
    let may_be_deictic = ["day", "tonight", "morning", "afternoon", "evening", "parallel"]
        .iter()
        .any(|w| folded.contains(w));
    let may_be_vague = ["wee", "month", "year", "day"].iter().any(|w| folded.contains(w));
    // month + day (+ year)
    let month_patterns = [(&p.full, 3, 2), (&p.day_first, 2, 3)];
    for (re, day_group, month_group) in month_patterns.into_iter().filter(|_| has_month) {
        for c in re.captures_iter(sentence_text) {
            let whole = c.get(0).expect("match");
            let Some(month) = c.get(month_group).and_then(|m| month_index(m.as_str())) else {
                continue;
            };
            let Some(day) = c.get(day_group).and_then(|d| d.as_str().parse::<u32>().ok()) else {
                continue;
            };
            if day == 0 || day > 31 {
                continue;
            }
            let (value, relative) = match c.get(4).and_then(|y| y.as_str().parse::<i64>().ok()) {
                Some(year) if day <= days_in_month(year, month) => {
                    (Some(format_iso(days_from_civil(year, month, day))), false)
                }
                Some(_) => continue,
                None => (
                    anchor_days.and_then(|a| infer_year(a, month, day)).map(format_iso),
                    true,
                ),
            };
            found.push((
                whole.start(),
                whole.end(),
                make(value, Precision::Day, whole.as_str(), relative),
            ));
        }
    }
    let weekdays = has_weekday.then(|| p.weekday.captures_iter(sentence_text));
    for c in weekdays.into_iter().flatten() {
        let whole = c.get(0).expect("match");
        let Some(target) = c.get(2).and_then(|w| weekday_index(w.as_str())) else {
            continue;
        };
        let modifier = c.get(1).map(|m| m.as_str().to_lowercase());
        let value = anchor_days
            .map(|a| resolve_weekday(a, target, modifier.as_deref()))
            .map(format_iso);
        found.push((
            whole.start(),
            whole.end(),
            make(value, Precision::Day, whole.as_str(), true),
        ));
    }
    let deictics = may_be_deictic.then(|| p.deictic.find_iter(sentence_text));
    for m in deictics.into_iter().flatten() {
        let lower = m.as_str().to_lowercase();
        let offset = if lower.contains("yesterday") { -1 } else { 0 };
        let value = anchor_days.map(|a| format_iso(a + offset));
        found.push((m.start(), m.end(), make(value, Precision::Day, m.as_str(), true)));
    }
    let vagues = may_be_vague.then(|| p.vague.find_iter(sentence_text));
    for m in vagues.into_iter().flatten() {
        let lower = m.as_str().to_lowercase();
        let value = if lower.contains("coming") || lower.contains("recent") || lower.contains("next") {
            None
        } else if lower.contains("week") {
            anchor_days.map(|a| {
                format_month(if lower.contains("last") || lower.contains("past") {
                    a - 7
                } else {
                    a
                })
            })
        } else if lower.contains("month") {
            anchor_days.map(|a| {
                let (y, mo, _) = civil_from_days(a);
                if lower.contains("last") || lower.contains("past") {
                    let (y, mo) = if mo == 1 { (y - 1, 12) } else { (y, mo - 1) };
                    format!("{y:04}-{mo:02}")
                } else {
                    format!("{y:04}-{mo:02}")
                }
            })
        } else {
            None
        };
        found.push((m.start(), m.end(), make(value, Precision::Month, m.as_str(), true)));
    }
    // longest first at each start, then drop overlaps
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<(usize, usize, TimeValue)> = Vec::new();
    for item in found {
        if let Some(last) = out.last_mut()
            && item.0 < last.1
        {
            if item.1 - item.0 > last.1 - last.0 {
                *last = item;
            }
            continue;
        }
        out.push(item);
    }
    out
}

/// The most recent `month`/`day` not later than a week after the anchor.
fn infer_year(anchor: i64, month: u32, day: u32) -> Option<i64> {
    let (year, _, _) = civil_from_days(anchor);
    for y in [year + 1, year, year - 1] {
        if day <= days_in_month(y, month) {
            let d = days_from_civil(y, month, day);
            if d <= anchor + 7 {
                return Some(d);
            }
        }
    }
    None
}

fn resolve_weekday(anchor: i64, target: u32, modifier: Option<&str>) -> i64 {
    let current = weekday(anchor);
    match modifier {
        Some("next") => {
            let ahead = (i64::from(target) - i64::from(current)).rem_euclid(7);
            anchor + if ahead == 0 { 7 } else { ahead }
        }
        Some("last") | Some("past") => {
            // the given day of the week before the anchor's week (weeks start on Monday)
            let monday = anchor - i64::from((current + 6) % 7);
            let prev_monday = monday - 7;
            prev_monday + i64::from((target + 6) % 7)
        }
        _ => anchor - (i64::from(current) - i64::from(target)).rem_euclid(7),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str, anchor: &str) -> TimeValue {
        find_dates(text, Some(anchor)).into_iter().next().expect("a date").2
    }

    #[test]
    fn calendar_round_trips() {
        for d in [-800_000, -1, 0, 1, 59, 365, 11_016, 19_024, 800_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(format_iso(0), "1970-01-01");
        assert_eq!(weekday(parse_iso("2024-03-05").unwrap()), 2); // a Tuesday
        assert_eq!(parse_iso("2023-02-29"), None);
    }

    #[test]
    fn weekdays_resolve_backwards() {
        // 2024-03-05 is a Tuesday
        assert_eq!(
            first("She spoke on Tuesday.", "2024-03-05").value.as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(
            first("Earlier on Monday, they met.", "2024-03-05").value.as_deref(),
            Some("2024-03-04")
        );
        assert_eq!(
            first("Earlier on Monday, they met.", "2024-03-05").text,
            "Earlier on Monday"
        );
        assert_eq!(
            first("They met Friday.", "2024-03-05").value.as_deref(),
            Some("2024-03-01")
        );
        assert_eq!(
            first("They met last Wednesday.", "2024-03-05").value.as_deref(),
            Some("2024-02-28")
        );
        assert_eq!(
            first("They meet next Friday.", "2024-03-05").value.as_deref(),
            Some("2024-03-08")
        );
    }

    #[test]
    fn month_days_with_and_without_year() {
        let t = first("On March 3, 2019, the board met.", "2024-03-05");
        assert_eq!(
            (t.value.as_deref(), t.text.as_str(), t.anchor),
            (Some("2019-03-03"), "On March 3, 2019", None)
        );
        assert_eq!(
            first("On November 20, the board met.", "2024-03-05").value.as_deref(),
            Some("2023-11-20")
        );
        assert_eq!(
            first("By March 9 it was over.", "2024-03-05").value.as_deref(),
            Some("2024-03-09")
        );
        assert_eq!(
            first("On Tuesday, March 5, it rained.", "2024-03-05").text,
            "On Tuesday, March 5"
        );
        assert_eq!(
            first("It happened Dec. 4.", "2024-03-05").value.as_deref(),
            Some("2023-12-04")
        );
        assert_eq!(
            first("It happened on 4 July 2020.", "2024-03-05").value.as_deref(),
            Some("2020-07-04")
        );
    }

    #[test]
    fn deictic_and_vague() {
        assert_eq!(
            first("He left yesterday.", "2024-03-01").value.as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(
            first("Earlier in the day, he left.", "2024-03-01").value.as_deref(),
            Some("2024-03-01")
        );
        assert!(first("On the same day, he left.", "2024-03-01").is_continuation());
        let week = first("They wrote last week.", "2024-03-05");
        assert_eq!(
            (week.value.as_deref(), week.precision),
            (Some("2024-02"), Precision::Month)
        );
        assert_eq!(first("They will talk in the coming days.", "2024-03-05").value, None);
    }

    #[test]
    fn no_anchor_no_relative_value() {
        let found = find_dates("She spoke on Tuesday about May plans.", None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2.value, None);
    }
}

//! A small CoNLL-U reader: syntactic words with their annotations, plus what the raw-text
//! evaluation needs (sentence text, document and paragraph starts, multi-word token spans).

use super::ModelError;
use std::path::Path;

/// One syntactic word of a CoNLL-U sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Word form.
    pub form: String,
    /// Lemma.
    pub lemma: String,
    /// Universal part-of-speech tag.
    pub upos: String,
    /// Language-specific part-of-speech tag.
    pub xpos: String,
    /// Head (0 = root, else 1-based index).
    pub head: usize,
    /// Dependency relation.
    pub deprel: String,
}

/// A multi-word token: words `first..=last` (0-based) written as `form`.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiWord {
    /// First word (0-based).
    pub first: usize,
    /// Last word (0-based, inclusive).
    pub last: usize,
    /// The surface form.
    pub form: String,
}

/// One CoNLL-U sentence.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sentence {
    /// The `# text =` comment, if any.
    pub text: Option<String>,
    /// True when a `# newdoc` comment starts a document here.
    pub newdoc: bool,
    /// True when a `# newpar` comment starts a paragraph here.
    pub newpar: bool,
    /// The syntactic words.
    pub words: Vec<Word>,
    /// The multi-word tokens.
    pub multiwords: Vec<MultiWord>,
}

/// Reads a CoNLL-U file.
pub fn read_file(path: &Path) -> Result<Vec<Sentence>, ModelError> {
    let text = std::fs::read_to_string(path).map_err(|error| ModelError::Io {
        path: path.display().to_string(),
        error,
    })?;
    parse(&text, &path.display().to_string())
}

/// Parses CoNLL-U text; `file` names it in error messages.
pub fn parse(text: &str, file: &str) -> Result<Vec<Sentence>, ModelError> {
    let mut sentences = Vec::new();
    let mut current = Sentence::default();
    let err = |line: usize, message: String| ModelError::Conllu {
        file: file.to_string(),
        line,
        message,
    };
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.words.is_empty() {
                sentences.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start();
            if let Some(t) = comment.strip_prefix("text =") {
                current.text = Some(t.trim().to_string());
            } else if comment.starts_with("newdoc") {
                current.newdoc = true;
            } else if comment.starts_with("newpar") {
                current.newpar = true;
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(err(
                line_no,
                format!("expected 10 tab-separated columns, found {}", cols.len()),
            ));
        }
        let id = cols[0];
        if id.contains('.') {
            continue; // empty node
        }
        if let Some((a, b)) = id.split_once('-') {
            let a: usize = a
                .parse()
                .map_err(|_| err(line_no, format!("bad multi-word id {id:?}")))?;
            let b: usize = b
                .parse()
                .map_err(|_| err(line_no, format!("bad multi-word id {id:?}")))?;
            if a == 0 || b < a {
                return Err(err(line_no, format!("bad multi-word range {id:?}")));
            }
            current.multiwords.push(MultiWord {
                first: a - 1,
                last: b - 1,
                form: cols[1].to_string(),
            });
            continue;
        }
        let index: usize = id.parse().map_err(|_| err(line_no, format!("bad word id {id:?}")))?;
        if index != current.words.len() + 1 {
            return Err(err(line_no, format!("word id {index} out of sequence")));
        }
        let head: usize = match cols[6] {
            "_" => 0,
            h => h.parse().map_err(|_| err(line_no, format!("bad head {h:?}")))?,
        };
        current.words.push(Word {
            form: cols[1].to_string(),
            lemma: cols[2].to_string(),
            upos: cols[3].to_string(),
            xpos: cols[4].to_string(),
            head,
            deprel: cols[7].to_string(),
        });
    }
    if !current.words.is_empty() {
        sentences.push(current);
    }
    for (i, s) in sentences.iter().enumerate() {
        if let Some(w) = s.words.iter().find(|w| w.head > s.words.len()) {
            return Err(ModelError::Conllu {
                file: file.to_string(),
                line: 0,
                message: format!(
                    "sentence {} has head {} beyond its {} words",
                    i + 1,
                    w.head,
                    s.words.len()
                ),
            });
        }
    }
    Ok(sentences)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNIPPET: &str = "# newdoc id = d1\n# text = I don't know.\n1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_\n\
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n\
4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n4.1\tx\tx\tX\tX\t_\t_\t_\t4:dep\t_\n5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n\n";

    #[test]
    fn parses_multiword_and_empty_nodes() {
        let s = parse(SNIPPET, "snippet").unwrap();
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert!(s.newdoc);
        assert_eq!(s.text.as_deref(), Some("I don't know."));
        let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        assert_eq!(forms, ["I", "do", "n't", "know", "."]);
        assert_eq!(
            s.multiwords,
            [MultiWord {
                first: 1,
                last: 2,
                form: "don't".into()
            }]
        );
        assert_eq!(s.words[2].lemma, "not");
        assert_eq!(s.words[3].head, 0);
        assert_eq!(s.words[0].deprel, "nsubj");
    }

    #[test]
    fn reports_file_and_line() {
        let bad = "1\tI\tI\tPRON\tPRP\t_\t0\troot\t_\t_\n2\tx\tx\n";
        match parse(bad, "bad.conllu") {
            Err(ModelError::Conllu { file, line, .. }) => assert_eq!((file.as_str(), line), ("bad.conllu", 2)),
            other => panic!("unexpected {other:?}"),
        }
    }
}

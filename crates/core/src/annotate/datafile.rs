//! Line handling shared by the gazetteer and lexicon parsers: comment and blank lines,
//! whitespace-separated fields, and the one error shape both report.
//!
//! Input: a data file's text. Output: `(line number, fields)` pairs for the lines that carry
//! data. Line numbers are 1-based and count every line, comments and blank lines included,
//! so an error points at the line a person sees in an editor. Does not interpret fields.

use crate::error::{DataProblem, Error};

pub(crate) use crate::corpus::data_lines;

/// A [`Error::DataFile`] for `file` at `line`.
pub(crate) fn error(file: &str, line: usize, problem: DataProblem) -> Error {
    Error::DataFile {
        file: file.to_string(),
        line,
        problem,
    }
}

/// A [`DataProblem::Form`]: the line lacks fields and must be written as `form`.
pub(crate) fn form(form: impl Into<String>) -> DataProblem {
    DataProblem::Form { form: form.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_lines_skip_comments_and_blanks_and_keep_line_numbers() {
        let text = "\u{feff}# head\n\n  a b\tc  \n   # indented comment\nd\n";
        let lines: Vec<_> = data_lines(text).collect();
        assert_eq!(lines, vec![(3, vec!["a", "b", "c"]), (5, vec!["d"])]);
    }
}

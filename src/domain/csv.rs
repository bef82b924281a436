//! CSV files, read and written one way: [`Records`] reads a file held in memory record by record,
//! each with the line of the file it starts on; [`write`] writes a header and rows. What a
//! file's columns mean, and the words for its problems, belong to its reader (an ESR extract,
//! the mentoring spreadsheets, the command line's files).

use std::fmt;

/// The records of a CSV file held in memory, each with the line it starts on (the first line is
/// 1; blank lines count, though no record is made of them). The reader does no header handling
/// of its own (see [`Records::header`]) and allows any number of fields per record: its caller
/// checks both, in its own words. A byte-order mark is the caller's to remove.
pub struct Records<'a> {
    data: &'a [u8],
    reader: ::csv::Reader<&'a [u8]>,
}

impl fmt::Debug for Records<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Records")
            .field("bytes", &self.data.len())
            .finish_non_exhaustive()
    }
}

/// A record that could not be read: the line it starts on (when known) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The line the record starts on, when the reader knows it.
    pub line: Option<u64>,
    /// What is wrong, in words for the person who gave the file.
    pub what: String,
}

impl<'a> Records<'a> {
    /// Reads `data`.
    pub fn new(data: &'a [u8]) -> Self {
        let reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        Records { data, reader }
    }

    /// Reads the next record into `record`: `Some(line)`, or `None` at the end. After a record
    /// that cannot be read, the next call reads the record after it.
    pub fn next(&mut self, record: &mut ::csv::StringRecord) -> Result<Option<u64>, Unreadable> {
        match self.reader.read_record(record) {
            Ok(true) => Ok(Some(record.position().map_or(0, |p| self.line_of(p)))),
            Ok(false) => Ok(None),
            Err(e) => Err(self.unreadable(&e)),
        }
    }

    /// The line a record starts on. The reader's position is where it started reading, before
    /// the blank lines it skips, so those are counted here.
    fn line_of(&self, position: &::csv::Position) -> u64 {
        let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
        let skipped = self
            .data
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .filter(|&&b| b == b'\n')
            .count();
        position.line() + u64::try_from(skipped).unwrap_or(u64::MAX)
    }

    fn unreadable(&self, error: &::csv::Error) -> Unreadable {
        let what = match error.kind() {
            ::csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".to_owned(),
            ::csv::ErrorKind::Io(e) => format!("cannot be read: {e}"),
            _ => error.to_string(),
        };
        Unreadable {
            line: error.position().map(|p| self.line_of(p)),
            what,
        }
    }

    /// Reads the first record as the header, which must be exactly `expected` (each name
    /// trimmed); says what is wrong with it otherwise. The header is line 1 unless blank lines
    /// come first.
    pub fn header(&mut self, expected: &[&str]) -> Result<(), Unreadable> {
        let mut record = ::csv::StringRecord::new();
        let wanted = expected.join(",");
        let Some(line) = self.next(&mut record)? else {
            return Err(Unreadable {
                line: Some(1),
                what: format!("the file is empty; its first line must be the header {wanted}"),
            });
        };
        if record.len() != expected.len()
            || record.iter().zip(expected).any(|(f, e)| f.trim() != *e)
        {
            let found: Vec<&str> = record.iter().map(str::trim).collect();
            return Err(Unreadable {
                line: Some(line),
                what: format!("the header must be {wanted}, not {:?}", found.join(",")),
            });
        }
        Ok(())
    }
}

/// Why a file could not be written: a row whose number of fields differs from the header's (a
/// fault in the caller), or the writer's own failure.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the CSV file: {0}")]
pub struct WriteError(String);

/// Writes `header` and then each of `rows` as CSV text, each row with as many fields as the
/// header. Values are written as given: make one safe to open in a spreadsheet first with
/// [`crate::domain::spreadsheet::escape`] where it needs to be.
pub fn write<R, F>(header: &[&str], rows: impl IntoIterator<Item = R>) -> Result<String, WriteError>
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let failed = |e: ::csv::Error| WriteError(e.to_string());
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(failed)?;
    for row in rows {
        writer.write_record(row).map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| WriteError(e.error().to_string()))?;
    String::from_utf8(bytes).map_err(|e| WriteError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` with its line, or the problem.
    fn lines(text: &str) -> Vec<Result<(u64, Vec<String>), Unreadable>> {
        let mut records = Records::new(text.as_bytes());
        let mut record = ::csv::StringRecord::new();
        let mut found = Vec::new();
        loop {
            match records.next(&mut record) {
                Ok(Some(line)) => {
                    found.push(Ok((line, record.iter().map(str::to_owned).collect())))
                }
                Ok(None) => return found,
                Err(e) => found.push(Err(e)),
            }
        }
    }

    fn line_numbers(text: &str) -> Vec<u64> {
        lines(text)
            .into_iter()
            .map(|r| r.map_or(0, |(line, _)| line))
            .collect()
    }

    #[test]
    fn a_record_is_numbered_by_the_line_it_starts_on_blank_lines_counted() {
        assert_eq!(line_numbers("a,b\n1,2\n\n\n3,4\n"), [1, 2, 5]);
        assert_eq!(line_numbers("a,b\r\n1,2\r\n\r\n3,4"), [1, 2, 4]);
        assert_eq!(line_numbers("\n\na,b\n1,2"), [3, 4]);
        // A quoted value over several lines: the next record starts after them.
        assert_eq!(line_numbers("a,b\n\"one\ntwo\",2\n3,4\n"), [1, 2, 4]);
    }

    #[test]
    fn any_number_of_fields_is_read_and_left_to_the_caller() {
        let read = lines("a,b\n1\n1,2,3\n");
        assert_eq!(read[1], Ok((2, vec!["1".to_owned()])));
        assert_eq!(read[2], Ok((3, vec!["1".into(), "2".into(), "3".into()])));
    }

    #[test]
    fn a_record_that_is_not_text_is_named_by_its_line_and_reading_goes_on() {
        let mut data = b"a,b\n1,2\n".to_vec();
        data.extend_from_slice(b"\xff,2\n3,4\n");
        let mut records = Records::new(&data);
        let mut record = ::csv::StringRecord::new();

        let read: Vec<_> = (0..4).map(|_| records.next(&mut record)).collect();

        assert_eq!(read[0], Ok(Some(1)));
        assert_eq!(read[1], Ok(Some(2)));
        assert_eq!(
            read[2],
            Err(Unreadable {
                line: Some(3),
                what: "is not valid UTF-8 text".into()
            })
        );
        assert_eq!(read[3], Ok(Some(4)));
    }

    #[test]
    fn the_header_must_be_the_expected_names_trimmed() {
        let header = |text: &str| Records::new(text.as_bytes()).header(&["id", "score"]);

        assert_eq!(header(" id , score\n1,2"), Ok(()));
        assert_eq!(
            header(""),
            Err(Unreadable {
                line: Some(1),
                what: "the file is empty; its first line must be the header id,score".into()
            })
        );
        assert_eq!(
            header("\nid,points\n"),
            Err(Unreadable {
                line: Some(2),
                what: "the header must be id,score, not \"id,points\"".into()
            })
        );
    }

    #[test]
    fn written_rows_read_back_with_their_quotes_and_line_breaks() {
        let rows = [
            vec!["1", "plain"],
            vec!["2", "with, comma \"quoted\"\nand a line"],
        ];

        let text = write(&["id", "text"], rows).unwrap();

        assert_eq!(
            text,
            "id,text\n1,plain\n2,\"with, comma \"\"quoted\"\"\nand a line\"\n"
        );
        let read = lines(&text);
        assert_eq!(
            read[2],
            Ok((
                3,
                vec![
                    "2".to_owned(),
                    "with, comma \"quoted\"\nand a line".to_owned()
                ]
            ))
        );
    }

    #[test]
    fn a_row_of_the_wrong_width_is_an_error_not_a_file() {
        assert!(write(&["id", "text"], [vec!["1"]]).is_err());
        assert_eq!(write(&["id"], Vec::<Vec<&str>>::new()).unwrap(), "id\n");
    }
}

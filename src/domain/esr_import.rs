//! Large ESR extracts as background work (issue 22): the limits an upload must keep, counted
//! while it arrives and before it is parsed; the status of an import job and why one failed;
//! and how much of a large file the pages show. Nothing here does I/O.
//!
//! What the import keeps from the one-transaction import it replaces (`services::esr_jobs`):
//! every row is checked, and the plan compared with the one previewed, before anything is
//! written, so a file with any bad row, or whose changes are not the ones previewed, changes
//! nothing. The writes then go in batches of [`BATCH_ROWS`] rows, each in its own transaction
//! with the job's progress, so a restart resumes after the last batch written and importing
//! the same file again finishes what a failed job left (rows already written are unchanged).

use std::fmt;

use time::Duration;

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most rows accepted after the column names, counted as lines.
pub const MAX_ROWS: usize = 200_000;
/// Room for the rest of an upload form around the file (its boundaries, headers and form
/// token): the request body limit of the upload is the file's limit plus this, so a file just
/// over its limit still reaches the handler and gets a field-level error.
pub const FORM_ALLOWANCE: usize = 64 * 1024;
/// The largest upload form body read.
pub const MAX_FORM_BYTES: usize = MAX_FILE_BYTES + FORM_ALLOWANCE;
/// Rows written in one transaction of an import job.
pub const BATCH_ROWS: usize = 1_000;
/// Rows of each kind of change listed on the preview; the rest are counted.
pub const PREVIEW_ROWS: usize = 20;
/// Bad rows listed on a page; the rest are counted.
pub const BAD_ROWS_SHOWN: usize = 100;
/// How long an uploaded file is kept for its import, at most.
pub const UPLOAD_KEPT_FOR: Duration = Duration::days(1);
/// How long a claimed job is reserved for the worker that claimed it; each batch renews it.
/// A job whose worker stopped (a restart) is taken up again once it lapses.
pub const LEASE: Duration = Duration::minutes(5);
/// Claims of a job in a row that wrote nothing before it is given up as failed.
pub const MAX_ATTEMPTS: i32 = 3;

/// Why an upload is refused before it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TooLarge {
    /// Over [`MAX_FILE_BYTES`].
    Bytes,
    /// Over [`MAX_ROWS`].
    Rows,
}

impl TooLarge {
    /// What to tell the person, in plain words.
    pub fn message(self) -> String {
        match self {
            TooLarge::Bytes => format!(
                "The file is larger than {} MB. Split it into smaller files and upload each one",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            TooLarge::Rows => format!(
                "The file has more than {} rows. Split it into smaller files and upload each one",
                with_commas(MAX_ROWS)
            ),
        }
    }
}

/// Counts an upload's bytes and lines as it arrives, so a file over a limit is refused before
/// the rest of it is read or any of it parsed. A line ends at `\n`, `\r\n` or a lone `\r`, as
/// the CSV reader reads them; a quoted value with a line break in it counts as two lines.
#[derive(Clone, Debug, Default)]
pub struct UploadMeter {
    bytes: usize,
    breaks: usize,
    last_was_cr: bool,
    last_was_break: bool,
}

impl UploadMeter {
    /// Counts the next piece of the file; refuses once it is over a limit.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), TooLarge> {
        self.bytes = self.bytes.saturating_add(chunk.len());
        if self.bytes > MAX_FILE_BYTES {
            return Err(TooLarge::Bytes);
        }
        for &b in chunk {
            if self.last_was_cr && b != b'\n' {
                self.breaks += 1;
            }
            if b == b'\n' {
                self.breaks += 1;
            }
            self.last_was_cr = b == b'\r';
            self.last_was_break = b == b'\n' || b == b'\r';
        }
        // More breaks than the column names' line and every row allowed: too many rows,
        // whatever follows.
        if self.breaks > MAX_ROWS + 1 {
            return Err(TooLarge::Rows);
        }
        Ok(())
    }

    /// The bytes counted so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The lines after the column names in what was counted.
    pub fn rows(&self) -> usize {
        if self.bytes == 0 {
            return 0;
        }
        let breaks = self.breaks + usize::from(self.last_was_cr);
        let lines = breaks + usize::from(!self.last_was_break);
        lines.saturating_sub(1)
    }

    /// At the end of the file: its rows, or why it is refused.
    pub fn finish(&self) -> Result<usize, TooLarge> {
        match self.rows() {
            rows if rows > MAX_ROWS => Err(TooLarge::Rows),
            rows => Ok(rows),
        }
    }
}

/// Where an import job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is writing its batches.
    Running,
    /// Every batch is written.
    Done,
    /// Stopped; [`Failure`] says why.
    Failed,
}

/// A stored value that is not one this version knows: an error, never a guess.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown stored ESR import {what} {value:?}")]
pub struct UnknownValue {
    /// Which column.
    pub what: &'static str,
    /// The value found.
    pub value: String,
}

impl JobStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    /// Reads a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        JobStatus::from_stored(value).ok()
    }

    /// From the stored value.
    pub fn from_stored(value: &str) -> Result<Self, UnknownValue> {
        Ok(match value {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "failed" => JobStatus::Failed,
            _ => {
                return Err(UnknownValue {
                    what: "status",
                    value: value.to_owned(),
                });
            }
        })
    }

    /// Whether the job is finished, one way or the other.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed)
    }

    /// For the person, in a few words.
    pub fn words(self) -> &'static str {
        match self {
            JobStatus::Queued => "Waiting to start",
            JobStatus::Running => "Importing",
            JobStatus::Done => "Imported",
            JobStatus::Failed => "Not imported",
        }
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an import job failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// What the file would change is not what the preview showed: nothing was written.
    PlanChanged,
    /// Rows that could not be imported (an organisation code no longer known, say).
    BadRows,
    /// The kept file was gone (deleted after a day, or replaced).
    UploadGone,
    /// It stopped [`MAX_ATTEMPTS`] times in a row without writing a batch.
    GaveUp,
}

impl Failure {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::PlanChanged => "plan_changed",
            Failure::BadRows => "bad_rows",
            Failure::UploadGone => "upload_gone",
            Failure::GaveUp => "gave_up",
        }
    }

    /// Reads a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Failure::from_stored(value).ok()
    }

    /// From the stored value.
    pub fn from_stored(value: &str) -> Result<Self, UnknownValue> {
        Ok(match value {
            "plan_changed" => Failure::PlanChanged,
            "bad_rows" => Failure::BadRows,
            "upload_gone" => Failure::UploadGone,
            "gave_up" => Failure::GaveUp,
            _ => {
                return Err(UnknownValue {
                    what: "failure",
                    value: value.to_owned(),
                });
            }
        })
    }

    /// Whether the file is kept after this failure, to be checked and imported again: only
    /// when the changes moved on, as the same file may well be right.
    pub fn keeps_upload(self) -> bool {
        matches!(self, Failure::PlanChanged)
    }

    /// What happened and what to do, in plain words. `written` is how many rows were written
    /// before it stopped.
    pub fn explain(self, written: usize) -> String {
        let before = if written == 0 {
            "Nothing was imported.".to_owned()
        } else {
            format!(
                "{} {} written before it stopped. Upload the same file again to finish: rows already written will show as unchanged.",
                with_commas(written),
                if written == 1 { "row was" } else { "rows were" }
            )
        };
        match self {
            Failure::PlanChanged => format!(
                "{before} Since you checked the file, the records it matches have changed (someone may have imported a file or recorded a leaver), or the day has changed. Check the changes again, then import."
            ),
            Failure::BadRows => format!(
                "{before} Some rows could not be imported. Correct them and upload the whole file again."
            ),
            Failure::UploadGone => format!(
                "{before} The file was no longer kept (files are kept for a day). Upload it again."
            ),
            Failure::GaveUp => format!(
                "{before} The import stopped {MAX_ATTEMPTS} times without finishing. Try again later, and if it stops again, tell the service desk."
            ),
        }
    }
}

/// How many of `count` items are left out of a list that shows at most `shown`.
pub fn not_shown(count: usize, shown: usize) -> usize {
    count.saturating_sub(shown)
}

/// A count as people write it: 200,000.
pub fn with_commas(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The progress of a job, in words: "3,000 of 12,000 rows written".
pub fn progress_words(processed: usize, total: usize) -> String {
    format!(
        "{} of {} {} written",
        with_commas(processed),
        with_commas(total),
        if total == 1 { "row" } else { "rows" }
    )
}

/// Whether a job claimed `attempts` times in a row without writing a batch is given up.
pub fn gives_up(attempts: i32) -> bool {
    attempts > MAX_ATTEMPTS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metered(parts: &[&[u8]]) -> Result<usize, TooLarge> {
        let mut meter = UploadMeter::default();
        for part in parts {
            meter.feed(part)?;
        }
        meter.finish()
    }

    #[test]
    fn rows_are_the_lines_after_the_column_names_however_they_end() {
        assert_eq!(metered(&[b""]), Ok(0));
        assert_eq!(metered(&[b"header"]), Ok(0));
        assert_eq!(metered(&[b"header\n"]), Ok(0));
        assert_eq!(metered(&[b"header\na\nb"]), Ok(2));
        assert_eq!(metered(&[b"header\na\nb\n"]), Ok(2));
        assert_eq!(metered(&[b"header\r\na\r\nb\r\n"]), Ok(2));
        assert_eq!(metered(&[b"header\ra\rb\r"]), Ok(2));
        assert_eq!(metered(&[b"header\ra\rb"]), Ok(2));
        // A break split across two pieces is one break.
        assert_eq!(metered(&[b"header\r", b"\na\r", b"\nb"]), Ok(2));
        assert_eq!(metered(&[b"header\r", b"a\r", b"b"]), Ok(2));
    }

    #[test]
    fn the_row_limit_holds_to_the_row() {
        let at_limit = format!("h\n{}", "r\n".repeat(MAX_ROWS));
        assert_eq!(metered(&[at_limit.as_bytes()]), Ok(MAX_ROWS));
        let without_last_break = at_limit.trim_end();
        assert_eq!(metered(&[without_last_break.as_bytes()]), Ok(MAX_ROWS));
        let over = format!("{at_limit}r");
        assert_eq!(metered(&[over.as_bytes()]), Err(TooLarge::Rows));
        let over = format!("{at_limit}r\n");
        assert_eq!(metered(&[over.as_bytes()]), Err(TooLarge::Rows));
    }

    #[test]
    fn too_many_rows_are_refused_before_the_end_of_the_file() {
        let mut meter = UploadMeter::default();
        let rows = format!("h\n{}", "r\n".repeat(MAX_ROWS + 1));
        assert_eq!(meter.feed(rows.as_bytes()), Err(TooLarge::Rows));
    }

    #[test]
    fn the_size_limit_holds_to_the_byte() {
        let mut meter = UploadMeter::default();
        let piece = vec![b'x'; 1024 * 1024];
        for _ in 0..20 {
            assert_eq!(meter.feed(&piece), Ok(()));
        }
        assert_eq!(meter.bytes(), MAX_FILE_BYTES);
        assert_eq!(meter.finish(), Ok(0));
        assert_eq!(meter.feed(b"x"), Err(TooLarge::Bytes));
        const { assert!(MAX_FORM_BYTES > MAX_FILE_BYTES) };
    }

    #[test]
    fn refusals_say_the_limit() {
        assert!(TooLarge::Bytes.message().contains("20 MB"));
        assert!(TooLarge::Rows.message().contains("200,000 rows"));
    }

    #[test]
    fn stored_values_read_back_and_unknown_ones_are_errors() {
        for status in [
            JobStatus::Queued,
            JobStatus::Running,
            JobStatus::Done,
            JobStatus::Failed,
        ] {
            assert_eq!(JobStatus::from_stored(status.as_str()), Ok(status));
            assert_eq!(JobStatus::parse(status.as_str()), Some(status));
            assert!(!status.words().is_empty());
        }
        assert!(JobStatus::from_stored("paused").is_err());
        assert_eq!(JobStatus::parse("paused"), None);
        assert_eq!(JobStatus::Queued.as_str(), "queued");
        assert_eq!(JobStatus::Running.as_str(), "running");
        assert_eq!(JobStatus::Done.as_str(), "done");
        assert_eq!(JobStatus::Failed.as_str(), "failed");
        assert!(JobStatus::Done.is_finished() && JobStatus::Failed.is_finished());
        assert!(!JobStatus::Queued.is_finished() && !JobStatus::Running.is_finished());
        for failure in [
            Failure::PlanChanged,
            Failure::BadRows,
            Failure::UploadGone,
            Failure::GaveUp,
        ] {
            assert_eq!(Failure::from_stored(failure.as_str()), Ok(failure));
            assert_eq!(Failure::parse(failure.as_str()), Some(failure));
            assert!(failure.explain(0).starts_with("Nothing was imported."));
        }
        assert_eq!(
            Failure::from_stored("oops").unwrap_err().to_string(),
            "unknown stored ESR import failure \"oops\""
        );
        assert!(Failure::PlanChanged.keeps_upload() && !Failure::BadRows.keeps_upload());
    }

    #[test]
    fn a_failure_after_some_batches_says_how_to_finish() {
        let words = Failure::BadRows.explain(3000);
        assert!(words.starts_with("3,000 rows were written before it stopped."));
        assert!(words.contains("Upload the same file again to finish"));
        assert!(Failure::GaveUp.explain(1).starts_with("1 row was written"));
    }

    #[test]
    fn counts_read_as_people_write_them() {
        assert_eq!(with_commas(0), "0");
        assert_eq!(with_commas(999), "999");
        assert_eq!(with_commas(1_000), "1,000");
        assert_eq!(with_commas(200_000), "200,000");
        assert_eq!(with_commas(1_234_567), "1,234,567");
        assert_eq!(progress_words(3000, 12000), "3,000 of 12,000 rows written");
        assert_eq!(progress_words(0, 1), "0 of 1 row written");
        assert_eq!(not_shown(25, PREVIEW_ROWS), 5);
        assert_eq!(not_shown(3, PREVIEW_ROWS), 0);
    }

    #[test]
    fn a_job_is_given_up_after_its_attempts() {
        assert!(!gives_up(1) && !gives_up(MAX_ATTEMPTS));
        assert!(gives_up(MAX_ATTEMPTS + 1));
    }
}

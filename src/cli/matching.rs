//! `spectra match …`: the mentor matcher from the command line, on CSV files, with no
//! configuration and no database.
//!
//! `spectra match solve --capacities capacities.csv --scores scores.csv` reads
//!
//! - `capacities.csv`, header `mentor_id,capacity`: one row per mentor, how many mentees it can
//!   take (a whole number, 0 or more);
//! - `scores.csv`, header `mentor_id,mentee_id,score`: one row per allowed pair, its score (a
//!   whole number from 0 to 1000). A pair not listed is not allowed; the mentees are those
//!   named here; every mentor named here must be in `capacities.csv`.
//!
//! and prints one JSON line: the optimal assignment (most mentees matched, then highest total
//! score; see [`crate::domain::mentoring::solver`]), pairs sorted by mentee, then the unmatched
//! mentees. Ids are trimmed of surrounding whitespace and sorted (byte order) before solving, so
//! the order of the rows does not change the answer.
//!
//! The first problem in a file stops the command with one message naming the file and the line
//! (the header is line 1), and exit code 2.
//!
//! The parsing is pure (it reads the files' bytes), so it is tested here without files.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::domain::csv::{Records, Unreadable, write as write_csv};
use crate::domain::mentoring::files::{self, RowError};
use crate::domain::mentoring::plan::{self, Mentee, Mentor, Rules};
use crate::domain::mentoring::scoring;
use crate::domain::mentoring::solver::{self, Assignment, Problem};

/// The header `capacities.csv` must have.
pub const CAPACITIES_HEADER: [&str; 2] = ["mentor_id", "capacity"];
/// The header `scores.csv` must have.
pub const SCORES_HEADER: [&str; 3] = ["mentor_id", "mentee_id", "score"];
/// The highest score a pair can have.
pub const MAX_SCORE: u32 = 1000;
/// The exit code when an input file is missing, unreadable or malformed.
pub const EXIT_BAD_INPUT: u8 = 2;

/// A problem with an input file, ready to show: it names the file and, when it can, the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError(String);

impl InputError {
    /// A problem on line `line` of `file`.
    pub fn at(file: &str, line: u64, what: impl fmt::Display) -> Self {
        InputError(format!("{file} line {line}: {what}"))
    }

    /// A problem with `file` as a whole.
    pub fn file(file: &str, what: impl fmt::Display) -> Self {
        InputError(format!("{file}: {what}"))
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// The mentors of `capacities.csv`, sorted by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mentors {
    /// The ids, sorted (byte order).
    pub ids: Vec<String>,
    /// Each mentor's capacity, in the same order.
    pub capacities: Vec<u32>,
}

/// A matching problem read from the two files: the solver's [`Problem`] and the ids behind its
/// indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Instance {
    /// Mentor ids, sorted; mentor `k` of the problem is `mentor_ids[k]`.
    pub mentor_ids: Vec<String>,
    /// Mentee ids, sorted; mentee `r` of the problem is `mentee_ids[r]`.
    pub mentee_ids: Vec<String>,
    /// The problem, by index. Each mentee's allowed mentors are sorted by index.
    pub problem: Problem,
}

/// One proposed pair.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair {
    /// The mentor's id.
    pub mentor_id: String,
    /// The mentee's id.
    pub mentee_id: String,
    /// The pair's score.
    pub score: u32,
    /// How the score is made up, criterion by criterion, when the caller knows (not for
    /// `match solve`, whose scores are given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<serde_json::Value>,
}

/// The answer as printed: one JSON object, fields in this order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// How many mentees are matched.
    pub matched: usize,
    /// The sum of the pairs' scores.
    pub total_score: u64,
    /// The pairs, sorted by mentee id.
    pub pairs: Vec<Pair>,
    /// The mentees with no mentor, sorted.
    pub unmatched_mentees: Vec<String>,
}

/// A record of `file` that could not be read, in this command's words.
fn unreadable(file: &str) -> impl Fn(Unreadable) -> InputError + '_ {
    move |e| match e.line {
        Some(line) => InputError::at(file, line, e.what),
        None => InputError::file(file, e.what),
    }
}

fn check_fields(
    file: &str,
    line: u64,
    record: &csv::StringRecord,
    expected: &[&str],
) -> Result<(), InputError> {
    if record.len() == expected.len() {
        return Ok(());
    }
    Err(InputError::at(
        file,
        line,
        format!(
            "expected {} fields ({}), found {}",
            expected.len(),
            expected.join(","),
            record.len()
        ),
    ))
}

fn id<'r>(file: &str, line: u64, name: &str, field: &'r str) -> Result<&'r str, InputError> {
    let id = field.trim();
    if id.is_empty() {
        return Err(InputError::at(file, line, format!("{name} is empty")));
    }
    Ok(id)
}

/// Parses `capacities.csv` (named `file` in messages): `mentor_id,capacity`.
pub fn parse_capacities(file: &str, data: &[u8]) -> Result<Mentors, InputError> {
    let mut records = Records::new(data);
    records
        .header(&CAPACITIES_HEADER)
        .map_err(unreadable(file))?;
    let mut record = csv::StringRecord::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut rows: Vec<(String, u32)> = Vec::new();
    while let Some(line) = records.next(&mut record).map_err(unreadable(file))? {
        check_fields(file, line, &record, &CAPACITIES_HEADER)?;
        let mentor = id(file, line, "mentor_id", &record[0])?;
        let text = record[1].trim();
        let capacity = text.parse::<u32>().map_err(|_| {
            InputError::at(
                file,
                line,
                format!(
                    "capacity {text:?} is not a whole number from 0 to {}",
                    u32::MAX
                ),
            )
        })?;
        if let Some(first) = first_line.get(mentor) {
            return Err(InputError::at(
                file,
                line,
                format!("mentor {mentor:?} is listed twice (first on line {first})"),
            ));
        }
        first_line.insert(mentor.to_owned(), line);
        rows.push((mentor.to_owned(), capacity));
    }
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let (ids, capacities) = rows.into_iter().unzip();
    Ok(Mentors { ids, capacities })
}

/// The id and index last looked up, to skip the hash map when the next row names the same.
#[derive(Debug, Default)]
struct Last {
    id: String,
    index: Option<u32>,
}

impl Last {
    fn get(&self, id: &str) -> Option<u32> {
        self.index.filter(|_| self.id == id)
    }

    fn set(&mut self, id: &str, index: u32) -> u32 {
        self.id.clear();
        self.id.push_str(id);
        self.index = Some(index);
        index
    }
}

/// One row of `scores.csv`, by index: the mentee in order of first appearance, the mentor in
/// sorted order.
#[derive(Clone, Copy, Debug)]
struct ScoreRow {
    mentee: u32,
    mentor: u32,
    score: u32,
    line: u64,
}

/// The earliest line that repeats a (mentor, mentee) pair of `rows`, with the line it repeats.
/// `rows` must be grouped by mentee and sorted by mentor and line within each group.
fn first_repeat(rows: &[ScoreRow]) -> Option<(ScoreRow, u64)> {
    rows.windows(2)
        .filter(|w| w[0].mentee == w[1].mentee && w[0].mentor == w[1].mentor)
        .map(|w| (w[1], w[0].line))
        .min_by_key(|(row, _)| row.line)
}

fn repeat_error(
    file: &str,
    mentors: &Mentors,
    mentees: &[String],
    repeat: (ScoreRow, u64),
) -> InputError {
    let (row, first) = repeat;
    InputError::at(
        file,
        row.line,
        format!(
            "mentor {:?} and mentee {:?} are already scored on line {first}",
            mentors.ids[row.mentor as usize], mentees[row.mentee as usize]
        ),
    )
}

/// Parses `scores.csv` (named `file` in messages): `mentor_id,mentee_id,score`, against the
/// mentors of `capacities.csv` (named `capacities_file`), and builds the problem. Of several
/// problems, the one on the earliest line is reported.
pub fn parse_scores(
    file: &str,
    data: &[u8],
    capacities_file: &str,
    mentors: Mentors,
) -> Result<Instance, InputError> {
    let mut records = Records::new(data);
    records.header(&SCORES_HEADER).map_err(unreadable(file))?;
    let mentor_index: HashMap<&str, u32> = mentors
        .ids
        .iter()
        .enumerate()
        .map(|(k, id)| (id.as_str(), k as u32))
        .collect();
    let mut mentee_index: HashMap<String, u32> = HashMap::new();
    let mut mentee_ids: Vec<String> = Vec::new();
    let mut rows: Vec<ScoreRow> = Vec::new();
    let mut record = csv::StringRecord::new();
    // The previous row's mentor and mentee, as files often list one's pairs together.
    let mut last_mentor = Last::default();
    let mut last_mentee = Last::default();

    loop {
        let row = records
            .next(&mut record)
            .map_err(unreadable(file))
            .and_then(|line| {
                let Some(line) = line else { return Ok(None) };
                check_fields(file, line, &record, &SCORES_HEADER)?;
                let mentor = id(file, line, "mentor_id", &record[0])?;
                let mentee = id(file, line, "mentee_id", &record[1])?;
                let text = record[2].trim();
                let score = text
                    .parse::<u32>()
                    .ok()
                    .filter(|&s| s <= MAX_SCORE)
                    .ok_or_else(|| {
                        InputError::at(
                            file,
                            line,
                            format!("score {text:?} is not a whole number from 0 to {MAX_SCORE}"),
                        )
                    })?;
                let mentor = match last_mentor.get(mentor) {
                    Some(k) => k,
                    None => {
                        let k = *mentor_index.get(mentor).ok_or_else(|| {
                            InputError::at(
                                file,
                                line,
                                format!("mentor {mentor:?} is not in {capacities_file}"),
                            )
                        })?;
                        last_mentor.set(mentor, k)
                    }
                };
                let mentee = match last_mentee.get(mentee) {
                    Some(r) => r,
                    None => {
                        let r = match mentee_index.get(mentee) {
                            Some(&r) => r,
                            None => {
                                let r = mentee_ids.len() as u32;
                                mentee_index.insert(mentee.to_owned(), r);
                                mentee_ids.push(mentee.to_owned());
                                r
                            }
                        };
                        last_mentee.set(mentee, r)
                    }
                };
                Ok(Some(ScoreRow {
                    mentee,
                    mentor,
                    score,
                    line,
                }))
            });
        match row {
            Ok(Some(row)) => rows.push(row),
            Ok(None) => break,
            Err(error) => {
                // A pair repeated earlier in the file comes first.
                let mut earlier = rows;
                earlier.sort_unstable_by_key(|r| (r.mentee, r.mentor, r.line));
                return Err(match first_repeat(&earlier) {
                    Some(repeat) => repeat_error(file, &mentors, &mentee_ids, repeat),
                    None => error,
                });
            }
        }
    }
    drop(mentor_index);
    drop(mentee_index);

    let (mentee_ids, grouped, start) = group_by_mentee(rows, mentee_ids);
    if let Some(repeat) = first_repeat(&grouped) {
        return Err(repeat_error(file, &mentors, &mentee_ids, repeat));
    }

    let allowed = (0..mentee_ids.len())
        .map(|r| {
            grouped[start[r]..start[r + 1]]
                .iter()
                .map(|row| (row.mentor as usize, row.score))
                .collect()
        })
        .collect();
    Ok(Instance {
        mentor_ids: mentors.ids,
        mentee_ids,
        problem: Problem {
            capacities: mentors.capacities,
            allowed,
        },
    })
}

/// Numbers the mentees in sorted order of their IDs and groups the rows by mentee (a counting
/// sort), each mentee's rows by mentor, then line. Returns the sorted IDs, the grouped rows,
/// and where each mentee's rows start (with one more entry for the end).
fn group_by_mentee(
    rows: Vec<ScoreRow>,
    mut mentee_ids: Vec<String>,
) -> (Vec<String>, Vec<ScoreRow>, Vec<usize>) {
    let mut sorted: Vec<u32> = (0..mentee_ids.len() as u32).collect();
    sorted.sort_unstable_by(|&a, &b| mentee_ids[a as usize].cmp(&mentee_ids[b as usize]));
    let mut rank = vec![0u32; mentee_ids.len()];
    for (new, &old) in sorted.iter().enumerate() {
        rank[old as usize] = new as u32;
    }
    let mut start = vec![0usize; mentee_ids.len() + 1];
    for row in &rows {
        start[rank[row.mentee as usize] as usize + 1] += 1;
    }
    for r in 0..mentee_ids.len() {
        start[r + 1] += start[r];
    }
    let mut fill = start.clone();
    let mut grouped = vec![
        ScoreRow {
            mentee: 0,
            mentor: 0,
            score: 0,
            line: 0,
        };
        rows.len()
    ];
    for row in rows {
        let mentee = rank[row.mentee as usize];
        grouped[fill[mentee as usize]] = ScoreRow { mentee, ..row };
        fill[mentee as usize] += 1;
    }
    for r in 0..mentee_ids.len() {
        grouped[start[r]..start[r + 1]].sort_unstable_by_key(|row| (row.mentor, row.line));
    }
    let mentee_ids: Vec<String> = sorted
        .iter()
        .map(|&old| std::mem::take(&mut mentee_ids[old as usize]))
        .collect();
    (mentee_ids, grouped, start)
}

/// Parses both files' contents (named in messages as given).
pub fn parse(
    capacities_file: &str,
    capacities: &[u8],
    scores_file: &str,
    scores: &[u8],
) -> Result<Instance, InputError> {
    let mentors = parse_capacities(capacities_file, capacities)?;
    parse_scores(scores_file, scores, capacities_file, mentors)
}

/// The outcome of `assignment` for `instance`, with ids; no breakdowns.
pub fn outcome(instance: &Instance, assignment: &Assignment) -> Outcome {
    let mut pairs = Vec::with_capacity(assignment.matched);
    let mut unmatched_mentees = Vec::new();
    // Mentees are sorted by id, so the pairs and the unmatched come out sorted.
    for (r, mentor) in assignment.mentor_of.iter().enumerate() {
        let mentee_id = instance.mentee_ids[r].clone();
        match *mentor {
            Some(k) => pairs.push(Pair {
                mentor_id: instance.mentor_ids[k].clone(),
                mentee_id,
                score: instance.problem.score(r, k).unwrap_or(0),
                breakdown: None,
            }),
            None => unmatched_mentees.push(mentee_id),
        }
    }
    Outcome {
        matched: assignment.matched,
        total_score: assignment.total_score,
        pairs,
        unmatched_mentees,
    }
}

/// Reads a whole file; a failure names it.
fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path)
        .map_err(|e| InputError::file(&path.display().to_string(), format!("cannot read it: {e}")))
}

/// `match solve`: reads both files, solves, and returns the outcome.
pub fn solve_files(capacities: &Path, scores: &Path) -> Result<Outcome, InputError> {
    let capacities_name = capacities.display().to_string();
    let scores_name = scores.display().to_string();
    let capacities_data = read_file(capacities)?;
    let mentors = parse_capacities(&capacities_name, &capacities_data)?;
    drop(capacities_data);
    let scores_data = read_file(scores)?;
    let instance = parse_scores(&scores_name, &scores_data, &capacities_name, mentors)?;
    drop(scores_data);
    let assignment = solver::solve(&instance.problem);
    Ok(outcome(&instance, &assignment))
}

/// Turns a file's bad rows into one message, a line per row, naming the file.
fn bad_rows(file: &str, rows: &[RowError]) -> InputError {
    InputError(
        rows.iter()
            .map(|r| format!("{file} line {}: {}", r.line, r.message))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Reads a file as UTF-8 text; a failure names it.
fn read_text(path: &Path) -> Result<(String, String), InputError> {
    let name = path.display().to_string();
    let text = String::from_utf8(read_file(path)?)
        .map_err(|_| InputError::file(&name, "is not valid UTF-8 text"))?;
    Ok((name, text))
}

/// `match plan`: reads the coordinator's files, applies the hard rules and the default weights,
/// solves, and returns the outcome with each pair's breakdown. With `emit_scores`, also writes
/// every allowed pair's score in the `solve` format.
pub fn plan_files(
    mentors: &Path,
    mentees: &Path,
    exclusions: Option<&Path>,
    emit_scores: Option<&Path>,
) -> Result<Outcome, InputError> {
    let (mentors_name, text) = read_text(mentors)?;
    let mentor_rows = files::read_mentors(&text).map_err(|e| bad_rows(&mentors_name, &e))?;
    let (mentees_name, text) = read_text(mentees)?;
    let mentee_rows = files::read_mentees(&text).map_err(|e| bad_rows(&mentees_name, &e))?;
    let mut rules: Rules<String> = Rules::default();
    if let Some(path) = exclusions {
        let (name, text) = read_text(path)?;
        let rows = files::read_exclusions(&text).map_err(|e| bad_rows(&name, &e))?;
        let lines = files::row_lines(&text);
        let mut unknown = Vec::new();
        for (i, row) in rows.into_iter().enumerate() {
            let mut problems = Vec::new();
            if !mentor_rows.iter().any(|m| m.id == row.mentor_id) {
                problems.push(format!(
                    "mentor_id \"{}\" is not in {mentors_name}",
                    row.mentor_id
                ));
            }
            if !mentee_rows.iter().any(|m| m.id == row.mentee_id) {
                problems.push(format!(
                    "mentee_id \"{}\" is not in {mentees_name}",
                    row.mentee_id
                ));
            }
            if problems.is_empty() {
                rules
                    .exclusions
                    .insert((row.mentor_id, row.mentee_id), row.reason);
            } else {
                unknown.push(RowError {
                    line: files::line_of(&lines, i),
                    message: problems.join("; "),
                });
            }
        }
        if !unknown.is_empty() {
            return Err(bad_rows(&name, &unknown));
        }
    }
    let mentors: Vec<Mentor<String>> = mentor_rows
        .iter()
        .map(|m| Mentor {
            key: m.id.clone(),
            profile: m.profile(),
            room: m.capacity,
        })
        .collect();
    let mentees: Vec<Mentee<String>> = mentee_rows
        .iter()
        .map(|m| Mentee {
            key: m.id.clone(),
            profile: m.profile(),
        })
        .collect();
    if let Some(path) = emit_scores {
        write_scores(path, &mentors, &mentees, &rules)?;
    }
    let planned = plan::plan(&mentors, &mentees, &rules);
    let mut unmatched_mentees: Vec<String> =
        planned.unmatched.into_iter().map(|(id, _)| id).collect();
    unmatched_mentees.sort();
    Ok(Outcome {
        matched: planned.pairs.len(),
        total_score: planned.total_score,
        pairs: planned
            .pairs
            .into_iter()
            .map(|p| Pair {
                breakdown: serde_json::to_value(&p.score.parts).ok(),
                mentor_id: p.mentor,
                mentee_id: p.mentee,
                score: p.score.total,
            })
            .collect(),
        unmatched_mentees,
    })
}

/// Writes every allowed pair's score, sorted by mentor and then mentee id.
fn write_scores(
    path: &Path,
    mentors: &[Mentor<String>],
    mentees: &[Mentee<String>],
    rules: &Rules<String>,
) -> Result<(), InputError> {
    let mut mentors: Vec<&Mentor<String>> = mentors.iter().collect();
    mentors.sort_by(|a, b| a.key.cmp(&b.key));
    let mut mentees: Vec<&Mentee<String>> = mentees.iter().collect();
    mentees.sort_by(|a, b| a.key.cmp(&b.key));
    let rows = mentors.iter().flat_map(|mentor| {
        mentees
            .iter()
            .filter(|mentee| plan::allowed(mentor, mentee, rules).is_ok())
            .map(|mentee| {
                let score = scoring::score(&mentor.profile, &mentee.profile, rules.weights);
                [
                    mentor.key.clone(),
                    mentee.key.clone(),
                    score.total.to_string(),
                ]
            })
    });
    let name = path.display().to_string();
    let failed = |e: &dyn fmt::Display| InputError::file(&name, format!("cannot write it: {e}"));
    let text = write_csv(&SCORES_HEADER, rows).map_err(|e| failed(&e))?;
    std::fs::write(path, text).map_err(|e| failed(&e))
}

/// Prints a `match` command's result: the outcome as one JSON line on standard output (exit
/// code 0), or the input problem on standard error (exit code 2). A failure to write is exit
/// code 1.
pub fn finish(result: Result<Outcome, InputError>) -> ExitCode {
    match result {
        Ok(outcome) => match print_json(&outcome) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("spectra: cannot write the result: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("spectra: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn print_json(outcome: &Outcome) -> io::Result<()> {
    let mut line = serde_json::to_vec(outcome).map_err(io::Error::other)?;
    line.push(b'\n');
    let mut out = io::stdout().lock();
    out.write_all(&line)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPACITIES: &str = "mentor_id,capacity\nm2,1\nm1,2\n m3 ,0\n";
    const SCORES: &str = "mentor_id,mentee_id,score\n\
                          m1,e1,100\n\
                          m2,e1,90\n\
                          m1,e2,99\n\
                          m2,e2,0\n\
                          m3,e3,1000\n\
                          m1,e4,5\n";

    fn run(capacities: &str, scores: &str) -> Result<Outcome, InputError> {
        let instance = parse(
            "capacities.csv",
            capacities.as_bytes(),
            "scores.csv",
            scores.as_bytes(),
        )?;
        let assignment = solver::solve(&instance.problem);
        Ok(outcome(&instance, &assignment))
    }

    fn capacities_error(capacities: &str) -> String {
        match parse_capacities("capacities.csv", capacities.as_bytes()) {
            Ok(m) => panic!("{capacities:?} was accepted: {m:?}"),
            Err(e) => e.message().to_owned(),
        }
    }

    fn scores_error(scores: &str) -> String {
        match run(CAPACITIES, scores) {
            Ok(o) => panic!("{scores:?} was accepted: {o:?}"),
            Err(e) => e.message().to_owned(),
        }
    }

    #[test]
    fn solves_and_prints_one_json_line_of_the_agreed_shape() {
        let outcome = run(CAPACITIES, SCORES).unwrap();
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(
            json,
            r#"{"matched":3,"total_score":194,"pairs":[{"mentor_id":"m2","mentee_id":"e1","score":90},{"mentor_id":"m1","mentee_id":"e2","score":99},{"mentor_id":"m1","mentee_id":"e4","score":5}],"unmatched_mentees":["e3"]}"#
        );
    }

    #[test]
    fn ids_are_trimmed_and_sorted_and_the_problem_is_by_index() {
        let instance = parse(
            "c.csv",
            CAPACITIES.as_bytes(),
            "s.csv",
            b"mentor_id,mentee_id,score\n m2 , e9 ,7\nm1,e10,3\n",
        )
        .unwrap();
        assert_eq!(instance.mentor_ids, vec!["m1", "m2", "m3"]);
        assert_eq!(instance.mentee_ids, vec!["e10", "e9"]);
        assert_eq!(
            instance.problem,
            Problem {
                capacities: vec![2, 1, 0],
                allowed: vec![vec![(0, 3)], vec![(1, 7)]],
            }
        );
    }

    #[test]
    fn the_order_of_the_rows_does_not_change_the_answer() {
        let expected = run(CAPACITIES, SCORES).unwrap();
        let mut rows: Vec<&str> = SCORES.lines().skip(1).collect();
        rows.reverse();
        let reversed = format!("mentor_id,mentee_id,score\n{}\n", rows.join("\n"));
        rows.rotate_left(2);
        let rotated = format!("mentor_id,mentee_id,score\n{}\n", rows.join("\n"));
        let capacities = "mentor_id,capacity\nm3,0\nm1,2\nm2,1\n";
        assert_eq!(run(CAPACITIES, &reversed).unwrap(), expected);
        assert_eq!(run(capacities, &rotated).unwrap(), expected);

        // Ties too: two mentees equally good for the one place; the first by id wins,
        // wherever it is in the file.
        let capacities = "mentor_id,capacity\nm,1\n";
        for scores in [
            "mentor_id,mentee_id,score\nm,b,5\nm,a,5\n",
            "mentor_id,mentee_id,score\nm,a,5\nm,b,5\n",
        ] {
            let outcome = run(capacities, scores).unwrap();
            assert_eq!(outcome.pairs[0].mentee_id, "a");
            assert_eq!(outcome.unmatched_mentees, vec!["b"]);
        }
    }

    #[test]
    fn header_only_files_make_an_empty_answer() {
        let outcome = run("mentor_id,capacity\n", "mentor_id,mentee_id,score\n").unwrap();
        assert_eq!(
            serde_json::to_string(&outcome).unwrap(),
            r#"{"matched":0,"total_score":0,"pairs":[],"unmatched_mentees":[]}"#
        );
    }

    #[test]
    fn crlf_a_byte_order_mark_blank_lines_and_quotes_are_read() {
        let capacities = "\u{feff}mentor_id, capacity\r\n\r\n\"m1\",\"2\"\r\nm2,1";
        let scores = "mentor_id,mentee_id,score\r\nm1,\"e,1\",10\r\n\r\n\r\nm2,e2,20\r\n";
        let outcome = run(capacities, scores).unwrap();
        assert_eq!((outcome.matched, outcome.total_score), (2, 30));
        assert_eq!(outcome.pairs[0].mentee_id, "e,1");
    }

    #[test]
    fn a_breakdown_is_printed_only_when_there_is_one() {
        let mut pair = Pair {
            mentor_id: "m".into(),
            mentee_id: "e".into(),
            score: 3,
            breakdown: None,
        };
        assert_eq!(
            serde_json::to_string(&pair).unwrap(),
            r#"{"mentor_id":"m","mentee_id":"e","score":3}"#
        );
        pair.breakdown = Some(serde_json::json!({"specialty": 3}));
        assert_eq!(
            serde_json::to_string(&pair).unwrap(),
            r#"{"mentor_id":"m","mentee_id":"e","score":3,"breakdown":{"specialty":3}}"#
        );
    }

    #[test]
    fn a_bad_or_missing_header_is_line_1() {
        assert_eq!(
            capacities_error(""),
            "capacities.csv line 1: the file is empty; its first line must be the header \
             mentor_id,capacity"
        );
        assert_eq!(
            capacities_error("m1,2\n"),
            r#"capacities.csv line 1: the header must be mentor_id,capacity, not "m1,2""#
        );
        assert_eq!(
            capacities_error("mentor_id,capacity,notes\n"),
            r#"capacities.csv line 1: the header must be mentor_id,capacity, not "mentor_id,capacity,notes""#
        );
        assert_eq!(
            scores_error("mentee_id,mentor_id,score\n"),
            r#"scores.csv line 1: the header must be mentor_id,mentee_id,score, not "mentee_id,mentor_id,score""#
        );
        assert_eq!(
            scores_error("Mentor_ID,mentee_id,score\nm1,e1,3\n"),
            r#"scores.csv line 1: the header must be mentor_id,mentee_id,score, not "Mentor_ID,mentee_id,score""#
        );
    }

    #[test]
    fn a_row_with_the_wrong_number_of_fields_is_named() {
        assert_eq!(
            capacities_error("mentor_id,capacity\nm1,2\nm2\n"),
            "capacities.csv line 3: expected 2 fields (mentor_id,capacity), found 1"
        );
        assert_eq!(
            scores_error("mentor_id,mentee_id,score\nm1,e1,3,4\n"),
            "scores.csv line 2: expected 3 fields (mentor_id,mentee_id,score), found 4"
        );
    }

    #[test]
    fn a_bad_capacity_is_named() {
        for (text, shown) in [
            ("x", r#""x""#),
            ("-1", r#""-1""#),
            ("1.5", r#""1.5""#),
            ("", r#""""#),
            ("4294967296", r#""4294967296""#),
        ] {
            assert_eq!(
                capacities_error(&format!("mentor_id,capacity\nm1,1\nm2,{text}\n")),
                format!(
                    "capacities.csv line 3: capacity {shown} is not a whole number from 0 to \
                     4294967295"
                )
            );
        }
        let mentors = parse_capacities("c", b"mentor_id,capacity\nm,4294967295\n").unwrap();
        assert_eq!(mentors.capacities, vec![u32::MAX]);
    }

    #[test]
    fn a_bad_score_is_named() {
        for text in ["abc", "1001", "-1", "2.5", "", "1e3"] {
            assert_eq!(
                scores_error(&format!(
                    "mentor_id,mentee_id,score\nm1,e1,3\nm1,e2,{text}\n"
                )),
                format!("scores.csv line 3: score {text:?} is not a whole number from 0 to 1000")
            );
        }
        for text in ["0", "1000", " 7 "] {
            run(
                CAPACITIES,
                &format!("mentor_id,mentee_id,score\nm1,e1,{text}\n"),
            )
            .unwrap();
        }
    }

    #[test]
    fn an_empty_id_is_named() {
        assert_eq!(
            capacities_error("mentor_id,capacity\n  ,2\n"),
            "capacities.csv line 2: mentor_id is empty"
        );
        assert_eq!(
            scores_error("mentor_id,mentee_id,score\nm1,e1,3\n,e2,4\n"),
            "scores.csv line 3: mentor_id is empty"
        );
        assert_eq!(
            scores_error("mentor_id,mentee_id,score\nm1, ,4\n"),
            "scores.csv line 2: mentee_id is empty"
        );
    }

    #[test]
    fn a_mentor_listed_twice_is_named_with_both_lines() {
        assert_eq!(
            capacities_error("mentor_id,capacity\nm1,2\nm2,1\n m1 ,3\n"),
            r#"capacities.csv line 4: mentor "m1" is listed twice (first on line 2)"#
        );
    }

    #[test]
    fn a_pair_scored_twice_is_named_with_both_lines() {
        assert_eq!(
            scores_error("mentor_id,mentee_id,score\nm1,e1,3\nm2,e1,4\nm1, e1,5\n"),
            r#"scores.csv line 4: mentor "m1" and mentee "e1" are already scored on line 2"#
        );
        // Of several repeats, the earliest line; and a repeat before a bad row comes first.
        assert_eq!(
            scores_error(
                "mentor_id,mentee_id,score\nm1,e2,1\nm2,e1,1\nm2,e1,2\nm1,e2,3\nm3,e9,x\n"
            ),
            r#"scores.csv line 4: mentor "m2" and mentee "e1" are already scored on line 3"#
        );
        // A bad row before any repeat comes first.
        assert_eq!(
            scores_error("mentor_id,mentee_id,score\nm1,e1,1\nm1,e2,x\nm1,e1,2\n"),
            r#"scores.csv line 3: score "x" is not a whole number from 0 to 1000"#
        );
    }

    #[test]
    fn a_mentor_without_a_capacity_is_named() {
        assert_eq!(
            scores_error("mentor_id,mentee_id,score\nm1,e1,3\nm9,e1,4\n"),
            r#"scores.csv line 3: mentor "m9" is not in capacities.csv"#
        );
    }

    #[test]
    fn lines_count_blank_lines_and_quoted_line_breaks() {
        assert_eq!(
            scores_error("mentor_id,mentee_id,score\n\nm1,e1,3\n\n\r\nm1,\"e\n2\",x\n"),
            r#"scores.csv line 6: score "x" is not a whole number from 0 to 1000"#
        );
        assert_eq!(
            scores_error("mentor_id,mentee_id,score\r\nm1,\"e\n2\",3\r\n\r\nm1,e3,y\r\n"),
            r#"scores.csv line 5: score "y" is not a whole number from 0 to 1000"#
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_named() {
        let scores = b"mentor_id,mentee_id,score\nm1,e1,3\nm1,e\xff,3\n";
        let error = parse(
            "capacities.csv",
            CAPACITIES.as_bytes(),
            "scores.csv",
            scores,
        );
        assert_eq!(
            error.unwrap_err().message(),
            "scores.csv line 3: is not valid UTF-8 text"
        );
    }

    #[test]
    fn files_are_read_and_an_unreadable_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let capacities = dir.path().join("capacities.csv");
        let scores = dir.path().join("scores.csv");
        std::fs::write(&capacities, CAPACITIES).unwrap();
        std::fs::write(&scores, SCORES).unwrap();
        let outcome = solve_files(&capacities, &scores).unwrap();
        assert_eq!(outcome, run(CAPACITIES, SCORES).unwrap());

        let missing = dir.path().join("missing.csv");
        let error = solve_files(&capacities, &missing).unwrap_err();
        assert!(
            error
                .message()
                .starts_with(&format!("{}: cannot read it: ", missing.display())),
            "{error}"
        );

        std::fs::write(&scores, "mentor_id,mentee_id,score\nm1,e1,x\n").unwrap();
        let error = solve_files(&capacities, &scores).unwrap_err();
        assert_eq!(
            error.message(),
            format!(
                "{} line 2: score \"x\" is not a whole number from 0 to 1000",
                scores.display()
            )
        );
    }
}

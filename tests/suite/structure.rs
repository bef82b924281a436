//! Files and functions a person can read: no source file over 1,000 lines and no function over
//! 120 lines, unit-test modules aside (issue 23). It reads the source, so it needs no database.

use std::path::{Path, PathBuf};

/// Most lines in a source file, outside its `#[cfg(test)]` items.
const MAX_FILE_LINES: usize = 1_000;

/// Most lines in a function, from its signature line to its closing brace.
const MAX_FN_LINES: usize = 120;

/// Every `.rs` file under `dir`, sorted so the report reads the same on every machine.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut to_visit = vec![dir.to_path_buf()];
    while let Some(dir) = to_visit.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                to_visit.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// How far a line is indented, in bytes.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The index of the line that closes the item starting at `start`: the first line from there
/// that is a lone `}` at the item's indentation (rustfmt puts it there), or `start` itself
/// when the item fits on one line or has no body.
fn closing_line(lines: &[&str], start: usize) -> usize {
    let first = lines[start];
    let trimmed = first.trim_end();
    if trimmed.ends_with(';') || (trimmed.ends_with('}') && trimmed.contains('{')) {
        return start;
    }
    let closing = format!("{}}}", &first[..indent(first)]);
    (start..lines.len())
        .find(|&i| lines[i].trim_end() == closing)
        .unwrap_or(lines.len() - 1)
}

/// Which lines belong to an item marked `#[cfg(test)]` (a test module, a test-only function),
/// from the attribute to the item's closing brace.
fn test_only_lines(lines: &[&str]) -> Vec<bool> {
    let mut test_only = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "#[cfg(test)]" {
            i += 1;
            continue;
        }
        // The item follows its attributes and doc comments.
        let mut item = i + 1;
        while item < lines.len() {
            let t = lines[item].trim_start();
            if t.starts_with("#[") || t.starts_with("///") || t.is_empty() {
                item += 1;
            } else {
                break;
            }
        }
        if item >= lines.len() {
            break;
        }
        let end = closing_line(lines, item);
        for flag in &mut test_only[i..=end] {
            *flag = true;
        }
        i = end + 1;
    }
    test_only
}

/// The name of the function a line declares, if it declares one (`pub async fn name(`).
fn declared_fn(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix('(') {
            Some(scoped) => scoped.split_once(')')?.1,
            None => after,
        }
        .trim_start();
    }
    for qualifier in ["const ", "async ", "unsafe ", "extern \"C\" "] {
        if let Some(after) = rest.strip_prefix(qualifier) {
            rest = after;
        }
    }
    let name = rest.strip_prefix("fn ")?;
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

/// What is too long in one file: its length, and each function over the limit.
fn offences(relative: &str, source: &str) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    let test_only = test_only_lines(&lines);
    let mut found = Vec::new();
    let counted = test_only.iter().filter(|t| !**t).count();
    if counted > MAX_FILE_LINES {
        found.push(format!(
            "{relative}: {counted} lines outside its tests (at most {MAX_FILE_LINES})"
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        if test_only[i] {
            continue;
        }
        let Some(name) = declared_fn(line) else {
            continue;
        };
        let length = closing_line(&lines, i) - i + 1;
        if length > MAX_FN_LINES {
            found.push(format!(
                "{relative}:{} fn {name}: {length} lines (at most {MAX_FN_LINES})",
                i + 1
            ));
        }
    }
    found
}

#[test]
fn no_source_file_or_function_is_too_long_to_read() {
    // Arrange
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = rust_files(&root.join("src"));
    assert!(files.len() > 50, "the source was not found under {root:?}");

    // Act
    let mut found = Vec::new();
    for path in &files {
        let source = std::fs::read_to_string(path).unwrap();
        let relative = path.strip_prefix(root).unwrap().display().to_string();
        found.extend(offences(&relative, &source));
    }

    // Assert
    assert!(
        found.is_empty(),
        "{} too long to read (split along their seams):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_measure_skips_test_modules_and_counts_functions_to_their_closing_brace() {
    let long_body = "        let x = 1;\n".repeat(MAX_FN_LINES);
    let source = format!(
        "pub(crate) async fn short() {{ 1 }}\n\
         \n\
         impl A {{\n    \
             pub fn long(\n        a: i32,\n    ) -> i32 {{\n{long_body}    }}\n\
         }}\n\
         \n\
         #[cfg(test)]\n\
         mod tests {{\n    \
             fn long_test() {{\n{long_body}    }}\n\
         }}\n"
    );

    let found = offences("src/x.rs", &source);

    assert_eq!(
        found,
        vec![format!(
            "src/x.rs:4 fn long: {} lines (at most {MAX_FN_LINES})",
            MAX_FN_LINES + 4
        )]
    );
    assert_eq!(declared_fn("    pub(crate) const fn f<T>("), Some("f"));
    assert_eq!(declared_fn("    // fn not_code()"), None);
    assert_eq!(declared_fn("    let fn_name = 1;"), None);
    let many = "fn f() {}\n".repeat(MAX_FILE_LINES + 1);
    assert_eq!(offences("src/y.rs", &many).len(), 1);
    let tests_only = format!("#[cfg(test)]\nmod tests {{\n{many}}}\n");
    assert!(offences("src/z.rs", &tests_only).is_empty());
}

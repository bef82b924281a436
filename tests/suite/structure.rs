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

/// The top-level module a source file belongs to: `src/web/x.rs` is in `web`, `src/app.rs` is
/// `app`.
fn top_module(relative: &Path) -> String {
    let first = relative.components().nth(1).unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_owned()
}

/// The code of a file without its comments and its `#[cfg(test)]` items: what it really uses.
fn code_of(source: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let test_only = test_only_lines(&lines);
    lines
        .iter()
        .zip(test_only)
        .filter(|(_, test)| !test)
        .map(|(line, _)| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which top-level modules each one imports (`crate::name` anywhere in its code, also inside
/// `use crate::{a, b}`).
fn module_imports(root: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let files = rust_files(&root.join("src"));
    let tops: std::collections::BTreeSet<String> = files
        .iter()
        .map(|p| top_module(p.strip_prefix(root).unwrap()))
        .collect();
    let mut imports: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        std::collections::BTreeMap::new();
    for path in &files {
        let from = top_module(path.strip_prefix(root).unwrap());
        let code = code_of(&std::fs::read_to_string(path).unwrap());
        let used = imports.entry(from.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .collect(),
                None => vec![rest],
            };
            for name in names {
                let name: String = name
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if name != from && tops.contains(&name) {
                    used.insert(name);
                }
            }
        }
    }
    imports
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}

/// A cycle through `start`, if there is one: the modules along it.
fn cycle_through(
    imports: &std::collections::BTreeMap<String, Vec<String>>,
    start: &str,
) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_owned()]];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in imports.get(last).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_two_top_level_modules_import_each_other_however_indirectly() {
    // Arrange
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // Act
    let imports = module_imports(root);
    let cycles: Vec<String> = imports
        .keys()
        .filter_map(|m| cycle_through(&imports, m))
        .map(|c| c.join(" -> "))
        .collect();

    // Assert
    assert!(imports.contains_key("web") && imports.contains_key("domain"));
    assert!(
        imports["domain"].is_empty(),
        "domain imports {:?}",
        imports["domain"]
    );
    assert!(
        cycles.is_empty(),
        "cycles between modules:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn handlers_leave_writing_auditing_and_email_to_the_use_cases() {
    // Arrange: the web layer's own files, apart from the unit of work itself.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let forbidden = [
        "audit::record",
        "outbox::enqueue",
        ".begin()",
        "LOCK TABLE",
        "mail_wakeup.notify",
    ];

    // Act
    let found = occurrences(root, &forbidden, |path| path.ends_with("unit_of_work.rs"));

    // Assert
    assert!(found.is_empty(), "in handlers:\n{}", found.join("\n"));
}

/// Each `forbidden` text in the code (not the comments or test modules) of `src/web`, as
/// "file: text", leaving out the files `skip` names.
fn occurrences(root: &Path, forbidden: &[&str], skip: impl Fn(&Path) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for path in rust_files(&root.join("src/web")) {
        if skip(&path) {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&path).unwrap());
        for what in forbidden {
            if code.contains(what) {
                found.push(format!(
                    "{}: {what}",
                    path.strip_prefix(root).unwrap().display()
                ));
            }
        }
    }
    found
}

#[test]
fn the_web_layer_reads_every_form_one_way() {
    // Arrange: `axum_extra`'s `Form` reads a repeated field (ticked boxes) as a list, so no
    // handler reads a form as raw pairs, or with the other `Form`.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let forbidden = [
        "axum::Form",
        "axum::extract::Form",
        "Form<Vec<(String, String)>>",
    ];

    // Act
    let found = occurrences(root, &forbidden, |_| false);

    // Assert
    assert!(found.is_empty(), "in the web layer:\n{}", found.join("\n"));
}

#[test]
fn the_import_reader_finds_grouped_and_plain_paths_and_the_cycle_finder_finds_loops() {
    assert_eq!(
        code_of("use crate::a; // crate::b\n#[cfg(test)]\nmod tests {\n    use crate::c;\n}\n"),
        "use crate::a; "
    );
    let graph: std::collections::BTreeMap<String, Vec<String>> = [
        ("a".to_owned(), vec!["b".to_owned()]),
        ("b".to_owned(), vec!["c".to_owned()]),
        ("c".to_owned(), vec!["a".to_owned()]),
        ("d".to_owned(), vec!["a".to_owned()]),
    ]
    .into_iter()
    .collect();
    assert_eq!(cycle_through(&graph, "a").unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(cycle_through(&graph, "d"), None);
}

//! The folders are the pipeline: imports point one way, scenario -> report -> engine -> model ->
//! csf -> check/error, never back up (DESIGN.md, "Layout"). This reads the production code of
//! every file under src/ (the lines before its `#[cfg(test)]` module, comments left out) and
//! refuses a `crate::` path that reaches into a folder above the file's own.

use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first; a file may name its own layer and those below it.
const LAYERS: [&[&str]; 6] = [
    &["error", "check"],
    &["csf"],
    &["model"],
    &["engine"],
    &["report"],
    &["scenario"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|names| names.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::module` names used by the production code of `text`.
fn crate_modules(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.push((i + 1, name));
        }
    }
    found
}

#[test]
fn imports_point_down_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let first = first.to_str().unwrap().trim_end_matches(".rs");
        if first == "lib" {
            continue; // the crate root re-exports every layer
        }
        let own = layer_of(first)
            .unwrap_or_else(|| panic!("{} is in no layer: add it to LAYERS", relative.display()));
        for (line, module) in crate_modules(&fs::read_to_string(file).unwrap()) {
            checked += 1;
            match layer_of(&module) {
                Some(target) if target <= own => {}
                Some(_) => wrong.push(format!("{}:{line}: crate::{module}", relative.display())),
                // A root re-export (`crate::Model`) hides which layer it comes from.
                None => wrong.push(format!(
                    "{}:{line}: crate::{module} (name the module, not the re-export)",
                    relative.display()
                )),
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} crate paths found: is the scan broken?"
    );
    assert!(
        wrong.is_empty(),
        "imports that point up the pipeline:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_a_wrong_import() {
    let text = "use crate::report::loss::X;\n// crate::scenario in a comment\n#[cfg(test)]\nuse crate::scenario::Y;\n";
    assert_eq!(crate_modules(text), [(1, "report".to_string())]);
}

//! Finding an agent's program the way starting it will.

use std::path::{Path, PathBuf};

/// Where `program` is: a path (with a separator) that names a file, or the first
/// match in a directory of `PATH` — on Unix an executable file (a mode bit `x`); on
/// Windows a file with one of `PATHEXT`'s extensions (`claude` → `claude.cmd`, the shim
/// npm installs) or, when the name has an extension, that file.
pub fn find_program(program: &str) -> Option<PathBuf> {
    if program.is_empty() {
        return None;
    }
    if program.contains('/') || (cfg!(windows) && program.contains('\\')) {
        return candidates(Path::new(program)).find(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| candidates(&dir.join(program)).collect::<Vec<_>>())
        .find(|p| executable(p))
}

#[cfg(unix)]
fn candidates(path: &Path) -> impl Iterator<Item = PathBuf> {
    std::iter::once(path.to_path_buf())
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The name as given when it has an extension, else the name with each of `PATHEXT`'s.
#[cfg(windows)]
fn candidates(path: &Path) -> impl Iterator<Item = PathBuf> {
    let list: Vec<PathBuf> = if path.extension().is_some() {
        vec![path.to_path_buf()]
    } else {
        let exts = std::env::var("PATHEXT").unwrap_or_else(|_| ".COM;.EXE;.BAT;.CMD".into());
        exts.split(';')
            .filter(|e| !e.is_empty())
            .map(|e| {
                let mut name = path.as_os_str().to_owned();
                name.push(e.to_ascii_lowercase());
                PathBuf::from(name)
            })
            .collect()
    };
    list.into_iter()
}

#[cfg(windows)]
fn executable(path: &Path) -> bool {
    path.is_file()
}

/// The program to start for `program`: on Windows the file [`find_program`] finds
/// (std's `Command` looks only for `<name>.exe`, and npm's shims are `.cmd` files); on
/// Unix the name as given (`execvp` searches `PATH` itself).
pub(super) fn to_start(program: &str) -> PathBuf {
    if cfg!(windows) {
        if let Some(found) = find_program(program) {
            return found;
        }
    }
    PathBuf::from(program)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_path_names_a_file_and_a_name_needs_an_executable_on_path() {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("tool");
        std::fs::write(&tool, "#!/bin/sh\n").unwrap();
        let path = tool.display().to_string();
        assert_eq!(find_program(&path), Some(tool.clone()));
        assert_eq!(find_program(""), None);
        assert_eq!(find_program(&format!("{path}-missing")), None);
        // Not executable: a name on PATH is not found, as execvp would not run it.
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o644)).unwrap();
        let on_path = |name: &str| {
            std::env::split_paths(&std::ffi::OsString::from(dir.path()))
                .map(|d| d.join(name))
                .find(|p| executable(p))
        };
        assert_eq!(on_path("tool"), None);
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(on_path("tool"), Some(tool));
        assert_eq!(to_start("claude"), PathBuf::from("claude"));
    }
}

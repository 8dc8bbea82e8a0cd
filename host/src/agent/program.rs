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

//! A real pseudo-terminal for `renn run-stage`, read back as a screen: renn runs on the
//! pty's slave side (its controlling terminal, so a resize sends it SIGWINCH and its
//! size is the pty's), the master side's bytes go through a vt100 terminal emulator,
//! and the test types keys and resizes as a user would. Frames are the emulator's
//! visible rows.

use super::Project;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    master: File,
    child: Child,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

fn winsize(cols: u16, rows: u16) -> libc::winsize {
    libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

impl Pty {
    /// `renn run-stage 3 ARGS` in `p` on a `cols` × `rows` terminal, with `env` on top.
    pub fn run_stage(p: &Project, cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let ws = winsize(cols, rows);
        // SAFETY: openpty fills in two descriptors we then own.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &ws,
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned here only.
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut command = Command::new(env!("CARGO_BIN_EXE_renn"));
        command
            .args(["run-stage", "3"])
            .current_dir(p.path())
            .env("RENN_TODAY", "2026-11-24")
            .env("RENN_TRUST", "1")
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        for (k, v) in env {
            command.env(k, v);
        }
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        drop(command); // our copies of the slave side: EOF once renn is gone
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (mut out, p2, r2) = (master.try_clone().unwrap(), parser.clone(), raw.clone());
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // EIO once every slave descriptor is closed.
            while let Ok(n @ 1..) = out.read(&mut buf) {
                p2.lock().unwrap().process(&buf[..n]);
                r2.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            master,
            child,
            parser,
            raw,
            reader: Some(reader),
        }
    }

    /// The visible rows, trailing blanks trimmed.
    pub fn screen(&self) -> String {
        let p = self.parser.lock().unwrap();
        let (_, cols) = p.screen().size();
        let rows: Vec<String> = p
            .screen()
            .rows(0, cols)
            .map(|r| r.trim_end().to_string())
            .collect();
        rows.join("\n")
    }

    /// Everything renn wrote, escape sequences and all (for failure messages).
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    /// Waits (at most 30 s) until the screen satisfies `ready`; `what` names it.
    pub fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(30) {
                panic!("never on screen: {what}\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn type_keys(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// The terminal becomes `cols` × `rows`, as an xterm does: a shorter screen keeps
    /// its bottom rows (the cursor's), the top ones scroll away; lines are not
    /// re-wrapped. renn gets SIGWINCH and the new size from the pty.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        {
            let mut p = self.parser.lock().unwrap();
            let (old_rows, _) = p.screen().size();
            let (cursor, _) = p.screen().cursor_position();
            if rows < old_rows && cursor >= rows {
                let n = cursor + 1 - rows;
                p.process(format!("\x1b[{n}S\x1b[{n}A").as_bytes());
            }
            p.screen_mut().set_size(rows, cols);
        }
        let ws = winsize(cols, rows);
        // SAFETY: TIOCSWINSZ on the master side with a filled-in winsize.
        let rc = unsafe {
            libc::ioctl(
                std::os::fd::AsRawFd::as_raw_fd(&self.master),
                libc::TIOCSWINSZ,
                &ws,
            )
        };
        assert_eq!(rc, 0);
    }

    /// renn's exit code, once it has finished, and the last screen.
    pub fn wait(mut self) -> (i32, String) {
        let code = self.finish();
        (code, self.screen())
    }

    /// Waits for renn to finish and for all it wrote; its exit code.
    pub fn finish(&mut self) -> i32 {
        let status = self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        status.code().unwrap_or(-1)
    }

    /// The terminal echoes and edits lines again (as renn found it).
    pub fn line_mode(&self) -> bool {
        // SAFETY: tcgetattr fills a zeroed termios; the master shares the pty's modes.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let fd = std::os::fd::AsRawFd::as_raw_fd(&self.master);
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
        t.c_lflag & (libc::ICANON | libc::ECHO) == (libc::ICANON | libc::ECHO)
    }

    /// Sends SIGINT to renn, as Ctrl-C on its terminal would.
    pub fn interrupt(&mut self) {
        self.type_keys("\x03");
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A frame for a snapshot: clock values (`4m05s` → `XmXXs`), spinner glyphs and commit
/// hashes masked.
pub fn masked(screen: &str) -> String {
    let spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let mut out = String::new();
    for word in screen.split_inclusive([' ', '\n']) {
        let core = word.trim_end();
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let is_clock = core.len() > 1
            && (core.ends_with('s') || core.ends_with('m'))
            && core[..core.len() - 1].split(['m', 'h']).all(digits);
        let hash = core.trim_end_matches(':');
        let is_hash = hash.len() >= 7
            && hash
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            && hash.bytes().any(|b| b.is_ascii_digit());
        if is_hash {
            out.push_str("<hash>");
            out.push_str(&word[hash.len()..]);
        } else if is_clock {
            out.extend(
                core.chars()
                    .map(|c| if c.is_ascii_digit() { 'X' } else { c }),
            );
            out.push_str(&word[core.len()..]);
        } else {
            out.extend(
                word.chars()
                    .map(|c| if spinner.contains(&c) { '⠿' } else { c }),
            );
        }
    }
    out
}

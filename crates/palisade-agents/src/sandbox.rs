//! Confining an agent's shell commands (issue #6), agent-neutral: a
//! command is rewritten to run under `palisade run --profile P`.
//!
//! ```
//! use palisade_agents::sandbox::{is_sandboxed, unwrap, wrap};
//! use std::path::Path;
//!
//! let exe = Path::new("/usr/bin/palisade");
//! let project = Path::new("/src/app");
//! let w = wrap("echo 'hi' > out.txt", exe, "workspace", project);
//! assert_eq!(
//!     w,
//!     r#"'/usr/bin/palisade' run --profile 'workspace' --project '/src/app' --explain -- bash -c 'echo '\''hi'\'' > out.txt'"#
//! );
//! assert!(is_sandboxed(&w, exe, "workspace", project));
//! assert_eq!(unwrap(&w, exe, "workspace", project).as_deref(), Some("echo 'hi' > out.txt"));
//! // Another profile, or anything around the wrapper, is not "already sandboxed".
//! assert!(!is_sandboxed(&w, exe, "agent", project));
//! assert!(!is_sandboxed(&format!("{w}; rm -rf ~"), exe, "workspace", project));
//! ```

use std::path::Path;

/// `command` rewritten to run in Palisade's sandbox under `profile`:
///
/// ```text
/// 'EXE' run --profile 'PROFILE' --project 'PROJECT' --explain -- bash -c 'COMMAND'
/// ```
///
/// `EXE` is the absolute path of the running `palisade` (so `PATH` cannot
/// redirect it); each part is single-quoted, so the command text reaches
/// `bash -c` unchanged whatever it holds. `PROJECT` (the project root) is
/// the writable directory even when the agent's shell has moved below it,
/// and `--explain` tells the agent which sandbox rule refused what. The
/// command runs in a new bash inside the sandbox: a `cd` or `export` in it
/// does not outlive it.
pub fn wrap(command: &str, exe: &Path, profile: &str, project: &Path) -> String {
    format!("{}{}", prefix(exe, profile, project), shell_quote(command))
}

fn prefix(exe: &Path, profile: &str, project: &Path) -> String {
    format!(
        "{} run --profile {} --project {} --explain -- bash -c ",
        shell_quote(&exe.to_string_lossy()),
        shell_quote(profile),
        shell_quote(&project.to_string_lossy()),
    )
}

/// The command inside `wrapped` if it is exactly [`wrap`]`(command, exe,
/// profile, project)` for some command; `None` otherwise.
pub fn unwrap(wrapped: &str, exe: &Path, profile: &str, project: &Path) -> Option<String> {
    let quoted = wrapped.strip_prefix(&prefix(exe, profile, project))?;
    let inner = single_unquote(quoted)?;
    (shell_quote(&inner) == quoted).then_some(inner)
}

/// True if `command` is already [`wrap`]ped for `exe`, `profile` and `project`, so
/// wrapping it again would only nest the same sandbox. Any other form,
/// including a `palisade run` the command wrote itself with other flags, is
/// not: it gets wrapped, and a sandbox inside the sandbox can only narrow
/// what the outer one allows.
pub fn is_sandboxed(command: &str, exe: &Path, profile: &str, project: &Path) -> bool {
    unwrap(command, exe, profile, project).is_some()
}

/// `'text'`, with each `'` written as `'\''`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The value of a word made only of single-quoted parts and `\'`
/// (what [`shell_quote`] writes); `None` for anything else.
fn single_unquote(word: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = word;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("\\'") {
            out.push('\'');
            rest = r;
        } else if let Some(r) = rest.strip_prefix('\'') {
            let end = r.find('\'')?;
            out.push_str(&r[..end]);
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EXE: &str = "/opt/pal isade/bin/palisade";
    const PROJECT: &str = "/src/my app";

    #[test]
    fn wraps_and_recognises_only_its_own_form() {
        let exe = Path::new(EXE);
        let project = Path::new(PROJECT);
        let w = wrap("ls", exe, "read-only", project);
        assert_eq!(
            w,
            "'/opt/pal isade/bin/palisade' run --profile 'read-only' --project '/src/my app' --explain -- bash -c 'ls'"
        );
        assert!(is_sandboxed(&w, exe, "read-only", project));
        for not in [
            "ls".to_string(),
            format!("{w} && curl x"),
            format!("{w}'x'"),
            format!("echo; {w}"),
            "palisade run --profile read-only -- bash -c 'ls'".to_string(),
            format!("{} run --profile 'agent' -- bash -c 'ls'", shell_quote(EXE)),
            format!("{w} $(id)"),
            wrap("ls", exe, "read-only", Path::new("/")),
        ] {
            assert!(!is_sandboxed(&not, exe, "read-only", project), "{not}");
        }
    }

    proptest! {
        #[test]
        fn wrap_round_trips(cmd in "\\PC{0,60}") {
            let exe = Path::new(EXE);
            let project = Path::new(PROJECT);
            let w = wrap(&cmd, exe, "workspace", project);
            prop_assert_eq!(unwrap(&w, exe, "workspace", project), Some(cmd.clone()));
            let analysis = palisade_shell::analyze(&w);
            // One simple command at top level: the text cannot break out.
            prop_assert!(analysis.parse_error.is_none(), "{}", w);
            let top: Vec<_> = analysis
                .commands
                .iter()
                .filter(|c| c.origin == palisade_shell::Origin::TopLevel)
                .collect();
            prop_assert_eq!(top.len(), 1, "{} {:?}", w, analysis.commands.iter().map(|c| (&c.raw, c.origin)).collect::<Vec<_>>());
            prop_assert_eq!(top[0].program(), Some("palisade"));
        }
    }
}

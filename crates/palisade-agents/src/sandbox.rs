//! Confining an agent's shell commands (issue #6), agent-neutral: a
//! command is rewritten to run under `palisade run --profile P`.
//!
//! ```
//! use palisade_agents::sandbox::{is_sandboxed, unwrap, wrap};
//! use std::path::Path;
//!
//! let exe = Path::new("/usr/bin/palisade");
//! let w = wrap("echo 'hi' > out.txt", exe, "workspace");
//! assert_eq!(
//!     w,
//!     r#"'/usr/bin/palisade' run --profile 'workspace' -- bash -c 'echo '\''hi'\'' > out.txt'"#
//! );
//! assert!(is_sandboxed(&w, exe, "workspace"));
//! assert_eq!(unwrap(&w, exe, "workspace").as_deref(), Some("echo 'hi' > out.txt"));
//! // Another profile, or anything around the wrapper, is not "already sandboxed".
//! assert!(!is_sandboxed(&w, exe, "agent"));
//! assert!(!is_sandboxed(&format!("{w}; rm -rf ~"), exe, "workspace"));
//! ```

use std::path::Path;

/// `command` rewritten to run in Palisade's sandbox under `profile`:
///
/// ```text
/// 'EXE' run --profile 'PROFILE' -- bash -c 'COMMAND'
/// ```
///
/// `EXE` is the absolute path of the running `palisade` (so `PATH` cannot
/// redirect it); each part is single-quoted, so the command text reaches
/// `bash -c` unchanged whatever it holds. The command runs in a new bash
/// inside the sandbox: a `cd` or `export` in it does not outlive it.
pub fn wrap(command: &str, exe: &Path, profile: &str) -> String {
    format!("{}{}", prefix(exe, profile), shell_quote(command))
}

fn prefix(exe: &Path, profile: &str) -> String {
    format!(
        "{} run --profile {} -- bash -c ",
        shell_quote(&exe.to_string_lossy()),
        shell_quote(profile)
    )
}

/// The command inside `wrapped` if it is exactly [`wrap`]`(command, exe,
/// profile)` for some command; `None` otherwise.
pub fn unwrap(wrapped: &str, exe: &Path, profile: &str) -> Option<String> {
    let quoted = wrapped.strip_prefix(&prefix(exe, profile))?;
    let inner = single_unquote(quoted)?;
    (shell_quote(&inner) == quoted).then_some(inner)
}

/// True if `command` is already [`wrap`]ped for `exe` and `profile`, so
/// wrapping it again would only nest the same sandbox. Any other form,
/// including a `palisade run` the command wrote itself with other flags, is
/// not: it gets wrapped, and a sandbox inside the sandbox can only narrow
/// what the outer one allows.
pub fn is_sandboxed(command: &str, exe: &Path, profile: &str) -> bool {
    unwrap(command, exe, profile).is_some()
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

    #[test]
    fn wraps_and_recognises_only_its_own_form() {
        let exe = Path::new(EXE);
        let w = wrap("ls", exe, "read-only");
        assert_eq!(
            w,
            "'/opt/pal isade/bin/palisade' run --profile 'read-only' -- bash -c 'ls'"
        );
        assert!(is_sandboxed(&w, exe, "read-only"));
        for not in [
            "ls".to_string(),
            format!("{w} && curl x"),
            format!("{w}'x'"),
            format!("echo; {w}"),
            "palisade run --profile read-only -- bash -c 'ls'".to_string(),
            format!("{} run --profile 'agent' -- bash -c 'ls'", shell_quote(EXE)),
            format!("{w} $(id)"),
        ] {
            assert!(!is_sandboxed(&not, exe, "read-only"), "{not}");
        }
    }

    proptest! {
        #[test]
        fn wrap_round_trips(cmd in "\\PC{0,60}") {
            let exe = Path::new(EXE);
            let w = wrap(&cmd, exe, "workspace");
            prop_assert_eq!(unwrap(&w, exe, "workspace"), Some(cmd.clone()));
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

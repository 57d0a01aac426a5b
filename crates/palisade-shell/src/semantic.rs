//! Effects about what a command means rather than which files it touches:
//! running a program, gaining privileges, installing a package, persisting,
//! rewriting git history.
//!
//! Kept apart from [`effects`](crate::effects) (files and network), whose
//! output the policy checks against path and domain rules.

use crate::effect::Effect;
use crate::model::SimpleCommand;

/// Programs that run their command as another user.
const PRIVILEGE: &[&str] = &["sudo", "su", "doas", "pkexec", "run0"];
/// Git global options that take a separate value (`git -C dir …`).
///
/// Source: git(1), "OPTIONS".
pub const GIT_VALUE_OPTS: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--exec-path",
    "--config-env",
];

/// The semantic effects of one simple command.
///
/// ```
/// use palisade_shell::{analyze, semantic_effects, Effect};
/// let a = analyze("sudo npm install left-pad@1.3.0");
/// let e = semantic_effects(&a.commands[0]);
/// assert!(e.contains(&Effect::Privilege { via: "sudo".into() }));
/// assert!(e.contains(&Effect::Install {
///     ecosystem: "npm".into(), package: "left-pad".into(), version: Some("1.3.0".into()),
/// }));
/// ```
pub fn semantic_effects(cmd: &SimpleCommand) -> Vec<Effect> {
    let mut out = Vec::new();
    for w in &cmd.wrappers {
        if PRIVILEGE.contains(&w.as_str()) {
            out.push(Effect::Privilege { via: w.clone() });
        }
    }
    let Some(p) = cmd.program() else {
        return out;
    };
    out.push(Effect::Exec {
        program: p.to_string(),
    });
    if PRIVILEGE.contains(&p) {
        out.push(Effect::Privilege { via: p.to_string() });
    }
    let args: Vec<&str> = cmd.args().iter().map(|w| w.value.as_str()).collect();
    match p {
        "chmod" if args.iter().any(|a| setuid_mode(a)) => {
            out.push(Effect::Privilege {
                via: "chmod setuid".into(),
            });
        }
        "npm" | "pnpm" | "yarn" | "bun" | "npx" | "bunx" => node_installs(p, &args, &mut out),
        "pip" | "pip3" | "pipx" | "uv" | "uvx" | "poetry" => python_installs(p, &args, &mut out),
        "cargo" => subcommand_installs(&args, &["add", "install"], "crates.io", '@', &mut out),
        "go" => subcommand_installs(&args, &["get", "install"], "go", '@', &mut out),
        "gem" => subcommand_installs(&args, &["install"], "rubygems", ':', &mut out),
        "crontab" if !args.contains(&"-l") => out.push(Effect::Persist {
            location: "crontab".into(),
        }),
        "systemctl"
            if args
                .iter()
                .any(|a| matches!(*a, "enable" | "link" | "preset")) =>
        {
            out.push(Effect::Persist {
                location: "systemd".into(),
            });
        }
        "launchctl"
            if args
                .iter()
                .any(|a| matches!(*a, "load" | "bootstrap" | "submit")) =>
        {
            out.push(Effect::Persist {
                location: "launchd".into(),
            });
        }
        "git" => git(&args, &mut out),
        _ => {}
    }
    out
}

/// `4755`, `u+s`, `g+s`, `+s`: modes that set the setuid or setgid bit.
fn setuid_mode(a: &str) -> bool {
    let octal = a.len() == 4
        && a.chars().all(|c| c.is_ascii_digit())
        && matches!(a.as_bytes()[0], b'2' | b'4' | b'6');
    let symbolic = a.contains('+') && a.split('+').nth(1).is_some_and(|perms| perms.contains('s'));
    octal || symbolic
}

/// Positional arguments (not options) after index `from`.
fn positionals<'a>(args: &[&'a str], from: usize) -> Vec<&'a str> {
    args.iter()
        .skip(from)
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect()
}

/// Splits `name<sep>version` at the last separator that is not the first character
/// (so `@scope/pkg@1.2` keeps its scope).
fn split_version(spec: &str, sep: char) -> (String, Option<String>) {
    match spec.rfind(sep) {
        Some(i) if i > 0 => (spec[..i].to_string(), Some(spec[i + 1..].to_string())),
        _ => (spec.to_string(), None),
    }
}

fn install(out: &mut Vec<Effect>, ecosystem: &str, package: String, version: Option<String>) {
    out.push(Effect::Install {
        ecosystem: ecosystem.into(),
        package,
        version,
    });
}

fn node_installs(p: &str, args: &[&str], out: &mut Vec<Effect>) {
    let pos = positionals(args, 0);
    let (specs, runs) = match (p, pos.first().copied()) {
        ("npx" | "bunx", _) => (pos.get(..1).unwrap_or(&[]).to_vec(), true),
        (_, Some("dlx" | "x" | "exec")) => (pos.get(1..2).unwrap_or(&[]).to_vec(), true),
        (_, Some("install" | "i" | "add" | "isntall")) => {
            (pos.get(1..).unwrap_or(&[]).to_vec(), false)
        }
        _ => return,
    };
    let _ = runs;
    for spec in specs {
        let (name, version) = split_version(spec, '@');
        install(out, "npm", name, version);
    }
}

fn python_installs(p: &str, args: &[&str], out: &mut Vec<Effect>) {
    let pos = positionals(args, 0);
    let specs: Vec<&str> = match (p, pos.as_slice()) {
        ("uvx", [first, ..]) => vec![*first],
        ("uv", ["pip", "install", rest @ ..]) | ("pip" | "pip3", ["install", rest @ ..]) => {
            rest.to_vec()
        }
        ("uv" | "poetry", ["add", rest @ ..]) | ("pipx", ["install" | "run", rest @ ..]) => {
            rest.to_vec()
        }
        _ => return,
    };
    // `-r FILE` / `-c FILE` name requirement files, not packages.
    let files: Vec<&str> = args
        .windows(2)
        .filter(|w| {
            matches!(
                w[0],
                "-r" | "--requirement" | "-c" | "--constraint" | "-e" | "--editable"
            )
        })
        .map(|w| w[1])
        .collect();
    for spec in specs.into_iter().filter(|s| !files.contains(s)) {
        let cut = spec.find(['=', '<', '>', '!', '~']).unwrap_or(spec.len());
        let version = spec[cut..].trim_start_matches(['=', '<', '>', '!', '~']);
        let version = (!version.is_empty()).then(|| version.to_string());
        install(out, "pypi", spec[..cut].to_string(), version);
    }
}

fn subcommand_installs(
    args: &[&str],
    subs: &[&str],
    ecosystem: &str,
    sep: char,
    out: &mut Vec<Effect>,
) {
    let pos = positionals(args, 0);
    if !pos.first().is_some_and(|s| subs.contains(s)) {
        return;
    }
    if let Some(url) = args.windows(2).find(|w| w[0] == "--git").map(|w| w[1]) {
        install(out, ecosystem, url.to_string(), None);
        return;
    }
    let version_flag = args
        .windows(2)
        .find(|w| matches!(w[0], "-v" | "--version"))
        .map(|w| w[1].to_string());
    for spec in pos
        .iter()
        .skip(1)
        .filter(|s| Some(**s) != version_flag.as_deref())
    {
        let (name, version) = split_version(spec, sep);
        install(
            out,
            ecosystem,
            name,
            version.or_else(|| version_flag.clone()),
        );
    }
}

fn git(args: &[&str], out: &mut Vec<Effect>) {
    let mut k = 0;
    while k < args.len() && args[k].starts_with('-') {
        k += if GIT_VALUE_OPTS.contains(&args[k]) {
            2
        } else {
            1
        };
    }
    let Some(sub) = args.get(k) else { return };
    let rest = &args[k + 1..];
    let head = || Effect::GitRewrite {
        reference: "HEAD".into(),
        remote: None,
    };
    match *sub {
        "push" => {
            let force = rest.iter().any(|a| {
                matches!(*a, "-f" | "--force" | "--mirror" | "--delete" | "-d")
                    || a.starts_with("--force-with-lease")
                    || (a.starts_with('+') && a.len() > 1)
            });
            if force {
                let pos = positionals(rest, 0);
                let remote = pos
                    .first()
                    .map(|r| r.to_string())
                    .or_else(|| Some("origin".into()));
                let reference = pos
                    .get(1)
                    .map(|r| {
                        r.trim_start_matches('+')
                            .rsplit(':')
                            .next()
                            .unwrap_or(r)
                            .to_string()
                    })
                    .unwrap_or_else(|| "HEAD".into());
                out.push(Effect::GitRewrite { reference, remote });
            }
        }
        "reset" if rest.contains(&"--hard") => out.push(head()),
        "rebase"
            if !rest
                .iter()
                .any(|a| matches!(*a, "--abort" | "--continue" | "--skip" | "--quit")) =>
        {
            out.push(head())
        }
        "commit" if rest.contains(&"--amend") => out.push(head()),
        "filter-branch" | "filter-repo" => out.push(Effect::GitRewrite {
            reference: "--all".into(),
            remote: None,
        }),
        "config"
            if rest
                .iter()
                .any(|a| a.eq_ignore_ascii_case("core.hookspath")) =>
        {
            out.push(Effect::Persist {
                location: "git core.hooksPath".into(),
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;

    fn sem(cmd: &str) -> Vec<Effect> {
        let a = analyze(cmd);
        a.commands
            .iter()
            .flat_map(semantic_effects)
            .filter(|e| !matches!(e, Effect::Exec { .. }))
            .collect()
    }

    fn inst(eco: &str, pkg: &str, ver: Option<&str>) -> Effect {
        Effect::Install {
            ecosystem: eco.into(),
            package: pkg.into(),
            version: ver.map(str::to_string),
        }
    }

    #[test]
    fn installs_from_every_client() {
        let cases: &[(&str, Vec<Effect>)] = &[
            ("npm i left-pad", vec![inst("npm", "left-pad", None)]),
            (
                "pnpm add -D @types/node@20",
                vec![inst("npm", "@types/node", Some("20"))],
            ),
            (
                "yarn add react@^18 react-dom",
                vec![
                    inst("npm", "react", Some("^18")),
                    inst("npm", "react-dom", None),
                ],
            ),
            (
                "npx -y cowsay@1.5.0 hi",
                vec![inst("npm", "cowsay", Some("1.5.0"))],
            ),
            ("npm install", vec![]),
            (
                "pip install requests==2.31.0 'flask>=3'",
                vec![
                    inst("pypi", "requests", Some("2.31.0")),
                    inst("pypi", "flask", Some("3")),
                ],
            ),
            ("pip install -r requirements.txt", vec![]),
            ("uv pip install httpx", vec![inst("pypi", "httpx", None)]),
            ("uv add ruff", vec![inst("pypi", "ruff", None)]),
            ("uvx black", vec![inst("pypi", "black", None)]),
            ("poetry add pendulum", vec![inst("pypi", "pendulum", None)]),
            (
                "cargo add serde@1",
                vec![inst("crates.io", "serde", Some("1"))],
            ),
            (
                "cargo install --git https://x.test/r.git",
                vec![inst("crates.io", "https://x.test/r.git", None)],
            ),
            (
                "go install golang.org/x/tools/gopls@latest",
                vec![inst("go", "golang.org/x/tools/gopls", Some("latest"))],
            ),
            (
                "gem install rails -v 7.1.0",
                vec![inst("rubygems", "rails", Some("7.1.0"))],
            ),
        ];
        for (cmd, want) in cases {
            assert_eq!(&sem(cmd), want, "{cmd}");
        }
    }

    #[test]
    fn privilege_persistence_and_git_rewrites() {
        assert_eq!(
            sem("sudo -u root id"),
            vec![Effect::Privilege { via: "sudo".into() }]
        );
        assert_eq!(
            sem("chmod u+s ./x"),
            vec![Effect::Privilege {
                via: "chmod setuid".into()
            }]
        );
        assert_eq!(sem("chmod 755 ./x"), vec![]);
        assert_eq!(
            sem("crontab job.txt"),
            vec![Effect::Persist {
                location: "crontab".into()
            }]
        );
        assert_eq!(sem("crontab -l"), vec![]);
        assert_eq!(
            sem("systemctl --user enable x"),
            vec![Effect::Persist {
                location: "systemd".into()
            }]
        );
        assert_eq!(
            sem("git push --force origin main"),
            vec![Effect::GitRewrite {
                reference: "main".into(),
                remote: Some("origin".into())
            }]
        );
        assert_eq!(
            sem("git push origin +HEAD:release"),
            vec![Effect::GitRewrite {
                reference: "release".into(),
                remote: Some("origin".into())
            }]
        );
        assert_eq!(sem("git push origin main"), vec![]);
        assert_eq!(
            sem("git -C sub reset --hard"),
            vec![Effect::GitRewrite {
                reference: "HEAD".into(),
                remote: None
            }]
        );
        assert_eq!(sem("git rebase --continue"), vec![]);
        assert_eq!(
            sem("git commit --amend --no-edit"),
            vec![Effect::GitRewrite {
                reference: "HEAD".into(),
                remote: None
            }]
        );
        assert_eq!(
            sem("git config core.hooksPath /tmp/h"),
            vec![Effect::Persist {
                location: "git core.hooksPath".into()
            }]
        );
        let a = analyze("ls -la");
        assert_eq!(
            semantic_effects(&a.commands[0]),
            vec![Effect::Exec {
                program: "ls".into()
            }]
        );
    }
}

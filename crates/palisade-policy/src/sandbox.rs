//! The sandbox settings of a policy: `[sandbox]` in `palisade.toml` and
//! `WebFetch(domain:…)` rules in Claude Code settings, merged across layers.
//!
//! ```toml
//! [sandbox]
//! bash = "on"                          # off (default) | on: the hook runs Bash commands through `palisade run`
//! profile = "workspace"                # the profile they run under (default: workspace)
//! allow_domains = ["pypi.org", "files.pythonhosted.org"]   # for profiles using the proxy
//! deny_domains = ["uploads.example.com"]
//! exclude = ["docker:*", "git push:*"] # commands left unsandboxed (Bash rule syntax; every part must match)
//! auto_allow = true                    # a sandboxed command nobody has a rule for is allowed (default true)
//! ```
//!
//! The sandbox exists to confine what a project's code does, so a project
//! may only make it stricter, whether or not its workspace is trusted: its
//! `palisade.toml` can turn `bash` on, add `deny_domains`, set `auto_allow =
//! false`, and choose a `profile` among `workspace`, `read-only` and
//! `untrusted` when no other layer chose one; its `allow_domains`,
//! `exclude` and `WebFetch(domain:…)` allow rules are ignored. The managed
//! layer decides `bash`, `profile` and `auto_allow` when it sets them; with
//! `lock_allow_rules`, only its own `allow_domains`, `exclude` and
//! `WebFetch` allow rules count.

use crate::error::PolicyError;
use crate::rule::{normalize_ws, BashPattern, Matcher, PermissionRule};
use palisade_core::{Layer, Verdict};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The profile used when no layer names one.
pub const DEFAULT_SANDBOX_PROFILE: &str = "workspace";

/// Profiles a project's `palisade.toml` may choose: none reaches the
/// network or makes more than the project writable.
pub const PROJECT_PROFILES: &[&str] = &["workspace", "read-only", "untrusted"];

/// `[sandbox]` as written in one `palisade.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SandboxFile {
    bash: Option<String>,
    profile: Option<String>,
    #[serde(default)]
    allow_domains: Vec<String>,
    #[serde(default)]
    deny_domains: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    auto_allow: Option<bool>,
}

/// One `[sandbox]` section, checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct SandboxSection {
    bash: Option<bool>,
    profile: Option<String>,
    allow_domains: Vec<String>,
    deny_domains: Vec<String>,
    exclude: Vec<String>,
    auto_allow: Option<bool>,
}

impl SandboxFile {
    /// Checks the values.
    pub(crate) fn check(self, path: &Path) -> Result<SandboxSection, PolicyError> {
        let err = |message: String| PolicyError::Toml {
            path: path.to_path_buf(),
            message,
        };
        let bash = match self.bash.as_deref() {
            None => None,
            Some("on") => Some(true),
            Some("off") => Some(false),
            Some(other) => {
                return Err(err(format!(
                    "sandbox.bash: unknown value `{other}` (use on or off)"
                )))
            }
        };
        if let Some(p) = &self.profile {
            let ok = !p.is_empty()
                && !p.starts_with('.')
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !ok {
                return Err(err(format!("sandbox.profile: `{p}` is not a profile name")));
            }
        }
        for (key, list) in [
            ("allow_domains", &self.allow_domains),
            ("deny_domains", &self.deny_domains),
        ] {
            for d in list {
                if !is_domain(d) {
                    return Err(err(format!(
                        "sandbox.{key}: `{d}` is not a domain (write `example.com` or `*.example.com`)"
                    )));
                }
            }
        }
        if let Some(e) = self.exclude.iter().find(|e| e.trim().is_empty()) {
            return Err(err(format!("sandbox.exclude: empty pattern `{e}`")));
        }
        Ok(SandboxSection {
            bash,
            profile: self.profile,
            allow_domains: lower(self.allow_domains),
            deny_domains: lower(self.deny_domains),
            exclude: self.exclude,
            auto_allow: self.auto_allow,
        })
    }
}

fn lower(v: Vec<String>) -> Vec<String> {
    v.into_iter().map(|d| d.to_ascii_lowercase()).collect()
}

/// A host name, or `*.` and a host name.
fn is_domain(d: &str) -> bool {
    let host = d.strip_prefix("*.").unwrap_or(d);
    !host.is_empty()
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// The effective sandbox settings of a policy ([`crate::Policy::sandbox`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SandboxSettings {
    /// Run the agent's Bash commands through `palisade run`.
    pub bash: bool,
    /// The profile they run under.
    pub profile: String,
    /// Domains the proxy may reach (for profiles with `network = "proxy"`).
    pub allow_domains: Vec<String>,
    /// Domains the proxy must refuse.
    pub deny_domains: Vec<String>,
    /// Bash rule patterns of commands left unsandboxed.
    pub exclude: Vec<String>,
    /// Allow a sandboxed command that no rule decides (instead of leaving
    /// the decision to the agent's own permission flow).
    pub auto_allow: bool,
    /// The files that set something, highest layer first.
    pub sources: Vec<PathBuf>,
}

impl Default for SandboxSettings {
    fn default() -> Self {
        SandboxSettings {
            bash: false,
            profile: DEFAULT_SANDBOX_PROFILE.to_string(),
            allow_domains: Vec::new(),
            deny_domains: Vec::new(),
            exclude: Vec::new(),
            auto_allow: true,
            sources: Vec::new(),
        }
    }
}

impl SandboxSettings {
    /// True if `command` is left unsandboxed by [`SandboxSettings::exclude`]:
    /// it parses completely, has no text only known at run time, and every
    /// simple command in it (including those nested in `bash -c`, `$(…)`,
    /// pipelines and lists) matches an exclude pattern with no environment
    /// assignments or wrappers in front. `docker ps; curl x | sh` is not
    /// excluded by `docker:*`.
    pub fn excludes(&self, command: &str) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let patterns: Vec<BashPattern> = self.exclude.iter().map(|e| BashPattern::new(e)).collect();
        let analysis = palisade_shell::analyze(command);
        if analysis.parse_error.is_some() || analysis.is_dynamic() || analysis.commands.is_empty() {
            return false;
        }
        analysis.commands.iter().all(|c| {
            let raw = normalize_ws(&c.raw);
            !c.dynamic
                && !c.words.is_empty()
                && c.wrappers.is_empty()
                && c.assignments.is_empty()
                && patterns.iter().any(|p| p.is_match(&raw))
        })
    }
}

fn push_unique(to: &mut Vec<String>, from: &[String]) {
    for d in from {
        if !to.contains(d) {
            to.push(d.clone());
        }
    }
}

/// Merges the `[sandbox]` sections (highest layer first) and the policy's
/// `WebFetch(domain:…)` rules into the effective settings; says on
/// `warnings` what a project layer tried and could not do.
pub(crate) fn merge(
    sections: &[(Layer, PathBuf, SandboxSection)],
    rules: &[PermissionRule],
    lock_allow: bool,
    warnings: &mut Vec<String>,
) -> SandboxSettings {
    let mut s = SandboxSettings::default();
    let project = |l: Layer| matches!(l, Layer::Project | Layer::ProjectLocal);
    // Trusted layers in precedence order: managed, cli, user.
    let trusted = || sections.iter().filter(|(l, _, _)| !project(*l));
    let managed_bash = sections
        .iter()
        .find(|(l, _, sec)| *l == Layer::Managed && sec.bash.is_some())
        .and_then(|(_, _, sec)| sec.bash);
    s.bash = match managed_bash {
        Some(b) => b,
        None => sections.iter().any(|(_, _, sec)| sec.bash == Some(true)),
    };
    let chosen = trusted().find_map(|(_, _, sec)| sec.profile.clone());
    s.profile = match chosen {
        Some(p) => p,
        None => DEFAULT_SANDBOX_PROFILE.to_string(),
    };
    let auto = trusted()
        .find_map(|(_, _, sec)| sec.auto_allow)
        .unwrap_or(true);
    let project_says_no = sections
        .iter()
        .any(|(l, _, sec)| project(*l) && sec.auto_allow == Some(false));
    s.auto_allow = auto && !project_says_no;
    let higher_profile = trusted().any(|(_, _, sec)| sec.profile.is_some());
    for (layer, path, sec) in sections {
        if sec.bash.is_some()
            || sec.profile.is_some()
            || !sec.allow_domains.is_empty()
            || !sec.deny_domains.is_empty()
            || !sec.exclude.is_empty()
            || sec.auto_allow.is_some()
        {
            s.sources.push(path.clone());
        }
        push_unique(&mut s.deny_domains, &sec.deny_domains);
        let widening_locked = lock_allow && *layer != Layer::Managed;
        if project(*layer) {
            let mut ignored = Vec::new();
            if !sec.allow_domains.is_empty() {
                ignored.push("allow_domains");
            }
            if !sec.exclude.is_empty() {
                ignored.push("exclude");
            }
            if let Some(p) = &sec.profile {
                if !higher_profile && PROJECT_PROFILES.contains(&p.as_str()) {
                    s.profile = p.clone();
                } else if !higher_profile {
                    ignored.push("profile");
                }
            }
            if sec.bash == Some(false) && s.bash {
                ignored.push("bash = \"off\"");
            }
            if !ignored.is_empty() {
                warnings.push(format!(
                    "{}: [sandbox] {} ignored: a project can only make the sandbox stricter (set it in ~/.config/palisade/palisade.toml; a project may choose the profiles {})",
                    path.display(),
                    ignored.join(", "),
                    PROJECT_PROFILES.join(", ")
                ));
            }
        } else if widening_locked {
            if !sec.allow_domains.is_empty() || !sec.exclude.is_empty() {
                warnings.push(format!(
                    "{}: [sandbox] allow_domains and exclude ignored: the managed layer locks allow rules",
                    path.display()
                ));
            }
        } else {
            push_unique(&mut s.allow_domains, &sec.allow_domains);
            push_unique(&mut s.exclude, &sec.exclude);
        }
    }
    for r in rules {
        let Matcher::Domain(d) = &r.matcher else {
            continue;
        };
        if !is_domain(d) {
            continue;
        }
        let may_widen = !project(r.layer) && (!lock_allow || r.layer == Layer::Managed);
        match r.verdict {
            Verdict::Deny => push_unique(&mut s.deny_domains, std::slice::from_ref(d)),
            Verdict::Allow if may_widen => {
                push_unique(&mut s.allow_domains, std::slice::from_ref(d))
            }
            _ => {}
        }
    }
    s.allow_domains.retain(|d| !s.deny_domains.contains(d));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn sec(toml_text: &str) -> SandboxSection {
        #[derive(Deserialize)]
        struct W {
            sandbox: SandboxFile,
        }
        let w: W = toml::from_str(toml_text).expect("toml");
        w.sandbox.check(Path::new("p.toml")).expect("valid")
    }

    fn layers(list: &[(Layer, &str)]) -> Vec<(Layer, PathBuf, SandboxSection)> {
        list.iter()
            .map(|(l, t)| (*l, PathBuf::from(format!("{}.toml", l.as_str())), sec(t)))
            .collect()
    }

    #[test]
    fn defaults_are_off_workspace_auto_allow() {
        let s = merge(&[], &[], false, &mut Vec::new());
        assert_eq!(s, SandboxSettings::default());
        assert!(!s.bash && s.auto_allow && s.profile == "workspace");
    }

    #[test]
    fn a_project_can_only_narrow() {
        let mut w = Vec::new();
        let s = merge(
            &layers(&[
                (Layer::Managed, "[sandbox]\nbash = \"on\"\n"),
                (
                    Layer::Project,
                    "[sandbox]\nbash = \"off\"\nprofile = \"agent\"\nallow_domains = [\"evil.test\"]\ndeny_domains = [\"x.test\"]\nexclude = [\"curl:*\"]\n",
                ),
                (Layer::User, "[sandbox]\nallow_domains = [\"pypi.org\"]\n"),
            ]),
            &[],
            false,
            &mut w,
        );
        assert!(s.bash, "the project cannot turn it off");
        assert_eq!(s.profile, "workspace");
        assert_eq!(s.allow_domains, vec!["pypi.org"]);
        assert_eq!(s.deny_domains, vec!["x.test"]);
        assert!(s.exclude.is_empty());
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("allow_domains, exclude, profile, bash = \"off\" ignored"),
            "{w:?}"
        );
        // It can turn it on, and pick a strict profile nobody else chose.
        let s = merge(
            &layers(&[(
                Layer::Project,
                "[sandbox]\nbash = \"on\"\nprofile = \"untrusted\"\nauto_allow = false\n",
            )]),
            &[],
            false,
            &mut Vec::new(),
        );
        assert!(s.bash && !s.auto_allow);
        assert_eq!(s.profile, "untrusted");
        // But not over the user's choice.
        let s = merge(
            &layers(&[
                (Layer::Project, "[sandbox]\nprofile = \"read-only\"\n"),
                (Layer::User, "[sandbox]\nprofile = \"workspace-net\"\n"),
            ]),
            &[],
            false,
            &mut Vec::new(),
        );
        assert_eq!(s.profile, "workspace-net");
    }

    #[test]
    fn managed_decides_and_locks() {
        let mut w = Vec::new();
        let s = merge(
            &layers(&[
                (Layer::Managed, "[sandbox]\nbash = \"off\"\nprofile = \"read-only\"\nallow_domains = [\"corp.example\"]\n"),
                (Layer::User, "[sandbox]\nbash = \"on\"\nprofile = \"agent\"\nallow_domains = [\"pypi.org\"]\nexclude = [\"docker:*\"]\n"),
            ]),
            &[],
            true,
            &mut w,
        );
        assert!(!s.bash);
        assert_eq!(s.profile, "read-only");
        assert_eq!(s.allow_domains, vec!["corp.example"]);
        assert!(s.exclude.is_empty());
        assert_eq!(w.len(), 1, "{w:?}");
    }

    #[test]
    fn values_are_checked() {
        #[derive(Deserialize)]
        struct W {
            sandbox: SandboxFile,
        }
        for (text, needle) in [
            ("bash = \"yes\"", "sandbox.bash: unknown value `yes`"),
            ("profile = \"../x\"", "not a profile name"),
            ("allow_domains = [\"https://x\"]", "is not a domain"),
            ("exclude = [\" \"]", "empty pattern"),
        ] {
            let w: W = toml::from_str(&format!("[sandbox]\n{text}\n")).expect("toml");
            let e = w.sandbox.check(Path::new("p.toml")).unwrap_err();
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn exclude_needs_every_part_to_match() {
        let s = SandboxSettings {
            exclude: vec!["docker:*".into(), "git push *".into()],
            ..SandboxSettings::default()
        };
        for c in [
            "docker ps",
            "docker compose up -d",
            "git push origin main",
            "docker ps && git push",
        ] {
            assert!(s.excludes(c), "{c}");
        }
        for c in [
            "docker ps; curl x | sh",
            "ls",
            "$CMD ps",
            "FOO=1 docker ps",
            "bash -c 'docker ps; rm -rf ~'",
            "docker ps $(touch /tmp/x)",
            "dockerd",
            "docker ps 'unterminated",
        ] {
            assert!(!s.excludes(c), "{c}");
        }
        assert!(!SandboxSettings::default().excludes("docker ps"));
    }
}

//! Sandbox profiles: what a confined command may write, read and reach,
//! written as data (TOML) and chosen by name (`palisade run --profile NAME`).
//!
//! ```
//! use palisade_sandbox::profile::{resolve, Lookup, Network};
//!
//! let p = resolve("untrusted", &Lookup::built_in_only()).unwrap();
//! assert!(p.write.project && p.write.tmp);  // inherited from `workspace`
//! assert!(p.deny_read.home);                // its own
//! assert_eq!(p.network, Network::None);
//! assert_eq!(p.limits.processes, Some(256));
//! assert!(p.protect.iter().any(|n| n == ".git/hooks"));
//! ```
//!
//! # Where profiles come from
//! `resolve("NAME", …)` takes the first of:
//! 1. the managed directory, `/etc/palisade/profiles/NAME.toml`
//!    (`/Library/Application Support/Palisade/profiles` on macOS);
//! 2. the user's, `~/.config/palisade/profiles/NAME.toml` (or under
//!    `$XDG_CONFIG_HOME`);
//! 3. the built-ins: [`BUILT_IN`].
//!
//! A project's own directory is never searched: the sandbox exists to
//! confine the code of projects that may not be trustworthy, and a cloned
//! repository could otherwise ship `.palisade/profiles/workspace.toml` with
//! `network = "host"` and `write.paths = ["~"]`.
//!
//! # Inheritance
//! `extends = "NAME"` starts from another profile: the child's scalars
//! (`description`, `network`, `write.project`, `write.tmp`, `deny_read.home`,
//! each limit) replace the parent's, and its lists add to the parent's.
//! Chains up to [`MAX_DEPTH`] deep are allowed; a loop is an error. A file may extend
//! its own name (`~/.config/palisade/profiles/workspace.toml` with
//! `extends = "workspace"`): that means the next profile of that name in the
//! lookup order (here the built-in). A managed profile never extends a
//! user's.
//!
//! # The file format
//! ```toml
//! description = "what it is for"
//! extends = "workspace"
//! network = "none"              # none | proxy | host
//! allow_domains = ["api.example.com", "*.example.org"]   # with network = "proxy"
//! deny_domains = ["uploads.example.com"]
//! allow_ports = [443]           # ports the proxy connects to; empty: 80 and 443
//! env_pass = ["NPM_TOKEN"]      # environment variables kept besides the safe defaults
//! protect = [".tool-versions"]  # read-only even where writes are allowed (adds to the defaults)
//!
//! [write]
//! project = true                # the project root
//! tmp = true                    # a private temporary directory (TMPDIR)
//! paths = ["~/.cache/pip"]      # `~/` is the home; relative paths are under the project
//!
//! [deny_read]
//! home = false                  # hide all of $HOME except the project and writable paths
//! paths = ["~/work/other-client"]
//!
//! [limits]                      # absent: no limit
//! processes = 256
//! memory = "4GiB"               # bytes, or a number with B, KiB, MiB, GiB, TiB, KB, MB, GB, TB, K, M, G, T
//! file_size = "1GiB"
//! open_files = 1024
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// The built-in profiles: name and TOML text.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("workspace", include_str!("../profiles/workspace.toml")),
    (
        "workspace-net",
        include_str!("../profiles/workspace-net.toml"),
    ),
    ("read-only", include_str!("../profiles/read-only.toml")),
    ("untrusted", include_str!("../profiles/untrusted.toml")),
    ("agent", include_str!("../profiles/agent.toml")),
];

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "workspace";

/// Shell start-up files of [`DEFAULT_PROTECT`] protected outside the home
/// only when they exist (no placeholder for them in a project).
pub const HOME_ONLY: &[&str] = &[
    ".bash_profile",
    ".bash_login",
    ".zshenv",
    ".zprofile",
    ".zlogin",
];

/// Names of [`DEFAULT_PROTECT`] protected only when they exist: they are
/// obeyed only by a tool the project already set up (husky is wired
/// through `.git/config`, itself protected).
pub const IF_PRESENT: &[&str] = &[".husky", ".claude/commands", ".claude/agents"];

/// Names that stay read-only even inside a writable root (the project, a
/// `write.paths` entry): files and directories whose content is run or
/// obeyed later, outside the sandbox, by a shell, git, an editor or an
/// agent. Relative to the project, the home and each writable root.
pub const DEFAULT_PROTECT: &[&str] = &[
    // Shell start-up files.
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".profile",
    ".zshrc",
    ".zshenv",
    ".zprofile",
    ".zlogin",
    ".envrc",
    // Git: hooks and configuration that can name programs to run.
    ".git/hooks",
    ".git/config",
    ".gitmodules",
    ".husky",
    // Agent settings, hooks and MCP servers.
    ".mcp.json",
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".claude/commands",
    ".claude/agents",
    ".cursor/mcp.json",
    ".gemini/settings.json",
    ".codex/config.toml",
    // Editor tasks and settings that run programs.
    ".vscode/tasks.json",
    ".vscode/settings.json",
    ".vscode/launch.json",
];

/// The names of the built-in profiles, in [`BUILT_IN`] order.
pub fn builtin_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(n, _)| *n).collect()
}

/// The TOML text of a built-in profile.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Why a profile could not be resolved or applied. Every variant names the
/// profile or file.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The name has characters other than letters, digits, `-`, `_`, `.`
    /// (or starts with `.`): names are file names, never paths.
    #[error("`{name}` is not a valid profile name (use letters, digits, `-`, `_` and `.`)")]
    BadName {
        /// The name as given.
        name: String,
    },
    /// No profile has this name.
    #[error("no profile named `{name}` (looked in {searched}; built-in: {built_in})")]
    NotFound {
        /// The name.
        name: String,
        /// The directories searched, comma-separated.
        searched: String,
        /// The built-in names, comma-separated.
        built_in: String,
    },
    /// A profile file exists but cannot be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A profile file is not valid TOML or has an unknown key.
    #[error("{origin}:{line}: {message}")]
    Parse {
        /// The file, or `built-in profile NAME`.
        origin: String,
        /// 1-based line (0 if unknown).
        line: usize,
        /// The parser's message, naming the key.
        message: String,
    },
    /// A value is not acceptable (a size, a domain, a variable name, a path).
    #[error("{origin}: `{key}`: {message}")]
    Invalid {
        /// The file, or `built-in profile NAME`, or `command line`.
        origin: String,
        /// The dotted key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// `extends` goes round in a loop, or deeper than [`MAX_DEPTH`].
    #[error("profile inheritance {what}: {chain}")]
    Cycle {
        /// `loops` or `is too deep`.
        what: &'static str,
        /// The chain, `a -> b -> a`.
        chain: String,
    },
}

/// How deep `extends` chains may go.
pub const MAX_DEPTH: usize = 16;

/// A profile's network access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    /// No network: a namespace with only its own loopback.
    #[default]
    None,
    /// Only through Palisade's proxy, to the allowed domains.
    Proxy,
    /// The host's network, unfiltered.
    Host,
}

impl Network {
    /// `none`, `proxy` or `host`.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::None => "none",
            Network::Proxy => "proxy",
            Network::Host => "host",
        }
    }
}

/// A size in bytes, written in a profile as a number of bytes or a string
/// with a unit: `"512MiB"`, `"1GiB"`, `"10MB"`, `"2G"` (see [`Size::parse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size(pub u64);

impl Size {
    /// Parses `1234`, `"1234"`, `"1.5GiB"`, `"10 MB"`, `"2G"`.
    ///
    /// Binary units (1024-based): `KiB`, `MiB`, `GiB`, `TiB` and the short
    /// `K`, `M`, `G`, `T` (as in `ulimit` and container runtimes); decimal
    /// units (1000-based): `KB`, `MB`, `GB`, `TB`; `B` is bytes. Units are
    /// case-insensitive.
    ///
    /// # Errors
    /// A message saying what was expected.
    pub fn parse(text: &str) -> Result<Size, String> {
        let t = text.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = (&t[..split], t[split..].trim());
        let bad = || format!("`{text}` is not a size (e.g. 1048576, \"512MiB\", \"1GiB\")");
        if num.is_empty() {
            return Err(bad());
        }
        let mult: u64 = match unit.to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kib" => 1 << 10,
            "m" | "mib" => 1 << 20,
            "g" | "gib" => 1 << 30,
            "t" | "tib" => 1 << 40,
            "kb" => 1_000,
            "mb" => 1_000_000,
            "gb" => 1_000_000_000,
            "tb" => 1_000_000_000_000,
            _ => {
                return Err(format!(
                    "`{text}`: unknown unit `{unit}` (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)"
                ))
            }
        };
        let bytes = if num.contains('.') {
            let f: f64 = num.parse().map_err(|_| bad())?;
            let b = f * mult as f64;
            if !b.is_finite() || b >= u64::MAX as f64 {
                return Err(format!("`{text}` is too large"));
            }
            b.round() as u64
        } else {
            let n: u64 = num.parse().map_err(|_| bad())?;
            n.checked_mul(mult)
                .ok_or_else(|| format!("`{text}` is too large"))?
        };
        Ok(Size(bytes))
    }

    /// The number of bytes.
    pub fn bytes(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Size {
    /// The largest binary unit that divides the size exactly: `1GiB`,
    /// `1536MiB`, `100B`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
            let m = 1u64 << shift;
            if self.0 >= m && self.0.is_multiple_of(m) {
                return write!(f, "{}{unit}", self.0 / m);
            }
        }
        write!(f, "{}B", self.0)
    }
}

impl Serialize for Size {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Size;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size: a number of bytes or a string such as \"512MiB\"")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Size, E> {
                Ok(Size(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Size, E> {
                u64::try_from(v)
                    .map(Size)
                    .map_err(|_| E::custom("a size cannot be negative"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Size, E> {
                Size::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Resource limits; `None` is no limit. Enforced by the limits layer of
/// `palisade run` (as rlimits or a cgroup, whichever it uses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Processes (and threads) the command may have at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processes: Option<u64>,
    /// Largest file it may write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_size: Option<Size>,
    /// Memory it may use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Size>,
    /// Files it may have open at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_files: Option<u64>,
}

impl Limits {
    /// True if no limit is set.
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }

    fn overlay(&mut self, child: &Limits) {
        self.processes = child.processes.or(self.processes);
        self.file_size = child.file_size.or(self.file_size);
        self.memory = child.memory.or(self.memory);
        self.open_files = child.open_files.or(self.open_files);
    }
}

/// What a profile makes writable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Write {
    /// The project root.
    pub project: bool,
    /// A private temporary directory, removed afterwards (the command's TMPDIR).
    pub tmp: bool,
    /// More paths, as written (`~/`, absolute, or relative to the project).
    pub paths: Vec<String>,
}

/// What a profile hides, besides the credential paths that are always hidden.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenyRead {
    /// Hide all of `$HOME`, except the project and writable paths under it.
    pub home: bool,
    /// More paths to hide, as written.
    pub paths: Vec<String>,
}

/// A resolved profile: inheritance applied, every field set. Its TOML form
/// ([`Profile::to_toml`]) is itself a valid profile file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The name it was resolved under.
    #[serde(skip)]
    pub name: String,
    /// Where it came from, the profile itself first, then what it extends.
    #[serde(skip)]
    pub sources: Vec<String>,
    /// What it is for.
    pub description: String,
    /// Network access.
    pub network: Network,
    /// Domains reachable through the proxy (`*.example.com` covers subdomains).
    pub allow_domains: Vec<String>,
    /// Domains never reachable, even when an allowed pattern covers them.
    pub deny_domains: Vec<String>,
    /// Ports the proxy connects to; empty: 80 and 443.
    pub allow_ports: Vec<u16>,
    /// Environment variables passed besides the safe defaults.
    pub env_pass: Vec<String>,
    /// Names kept read-only inside writable roots ([`DEFAULT_PROTECT`] and more).
    pub protect: Vec<String>,
    /// What is writable.
    pub write: Write,
    /// What is hidden.
    pub deny_read: DenyRead,
    /// Resource limits.
    pub limits: Limits,
}

/// One profile file as written: everything optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    description: Option<String>,
    extends: Option<String>,
    network: Option<Network>,
    #[serde(default)]
    allow_domains: Vec<String>,
    #[serde(default)]
    deny_domains: Vec<String>,
    #[serde(default)]
    allow_ports: Vec<u16>,
    #[serde(default)]
    env_pass: Vec<String>,
    #[serde(default)]
    protect: Vec<String>,
    #[serde(default)]
    write: WriteFile,
    #[serde(default)]
    deny_read: DenyReadFile,
    #[serde(default)]
    limits: Limits,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteFile {
    project: Option<bool>,
    tmp: Option<bool>,
    #[serde(default)]
    paths: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DenyReadFile {
    home: Option<bool>,
    #[serde(default)]
    paths: Vec<String>,
}

/// Where a profile file was found, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The organisation's managed directory.
    Managed,
    /// The user's configuration directory.
    User,
    /// Compiled into Palisade.
    BuiltIn,
}

/// Where [`resolve`] looks for profile files.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// The managed directory (`/etc/palisade/profiles`), if any.
    pub managed_dir: Option<PathBuf>,
    /// The user's directory (`~/.config/palisade/profiles`), if any.
    pub user_dir: Option<PathBuf>,
}

impl Lookup {
    /// The system's managed directory and the user's under `home`
    /// (`$XDG_CONFIG_HOME/palisade/profiles` when that is set and absolute).
    pub fn new(home: Option<&Path>) -> Self {
        let managed = if cfg!(target_os = "macos") {
            PathBuf::from("/Library/Application Support/Palisade/profiles")
        } else {
            PathBuf::from("/etc/palisade/profiles")
        };
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        let user = xdg
            .or_else(|| home.map(|h| h.join(".config")))
            .map(|c| c.join("palisade/profiles"));
        Lookup {
            managed_dir: Some(managed),
            user_dir: user,
        }
    }

    /// Only the built-in profiles (for tests and `--show-profile` of a built-in).
    pub fn built_in_only() -> Self {
        Lookup::default()
    }

    /// The first `name` among `levels`: its level, origin and text.
    fn find(
        &self,
        name: &str,
        levels: &[Level],
    ) -> Result<Option<(Level, String, String)>, ProfileError> {
        for &level in levels {
            let dir = match level {
                Level::Managed => self.managed_dir.as_ref(),
                Level::User => self.user_dir.as_ref(),
                Level::BuiltIn => {
                    if let Some(t) = builtin_text(name) {
                        return Ok(Some((
                            level,
                            format!("built-in profile {name}"),
                            t.to_string(),
                        )));
                    }
                    continue;
                }
            };
            let Some(dir) = dir else { continue };
            let path = dir.join(format!("{name}.toml"));
            match std::fs::read_to_string(&path) {
                Ok(t) => return Ok(Some((level, path.display().to_string(), t))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                // A user directory we may not read (HOME names another
                // user's home, as under `setpriv` or `sudo -E`) holds no
                // profile of ours; an unreadable managed profile is an
                // error, since it may be a restriction.
                Err(e)
                    if level == Level::User && e.kind() == std::io::ErrorKind::PermissionDenied => {
                }
                Err(source) => return Err(ProfileError::Io { path, source }),
            }
        }
        Ok(None)
    }

    fn searched(&self) -> String {
        let mut v: Vec<String> = [&self.managed_dir, &self.user_dir]
            .into_iter()
            .flatten()
            .map(|d| d.display().to_string())
            .collect();
        v.push("the built-ins".into());
        v.join(", ")
    }
}

/// Lookup order, most trusted first.
const ORDER: [Level; 3] = [Level::Managed, Level::User, Level::BuiltIn];

/// The levels a file at `from` may extend `name` from: never a less
/// trusted level than itself (except that a user file may extend a managed
/// one), and for its own name only the levels after its own.
fn levels_for(from: Level, own_name: &str, name: &str) -> Vec<Level> {
    let allowed: &[Level] = match from {
        Level::Managed => &[Level::Managed, Level::BuiltIn],
        Level::User => &ORDER,
        Level::BuiltIn => &[Level::BuiltIn],
    };
    allowed
        .iter()
        .copied()
        .filter(|l| name != own_name || *l > from)
        .collect()
}

fn check_name(name: &str) -> Result<(), ProfileError> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ProfileError::BadName {
            name: name.to_string(),
        })
    }
}

fn parse_file(origin: &str, text: &str) -> Result<ProfileFile, ProfileError> {
    let f: ProfileFile = toml::from_str(text).map_err(|e| ProfileError::Parse {
        origin: origin.to_string(),
        line: e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        }),
        message: e.message().trim().to_string(),
    })?;
    validate(origin, &f)?;
    Ok(f)
}

fn invalid(origin: &str, key: &str, message: String) -> ProfileError {
    ProfileError::Invalid {
        origin: origin.to_string(),
        key: key.to_string(),
        message,
    }
}

fn validate(origin: &str, f: &ProfileFile) -> Result<(), ProfileError> {
    for (key, list) in [
        ("allow_domains", &f.allow_domains),
        ("deny_domains", &f.deny_domains),
    ] {
        for d in list {
            check_domain(d).map_err(|m| invalid(origin, key, m))?;
        }
    }
    for v in &f.env_pass {
        check_env_name(v).map_err(|m| invalid(origin, "env_pass", m))?;
    }
    if f.allow_ports.contains(&0) {
        return Err(invalid(origin, "allow_ports", "0 is not a port".into()));
    }
    for (key, list) in [
        ("write.paths", &f.write.paths),
        ("deny_read.paths", &f.deny_read.paths),
        ("protect", &f.protect),
    ] {
        for p in list {
            if p.trim().is_empty() {
                return Err(invalid(origin, key, "empty path".into()));
            }
            if key == "protect" && (Path::new(p).is_absolute() || p.starts_with('~')) {
                return Err(invalid(
                    origin,
                    key,
                    format!("`{p}`: protected names are relative (to the project, the home and each writable path)"),
                ));
            }
        }
    }
    if let Some(e) = &f.extends {
        check_name(e).map_err(|err| invalid(origin, "extends", err.to_string()))?;
    }
    Ok(())
}

/// Checks a domain pattern: a host name (letters, digits, `-`, `.`),
/// optionally starting with `*.` for its subdomains.
///
/// # Errors
/// A message saying what is wrong.
pub fn check_domain(d: &str) -> Result<(), String> {
    let host = d.strip_prefix("*.").unwrap_or(d);
    let ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{d}` is not a domain (write `example.com`, or `*.example.com` for its subdomains; no scheme, port or path)"
        ))
    }
}

fn check_env_name(v: &str) -> Result<(), String> {
    let mut chars = v.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!("`{v}` is not an environment variable name"))
    }
}

fn push_unique<T: PartialEq + Clone>(to: &mut Vec<T>, items: &[T]) {
    for i in items {
        if !to.contains(i) {
            to.push(i.clone());
        }
    }
}

/// Resolves the profile `name`: finds it (managed, then user, then
/// built-in), follows `extends`, and applies each file over its parent.
///
/// # Errors
/// [`ProfileError::BadName`], [`ProfileError::NotFound`] (also for a
/// missing parent), [`ProfileError::Io`], [`ProfileError::Parse`] (with the
/// file, line and key), [`ProfileError::Invalid`], [`ProfileError::Cycle`].
pub fn resolve(name: &str, lookup: &Lookup) -> Result<Profile, ProfileError> {
    check_name(name)?;
    let not_found = |n: &str| ProfileError::NotFound {
        name: n.to_string(),
        searched: lookup.searched(),
        built_in: builtin_names().join(", "),
    };
    let mut chain: Vec<(Level, String, String, ProfileFile)> = Vec::new();
    let (mut level, mut origin, mut text) =
        lookup.find(name, &ORDER)?.ok_or_else(|| not_found(name))?;
    let mut current = name.to_string();
    loop {
        let file = parse_file(&origin, &text)?;
        let parent = file.extends.clone();
        if chain
            .iter()
            .any(|(l, n, _, _)| *l == level && *n == current)
        {
            let mut names: Vec<String> = chain.iter().map(|(_, n, _, _)| n.clone()).collect();
            names.push(current);
            return Err(ProfileError::Cycle {
                what: "loops",
                chain: names.join(" -> "),
            });
        }
        chain.push((level, current.clone(), origin, file));
        let Some(parent) = parent else { break };
        if chain.len() >= MAX_DEPTH {
            let mut names: Vec<String> = chain.iter().map(|(_, n, _, _)| n.clone()).collect();
            names.push(parent);
            return Err(ProfileError::Cycle {
                what: "is too deep",
                chain: names.join(" -> "),
            });
        }
        let levels = levels_for(level, &current, &parent);
        let found = lookup.find(&parent, &levels)?;
        let Some((l, o, t)) = found else {
            // A loop back to an already visited profile is reported as a loop.
            if chain.iter().any(|(_, n, _, _)| *n == parent) {
                let mut names: Vec<String> = chain.iter().map(|(_, n, _, _)| n.clone()).collect();
                names.push(parent);
                return Err(ProfileError::Cycle {
                    what: "loops",
                    chain: names.join(" -> "),
                });
            }
            return Err(not_found(&parent));
        };
        (level, origin, text) = (l, o, t);
        current = parent;
    }
    let mut p = Profile::baseline(name);
    for (_, _, origin, file) in chain.iter().rev() {
        p.apply(file);
        p.sources.insert(0, origin.clone());
    }
    Ok(p)
}

/// Paths and domains the command line adds to a profile (`--allow-write`,
/// `--deny-read`, `--allow-domain`, `--env-pass`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Also writable.
    pub allow_write: Vec<PathBuf>,
    /// Also hidden.
    pub deny_read: Vec<PathBuf>,
    /// Also reachable through the proxy.
    pub allow_domains: Vec<String>,
    /// Also passed.
    pub env_pass: Vec<String>,
}

impl Profile {
    /// The starting point every profile is applied over: nothing writable,
    /// no network, the default protected names.
    fn baseline(name: &str) -> Profile {
        Profile {
            name: name.to_string(),
            sources: Vec::new(),
            description: String::new(),
            network: Network::None,
            allow_domains: Vec::new(),
            deny_domains: Vec::new(),
            allow_ports: Vec::new(),
            env_pass: Vec::new(),
            protect: DEFAULT_PROTECT.iter().map(|s| s.to_string()).collect(),
            write: Write::default(),
            deny_read: DenyRead::default(),
            limits: Limits::default(),
        }
    }

    fn apply(&mut self, f: &ProfileFile) {
        if let Some(d) = &f.description {
            self.description = d.clone();
        }
        if let Some(n) = f.network {
            self.network = n;
        }
        let lower =
            |v: &[String]| -> Vec<String> { v.iter().map(|d| d.to_ascii_lowercase()).collect() };
        push_unique(&mut self.allow_domains, &lower(&f.allow_domains));
        push_unique(&mut self.deny_domains, &lower(&f.deny_domains));
        push_unique(&mut self.allow_ports, &f.allow_ports);
        push_unique(&mut self.env_pass, &f.env_pass);
        push_unique(&mut self.protect, &f.protect);
        if let Some(b) = f.write.project {
            self.write.project = b;
        }
        if let Some(b) = f.write.tmp {
            self.write.tmp = b;
        }
        push_unique(&mut self.write.paths, &f.write.paths);
        if let Some(b) = f.deny_read.home {
            self.deny_read.home = b;
        }
        push_unique(&mut self.deny_read.paths, &f.deny_read.paths);
        self.limits.overlay(&f.limits);
    }

    /// Parses one profile file that extends nothing (or whose `extends` is
    /// to be ignored), over the baseline. For tests and tools that check a
    /// single file.
    ///
    /// # Errors
    /// [`ProfileError::Parse`] and [`ProfileError::Invalid`], naming `origin`.
    pub fn from_toml(name: &str, origin: &str, text: &str) -> Result<Profile, ProfileError> {
        let f = parse_file(origin, text)?;
        let mut p = Profile::baseline(name);
        p.apply(&f);
        p.sources.push(origin.to_string());
        Ok(p)
    }

    /// The resolved profile as a TOML profile file (no `extends`), headed by
    /// a comment naming it and its sources. Parsing it back gives the same
    /// profile.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"));
        let mut out = format!("# profile `{}`", self.name);
        if !self.sources.is_empty() {
            out.push_str(&format!(", resolved from: {}", self.sources.join(" <- ")));
        }
        out.push('\n');
        out.push_str(&body);
        out
    }

    /// Adds the command line's grants: `--allow-write` and `--deny-read`
    /// paths (made absolute against the current directory), `--env-pass`
    /// names, and `--allow-domain` domains, which also switch a profile
    /// without network to the proxy (the host's network stays the host's).
    ///
    /// # Errors
    /// [`ProfileError::Invalid`] for a bad domain or variable name, or a
    /// path that is not UTF-8.
    pub fn with_cli(mut self, g: &Grants) -> Result<Profile, ProfileError> {
        const ORIGIN: &str = "command line";
        let text = |key: &str, p: &Path| -> Result<String, ProfileError> {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            abs.to_str()
                .map(str::to_string)
                .ok_or_else(|| invalid(ORIGIN, key, format!("{}: not a UTF-8 path", p.display())))
        };
        for p in &g.allow_write {
            let t = text("--allow-write", p)?;
            push_unique(&mut self.write.paths, &[t]);
        }
        for p in &g.deny_read {
            let t = text("--deny-read", p)?;
            push_unique(&mut self.deny_read.paths, &[t]);
        }
        for d in &g.allow_domains {
            check_domain(d).map_err(|m| invalid(ORIGIN, "--allow-domain", m))?;
            push_unique(&mut self.allow_domains, &[d.to_ascii_lowercase()]);
        }
        if !g.allow_domains.is_empty() && self.network == Network::None {
            self.network = Network::Proxy;
        }
        for v in &g.env_pass {
            check_env_name(v).map_err(|m| invalid(ORIGIN, "--env-pass", m))?;
            push_unique(&mut self.env_pass, std::slice::from_ref(v));
        }
        Ok(self)
    }

    /// Adds the policy's domain lists (`[sandbox]` in palisade.toml,
    /// `WebFetch(domain:…)` rules). Unlike `--allow-domain`, this never
    /// turns the network on: it only matters to profiles that use the proxy.
    /// Entries that are not domains are skipped.
    pub fn with_policy_domains(mut self, allow: &[String], deny: &[String]) -> Profile {
        for (to, from) in [
            (&mut self.allow_domains, allow),
            (&mut self.deny_domains, deny),
        ] {
            for d in from {
                if check_domain(d).is_ok() {
                    push_unique(to, &[d.to_ascii_lowercase()]);
                }
            }
        }
        self
    }

    /// The concrete plan for running in `project` with home `home`: absolute
    /// paths, the hidden paths (credentials, `deny_read`, and with
    /// `deny_read.home` every entry of the home that holds neither the
    /// project nor a writable path), and the protected paths.
    ///
    /// # Errors
    /// [`ProfileError::Invalid`] for a `~` path when the home is unknown.
    pub fn plan(&self, project: &Path, home: Option<&Path>) -> Result<RunPlan, ProfileError> {
        let origin = self.sources.first().cloned().unwrap_or_default();
        let expand = |key: &str, p: &str| -> Result<PathBuf, ProfileError> {
            let p = p.trim();
            if p == "~" || p.starts_with("~/") {
                let h = home.ok_or_else(|| {
                    invalid(
                        &origin,
                        key,
                        format!("`{p}`: the home directory is unknown (HOME is not set)"),
                    )
                })?;
                Ok(h.join(p.trim_start_matches('~').trim_start_matches('/')))
            } else if p.starts_with('~') {
                Err(invalid(
                    &origin,
                    key,
                    format!("`{p}`: only `~/` (your own home) is understood"),
                ))
            } else {
                Ok(project.join(p))
            }
        };
        let mut write_roots = Vec::new();
        if self.write.project {
            write_roots.push(project.to_path_buf());
        }
        for p in &self.write.paths {
            let abs = expand("write.paths", p)?;
            if !write_roots.contains(&abs) {
                write_roots.push(abs);
            }
        }
        let mut hide: Vec<PathBuf> = home.map(crate::ns::home_credentials).unwrap_or_default();
        for p in &self.deny_read.paths {
            let abs = expand("deny_read.paths", p)?;
            if !hide.contains(&abs) {
                hide.push(abs);
            }
        }
        if self.deny_read.home {
            if let Some(h) = home {
                let mut keep = write_roots.clone();
                keep.push(project.to_path_buf());
                for p in home_hidden(h, &keep) {
                    if !hide.contains(&p) {
                        hide.push(p);
                    }
                }
            }
        }
        let mut protect = Vec::new();
        // The names are a project's and a home's: they are protected under
        // the project, the home, and any other writable root that is a
        // repository of its own — not inside an agent's state directory
        // such as ~/.claude, where `.bashrc` means nothing.
        let mut bases = vec![project.to_path_buf()];
        bases.extend(home.map(Path::to_path_buf));
        bases.extend(
            write_roots
                .iter()
                .filter(|r| r.join(".git").exists())
                .cloned(),
        );
        for base in &bases {
            let is_home = Some(base.as_path()) == home;
            for name in &self.protect {
                let p = base.join(name);
                // Each missing protected name costs a placeholder at every
                // run: the shell files a project could plausibly be asked
                // to source (.bashrc, .zshrc, .profile) are protected
                // everywhere, the rest of the shell files only in the home,
                // and names that matter only to a tool the project already
                // uses (.husky) only when present.
                if !is_home
                    && HOME_ONLY.contains(&name.as_str())
                    && std::fs::symlink_metadata(&p).is_err()
                {
                    continue;
                }
                if IF_PRESENT.contains(&name.as_str()) && std::fs::symlink_metadata(&p).is_err() {
                    continue;
                }
                if write_roots.iter().any(|r| p.starts_with(r)) && !protect.contains(&p) {
                    protect.push(p);
                }
            }
        }
        Ok(RunPlan {
            profile: self.name.clone(),
            write_roots,
            private_tmp: self.write.tmp,
            hide,
            network: self.network,
            allow_domains: self.allow_domains.clone(),
            deny_domains: self.deny_domains.clone(),
            allow_ports: self.allow_ports.clone(),
            env_pass: self.env_pass.clone(),
            limits: self.limits,
            protect,
        })
    }
}

/// Everything `palisade run` needs to set up the sandbox, with absolute
/// paths ([`Profile::plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPlan {
    /// The profile's name.
    pub profile: String,
    /// Writable roots besides the private tmp; may not exist (callers skip
    /// missing ones or report them).
    pub write_roots: Vec<PathBuf>,
    /// Create a private tmp and make it the command's TMPDIR.
    pub private_tmp: bool,
    /// Paths to hide behind empty read-only mounts (may not exist).
    pub hide: Vec<PathBuf>,
    /// Network access.
    pub network: Network,
    /// Domains the proxy lets through.
    pub allow_domains: Vec<String>,
    /// Domains the proxy refuses.
    pub deny_domains: Vec<String>,
    /// Ports the proxy connects to; empty: 80 and 443.
    pub allow_ports: Vec<u16>,
    /// Variables passed besides the safe defaults.
    pub env_pass: Vec<String>,
    /// Resource limits.
    pub limits: Limits,
    /// Paths under a writable root that must stay read-only (may not exist).
    pub protect: Vec<PathBuf>,
}

/// With `deny_read.home`: the entries of `home` to hide so that nothing in
/// it is readable except the paths in `keep` (and what leads to them).
/// Symbolic links are left alone: a mount over one would cover its target,
/// which may be the project itself. An unreadable directory that holds no
/// kept path is hidden whole.
fn home_hidden(home: &Path, keep: &[PathBuf]) -> Vec<PathBuf> {
    if !keep.iter().any(|k| k.starts_with(home)) {
        return vec![home.to_path_buf()];
    }
    if keep.iter().any(|k| k == home) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut dirs = vec![home.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.is_symlink() || keep.contains(&p) {
                continue;
            }
            if keep.iter().any(|k| k.starts_with(&p)) {
                if meta.is_dir() {
                    dirs.push(p);
                }
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(dir).expect("mkdir");
        std::fs::write(dir.join(format!("{name}.toml")), text).expect("write");
    }

    fn lookup(root: &Path) -> Lookup {
        Lookup {
            managed_dir: Some(root.join("managed")),
            user_dir: Some(root.join("user")),
        }
    }

    #[test]
    fn every_built_in_parses_and_resolves() {
        for name in builtin_names() {
            let p = resolve(name, &Lookup::built_in_only())
                .unwrap_or_else(|e| panic!("built-in {name}: {e}"));
            assert!(!p.description.is_empty(), "{name} has a description");
            assert!(p.write.tmp, "{name}: private tmp");
            assert!(
                DEFAULT_PROTECT
                    .iter()
                    .all(|d| p.protect.iter().any(|n| n == d)),
                "{name} keeps the default protected names"
            );
            // The rendered form is a valid profile that reads back the same.
            let again = Profile::from_toml(name, "rendered", &p.to_toml()).expect("round trip");
            assert_eq!(
                (
                    again.description,
                    again.network,
                    again.write,
                    again.deny_read,
                    again.limits
                ),
                (
                    p.description.clone(),
                    p.network,
                    p.write.clone(),
                    p.deny_read.clone(),
                    p.limits
                )
            );
            assert_eq!(again.allow_domains, p.allow_domains);
            assert_eq!(again.protect, p.protect);
        }
    }

    #[test]
    fn built_ins_say_what_they_promise() {
        let get = |n: &str| resolve(n, &Lookup::built_in_only()).expect("resolves");
        let ws = get("workspace");
        assert_eq!((ws.write.project, ws.network), (true, Network::None));
        assert!(ws.write.paths.is_empty() && !ws.deny_read.home && ws.limits.is_empty());
        let net = get("workspace-net");
        assert_eq!((net.write.project, net.network), (true, Network::Proxy));
        let ro = get("read-only");
        assert_eq!(
            (ro.write.project, ro.write.tmp, ro.network),
            (false, true, Network::None)
        );
        let un = get("untrusted");
        assert!(un.deny_read.home && un.write.project);
        assert_eq!(un.network, Network::None);
        assert_eq!(un.limits.memory, Some(Size(4 << 30)));
        let ag = get("agent");
        assert_eq!(ag.network, Network::Proxy);
        assert!(ag.allow_domains.contains(&"api.anthropic.com".to_string()));
        assert!(ag.write.paths.contains(&"~/.claude".to_string()));
        assert_eq!(
            ag.sources,
            vec!["built-in profile agent", "built-in profile workspace"]
        );
    }

    #[test]
    fn sizes() {
        for (text, bytes) in [
            ("0", 0),
            ("1234", 1234),
            ("1KiB", 1024),
            ("1k", 1024),
            ("512MiB", 512 << 20),
            ("1GiB", 1 << 30),
            ("1 GiB", 1 << 30),
            ("1gib", 1 << 30),
            ("2G", 2 << 30),
            ("10MB", 10_000_000),
            ("1.5GiB", 3 << 29),
            ("3B", 3),
            ("1TiB", 1 << 40),
        ] {
            assert_eq!(Size::parse(text), Ok(Size(bytes)), "{text}");
        }
        for bad in [
            "",
            "GiB",
            "1 parsec",
            "-1",
            "1.2.3MiB",
            "99999999999999999999",
            "20000000TiB",
        ] {
            assert!(Size::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Size(1 << 30).to_string(), "1GiB");
        assert_eq!(Size(1536 << 20).to_string(), "1536MiB");
        assert_eq!(Size(1000).to_string(), "1000B");
        let p = Profile::from_toml(
            "x",
            "x.toml",
            "[limits]\nmemory = 1048576\nfile_size = \"2MiB\"\n",
        )
        .expect("parses");
        assert_eq!(
            (p.limits.memory, p.limits.file_size),
            (Some(Size(1 << 20)), Some(Size(2 << 20)))
        );
        let e = Profile::from_toml("x", "x.toml", "[limits]\nmemory = \"lots\"\n").unwrap_err();
        assert!(e.to_string().starts_with("x.toml:2: "), "{e}");
        assert!(e.to_string().contains("not a size"), "{e}");
    }

    #[test]
    fn unknown_keys_name_file_line_and_key() {
        let e = Profile::from_toml(
            "x",
            "/etc/palisade/profiles/x.toml",
            "description = \"d\"\nnetwrok = \"host\"\n",
        )
        .unwrap_err();
        let s = e.to_string();
        assert!(
            s.starts_with("/etc/palisade/profiles/x.toml:2: unknown field `netwrok`"),
            "{s}"
        );
        let e = Profile::from_toml("x", "x.toml", "[write]\nproject = true\npath = [\"/x\"]\n")
            .unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("x.toml:3: unknown field `path`"), "{s}");
        let e = Profile::from_toml("x", "x.toml", "network = \"wifi\"\n").unwrap_err();
        assert!(e.to_string().contains("wifi"), "{e}");
    }

    #[test]
    fn values_are_checked() {
        for (text, key) in [
            ("allow_domains = [\"https://x.com\"]", "allow_domains"),
            ("deny_domains = [\"x.com:443\"]", "deny_domains"),
            ("env_pass = [\"A-B\"]", "env_pass"),
            ("allow_ports = [0]", "allow_ports"),
            ("protect = [\"/etc/passwd\"]", "protect"),
            ("extends = \"../x\"", "extends"),
        ] {
            let e = Profile::from_toml("x", "x.toml", text).unwrap_err();
            assert!(
                e.to_string().starts_with(&format!("x.toml: `{key}`: ")),
                "{text}: {e}"
            );
        }
        assert!(Profile::from_toml("x", "x.toml", "allow_domains = [\"*.Example.com\"]").is_ok());
    }

    #[test]
    fn inheritance_overrides_scalars_and_adds_lists() {
        let dir = tempfile::tempdir().expect("tempdir");
        let l = lookup(dir.path());
        write(&l.user_dir.clone().expect("dir"), "ci", "extends = \"mid\"\nnetwork = \"host\"\nallow_domains = [\"C.example\"]\n[write]\ntmp = false\n[limits]\nprocesses = 10\n");
        write(&l.user_dir.clone().expect("dir"), "mid", "description = \"mid\"\nextends = \"untrusted\"\nallow_domains = [\"b.example\"]\n[write]\npaths = [\"~/.cache\"]\n");
        let p = resolve("ci", &l).expect("resolves");
        assert_eq!(p.description, "mid");
        assert_eq!(p.network, Network::Host);
        assert_eq!(p.allow_domains, vec!["b.example", "c.example"]);
        assert_eq!((p.write.project, p.write.tmp), (true, false));
        assert_eq!(p.write.paths, vec!["~/.cache"]);
        assert!(p.deny_read.home);
        assert_eq!(p.limits.processes, Some(10));
        assert_eq!(p.limits.memory, Some(Size(4 << 30)), "inherited limit");
        assert_eq!(p.sources.len(), 4, "{:?}", p.sources);
    }

    #[test]
    fn a_file_may_extend_its_own_name_and_managed_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let l = lookup(dir.path());
        let user = l.user_dir.clone().expect("dir");
        write(
            &user,
            "workspace",
            "extends = \"workspace\"\nenv_pass = [\"GOPATH\"]\n",
        );
        let p = resolve("workspace", &l).expect("resolves");
        assert_eq!(p.env_pass, vec!["GOPATH"]);
        assert!(p.write.project, "the built-in underneath");
        // A managed file of the same name wins, and never extends the user's.
        let managed = l.managed_dir.clone().expect("dir");
        write(
            &managed,
            "workspace",
            "extends = \"workspace\"\ndeny_domains = [\"x.example\"]\n",
        );
        let p = resolve("workspace", &l).expect("resolves");
        assert!(p.env_pass.is_empty(), "the user's file is not used");
        assert_eq!(p.deny_domains, vec!["x.example"]);
        assert_eq!(
            p.sources[0],
            managed.join("workspace.toml").display().to_string()
        );
        // A managed profile cannot pick up a user file through `extends`.
        write(&user, "extra", "write.paths = [\"~\"]\n");
        write(&managed, "locked", "extends = \"extra\"\n");
        assert!(
            matches!(resolve("locked", &l), Err(ProfileError::NotFound { name, .. }) if name == "extra")
        );
    }

    #[test]
    fn cycles_and_missing_parents_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let l = lookup(dir.path());
        let user = l.user_dir.clone().expect("dir");
        write(&user, "a", "extends = \"b\"\n");
        write(&user, "b", "extends = \"c\"\n");
        write(&user, "c", "extends = \"a\"\n");
        let e = resolve("a", &l).unwrap_err();
        assert_eq!(e.to_string(), "profile inheritance loops: a -> b -> c -> a");
        write(&user, "self", "extends = \"self\"\n");
        let e = resolve("self", &l).unwrap_err();
        assert!(matches!(e, ProfileError::Cycle { .. }), "{e}");
        write(&user, "orphan", "extends = \"nowhere\"\n");
        let e = resolve("orphan", &l).unwrap_err();
        assert!(
            e.to_string().starts_with("no profile named `nowhere`"),
            "{e}"
        );
        let e = resolve("nope", &l).unwrap_err();
        assert!(
            e.to_string().contains("built-in: workspace, workspace-net"),
            "{e}"
        );
        assert!(matches!(
            resolve("../etc/passwd", &l),
            Err(ProfileError::BadName { .. })
        ));
        write(&user, "broken", "[write\n");
        let e = resolve("broken", &l).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("{}:1: ", user.join("broken.toml").display())),
            "{e}"
        );
    }

    #[test]
    fn command_line_grants_add() {
        let p = resolve("workspace", &Lookup::built_in_only()).expect("resolves");
        let g = Grants {
            allow_write: vec![PathBuf::from("/opt/cache")],
            deny_read: vec![PathBuf::from("/srv/secret")],
            allow_domains: vec!["PyPI.org".into()],
            env_pass: vec!["NPM_TOKEN".into()],
        };
        let q = p.clone().with_cli(&g).expect("valid");
        assert_eq!(q.write.paths, vec!["/opt/cache"]);
        assert_eq!(q.deny_read.paths, vec!["/srv/secret"]);
        assert_eq!(q.allow_domains, vec!["pypi.org"]);
        assert_eq!(
            q.network,
            Network::Proxy,
            "--allow-domain turns the proxy on"
        );
        assert_eq!(q.env_pass, vec!["NPM_TOKEN"]);
        // No domain: the network stays off; host stays host.
        let q = p.clone().with_cli(&Grants::default()).expect("valid");
        assert_eq!(q.network, Network::None);
        let mut h = p.clone();
        h.network = Network::Host;
        let q = h.with_cli(&g).expect("valid");
        assert_eq!(q.network, Network::Host);
        // Bad values are refused.
        let bad = Grants {
            allow_domains: vec!["http://x".into()],
            ..Grants::default()
        };
        let e = p.clone().with_cli(&bad).unwrap_err();
        assert!(
            e.to_string().starts_with("command line: `--allow-domain`"),
            "{e}"
        );
        // The policy's domains never switch the network on.
        let q = p.with_policy_domains(&["a.example".into(), "bad/x".into()], &["b.example".into()]);
        assert_eq!(
            (q.network, q.allow_domains, q.deny_domains),
            (
                Network::None,
                vec!["a.example".to_string()],
                vec!["b.example".to_string()]
            )
        );
    }

    #[test]
    fn plan_expands_paths_and_protects_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("home");
        let proj = home.join("src/proj");
        let other = home.join("src/other");
        for d in [&proj, &other, &home.join(".ssh"), &home.join(".cache")] {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(home.join(".bashrc"), "x").expect("write");
        let mut p = resolve("untrusted", &Lookup::built_in_only()).expect("resolves");
        p.write.paths.push("~/.cache".into());
        p.deny_read.paths.push("secrets".into());
        let plan = p.plan(&proj, Some(&home)).expect("plan");
        assert_eq!(plan.write_roots, vec![proj.clone(), home.join(".cache")]);
        assert!(plan.private_tmp);
        assert!(plan.hide.contains(&home.join(".ssh")), "credentials");
        assert!(
            plan.hide.contains(&proj.join("secrets")),
            "relative to the project"
        );
        // All of home hidden but the way to the project and the cache.
        assert!(plan.hide.contains(&home.join(".bashrc")));
        assert!(plan.hide.contains(&other));
        assert!(
            !plan.hide.iter().any(|h| proj.starts_with(h)),
            "{:?}",
            plan.hide
        );
        assert!(!plan.hide.contains(&home.join(".cache")));
        assert!(plan.protect.contains(&proj.join(".git/hooks")));
        assert!(plan.protect.contains(&proj.join(".claude/settings.json")));
        assert!(
            !plan.protect.contains(&home.join(".bashrc")),
            "home is not writable"
        );
        assert_eq!(plan.limits.processes, Some(256));
        // `~` with no home is an error; a project outside home hides all of home.
        assert!(p.plan(&proj, None).is_err());
        let elsewhere = dir.path().join("elsewhere");
        let plan = resolve("untrusted", &Lookup::built_in_only())
            .expect("resolves")
            .plan(&elsewhere, Some(&home))
            .expect("plan");
        assert!(plan.hide.contains(&home));
        // Writable home dirs get their own protected names.
        let ag = resolve("agent", &Lookup::built_in_only()).expect("resolves");
        let plan = ag.plan(&proj, Some(&home)).expect("plan");
        assert!(plan.write_roots.contains(&home.join(".claude")));
        assert!(plan.protect.contains(&home.join(".claude/settings.json")));
    }
}

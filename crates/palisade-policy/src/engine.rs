//! The layered policy and its evaluation (DESIGN section 3).

use crate::check::{self, CheckCtx, DEFAULT_PROTECTED_BRANCHES};
use crate::error::PolicyError;
use crate::file::{FailMode, FileSettings, RuleKind};
use crate::guard::{self, FileOp, GuardRule};
use crate::layer::{self, LoadOptions, LoadedFile};
use crate::path::{candidates, compile_glob, resolve_lexical, Anchors, PathGlob};
use crate::rule::{self, domain_matches, host_of, Matcher, PathTool, PermissionRule};
use crate::sandbox::{self, SandboxSettings};
use crate::supply::{self, SupplySettings};
use crate::telemetry::{self, AuditSettings, TelemetrySettings};
use palisade_core::{Action, Context, Decision, Layer, Reason, Source, Verdict};
use palisade_shell::{analyze, effects, Analysis, Effect, Origin, SimpleCommand};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Wrappers that do not change what a command does, so an allow rule may
/// match the command inside them (Claude Code strips the same ones).
const NEUTRAL_WRAPPERS: &[&str] = &[
    "timeout", "time", "nice", "nohup", "stdbuf", "command", "builtin", "ionice",
];
/// Environment variables that change what a program loads or runs; a command
/// that sets one is never matched by an allow rule.
const DANGEROUS_ENV: &[&str] = &[
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "DYLD_INSERT_LIBRARIES",
    "DYLD_LIBRARY_PATH",
    "PATH",
    "BASH_ENV",
    "ENV",
    "PROMPT_COMMAND",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "NODE_OPTIONS",
    "PERL5OPT",
    "RUBYOPT",
    "GIT_SSH_COMMAND",
    "GIT_EXTERNAL_DIFF",
    "GIT_PAGER",
    "PAGER",
    "EDITOR",
    "VISUAL",
    "SHELLOPTS",
    "IFS",
];
/// Cap on glob expansion when a shell word has glob characters.
const MAX_GLOB_MATCHES: usize = 256;

/// Who owns a glob in the path index.
#[derive(Debug, Clone, Copy)]
enum PathOwner {
    Rule(usize),
    Guard { idx: usize, except: bool },
}

/// Every path glob of the policy with its owner: permission rules' and
/// guard rules' (including their exceptions).
#[derive(Debug)]
struct PathIndex {
    globs: Vec<(PathGlob, PathOwner)>,
}

/// A loaded, layered policy: permission rules from every layer plus the
/// enabled guard rules. Build once per process with [`Policy::load`], then
/// call [`Policy::evaluate`] per action.
#[derive(Debug)]
pub struct Policy {
    /// Permission rules, in layer order.
    pub rules: Vec<PermissionRule>,
    /// Enabled guard rules.
    pub guards: Vec<GuardRule>,
    /// Guard rules switched off, with the layer and file that did it.
    pub disabled_guards: Vec<(String, Layer, PathBuf)>,
    /// Files read, highest layer first.
    pub files: Vec<LoadedFile>,
    /// The effective `defaultMode` and the layer that set it.
    pub default_mode: Option<(String, Layer)>,
    /// The project root plus `additionalDirectories` (absolute).
    pub work_dirs: Vec<PathBuf>,
    /// Protected branch globs.
    pub protected_branches: Vec<String>,
    /// The hook's fail mode.
    pub fail_mode: FailMode,
    /// Things worth telling the user (ignored rules, locks).
    pub warnings: Vec<String>,
    /// The managed layer keeps the guard packs on (`lock_guard_packs`).
    pub guards_locked: bool,
    /// How the agent's shell commands are sandboxed ([`Policy::sandbox`]).
    sandbox: SandboxSettings,
    /// The dependency gate's settings ([`Policy::supply`]).
    supply: SupplySettings,
    /// OpenTelemetry export ([`Policy::telemetry`]).
    telemetry: TelemetrySettings,
    /// The audit log ([`Policy::audit`]).
    audit: AuditSettings,
    home: PathBuf,
    path_index: OnceLock<Result<PathIndex, String>>,
}

impl Policy {
    /// Reads every layer's files and the built-in guard packs.
    ///
    /// Missing files are skipped; files that exist but cannot be read or
    /// parsed are errors (the hook fails closed on them).
    ///
    /// # Errors
    /// See [`PolicyError`].
    pub fn load(opts: &LoadOptions) -> Result<Policy, PolicyError> {
        let mut p = Policy {
            rules: Vec::new(),
            guards: Vec::new(),
            disabled_guards: Vec::new(),
            files: Vec::new(),
            default_mode: None,
            work_dirs: vec![opts.project_root.clone()],
            protected_branches: Vec::new(),
            fail_mode: FailMode::Closed,
            warnings: Vec::new(),
            guards_locked: false,
            sandbox: SandboxSettings::default(),
            supply: SupplySettings::default(),
            telemetry: TelemetrySettings::default(),
            audit: AuditSettings::default(),
            home: opts.home.clone(),
            path_index: OnceLock::new(),
        };
        let mut lock_allow = false;
        let mut lock_guards = false;
        let mut disabled: Vec<(String, Layer, PathBuf)> = Vec::new();
        let mut protected: Option<Vec<String>> = None;
        let mut fail_mode: Option<FailMode> = None;
        let mut trusted: Option<bool> = opts.trust_project;
        let mut sandbox_sections = Vec::new();
        let mut supply_sections = Vec::new();
        let mut telemetry_sections = Vec::new();
        let mut audit_sections = Vec::new();
        for (layer, path, base) in opts.candidates() {
            let explicit = layer == Layer::Cli;
            let Some(mut fs) = layer::read_file(&path, explicit)? else {
                continue;
            };
            if matches!(layer, Layer::Project | Layer::ProjectLocal) && relaxes(&fs) {
                let t = *trusted
                    .get_or_insert_with(|| layer::project_trusted(&opts.home, &opts.project_root));
                if !t {
                    p.warnings.push(format!(
                        "{}: the project is not trusted (accept Claude Code's trust dialog for it), so only its deny and ask rules apply",
                        path.display()
                    ));
                    fs.rules.retain(|r| r.verdict != Verdict::Allow);
                    fs.disable_rules.clear();
                    fs.additional_directories.clear();
                    fs.protected_branches = None;
                    fs.fail_mode = None;
                    fs.default_mode = None;
                }
            }
            if let Some(sec) = fs.sandbox.take() {
                sandbox_sections.push((layer, path.clone(), sec));
            }
            if let Some(sec) = fs.supply.take() {
                supply_sections.push((layer, path.clone(), sec));
            }
            if let Some(sec) = fs.telemetry.take() {
                telemetry_sections.push((layer, path.clone(), sec));
            }
            if let Some(sec) = fs.audit.take() {
                audit_sections.push((layer, path.clone(), sec));
            }
            if layer == Layer::Managed {
                lock_allow |= fs.lock_allow;
                lock_guards |= fs.lock_guards;
            } else if fs.lock_allow || fs.lock_guards {
                p.warnings.push(format!(
                    "{}: lock settings are only honoured in the managed layer",
                    path.display()
                ));
            }
            let anchors = Anchors {
                home: &opts.home,
                settings_base: &base,
                cwd: &opts.cwd,
            };
            let mut count = 0;
            for raw in fs.rules {
                if raw.verdict == Verdict::Allow && lock_allow && layer != Layer::Managed {
                    p.warnings.push(format!(
                        "{}:{}: allow rule ignored: the managed layer locks allow rules",
                        path.display(),
                        raw.line
                    ));
                    continue;
                }
                let (text, matcher) = match &raw.kind {
                    RuleKind::Claude(t) => (t.clone(), rule::compile(t, &anchors)),
                    RuleKind::CommandRegex(re) => (
                        format!("command_regex({re})"),
                        match regex::Regex::new(re) {
                            Ok(r) => Matcher::CommandRegex(r),
                            Err(e) => Matcher::Unsupported(e.to_string()),
                        },
                    ),
                };
                if let Matcher::Unsupported(why) = &matcher {
                    p.warnings.push(format!(
                        "{}:{}: rule `{text}` is not evaluated by Palisade: {why}",
                        path.display(),
                        raw.line
                    ));
                }
                p.rules.push(PermissionRule {
                    text,
                    id: raw.id,
                    verdict: raw.verdict,
                    layer,
                    source: Some(Source {
                        path: path.clone(),
                        line: raw.line,
                    }),
                    message: raw.message,
                    matcher,
                });
                count += 1;
            }
            if p.default_mode.is_none() {
                if let Some(m) = fs.default_mode {
                    p.default_mode = Some((m, layer));
                }
            }
            for d in fs.additional_directories {
                p.work_dirs.push(resolve_lexical(&d, &base, &opts.home));
            }
            for id in fs.disable_rules {
                if lock_guards && layer != Layer::Managed {
                    p.warnings.push(format!(
                        "{}: cannot switch off `{id}`: the managed layer locks guard packs",
                        path.display()
                    ));
                } else {
                    disabled.push((id, layer, path.clone()));
                }
            }
            if protected.is_none() {
                protected = fs.protected_branches;
            }
            if fail_mode.is_none() {
                fail_mode = fs.fail_mode;
            }
            p.files.push(LoadedFile {
                path,
                layer,
                rules: count,
            });
        }
        p.protected_branches = protected.unwrap_or_else(|| {
            DEFAULT_PROTECTED_BRANCHES
                .iter()
                .map(|s| s.to_string())
                .collect()
        });
        p.fail_mode = fail_mode.unwrap_or_default();
        p.guards_locked = lock_guards;
        p.sandbox = sandbox::merge(&sandbox_sections, &p.rules, lock_allow, &mut p.warnings);
        p.supply = supply::merge(&supply_sections, &mut p.warnings);
        p.telemetry = telemetry::merge_telemetry(&telemetry_sections, &mut p.warnings);
        p.audit = telemetry::merge_audit(&audit_sections, &opts.home, &mut p.warnings);
        if opts.guard_packs {
            for g in guard::built_in_lean()? {
                if let Some((_, layer, file)) = disabled
                    .iter()
                    .find(|(id, _, _)| *id == g.id || g.id.starts_with(&format!("{id}.")))
                {
                    p.disabled_guards.push((g.id.clone(), *layer, file.clone()));
                } else {
                    p.guards.push(g);
                }
            }
        }
        Ok(p)
    }

    /// The effective sandbox settings: `[sandbox]` from every layer's
    /// `palisade.toml` and the `WebFetch(domain:…)` rules, where a project
    /// can only make the sandbox stricter (see the `[sandbox]` reference in
    /// `docs/SANDBOX.md`).
    pub fn sandbox(&self) -> &SandboxSettings {
        &self.sandbox
    }

    /// The effective dependency-gate settings: `[supply]` from every
    /// layer's `palisade.toml`, where a project can only make the gate
    /// stricter (see the `supply` module).
    pub fn supply(&self) -> &SupplySettings {
        &self.supply
    }

    /// The effective `[telemetry]`: from the managed and user
    /// `palisade.toml` only (see the `telemetry` module).
    pub fn telemetry(&self) -> &TelemetrySettings {
        &self.telemetry
    }

    /// The effective `[audit]`: from the managed and user `palisade.toml`
    /// only (see the `telemetry` module).
    pub fn audit(&self) -> &AuditSettings {
        &self.audit
    }

    fn index(&self) -> Result<&PathIndex, String> {
        self.path_index
            .get_or_init(|| {
                let mut globs = Vec::new();
                for (i, r) in self.rules.iter().enumerate() {
                    if let Matcher::Path { globs: gs, .. } = &r.matcher {
                        for g in gs {
                            globs.push((g.clone(), PathOwner::Rule(i)));
                        }
                    }
                }
                for (i, g) in self.guards.iter().enumerate() {
                    let (inc, exc) = g.globs(&self.home);
                    for (list, except) in [(inc, false), (exc, true)] {
                        for pat in list {
                            for glob in compile_glob(&pat).map_err(|e| format!("{}: {e}", g.id))? {
                                globs.push((glob, PathOwner::Guard { idx: i, except }));
                            }
                        }
                    }
                }
                Ok(PathIndex { globs })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Path rules whose glob does not compile (checked on demand, not at
    /// load, to keep the hook fast): `file:line: rule: error`. Such a rule
    /// matches every path under its literal prefix.
    pub fn glob_errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.rules {
            if let Matcher::Path { globs, .. } = &r.matcher {
                if let Some(e) = globs.iter().find_map(|g| g.error()) {
                    let src = r.source.as_ref().map(|s| s.to_string()).unwrap_or_default();
                    out.push(format!("{src}: `{}`: invalid path pattern: {e}", r.text));
                }
            }
        }
        out
    }

    /// Decides one action.
    ///
    /// Deny beats ask beats allow across all layers; an `Exec` is allowed only
    /// if every simple command in it is matched by an allow rule and none is
    /// dynamic; file effects of shell commands are checked against `Read`/`Edit`
    /// deny and ask rules and the guard packs. With no matching rule the
    /// verdict is `pass`.
    pub fn evaluate(&self, action: &Action, ctx: &Context) -> Decision {
        let mut ev = Eval {
            p: self,
            ctx,
            reasons: Vec::new(),
            allows: Vec::new(),
            notes: Vec::new(),
            seen: HashSet::new(),
            skips_hidden: false,
            from: None,
            names_only: false,
            cwd: ctx.cwd.clone(),
            links: Vec::new(),
            write_excused: Vec::new(),
        };
        let allowed = ev.action(action);
        ev.finish(allowed)
    }
}

struct Eval<'a> {
    p: &'a Policy,
    ctx: &'a Context,
    reasons: Vec<Reason>,
    allows: Vec<Reason>,
    notes: Vec<String>,
    seen: HashSet<(String, Option<String>)>,
    /// The simple command being checked walks trees without hidden files.
    skips_hidden: bool,
    /// The simple command whose effects are being checked, and what it is
    /// nested in (`'rm -rf ~' inside 'bash -c …'`); `None` for tool actions.
    from: Option<String>,
    /// The simple command being checked walks trees for names, not contents.
    names_only: bool,
    /// The shell's working directory as `cd` commands earlier in the same
    /// command line leave it (starts at the agent's cwd).
    cwd: PathBuf,
    /// Guard rules whose writes the current simple command is excused from:
    /// a `cp`/`install` whose every source is one of the rule's exceptions
    /// (`cp .env.example .env` copies a public template).
    write_excused: Vec<usize>,
    /// Symbolic links created earlier in the same command line (`ln -s
    /// TARGET LINK`), as (link, target), both absolute.
    links: Vec<(PathBuf, PathBuf)>,
}

impl Eval<'_> {
    fn push(&mut self, r: Reason) {
        if self.seen.insert((r.rule_id.clone(), r.matched.clone())) {
            self.reasons.push(r);
        }
    }

    fn rule_reason(&self, r: &PermissionRule, matched: Option<String>, what: &str) -> Reason {
        let message = r.message.clone().unwrap_or_else(|| {
            let verb = match r.verdict {
                Verdict::Deny => "denies",
                Verdict::Ask => "requires confirmation for",
                _ => "allows",
            };
            format!("your {} settings rule `{}` {verb} {what}", r.layer, r.text)
        });
        let mut reason =
            Reason::new(r.display_id(), r.verdict, r.layer, message).with_source(r.source.clone());
        reason.matched = matched;
        if r.verdict != Verdict::Allow {
            let place = r
                .source
                .as_ref()
                .map_or_else(|| "its file".to_string(), |s| s.to_string());
            reason.remedy = Some(format!(
                "whoever owns the {} layer can narrow or remove `{}` at {place}",
                r.layer, r.text
            ));
        }
        reason
    }

    fn guard_reason(&self, g: &GuardRule, matched: String) -> Reason {
        let remedy = if self.p.guards_locked {
            "the user cannot: the organisation's managed policy keeps the built-in guard packs on; ask its owner".to_string()
        } else {
            format!(
                "the user can add `disable_rules = [\"{}\"]` under `[policy]` in palisade.toml (the project root's, or ~/.config/palisade/palisade.toml for every project)",
                g.id
            )
        };
        Reason::new(g.id.clone(), g.verdict, Layer::BuiltIn, g.message.clone())
            .with_source(Some(g.source.clone()))
            .with_matched(matched)
            .with_remedy(remedy)
    }

    fn finish(mut self, allowed: bool) -> Decision {
        if self.reasons.is_empty() && allowed && !self.allows.is_empty() {
            let mut d = Decision::from_reasons(std::mem::take(&mut self.allows));
            d.notes = self.notes;
            return d;
        }
        let mut d = Decision::from_reasons(self.reasons);
        // `palisade install` mirrors guard rules into Claude Code's
        // permissions.deny (e.g. `Read(~/.ssh/id_rsa)`); when both match, the
        // guard rule it mirrors is the better explanation, so it goes first.
        let mirrored = |r: &Reason| {
            r.layer != Layer::BuiltIn
                && self
                    .p
                    .guards
                    .iter()
                    .any(|g| g.claude_deny.contains(&r.rule_id))
        };
        let top = d.verdict;
        let (mut first, rest): (Vec<Reason>, Vec<Reason>) = d
            .reasons
            .into_iter()
            .partition(|r| r.verdict == top && !mirrored(r));
        if first.is_empty() {
            d.reasons = rest;
        } else {
            first.extend(rest);
            d.reasons = first;
        }
        d.notes = self.notes;
        d
    }

    /// Evaluates an action; returns true if allow rules cover all of it.
    fn action(&mut self, action: &Action) -> bool {
        match action {
            Action::Exec { command } => self.exec(command),
            Action::Read { path, tool } => self.tool_path(FileOp::Read, path, tool),
            Action::Write { path, tool, .. } => self.tool_path(FileOp::Write, path, tool),
            Action::Fetch { url } => self.fetch(url),
            Action::McpCall { server, tool, .. } => self.simple_tool(action, |m| match m {
                Matcher::Mcp { server: s, tool: t } => {
                    s == server && t.as_ref().is_none_or(|t| t == tool)
                }
                _ => false,
            }),
            Action::SubAgent {
                tool, agent_type, ..
            } => self.simple_tool(action, |m| match m {
                Matcher::Tool(t) => {
                    t == tool
                        || (t == "Task" && tool == "Agent")
                        || (t == "Agent" && tool == "Task")
                }
                Matcher::SubAgent(n) => agent_type.as_deref() == Some(n.as_str()),
                _ => false,
            }),
            Action::Search { .. } | Action::Other { .. } => {
                let name = action.tool_name();
                self.simple_tool(action, |m| matches!(m, Matcher::Tool(t) if *t == name))
            }
            Action::Prompt { .. } => false,
        }
    }

    fn simple_tool(&mut self, action: &Action, f: impl Fn(&Matcher) -> bool) -> bool {
        let what = format!("`{}`", action.tool_name());
        let mut allowed = false;
        for r in &self.p.rules {
            if f(&r.matcher) {
                let reason = self.rule_reason(r, None, &what);
                if r.verdict == Verdict::Allow {
                    self.allows.push(reason);
                    allowed = true;
                } else {
                    self.push(reason);
                }
            }
        }
        allowed
    }

    fn fetch(&mut self, url: &str) -> bool {
        let host = host_of(url).unwrap_or_default();
        let mut allowed = false;
        for r in &self.p.rules {
            let hit = match &r.matcher {
                Matcher::Tool(t) => t == "WebFetch",
                Matcher::Domain(d) => domain_matches(d, &host),
                _ => false,
            };
            if hit {
                let reason =
                    self.rule_reason(r, Some(url.to_string()), &format!("fetching {host}"));
                if r.verdict == Verdict::Allow {
                    self.allows.push(reason);
                    allowed = true;
                } else {
                    self.push(reason);
                }
            }
        }
        allowed
    }

    fn tool_path(&mut self, op: FileOp, path: &Path, tool: &str) -> bool {
        let raw = path.to_string_lossy();
        self.path_effect(op, &raw, false, false, false, Some(tool))
    }

    /// Checks one file effect against path rules and guards. With `tool`
    /// (a file tool, not a shell command) allow rules count too; returns true
    /// if an allow rule covers it.
    ///
    /// A `recursive` read of directory D also reaches every file a rule
    /// protects under D: built-in guard paths count whenever their literal
    /// prefix lies under D (`tar czf - ~` reaches `~/.ssh/id_*`); permission
    /// rules count when that prefix exists on disk (`grep -r x .` reaches
    /// `./.env` only if there is one).
    fn path_effect(
        &mut self,
        op: FileOp,
        raw: &str,
        dynamic: bool,
        glob: bool,
        recursive: bool,
        tool: Option<&str>,
    ) -> bool {
        let lexical = resolve_lexical(raw, &self.cwd, &self.ctx.home);
        let mut paths = candidates(&crate::check::through_links(&lexical, &self.links));
        if !paths.contains(&lexical) {
            paths.insert(0, lexical.clone());
        }
        if glob {
            if let Ok(iter) = glob::glob(&lexical.to_string_lossy()) {
                for p in iter.flatten().take(MAX_GLOB_MATCHES) {
                    for c in candidates(&crate::path::normalize(&p)) {
                        if !paths.contains(&c) {
                            paths.push(c);
                        }
                    }
                }
            }
        }
        let index = match self.p.index() {
            Ok(i) => i,
            Err(e) => {
                self.push(Reason::new(
                    "palisade.policy-error",
                    Verdict::Deny,
                    Layer::Palisade,
                    format!("a path pattern is invalid: {e}"),
                ));
                return false;
            }
        };
        let mut rule_hits: Vec<usize> = Vec::new();
        let mut guard_in: Vec<usize> = Vec::new();
        // Exceptions apply per path: `cat ~/.ssh/id_*` expands to id_rsa
        // and id_rsa.pub; the .pub exception must not excuse id_rsa.
        for p in &paths {
            let p = p.to_string_lossy();
            let (mut hit, mut excused) = (Vec::new(), Vec::new());
            for (g, owner) in &index.globs {
                if g.is_match(&p) {
                    match *owner {
                        PathOwner::Rule(r) => rule_hits.push(r),
                        PathOwner::Guard { idx, except: false } => hit.push(idx),
                        PathOwner::Guard { idx, except: true } => excused.push(idx),
                    }
                }
            }
            guard_in.extend(hit.into_iter().filter(|i| {
                !(excused.contains(i) || (op == FileOp::Write && self.write_excused.contains(i)))
            }));
        }
        if recursive && op == FileOp::Read && !self.names_only {
            for p in &paths {
                let dir = format!("{}/", p.to_string_lossy().trim_end_matches('/'));
                for (g, owner) in &index.globs {
                    let prefix = g.literal_prefix();
                    if !prefix.starts_with(&dir) {
                        continue;
                    }
                    // rg, ag and fd skip hidden files unless told otherwise.
                    if self.skips_hidden
                        && prefix[dir.len()..].split('/').any(|c| c.starts_with('.'))
                    {
                        continue;
                    }
                    match *owner {
                        PathOwner::Guard { idx, except: false } => guard_in.push(idx),
                        PathOwner::Rule(r) if Path::new(prefix.trim_end_matches('/')).exists() => {
                            rule_hits.push(r)
                        }
                        _ => {}
                    }
                }
            }
        }
        let shown = lexical.display().to_string();
        // For shell commands, name the effect and where it came from:
        // `Delete(/home/u, recursive) from 'rm -rf ~' inside 'bash -c …'`.
        let effect = match &self.from {
            Some(from) => {
                let op_name = match op {
                    FileOp::Read => "Read",
                    FileOp::Write => "Write",
                    FileOp::Delete => "Delete",
                };
                let rec = if recursive { ", recursive" } else { "" };
                format!("{op_name}({shown}{rec}) from {from}")
            }
            None => shown.clone(),
        };
        let mut allowed = false;
        let tool_name = tool.unwrap_or("Bash");
        let action_word = match op {
            FileOp::Read => "reading",
            FileOp::Write => "writing",
            FileOp::Delete => "deleting",
        };
        let what = format!("{action_word} {shown}");
        // Bare `Read` / `Edit` tool rules.
        for r in &self.p.rules {
            let hit = match (&r.matcher, op) {
                (Matcher::Tool(t), FileOp::Read) => {
                    t == "Read" || (tool.is_some() && t == tool_name)
                }
                (Matcher::Tool(t), _) => t == "Edit" || (tool.is_some() && t == tool_name),
                _ => false,
            };
            if hit && (tool.is_some() || r.verdict != Verdict::Allow) {
                let reason = self.rule_reason(r, Some(effect.clone()), &what);
                if r.verdict == Verdict::Allow {
                    allowed = true;
                    self.allows.push(reason);
                } else {
                    self.push(reason);
                }
            }
        }
        rule_hits.sort_unstable();
        rule_hits.dedup();
        for ri in rule_hits {
            let r = &self.p.rules[ri];
            let Matcher::Path { tool: pt, .. } = &r.matcher else {
                continue;
            };
            let applies = matches!(
                (pt, op),
                (PathTool::Read, FileOp::Read) | (PathTool::Edit, FileOp::Write | FileOp::Delete)
            );
            if !applies {
                continue;
            }
            if r.verdict == Verdict::Allow {
                if tool.is_some() && !dynamic {
                    allowed = true;
                    let reason = self.rule_reason(r, Some(effect.clone()), &what);
                    self.allows.push(reason);
                }
                continue;
            }
            let reason = self.rule_reason(r, Some(effect.clone()), &what);
            self.push(reason);
        }
        guard_in.sort_unstable();
        guard_in.dedup();
        for gi in guard_in {
            let g = &self.p.guards[gi];
            if g.on.contains(&op) {
                let reason = self.guard_reason(g, effect.clone());
                self.push(reason);
            }
        }
        allowed
    }

    fn exec(&mut self, command: &str) -> bool {
        let analysis = analyze(command);
        if let Some(e) = &analysis.parse_error {
            self.notes.push(format!(
                "the command could not be fully parsed ({e}), so allow rules do not apply"
            ));
        }
        let mut effs: Vec<Vec<Effect>> = analysis.commands.iter().map(effects).collect();
        substitute_find_roots(&analysis, &mut effs);
        let whole = rule::normalize_ws(command);
        // Rules that match the whole text (patterns spanning operators).
        for r in &self.p.rules {
            if r.verdict != Verdict::Allow {
                if let Matcher::Bash(bp) = &r.matcher {
                    if bp.is_match(&whole) {
                        let reason = self.rule_reason(r, Some(whole.clone()), "this command");
                        self.push(reason);
                    }
                }
            }
        }
        let mut all_allowed = analysis.parse_error.is_none() && !analysis.commands.is_empty();
        for (i, c) in analysis.commands.iter().enumerate() {
            all_allowed &= self.simple_command(c);
            self.from = Some(describe(&analysis, i));
            self.skips_hidden = skips_hidden_files(c);
            // find, fd, tree, du and ls -R list names and sizes; they do not
            // read contents (find -exec commands are checked on their own).
            self.names_only = matches!(
                c.program(),
                Some("find" | "fd" | "fdfind" | "tree" | "du" | "ls")
            );
            self.write_excused = self.template_copy(c, &effs[i]);
            self.interpreter_mentions(c);
            // Arguments that name a file but that Palisade's program knowledge
            // does not account for (an unknown program such as `sqlite3 FILE`,
            // or `cd ~/.ssh`) are treated as reads, so a protected file cannot
            // be reached through a tool Palisade has no entry for.
            for w in c.args() {
                let Some(path) = mentioned_path(&w.value) else {
                    continue;
                };
                let covered = effs[i].iter().any(|e| match e {
                    Effect::Read { path: p, .. }
                    | Effect::Write { path: p, .. }
                    | Effect::Delete { path: p, .. } => p == path,
                    _ => false,
                });
                if !covered {
                    self.path_effect(FileOp::Read, path, w.dynamic, w.glob, false, None);
                }
            }
            for e in &effs[i] {
                match e {
                    Effect::Read {
                        path,
                        dynamic,
                        recursive,
                    } => {
                        self.path_effect(
                            FileOp::Read,
                            path,
                            *dynamic,
                            has_glob(path),
                            *recursive,
                            None,
                        );
                    }
                    Effect::Write { path, dynamic } => {
                        self.path_effect(
                            FileOp::Write,
                            path,
                            *dynamic,
                            has_glob(path),
                            false,
                            None,
                        );
                    }
                    Effect::Delete {
                        path,
                        dynamic,
                        recursive,
                    } => {
                        self.path_effect(
                            FileOp::Delete,
                            path,
                            *dynamic,
                            has_glob(path),
                            *recursive,
                            None,
                        );
                    }
                    Effect::Network { target, .. } => self.network(target),
                    // Semantic effects come from `semantic_effects`, not `effects`.
                    _ => {}
                }
            }
            self.guard_commands(command, &analysis, &effs, i);
            self.follow_cd(c);
            self.follow_ln(c);
        }
        all_allowed
    }

    /// Applies a static `cd DIR` / `pushd DIR` to the working directory used
    /// for the commands after it (`cd ~/.ssh && cat id_rsa` reads
    /// `~/.ssh/id_rsa`; `cd .. && rm -rf proj` deletes the project).
    /// A dynamic or `-` target leaves it unchanged.
    fn follow_cd(&mut self, c: &SimpleCommand) {
        if !matches!(c.program(), Some("cd" | "pushd")) {
            return;
        }
        let target = c
            .args()
            .iter()
            .find(|w| !w.value.starts_with('-') || w.value == "-");
        match target {
            None => self.cwd = self.ctx.home.clone(),
            Some(w) if w.dynamic || w.value == "-" => {}
            Some(w) => self.cwd = resolve_lexical(&w.value, &self.cwd, &self.ctx.home),
        }
    }

    /// Guard rules a `cp`/`install` is excused from for its writes because
    /// every file it copies is one of the rule's exceptions (a template
    /// such as `.env.example`).
    fn template_copy(&self, c: &SimpleCommand, effs: &[Effect]) -> Vec<usize> {
        if !matches!(c.program(), Some("cp" | "install")) {
            return Vec::new();
        }
        let sources: Vec<String> = effs
            .iter()
            .filter_map(|e| match e {
                Effect::Read {
                    path,
                    dynamic: false,
                    ..
                } => Some(
                    resolve_lexical(path, &self.cwd, &self.ctx.home)
                        .to_string_lossy()
                        .into_owned(),
                ),
                _ => None,
            })
            .collect();
        let Ok(index) = self.p.index() else {
            return Vec::new();
        };
        if sources.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (idx, _) in self.p.guards.iter().enumerate() {
            let all_excepted = sources.iter().all(|src| {
                index.globs.iter().any(|(g, o)| {
                    matches!(o, PathOwner::Guard { idx: gi, except: true } if *gi == idx)
                        && g.is_match(src)
                })
            });
            if all_excepted {
                out.push(idx);
            }
        }
        out
    }

    /// Paths named in an interpreter one-liner's string literals
    /// (`python3 -c "…open('~/.aws/credentials')…"`) are checked as reads,
    /// and as writes too when the code writes, deletes or changes modes;
    /// with `perl -i`/`ruby -i` the file arguments are written.
    fn interpreter_mentions(&mut self, c: &SimpleCommand) {
        const INTERPRETERS: &[&str] = &[
            "python", "python2", "python3", "node", "nodejs", "perl", "ruby", "php", "deno", "bun",
        ];
        const WRITES: &[&str] = &[
            "'w",
            "\"w",
            "'a",
            "\"a",
            "write",
            "chmod",
            "chown",
            "unlink",
            "remove",
            "rmtree",
            "rename",
            "symlink",
            "copy",
            "move",
            "appendFile",
            "writeFile",
            "rmSync",
            "truncate",
            "-i",
        ];
        let Some(p) = c.program() else { return };
        if !INTERPRETERS.contains(&p) {
            return;
        }
        let args = c.args();
        let Some(k) = args.iter().position(|w| {
            matches!(
                w.value.as_str(),
                "-c" | "-e" | "-E" | "-r" | "-p" | "--eval"
            ) || (w.value.starts_with('-') && !w.value.starts_with("--") && w.value.ends_with('e'))
        }) else {
            return;
        };
        let Some(code) = args.get(k + 1) else { return };
        if code.dynamic {
            return;
        }
        let in_place = args.iter().take(k + 1).any(|w| {
            w.value.starts_with("-i")
                || (w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('i'))
        });
        let writes = in_place || WRITES.iter().any(|t| code.value.contains(t));
        let mut paths: Vec<String> = string_literals(&code.value)
            .into_iter()
            .filter(|l| {
                l.starts_with('/')
                    || l.starts_with("~/")
                    || l.starts_with("./")
                    || l.starts_with("../")
            })
            .collect();
        if in_place {
            paths.extend(
                args.iter()
                    .skip(k + 2)
                    .filter(|w| !w.value.starts_with('-') && !w.dynamic)
                    .map(|w| w.value.clone()),
            );
        }
        for path in paths {
            self.path_effect(FileOp::Read, &path, false, false, false, None);
            if writes {
                self.path_effect(FileOp::Write, &path, false, false, false, None);
            }
        }
    }

    /// Records `ln -s TARGET LINK` (or `ln -s TARGET DIR/`) so that later
    /// commands using LINK are checked against TARGET
    /// (`ln -s ~ build && rm -rf build/` deletes the home directory).
    fn follow_ln(&mut self, c: &SimpleCommand) {
        if c.program() != Some("ln")
            || !c
                .args()
                .iter()
                .any(|w| w.value.starts_with('-') && w.value.contains('s'))
        {
            return;
        }
        let pos: Vec<&palisade_shell::Word> = c
            .args()
            .iter()
            .filter(|w| !w.value.starts_with('-'))
            .collect();
        let (Some(target), Some(link)) = (pos.first(), pos.get(1)) else {
            return;
        };
        if target.dynamic || link.dynamic {
            return;
        }
        let target_abs = resolve_lexical(&target.value, &self.cwd, &self.ctx.home);
        let mut link_abs = resolve_lexical(&link.value, &self.cwd, &self.ctx.home);
        if link.value.ends_with('/') || link_abs.is_dir() {
            if let Some(name) = target_abs.file_name() {
                link_abs = link_abs.join(name);
            }
        }
        self.links.push((link_abs, target_abs));
    }

    fn network(&mut self, target: &str) {
        let Some(host) = host_of(target) else { return };
        for r in &self.p.rules {
            if r.verdict == Verdict::Allow {
                continue;
            }
            if let Matcher::Domain(d) = &r.matcher {
                if domain_matches(d, &host) {
                    let reason = self.rule_reason(
                        r,
                        Some(target.to_string()),
                        &format!("contacting {host}"),
                    );
                    self.push(reason);
                }
            }
        }
    }

    /// Bash rules for one simple command; returns true if an allow rule covers it.
    fn simple_command(&mut self, c: &SimpleCommand) -> bool {
        let text = rule::normalize_ws(&c.text());
        let raw = rule::normalize_ws(&c.raw);
        let mut allowed = false;
        for r in &self.p.rules {
            let hit = match &r.matcher {
                Matcher::Tool(t) => t == "Bash",
                Matcher::Bash(bp) => bp.is_match(&text) || bp.is_match(&raw),
                Matcher::CommandRegex(re) => re.is_match(&text) || re.is_match(&raw),
                _ => false,
            };
            if !hit {
                continue;
            }
            if r.verdict != Verdict::Allow {
                let reason = self.rule_reason(r, Some(c.raw.clone()), "this command");
                self.push(reason);
            } else if !allowed && self.allow_applies(c, r, &text, &raw) {
                allowed = true;
                let reason = self.rule_reason(r, Some(c.raw.clone()), "this command");
                self.allows.push(reason);
            }
        }
        if c.words.is_empty() && !c.dynamic {
            return true; // a bare assignment or redirection: its effects were checked
        }
        if !allowed {
            if c.dynamic {
                self.notes.push(format!(
                    "`{}` has text that is only known at run time, so no allow rule applies to it",
                    c.raw
                ));
            } else {
                self.notes.push(format!("no allow rule covers `{}`", c.raw));
            }
        }
        allowed
    }

    fn allow_applies(&self, c: &SimpleCommand, r: &PermissionRule, text: &str, raw: &str) -> bool {
        if c.dynamic {
            return false;
        }
        let neutral = c
            .wrappers
            .iter()
            .all(|w| NEUTRAL_WRAPPERS.contains(&w.as_str()))
            && !c.assignments.iter().any(|(k, _)| {
                DANGEROUS_ENV.contains(&k.as_str())
                    || k.starts_with("LD_")
                    || k.starts_with("DYLD_")
            });
        match &r.matcher {
            Matcher::Tool(_) => true,
            Matcher::Bash(bp) => (neutral && bp.is_match(text)) || bp.is_match(raw),
            Matcher::CommandRegex(re) => (neutral && re.is_match(text)) || re.is_match(raw),
            _ => false,
        }
    }

    fn guard_commands(
        &mut self,
        command: &str,
        analysis: &Analysis,
        effs: &[Vec<Effect>],
        i: usize,
    ) {
        let c = &analysis.commands[i];
        let cwd = self.cwd.clone();
        let links = self.links.clone();
        let cx = CheckCtx {
            links: &links,
            command,
            analysis,
            effects: effs,
            home: &self.ctx.home,
            cwd: &cwd,
            project_root: &self.ctx.project_root,
            work_dirs: &self.p.work_dirs,
            protected: &self.p.protected_branches,
        };
        // Regexes see the program by its base name (`/sbin/reboot -f` is `reboot -f`).
        let text = match (c.program(), c.words.first()) {
            (Some(base), Some(w)) if w.value != base => {
                let mut t = c.text();
                t.replace_range(..w.value.len(), base);
                t
            }
            _ => c.text(),
        };
        let prog = c.program().unwrap_or("");
        let semantic = palisade_shell::semantic_effects(c);
        for g in &self.p.guards {
            let mut hit: Option<String> = None;
            if let Some(name) = &g.check {
                hit = check::run(name, &g.values, i, &cx);
            }
            if hit.is_none() && !g.effects.is_empty() {
                let exempt = c.args().iter().any(|a| g.unless_args.contains(&a.value));
                if let Some(e) = semantic
                    .iter()
                    .find(|e| g.effects.iter().any(|k| k == effect_kind(e)))
                {
                    if !exempt {
                        hit = Some(format!("{e} from {}", describe(analysis, i)));
                    }
                }
            }
            if hit.is_none() && g.has_command_matcher() {
                let prog_ok = g.programs.is_empty()
                    || g.programs
                        .iter()
                        .any(|p| p == prog || c.wrappers.iter().any(|w| w == p));
                let exempt = c.args().iter().any(|a| g.unless_args.contains(&a.value));
                if prog_ok && !exempt {
                    let re_ok = g.command_regex.is_empty()
                        || (g.keywords_present(&text)
                            && g.regexes().iter().any(|re| re.is_match(text.as_bytes())));
                    if re_ok {
                        hit = Some(c.raw.clone());
                    }
                }
            }
            if let Some(m) = hit {
                let m = if m == c.raw {
                    describe(analysis, i)
                } else {
                    let full = describe(analysis, i);
                    let parents = full.find(" inside '").map_or("", |k| &full[k..]);
                    format!("{m}{parents}")
                };
                let reason = self.guard_reason(g, m);
                self.push(reason);
            }
        }
    }
}

/// True if a file would loosen the policy: allow rules, guard rules switched
/// off, wider work directories, a different branch list, fail-open, a mode.
fn relaxes(fs: &FileSettings) -> bool {
    fs.rules.iter().any(|r| r.verdict == Verdict::Allow)
        || !fs.disable_rules.is_empty()
        || !fs.additional_directories.is_empty()
        || fs.protected_branches.is_some()
        || fs.fail_mode.is_some()
        || fs.default_mode.is_some()
}

/// A command run by `find … -exec CMD {} ;` acts on whatever `find` walks:
/// its `{}` stands for the whole tree under each of `find`'s start paths, so
/// `find ~/.ssh -name 'id_*' -exec cat {} \;` reads `~/.ssh` recursively.
fn substitute_find_roots(analysis: &Analysis, effs: &mut [Vec<Effect>]) {
    for (i, c) in analysis.commands.iter().enumerate() {
        if c.origin != Origin::FindExec {
            continue;
        }
        let Some(find) = c.parent.and_then(|p| analysis.commands.get(p)) else {
            continue;
        };
        if find.program() != Some("find") {
            continue;
        }
        let mut roots: Vec<(String, bool)> = find
            .args()
            .iter()
            .take_while(|w| !w.value.starts_with('-') && w.value != "(" && w.value != "!")
            .map(|w| (w.value.clone(), w.dynamic))
            .collect();
        if roots.is_empty() {
            roots.push((".".to_string(), false));
        }
        let Some(list) = effs.get_mut(i) else {
            continue;
        };
        let mut out = Vec::with_capacity(list.len());
        for e in list.drain(..) {
            match e {
                Effect::Read { path, .. } if path.contains("{}") => {
                    out.extend(roots.iter().map(|(r, d)| Effect::Read {
                        path: r.clone(),
                        recursive: true,
                        dynamic: *d,
                    }));
                }
                Effect::Write { path, .. } if path.contains("{}") => {
                    out.extend(roots.iter().map(|(r, d)| Effect::Write {
                        path: r.clone(),
                        dynamic: *d,
                    }));
                }
                Effect::Delete {
                    path, recursive, ..
                } if path.contains("{}") => {
                    out.extend(roots.iter().map(|(r, d)| Effect::Delete {
                        path: r.clone(),
                        recursive,
                        dynamic: *d,
                    }));
                }
                other => out.push(other),
            }
        }
        *list = out;
    }
}

/// The kind name guard rules use for a semantic effect (`effects = [...]`).
fn effect_kind(e: &Effect) -> &'static str {
    match e {
        Effect::Read { .. } => "read",
        Effect::Write { .. } => "write",
        Effect::Delete { .. } => "delete",
        Effect::Network { .. } => "network",
        Effect::Exec { .. } => "exec",
        Effect::Privilege { .. } => "privilege",
        Effect::Install { .. } => "install",
        Effect::Persist { .. } => "persist",
        Effect::GitRewrite { .. } => "git_rewrite",
    }
}

/// `'cmd'`, followed by `inside 'outer'` for each command it is nested in
/// (a `bash -c` body, a substitution, an `xargs` or `find -exec`), each cut
/// to 80 characters.
fn describe(analysis: &Analysis, i: usize) -> String {
    fn short(s: &str) -> String {
        let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 80 {
            format!("{}…", one_line.chars().take(79).collect::<String>())
        } else {
            one_line
        }
    }
    let cmds = &analysis.commands;
    let Some(c) = cmds.get(i) else {
        return String::new();
    };
    let mut out = format!("'{}'", short(&c.raw));
    let mut parent = c.parent;
    let mut hops = 0;
    while let Some(k) = parent.filter(|_| hops < 16) {
        let Some(pc) = cmds.get(k) else { break };
        out.push_str(&format!(" inside '{}'", short(&pc.raw)));
        parent = pc.parent;
        hops += 1;
    }
    out
}

/// The contents of the single- and double-quoted literals in `code`
/// (no escapes inside are interpreted; good enough to find paths).
fn string_literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.char_indices();
    while let Some((i, ch)) = chars.next() {
        if ch != '\'' && ch != '"' {
            continue;
        }
        let rest = &code[i + 1..];
        if let Some(end) = rest.find(ch) {
            out.push(rest[..end].to_string());
            for _ in 0..rest[..end].chars().count() + 1 {
                chars.next();
            }
        }
    }
    out
}

/// True for searchers that skip hidden files and directories by default
/// (ripgrep, the silver searcher, fd) when not told to include them.
fn skips_hidden_files(c: &SimpleCommand) -> bool {
    matches!(c.program(), Some("rg" | "ag" | "fd" | "fdfind"))
        && !c.args().iter().any(|w| {
            let a = w.value.as_str();
            a == "--hidden"
                || a == "--unrestricted"
                || a == "-."
                || (a.starts_with("-u") && a[1..].chars().all(|ch| ch == 'u'))
        })
}

/// The path an argument names, if it looks like one: not an option, and
/// starting with `/`, `~/`, `./`, `../`, `$HOME/` or containing a `/`;
/// for `--opt=PATH`, the part after `=`.
fn mentioned_path(arg: &str) -> Option<&str> {
    let v = match arg.split_once('=') {
        Some((k, v)) if k.starts_with('-') => v,
        _ if arg.starts_with('-') => return None,
        _ => arg,
    };
    let looks = v.starts_with('/')
        || v.starts_with("~/")
        || v == "~"
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("$HOME")
        || v.starts_with("${HOME}")
        || (v.contains('/') && !v.contains("://") && !v.contains(char::is_whitespace));
    looks.then_some(v)
}

fn has_glob(p: &str) -> bool {
    p.contains(['*', '?', '['])
}

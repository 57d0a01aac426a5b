//! Parsing with tree-sitter-bash, and the tree walk that finds every simple
//! command (lists, pipelines, compound statements, substitutions, heredocs).

use crate::decode::{self, Output};
use crate::model::{Analysis, Origin, PipelinePos, Redirect, RedirectOp, SimpleCommand, Word};
use crate::oneliner;
use crate::unwrap::{self, Draft};
use crate::vars::Vars;
use crate::word::{self, find_subs, text};
use std::borrow::Cow;
use std::cell::RefCell;
use std::time::{Duration, Instant};
use tree_sitter::{Node, Parser, Tree};

/// Deepest nesting of re-parsed text (`bash -c`, `eval`, heredocs) allowed.
pub(crate) const MAX_DEPTH: usize = 16;
/// Most simple commands listed before giving up.
pub(crate) const MAX_COMMANDS: usize = 10_000;
/// Deepest recursion of the tree walk (all nested parses together), which
/// bounds stack use on inputs such as 10,000 nested `$(`.
const MAX_LEVEL: usize = 200;
/// Time allowed for all parsing of one command line.
const PARSE_BUDGET: Duration = Duration::from_secs(3);

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn new_parser() -> Option<Parser> {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_bash::LANGUAGE.into()).ok()?;
    Some(p)
}

fn run_parser(p: &mut Parser, text: &str, deadline: Instant) -> Option<Tree> {
    let bytes = text.as_bytes();
    let mut cancel = |_: &tree_sitter::ParseState| Instant::now() > deadline;
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut cancel);
    let mut read = |i: usize, _| bytes.get(i..).unwrap_or(&[]);
    let tree = p.parse_with_options(&mut read, None, Some(options));
    if tree.is_none() {
        p.reset();
    }
    tree
}

/// Replaces every non-ASCII byte by an ASCII letter, keeping byte offsets.
///
/// tree-sitter-bash's external scanner calls C `isdigit()` on the lookahead
/// code point, which is undefined behaviour past 255 and segfaults for
/// some inputs (`{` followed by U+E015A). The scanner therefore only ever
/// sees ASCII; nodes are read back from the original text at the same byte
/// offsets. Non-ASCII characters are word characters to bash, as letters
/// are, and equal characters map to equal letters (heredoc delimiters still
/// match).
fn ascii_only(text: &str) -> Cow<'_, str> {
    let text = newline_before_backslash(text);
    if text.is_ascii() {
        return text;
    }
    const LETTERS: &[u8; 52] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let bytes: Vec<u8> = text
        .bytes()
        .map(|b| {
            if b.is_ascii() {
                b
            } else {
                LETTERS[usize::from(b) % LETTERS.len()]
            }
        })
        .collect();
    Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
}

/// tree-sitter-bash joins a line that starts with a backslash to the line
/// before it (`true⏎\cat .env` parses as one command), where bash runs two
/// commands. For the parser only, such a newline becomes `;` (same length,
/// same meaning as a separator). Not done when the text has a heredoc, whose
/// body lines must stay as they are, or after a line-continuation backslash.
fn newline_before_backslash(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let needs = text.contains("\n\\") && !text.contains("<<");
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = b.to_vec();
    for i in 0..b.len().saturating_sub(1) {
        if b[i] == b'\n' && b[i + 1] == b'\\' && (i == 0 || b[i - 1] != b'\\') {
            out[i] = b';';
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Parses `text` with this thread's parser (or a fresh one if it is busy).
fn parse_tree(text: &str, deadline: Instant) -> Option<Tree> {
    let text = &*ascii_only(text);
    PARSER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            if slot.is_none() {
                *slot = new_parser();
            }
            run_parser(slot.as_mut()?, text, deadline)
        }
        Err(_) => run_parser(&mut new_parser()?, text, deadline),
    })
}

/// Analyses a command line. Never panics; see [`Analysis::parse_error`].
///
/// Every simple command is listed in source order, depth-first: a command
/// comes before the commands nested in its words, its `-c` body, its heredoc.
pub fn analyze(command: &str) -> Analysis {
    let mut cx = Ctx {
        commands: Vec::new(),
        error: None,
        next_pipeline: 0,
        deadline: Instant::now() + PARSE_BUDGET,
        vars: Vars::default(),
    };
    cx.script(command, Origin::TopLevel, None, 0, 0);
    Analysis {
        commands: cx.commands,
        parse_error: cx.error,
    }
}

/// The analysis being built.
pub(crate) struct Ctx {
    pub(crate) commands: Vec<SimpleCommand>,
    error: Option<String>,
    next_pipeline: usize,
    deadline: Instant,
    /// Variables of the shell being walked.
    pub(crate) vars: Vars,
}

impl Ctx {
    /// Records a parse error (the first one wins).
    pub(crate) fn fail(&mut self, msg: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(msg.into());
        }
    }

    /// True once the command limit is reached.
    pub(crate) fn full(&self) -> bool {
        self.commands.len() >= MAX_COMMANDS
    }

    /// Adds a command; `None` (and a parse error) past the limit.
    pub(crate) fn push(&mut self, cmd: SimpleCommand) -> Option<usize> {
        if self.full() {
            self.fail("too many commands");
            return None;
        }
        self.commands.push(cmd);
        Some(self.commands.len() - 1)
    }

    fn pipeline_id(&mut self) -> usize {
        self.next_pipeline += 1;
        self.next_pipeline - 1
    }

    /// Parses `text` as a script and lists its commands.
    ///
    /// `depth` counts re-parsed texts (limit [`MAX_DEPTH`]); `level` the walk's
    /// recursion so far.
    pub(crate) fn script(
        &mut self,
        text: &str,
        origin: Origin,
        parent: Option<usize>,
        depth: usize,
        level: usize,
    ) {
        if depth > MAX_DEPTH {
            self.fail("nesting too deep");
            return;
        }
        if self.full() {
            self.fail("too many commands");
            return;
        }
        let Some(tree) = parse_tree(text, self.deadline) else {
            self.fail("parse timed out");
            return;
        };
        let root = tree.root_node();
        if root.has_error() {
            self.fail(describe_error(root, text));
        }
        let walk = Walk {
            src: text,
            origin,
            parent,
            depth,
        };
        // `eval` text runs in this shell; everything else in a child that
        // sees only exported variables.
        let saved = (origin != Origin::Eval && depth > 0).then(|| {
            let child = self.vars.for_child();
            std::mem::replace(&mut self.vars, child)
        });
        walk.node(self, root, &Frame::default(), level + 1);
        if let Some(saved) = saved {
            self.vars.restore(saved);
        }
    }

    /// A context for a side analysis (no commands yet) sharing this one's
    /// deadline and variables.
    pub(crate) fn scratch(&self) -> Ctx {
        Ctx {
            commands: Vec::new(),
            error: None,
            next_pipeline: 0,
            deadline: self.deadline,
            vars: self.vars.clone(),
        }
    }

    /// What `$(…)`, `` `…` `` or `<(…)` (the whole of `value`) outputs, when
    /// it is one pipeline of known commands (`$(echo … | base64 -d)`).
    pub(crate) fn substitution_output(
        &self,
        value: &str,
        depth: usize,
        level: usize,
    ) -> Option<Output> {
        let cmdsub = value.starts_with("$(") || value.starts_with('`');
        let inner = value
            .strip_prefix("$(")
            .or_else(|| value.strip_prefix("<("))
            .and_then(|v| v.strip_suffix(')'))
            .or_else(|| value.strip_prefix('`').and_then(|v| v.strip_suffix('`')))?;
        // Nested substitutions make a stage dynamic anyway; not parsing them
        // here keeps `eval "$(eval "$(…)")"` linear.
        if depth + 1 > MAX_DEPTH
            || inner.starts_with('(')
            || inner.contains("$(")
            || inner.contains("<(")
            || inner.contains('`')
        {
            return None;
        }
        // A substitution sees every variable: parse it as `eval` would.
        let mut tmp = self.scratch();
        tmp.script(inner, Origin::Eval, None, depth + 1, level + 1);
        if tmp.error.is_some() {
            return None;
        }
        let top: Vec<&SimpleCommand> = tmp.commands.iter().filter(|c| c.parent.is_none()).collect();
        let one_pipeline = top.len() == 1
            || top.iter().enumerate().all(|(i, c)| {
                c.pipeline
                    .is_some_and(|p| p.id == 0 && p.index == i && p.len == top.len())
            });
        if top.is_empty() || !one_pipeline {
            return None;
        }
        let mut out = decode::pipeline(&top)?;
        if cmdsub {
            let kept = out.text.trim_end_matches('\n').len();
            out.text.truncate(kept);
        }
        Some(out)
    }
}

/// A message naming the first ERROR or MISSING node.
fn describe_error(root: Node, src: &str) -> String {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_missing() {
            return format!(
                "syntax error: missing `{}` at byte {}",
                n.kind(),
                n.start_byte()
            );
        }
        if n.is_error() {
            let t: String = text(n, src).chars().take(20).collect();
            return format!("syntax error at byte {} near `{t}`", n.start_byte());
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    "syntax error".to_string()
}

/// What an enclosing construct gives the commands inside it.
#[derive(Clone, Default)]
struct Frame {
    /// Redirections of enclosing compound statements (`{ …; } > f`).
    redirects: Vec<Redirect>,
    /// Stage of the enclosing pipeline.
    pipe: Option<PipelinePos>,
}

/// A walk over one parsed text.
struct Walk<'s> {
    src: &'s str,
    origin: Origin,
    parent: Option<usize>,
    depth: usize,
}

impl Walk<'_> {
    fn named<'t>(n: Node<'t>) -> Vec<Node<'t>> {
        let mut cursor = n.walk();
        n.named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect()
    }

    fn node(&self, cx: &mut Ctx, n: Node, frame: &Frame, level: usize) {
        if level > MAX_LEVEL {
            cx.fail("nesting too deep");
            return;
        }
        if cx.full() {
            cx.fail("too many commands");
            return;
        }
        match n.kind() {
            "command" => self.command(cx, n, frame, level),
            "redirected_statement" => self.redirected(cx, n, frame, level),
            "pipeline" => self.pipeline(cx, n, frame, level),
            "command_substitution" => {
                self.sub(cx, n, Origin::CommandSubstitution, self.parent, level)
            }
            "process_substitution" => {
                self.sub(cx, n, Origin::ProcessSubstitution, self.parent, level)
            }
            "variable_assignment" | "variable_assignments" => self.assignments(cx, n, frame, level),
            "declaration_command" | "unset_command" => self.declaration(cx, n, frame, level),
            "file_redirect" | "herestring_redirect" | "heredoc_redirect" => {
                let mut subs = Vec::new();
                let mut dynamic = false;
                let r = self.redirect(n, &mut subs, &mut dynamic, &cx.vars);
                let mut redirects = frame.redirects.clone();
                redirects.push(r);
                let d = self.draft(n, Vec::new(), Vec::new(), redirects, frame, dynamic);
                let idx = unwrap::emit(cx, d, level);
                self.subs(cx, subs, idx, level);
            }
            "comment" => {}
            "ERROR"
                if Self::named(n)
                    .first()
                    .is_some_and(|c| c.kind() == "command_name") =>
            {
                // `{cat,/etc/passwd}` is a brace expansion to bash but a
                // syntax error to the grammar: still list the command.
                self.command(cx, n, frame, level);
            }
            "function_definition" => {
                cx.vars.poison_text(text(n, self.src));
                self.children(cx, n, frame, level);
            }
            "subshell" => {
                let saved = cx.vars.clone();
                self.children(cx, n, frame, level);
                cx.vars.restore(saved);
            }
            _ => self.children(cx, n, frame, level),
        }
    }

    /// Walks the children of `n` in order. In a statement list, a plain
    /// assignment that surely runs (the first of an `&&`/`||` list, not in
    /// the background) sets its variable for the statements after it; any
    /// other statement makes the assigned variables it mentions unknown.
    fn children(&self, cx: &mut Ctx, n: Node, frame: &Frame, level: usize) {
        const SEQUENCES: [&str; 12] = [
            "program",
            "list",
            "compound_statement",
            "subshell",
            "do_group",
            "if_statement",
            "elif_clause",
            "else_clause",
            "case_item",
            "while_statement",
            "for_statement",
            "c_style_for_statement",
        ];
        let seq = SEQUENCES.contains(&n.kind());
        for (i, c) in Self::named(n).into_iter().enumerate() {
            if !seq {
                self.node(cx, c, frame, level + 1);
                continue;
            }
            let background = c.next_sibling().is_some_and(|s| s.kind() == "&");
            let sure = !background && (n.kind() != "list" || i == 0);
            if sure && self.plain_assignment(c) {
                self.node(cx, c, frame, level + 1);
                self.assign(cx, c);
                continue;
            }
            let t = text(c, self.src);
            if c.kind() == "declaration_command" {
                // `declare -n r=a`, `declare -i x=1+1`: not modelled.
                cx.vars.poison_text(t);
            }
            // A simple command's words are expanded before it runs, so only
            // what it does afterwards counts (`read a`, `eval …`); unless a
            // word assigns while expanding (`${a:=x}`, `$((a=1))`).
            let simple = match c.kind() {
                "command" => true,
                "redirected_statement" => c
                    .child_by_field_name("body")
                    .is_some_and(|b| b.kind() == "command"),
                _ => false,
            };
            if !simple || t.contains("${") || t.contains("((") || t.contains("IFS=") {
                cx.vars.statement(t);
            }
            self.node(cx, c, frame, level + 1);
            cx.vars.statement(t);
        }
    }

    /// `a=1`, `a=1 b=2`, `export A=1 B`, `readonly x=1`, `local y=2`.
    fn plain_assignment(&self, n: Node) -> bool {
        match n.kind() {
            "variable_assignment" | "variable_assignments" => true,
            "declaration_command" => {
                let mut cursor = n.walk();
                let children: Vec<Node> = n.children(&mut cursor).collect();
                let keyword = children.first().map(|k| text(*k, self.src));
                matches!(
                    keyword,
                    Some("export" | "readonly" | "local" | "declare" | "typeset")
                ) && children
                    .iter()
                    .skip(1)
                    .all(|c| matches!(c.kind(), "variable_assignment" | "variable_name"))
            }
            _ => false,
        }
    }

    /// Records the variables set by a plain assignment statement.
    fn assign(&self, cx: &mut Ctx, n: Node) {
        let export = n.child(0).is_some_and(|k| text(k, self.src) == "export");
        let list = match n.kind() {
            "variable_assignment" => vec![n],
            _ => Self::named(n),
        };
        for a in list {
            match a.kind() {
                "variable_name" if export => cx.vars.export(text(a, self.src)),
                "variable_assignment" => {
                    let name_node = a.child_by_field_name("name");
                    let name = name_node.map_or("", |x| text(x, self.src));
                    if name_node.is_none_or(|x| x.kind() != "variable_name") {
                        // `a[1]=x`: arrays are not modelled.
                        let base = name.split('[').next().unwrap_or(name);
                        cx.vars.poison(base);
                        continue;
                    }
                    let append = text(a, self.src)
                        .get(name.len()..)
                        .is_some_and(|r| r.starts_with("+="));
                    let value = match a.child_by_field_name("value") {
                        None => Some(Word::lit("")),
                        Some(v) if v.kind() == "array" => None,
                        Some(v) => Some(word::word(v, self.src, &mut Vec::new(), &cx.vars)),
                    };
                    cx.vars.set(name, value, append);
                    if export {
                        cx.vars.export(name);
                    }
                }
                _ => {}
            }
        }
    }

    /// Walks the statements inside a substitution.
    fn sub(&self, cx: &mut Ctx, n: Node, origin: Origin, parent: Option<usize>, level: usize) {
        // Inside backticks bash removes one level of `\\`, `\``, `\$` before
        // parsing the body (`echo \`\\cat .env\``); the grammar does not.
        let t = text(n, self.src);
        if let Some(body) = t.strip_prefix('`').and_then(|b| b.strip_suffix('`')) {
            if body.contains('\\') {
                let mut unescaped = String::with_capacity(body.len());
                let mut chars = body.chars().peekable();
                while let Some(ch) = chars.next() {
                    if ch == '\\' && matches!(chars.peek(), Some('\\' | '`' | '$')) {
                        if let Some(next) = chars.next() {
                            unescaped.push(next);
                        }
                    } else {
                        unescaped.push(ch);
                    }
                }
                let saved = cx.vars.clone();
                cx.script(&unescaped, origin, parent, self.depth + 1, level + 1);
                cx.vars.restore(saved);
                return;
            }
        }
        let inner = Walk {
            src: self.src,
            origin,
            parent,
            depth: self.depth,
        };
        let saved = cx.vars.clone();
        inner.children(cx, n, &Frame::default(), level);
        cx.vars.restore(saved);
    }

    fn subs(&self, cx: &mut Ctx, subs: Vec<Node>, parent: Option<usize>, level: usize) {
        let parent = parent.or(self.parent);
        for s in subs {
            let origin = if s.kind() == "process_substitution" {
                Origin::ProcessSubstitution
            } else {
                Origin::CommandSubstitution
            };
            self.sub(cx, s, origin, parent, level);
        }
    }

    fn draft(
        &self,
        n: Node,
        words: Vec<Word>,
        assignments: Vec<(String, Word)>,
        redirects: Vec<Redirect>,
        frame: &Frame,
        dynamic: bool,
    ) -> Draft {
        Draft {
            words,
            assignments,
            redirects,
            raw: text(n, self.src).to_string(),
            origin: self.origin,
            parent: self.parent,
            pipeline: frame.pipe,
            dynamic,
            depth: self.depth,
        }
    }

    fn command(&self, cx: &mut Ctx, n: Node, frame: &Frame, level: usize) {
        let mut subs = Vec::new();
        let mut words = Vec::new();
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        let mut dynamic = false;
        let mut nested = Vec::new();
        let mut last_word_end: Option<usize> = None;
        for c in Self::named(n) {
            match c.kind() {
                "variable_assignment" => assignments.push(self.assignment(c, &mut subs, &cx.vars)),
                "file_redirect" | "herestring_redirect" | "heredoc_redirect" => {
                    redirects.push(self.redirect(c, &mut subs, &mut dynamic, &cx.vars));
                }
                "subshell" => nested.push(c),
                _ => {
                    let mut new = word::words(c, self.src, &mut subs, &cx.vars);
                    // Nodes with no whitespace between them are one shell word
                    // (tree-sitter-bash splits `cat$IFS$HOME/x` after `$`).
                    if last_word_end == Some(c.start_byte()) && !new.is_empty() {
                        if let Some(prev) = words.last_mut() {
                            let first = new.remove(0);
                            glue(prev, first);
                        }
                    }
                    words.extend(new);
                    last_word_end = Some(c.end_byte());
                }
            }
        }
        redirects.extend(frame.redirects.iter().cloned());
        let d = self.draft(n, words, assignments, redirects, frame, dynamic);
        let idx = unwrap::emit(cx, d, level);
        self.subs(cx, subs, idx, level);
        for c in nested {
            self.node(cx, c, &Frame::default(), level + 1);
        }
    }

    fn assignment<'t>(&self, n: Node<'t>, subs: &mut Vec<Node<'t>>, vars: &Vars) -> (String, Word) {
        let name = n
            .child_by_field_name("name")
            .map(|x| text(x, self.src).to_string())
            .unwrap_or_default();
        let value = match n.child_by_field_name("value") {
            Some(v) => word::word(v, self.src, subs, vars),
            None => Word::lit(""),
        };
        (name, value)
    }

    /// `FOO=1` alone: a command without words.
    fn assignments(&self, cx: &mut Ctx, n: Node, frame: &Frame, level: usize) {
        let mut subs = Vec::new();
        let list = if n.kind() == "variable_assignment" {
            vec![n]
        } else {
            Self::named(n)
        };
        let assigns = list
            .into_iter()
            .filter(|a| a.kind() == "variable_assignment")
            .map(|a| self.assignment(a, &mut subs, &cx.vars))
            .collect();
        let d = self.draft(
            n,
            Vec::new(),
            assigns,
            frame.redirects.clone(),
            frame,
            false,
        );
        let idx = unwrap::emit(cx, d, level);
        self.subs(cx, subs, idx, level);
    }

    /// `export A=1`, `local x`, `unset y`: a command named by the keyword.
    fn declaration(&self, cx: &mut Ctx, n: Node, frame: &Frame, level: usize) {
        let mut subs = Vec::new();
        let mut words = Vec::new();
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        for c in children {
            if !c.is_named() {
                if words.is_empty() {
                    words.push(Word::lit(text(c, self.src)));
                }
                continue;
            }
            match c.kind() {
                "comment" => {}
                "variable_assignment" => {
                    let (name, w) = self.assignment(c, &mut subs, &cx.vars);
                    words.push(Word {
                        value: format!("{name}={}", w.value),
                        ..w
                    });
                }
                _ => words.extend(word::words(c, self.src, &mut subs, &cx.vars)),
            }
        }
        let d = self.draft(n, words, Vec::new(), frame.redirects.clone(), frame, false);
        let idx = unwrap::emit(cx, d, level);
        self.subs(cx, subs, idx, level);
    }

    fn pipeline(&self, cx: &mut Ctx, n: Node, frame: &Frame, level: usize) {
        // tree-sitter-bash nests `a | b | c && d` as pipeline(pipeline(a, b), …):
        // flatten so every stage gets its own position.
        fn flat<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
            for c in Walk::named(n) {
                if c.kind() == "pipeline" {
                    flat(c, out);
                } else {
                    out.push(c);
                }
            }
        }
        let mut stages = Vec::new();
        flat(n, &mut stages);
        // It also parses `a | b | c && d` as pipeline(a, list(pipeline(b, c), d)):
        // the list's first statement continues the pipeline, the rest runs after it.
        let mut after = Vec::new();
        while let Some(last) = stages.last().copied().filter(|l| l.kind() == "list") {
            stages.pop();
            let mut parts = Self::named(last).into_iter();
            if let Some(first) = parts.next() {
                if first.kind() == "pipeline" {
                    flat(first, &mut stages);
                } else {
                    stages.push(first);
                }
            }
            let mut rest: Vec<Node> = parts.collect();
            rest.extend(after);
            after = rest;
        }
        let start = cx.commands.len();
        if let Some(id) = self.stages(cx, stages, frame, None, level) {
            self.pipe_into_shell(cx, id, start, level);
        }
        for a in after {
            self.node(cx, a, frame, level + 1);
        }
    }

    /// `echo … | base64 -d | sh`: a shell reading a pipe runs what the
    /// stages before it write. Known output is parsed ([`Origin::Decoded`]);
    /// otherwise the shell is dynamic.
    fn pipe_into_shell(&self, cx: &mut Ctx, id: usize, start: usize, level: usize) {
        let mut stages: Vec<Vec<usize>> = Vec::new();
        for i in start..cx.commands.len() {
            let Some(c) = cx.commands.get(i) else { break };
            let Some(p) = c.pipeline.filter(|p| p.id == id) else {
                continue;
            };
            if c.parent != self.parent || c.origin != self.origin {
                continue;
            }
            if stages.len() < p.len {
                stages.resize(p.len, Vec::new());
            }
            if let Some(s) = stages.get_mut(p.index) {
                s.push(i);
            }
        }
        for k in 1..stages.len() {
            let [i] = stages[k][..] else { continue };
            let runs = cx.commands.get(i).is_some_and(unwrap::runs_stdin);
            let interpreter = cx.commands.get(i).and_then(oneliner::stdin_lang);
            // A heredoc already fed it (`cat <<EOF | sh`).
            let fed = cx
                .commands
                .get(i + 1..)
                .is_some_and(|after| after.iter().any(|c| c.parent == Some(i)));
            if !(runs || interpreter.is_some()) || fed {
                continue;
            }
            let before: Option<Vec<&SimpleCommand>> = stages[..k]
                .iter()
                .map(|s| match s[..] {
                    [j] => cx.commands.get(j),
                    _ => None,
                })
                .collect();
            match (before.and_then(|b| decode::pipeline(&b)), interpreter) {
                (Some(out), Some(lang)) => {
                    // `echo 'import os; os.system("…")' | python3`
                    let scan = oneliner::scan(lang, &out.text);
                    if scan.dynamic {
                        if let Some(c) = cx.commands.get_mut(i) {
                            c.dynamic = true;
                        }
                    }
                    for text in &scan.commands {
                        cx.script(
                            text,
                            Origin::Interpreter,
                            Some(i),
                            self.depth + 1,
                            level + 1,
                        );
                    }
                }
                (Some(out), None) => cx.script(
                    &out.text,
                    Origin::Decoded,
                    Some(i),
                    self.depth + 1,
                    level + 1,
                ),
                (None, _) => {
                    if let Some(c) = cx.commands.get_mut(i) {
                        c.dynamic = true;
                    }
                }
            }
        }
    }

    /// Walks pipeline stages; `first` overrides the frame of stage 0.
    fn stages(
        &self,
        cx: &mut Ctx,
        stages: Vec<Node>,
        frame: &Frame,
        first: Option<&Frame>,
        level: usize,
    ) -> Option<usize> {
        let len = stages.len();
        let id = (len >= 2).then(|| cx.pipeline_id());
        for (index, stage) in stages.into_iter().enumerate() {
            let mut f = match (index, first) {
                (0, Some(f)) => f.clone(),
                _ => frame.clone(),
            };
            if let Some(id) = id {
                f.pipe = Some(PipelinePos { id, index, len });
            }
            self.node(cx, stage, &f, level + 1);
        }
        id
    }

    fn redirected(&self, cx: &mut Ctx, n: Node, frame: &Frame, level: usize) {
        let body = n.child_by_field_name("body");
        let mut subs = Vec::new();
        let mut dynamic = false;
        let mut redirects = Vec::new();
        let mut tail_pipe = Vec::new();
        let mut tail_right = Vec::new();
        let mut heredoc_body = None;
        for c in Self::named(n) {
            if Some(c) == body {
                continue;
            }
            match c.kind() {
                "file_redirect" | "herestring_redirect" => {
                    redirects.push(self.redirect(c, &mut subs, &mut dynamic, &cx.vars));
                }
                "heredoc_redirect" => {
                    let r = self.redirect(c, &mut subs, &mut dynamic, &cx.vars);
                    heredoc_body = heredoc_body.or(r.body.clone());
                    redirects.push(r);
                    let mut cursor = c.walk();
                    let parts: Vec<(Node, Option<&str>)> = c
                        .children(&mut cursor)
                        .enumerate()
                        .filter_map(|(i, g)| {
                            let field = u32::try_from(i)
                                .ok()
                                .and_then(|i| c.field_name_for_child(i));
                            g.is_named().then_some((g, field))
                        })
                        .collect();
                    for (g, field) in parts {
                        match (g.kind(), field) {
                            ("pipeline", _) => tail_pipe.extend(Self::named(g)),
                            (_, Some("right")) => tail_right.push(g),
                            (_, Some("redirect")) => {
                                redirects.push(self.redirect(g, &mut subs, &mut dynamic, &cx.vars));
                            }
                            _ => {}
                        }
                    }
                }
                _ => self.node(cx, c, frame, level + 1),
            }
        }
        let mut inner = frame.clone();
        inner.redirects.splice(0..0, redirects);
        let start = cx.commands.len();
        match body {
            Some(b) if !tail_pipe.is_empty() => {
                let mut stages = vec![b];
                stages.extend(tail_pipe);
                let id = self.stages(cx, stages, frame, Some(&inner), level);
                if let (Some(id), Some(text)) = (id, heredoc_body) {
                    self.heredoc_into_pipe(cx, id, start, &text, level);
                }
                if let Some(id) = id {
                    self.pipe_into_shell(cx, id, start, level);
                }
            }
            Some(b) => self.node(cx, b, &inner, level + 1),
            None => {
                let d = self.draft(n, Vec::new(), Vec::new(), inner.redirects, frame, dynamic);
                unwrap::emit(cx, d, level);
            }
        }
        let first = (cx.commands.len() > start).then_some(start);
        if dynamic {
            if let Some(c) = first.and_then(|i| cx.commands.get_mut(i)) {
                c.dynamic = true;
            }
        }
        self.subs(cx, subs, first, level);
        for r in tail_right {
            self.node(cx, r, frame, level + 1);
        }
    }

    /// `cat <<EOF | sh`: the heredoc body reaches a shell through the pipe.
    fn heredoc_into_pipe(&self, cx: &mut Ctx, id: usize, start: usize, body: &str, level: usize) {
        let shells: Vec<usize> = (start..cx.commands.len())
            .filter(|&i| {
                cx.commands.get(i).is_some_and(|c| {
                    c.parent == self.parent
                        && c.pipeline.is_some_and(|p| p.id == id && p.index > 0)
                        && unwrap::shell_reads_stdin(c)
                })
            })
            .collect();
        for i in shells {
            cx.script(body, Origin::Heredoc, Some(i), self.depth + 1, level + 1);
        }
    }

    /// One redirection; substitutions in it go to `subs`, and `dynamic` is
    /// set when its target or heredoc body holds an expansion.
    fn redirect<'t>(
        &self,
        n: Node<'t>,
        subs: &mut Vec<Node<'t>>,
        dynamic: &mut bool,
        vars: &Vars,
    ) -> Redirect {
        let fd = n
            .child_by_field_name("descriptor")
            .and_then(|d| text(d, self.src).parse::<u32>().ok());
        match n.kind() {
            "heredoc_redirect" => self.heredoc(n, fd, subs, dynamic),
            "herestring_redirect" => {
                let target = Self::named(n)
                    .into_iter()
                    .find(|c| c.kind() != "file_descriptor")
                    .map(|c| word::word(c, self.src, subs, vars))
                    .unwrap_or_else(|| Word::lit(""));
                *dynamic |= target.dynamic;
                Redirect {
                    op: RedirectOp::HereString,
                    fd,
                    target,
                    body: None,
                }
            }
            _ => {
                let mut cursor = n.walk();
                let op_text = n
                    .children(&mut cursor)
                    .find(|c| !c.is_named())
                    .map(|c| c.kind())
                    .unwrap_or(">");
                let target = n
                    .child_by_field_name("destination")
                    .map(|d| word::word(d, self.src, subs, vars))
                    .unwrap_or_else(|| Word::lit("-"));
                *dynamic |= target.dynamic;
                let numeric = target
                    .value
                    .trim_end_matches('-')
                    .chars()
                    .all(|c| c.is_ascii_digit());
                let op = match op_text {
                    "<" => RedirectOp::Read,
                    ">>" | "&>>" => RedirectOp::Append,
                    "<>" => RedirectOp::ReadWrite,
                    ">&" | "<&" if numeric && !target.dynamic => RedirectOp::Dup,
                    ">&-" | "<&-" => RedirectOp::Dup,
                    "<&" => RedirectOp::Read,
                    _ => RedirectOp::Write,
                };
                Redirect {
                    op,
                    fd,
                    target,
                    body: None,
                }
            }
        }
    }

    fn heredoc<'t>(
        &self,
        n: Node<'t>,
        fd: Option<u32>,
        subs: &mut Vec<Node<'t>>,
        dynamic: &mut bool,
    ) -> Redirect {
        let mut cursor = n.walk();
        let children: Vec<Node<'t>> = n.children(&mut cursor).collect();
        let strip_tabs = children.iter().any(|c| c.kind() == "<<-");
        let delim = children
            .iter()
            .find(|c| c.kind() == "heredoc_start")
            .map(|c| text(*c, self.src))
            .unwrap_or("");
        let quoted = delim.contains(['\'', '"', '\\']);
        let delim: String = delim
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        let mut body = String::new();
        if let Some(b) = children.iter().find(|c| c.kind() == "heredoc_body") {
            let raw = text(*b, self.src);
            body = if quoted {
                raw.to_string()
            } else {
                // Substitutions in an unquoted body run whatever the program.
                let before = subs.len();
                find_subs(*b, subs);
                *dynamic |= subs.len() > before;
                unescape_heredoc(raw)
            };
            if strip_tabs {
                body = body
                    .split_inclusive('\n')
                    .map(|l| l.trim_start_matches('\t'))
                    .collect();
            }
        }
        Redirect {
            op: RedirectOp::HereDoc,
            fd,
            target: Word::lit(&delim),
            body: Some(body),
        }
    }
}

/// Backslash escapes of an unquoted heredoc body: `\$`, `` \` ``, `\\`, and
/// backslash-newline.
fn unescape_heredoc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.peek() {
                Some('$' | '`' | '\\') => {
                    if let Some(n) = it.next() {
                        out.push(n);
                    }
                    continue;
                }
                Some('\n') => {
                    it.next();
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// Joins `next` onto `prev` (two parse nodes that form one shell word). A
/// `$` at the seam followed by a name is an expansion the grammar missed,
/// so the joined word is dynamic.
fn glue(prev: &mut Word, next: Word) {
    let seam_expansion = prev.value.ends_with('$')
        && next
            .value
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_' || ch == '{' || ch == '(');
    prev.value.push_str(&next.value);
    prev.dynamic |= next.dynamic || seam_expansion;
    prev.glob |= next.glob;
}

#[cfg(test)]
mod tests {
    use super::analyze;
    use crate::model::{Origin, Origin::*, RedirectOp};
    use pretty_assertions::assert_eq;

    /// `(text, origin, parent, dynamic)` of every command.
    fn summary(input: &str) -> Vec<(String, Origin, Option<usize>, bool)> {
        let a = analyze(input);
        assert_eq!(a.parse_error, None, "input {input:?}");
        a.commands
            .iter()
            .map(|c| (c.text(), c.origin, c.parent, c.dynamic))
            .collect()
    }

    /// `(text, origin, parent, dynamic)` expected of one command.
    type Expected = (&'static str, Origin, Option<usize>, bool);

    #[test]
    fn commands_found() {
        #[rustfmt::skip]
        let cases: &[(&str, &[Expected])] = &[
            ("a; b && c || d & e", &[("a", TopLevel, None, false), ("b", TopLevel, None, false), ("c", TopLevel, None, false), ("d", TopLevel, None, false), ("e", TopLevel, None, false)]),
            ("a\nb", &[("a", TopLevel, None, false), ("b", TopLevel, None, false)]),
            ("(a; b) | { c; }", &[("a", TopLevel, None, false), ("b", TopLevel, None, false), ("c", TopLevel, None, false)]),
            ("if a; then b; elif c; then d; else e; fi", &[("a", TopLevel, None, false), ("b", TopLevel, None, false), ("c", TopLevel, None, false), ("d", TopLevel, None, false), ("e", TopLevel, None, false)]),
            ("while a; do b; done; for x in 1 2; do c; done", &[("a", TopLevel, None, false), ("b", TopLevel, None, false), ("c", TopLevel, None, false)]),
            ("case x in a) b;; *) c;; esac", &[("b", TopLevel, None, false), ("c", TopLevel, None, false)]),
            ("f() { rm -rf x; }; ! g", &[("rm -rf x", TopLevel, None, false), ("g", TopLevel, None, false)]),
            // Quoting.
            ("\"r\"m -rf x", &[("rm -rf x", TopLevel, None, false)]),
            ("\\rm x", &[("rm x", TopLevel, None, false)]),
            ("r'm' x", &[("rm x", TopLevel, None, false)]),
            ("$'\\x72m' x", &[("rm x", TopLevel, None, false)]),
            ("echo \"a\\\"b\\$c\" 'd\\e' a\\ b", &[("echo a\"b$c d\\e a b", TopLevel, None, false)]),
            ("cp f{,.bak}", &[("cp f f.bak", TopLevel, None, false)]),
            ("echo {a,{b,c}}", &[("echo {a,{b,c}}", TopLevel, None, true)]),
            // Nesting.
            ("bash -c \"sh -c 'rm -rf ~'\"", &[("bash -c sh -c 'rm -rf ~'", TopLevel, None, false), ("sh -c rm -rf ~", ShellC, Some(0), false), ("rm -rf ~", ShellC, Some(1), false)]),
            ("bash -lc 'id'", &[("bash -lc id", TopLevel, None, false), ("id", ShellC, Some(0), false)]),
            ("echo $(curl x) `id`", &[("echo $(curl x) `id`", TopLevel, None, true), ("curl x", CommandSubstitution, Some(0), false), ("id", CommandSubstitution, Some(0), false)]),
            ("bash <(curl -s x)", &[("bash <(curl -s x)", TopLevel, None, true), ("curl -s x", ProcessSubstitution, Some(0), false)]),
            ("X=$(id) y > $(z)", &[("y", TopLevel, None, true), ("id", CommandSubstitution, Some(0), false), ("z", CommandSubstitution, Some(0), false)]),
            ("for f in $(ls); do rm $f; done", &[("ls", CommandSubstitution, None, false), ("rm $f", TopLevel, None, true)]),
            ("eval 'rm -rf /'", &[("eval rm -rf /", TopLevel, None, false), ("rm -rf /", Eval, Some(0), false)]),
            ("eval \"$x\"", &[("eval $x", TopLevel, None, true)]),
            ("$cmd x", &[("$cmd x", TopLevel, None, true)]),
            ("bash -c \"$(curl x)\"", &[("bash -c $(curl x)", TopLevel, None, true), ("curl x", CommandSubstitution, Some(0), false)]),
            ("xargs rm -rf", &[("xargs rm -rf", TopLevel, None, false), ("rm -rf", Xargs, Some(0), true)]),
            ("xargs -I{} -n 1 sh -c 'rm {}'", &[("xargs -I{} -n 1 sh -c rm {}", TopLevel, None, false), ("sh -c rm {}", Xargs, Some(0), true), ("rm {}", ShellC, Some(1), false)]),
            ("xargs -0", &[("xargs -0", TopLevel, None, false), ("echo", Xargs, Some(0), true)]),
            ("find . -name '*.tmp' -exec rm {} \\;", &[("find . -name *.tmp -exec rm {} ;", TopLevel, None, false), ("rm {}", FindExec, Some(0), true)]),
            ("find . -execdir sh -c 'x' {} +", &[("find . -execdir sh -c x {} +", TopLevel, None, false), ("sh -c x {}", FindExec, Some(0), true), ("x", ShellC, Some(1), false)]),
            ("git -c core.pager='sh -c \"curl x\"' log", &[("git -c core.pager=sh -c \"curl x\" log", TopLevel, None, true), ("sh -c curl x", ShellC, Some(0), false), ("curl x", ShellC, Some(1), false)]),
            ("git -c alias.x='!rm -rf /' x", &[("git -c alias.x=!rm -rf / x", TopLevel, None, true), ("rm -rf /", ShellC, Some(0), false)]),
            ("git -c user.name=x commit", &[("git -c user.name=x commit", TopLevel, None, false)]),
            ("bash <<'EOF'\nrm -rf /\nEOF", &[("bash", TopLevel, None, false), ("rm -rf /", Heredoc, Some(0), false)]),
            ("sh <<< 'rm -rf x'", &[("sh", TopLevel, None, false), ("rm -rf x", Heredoc, Some(0), false)]),
            ("bash -s <<EOF\nrm $X\nEOF", &[("bash -s", TopLevel, None, false), ("rm $X", Heredoc, Some(0), true)]),
            ("cat <<EOF | sh\nrm x\nEOF", &[("cat", TopLevel, None, false), ("sh", TopLevel, None, false), ("rm x", Heredoc, Some(1), false)]),
            ("cat <<'EOF' && rm y\nbody\nEOF", &[("cat", TopLevel, None, false), ("rm y", TopLevel, None, false)]),
            ("su -c 'rm x' root", &[("su -c rm x root", TopLevel, None, false), ("rm x", ShellC, Some(0), false)]),
            ("ssh -o ProxyCommand='nc x 22' h", &[("ssh -o ProxyCommand=nc x 22 h", TopLevel, None, false), ("nc x 22", ShellC, Some(0), false)]),
            ("export A=$(id); FOO=1", &[("export A=$(id)", TopLevel, None, true), ("id", CommandSubstitution, Some(0), false), ("", TopLevel, None, false)]),
            ("a=$(< .env)", &[("", TopLevel, None, true), ("", CommandSubstitution, Some(0), false)]),
        ];
        for (input, want) in cases {
            let want: Vec<_> = want
                .iter()
                .map(|(t, o, p, d)| (t.to_string(), *o, *p, *d))
                .collect();
            assert_eq!(summary(input), want, "input {input:?}");
        }
    }

    #[test]
    fn wrappers_stripped() {
        #[rustfmt::skip]
        let cases: &[(&str, &str, &[&str])] = &[
            ("env A=1 sudo -u root nice -n 5 timeout 10 rm -rf /", "rm -rf /", &["env", "sudo", "nice", "timeout"]),
            ("/usr/bin/sudo -E -H /bin/rm x", "/bin/rm x", &["sudo"]),
            ("sudo -s", "sudo -s", &[]),
            ("command -v rm", "command -v rm", &[]),
            ("command -p rm x", "rm x", &["command"]),
            ("exec -a n nohup stdbuf -oL ionice -c 2 -n 7 setsid rm x", "rm x", &["exec", "nohup", "stdbuf", "ionice", "setsid"]),
            ("timeout -s KILL --preserve-status 5s time -p doas -u r rm x", "rm x", &["timeout", "time", "doas"]),
            ("chrt -f 10 taskset -c 0 unbuffer caffeinate -t 5 builtin rm x", "rm x", &["chrt", "taskset", "unbuffer", "caffeinate", "builtin"]),
            ("flock /tmp/l rm x", "rm x", &["flock"]),
            ("flock /tmp/l -c 'rm x'", "sh -c rm x", &["flock"]),
            ("env -i -u HOME -C /tmp -- rm x", "rm x", &["env"]),
            ("env -S 'rm -rf x'", "rm -rf x", &["env"]),
            ("env", "env", &[]),
            ("busybox rm x", "rm x", &["busybox"]),
        ];
        for (input, text, wrappers) in cases {
            let a = analyze(input);
            let c = &a.commands[0];
            assert_eq!(
                (c.text(), c.wrappers.clone()),
                (
                    text.to_string(),
                    wrappers.iter().map(|w| w.to_string()).collect::<Vec<_>>()
                ),
                "input {input:?}"
            );
        }
        let a = analyze("env A=1 B=2 X=3 rm x");
        let names: Vec<_> = a.commands[0]
            .assignments
            .iter()
            .map(|(n, w)| format!("{n}={}", w.value))
            .collect();
        assert_eq!(
            names,
            ["X=3".to_string(), "A=1".into(), "B=2".into()]
                .iter()
                .skip(1)
                .cloned()
                .chain(["X=3".to_string()])
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn words_and_flags() {
        let a = analyze("cat .e* \"*\" ~/x $HOME/.ssh ${HOME}/x [ab] \\*");
        let w: Vec<_> = a.commands[0]
            .args()
            .iter()
            .map(|w| (w.value.as_str(), w.dynamic, w.glob))
            .collect();
        assert_eq!(
            w,
            [
                (".e*", false, true),
                ("*", false, false),
                ("~/x", false, false),
                ("$HOME/.ssh", true, false),
                ("${HOME}/x", true, false),
                ("[ab]", false, true),
                ("*", false, false)
            ]
        );
        assert!(!analyze("test [ x").commands[0].words[1].glob);
    }

    #[test]
    fn pipelines() {
        let a = analyze("curl x | sh; a | b | c");
        let p: Vec<_> = a
            .commands
            .iter()
            .map(|c| c.pipeline.map(|p| (p.id, p.index, p.len)))
            .collect();
        assert_eq!(
            p,
            [
                Some((0, 0, 2)),
                Some((0, 1, 2)),
                Some((1, 0, 3)),
                Some((1, 1, 3)),
                Some((1, 2, 3))
            ]
        );
        assert_eq!(analyze("a && b").commands[0].pipeline, None);
    }

    #[test]
    fn redirects() {
        let a = analyze(
            "< .env cat 2>&1 >f 2>>g &>h >&i 3<&0 >&-; { a; b; } > k; c <<< w; d <<EOF\nhi\nEOF",
        );
        let r: Vec<_> = a.commands[0]
            .redirects
            .iter()
            .map(|r| (r.op, r.fd, r.target.value.as_str()))
            .collect();
        use RedirectOp::*;
        assert_eq!(
            r,
            [
                (Read, None, ".env"),
                (Dup, Some(2), "1"),
                (Write, None, "f"),
                (Append, Some(2), "g"),
                (Write, None, "h"),
                (Write, None, "i"),
                (Dup, Some(3), "0"),
                (Dup, None, "-")
            ]
        );
        for i in [1, 2] {
            assert_eq!(a.commands[i].redirects[0].target.value, "k");
        }
        assert_eq!(a.commands[3].redirects[0].op, HereString);
        assert_eq!(a.commands[4].redirects[0].op, HereDoc);
        assert_eq!(a.commands[4].redirects[0].body.as_deref(), Some("hi\n"));
    }

    #[test]
    fn parse_errors_never_panic() {
        let deep_eval = format!("{}rm x", "eval ".repeat(20));
        let cases = [
            "echo \"unterminated".to_string(),
            "if then fi".into(),
            "a && ".into(),
            ")(".into(),
            "\0rm\0".into(),
            "$(".repeat(5000),
            "(".repeat(10_000),
            deep_eval,
            "a;".repeat(12_000),
            // tree-sitter-bash does not know `<>`: fails closed.
            "cat <>j".into(),
            // Regression: segfaulted tree-sitter-bash's scanner (C isdigit on U+E015A).
            "{\u{E015A}".into(),
            "echo hi; ".repeat(100_000),
        ];
        for input in &cases {
            let a = analyze(input);
            assert!(a.parse_error.is_some(), "input {:?}", input.get(..40));
            assert!(a.is_dynamic());
        }
        assert!(analyze("echo \"unterminated")
            .commands
            .iter()
            .any(|c| c.text() == "echo"));
        assert!(analyze("a;".repeat(12_000).as_str()).commands.len() <= super::MAX_COMMANDS);
        let uni = analyze("cat ~/d\u{e9}j\u{e0}/\u{1F600} <<\u{c9}OF\nbody\n\u{c9}OF");
        assert_eq!(uni.parse_error, None);
        assert_eq!(uni.commands[0].text(), "cat ~/d\u{e9}j\u{e0}/\u{1F600}");
        assert_eq!(uni.commands[0].redirects[0].body.as_deref(), Some("body\n"));
        let big = analyze(&"x".repeat(1 << 20));
        assert_eq!((big.parse_error, big.commands.len()), (None, 1));
        // 16 levels of `bash -c` are fine, 17 are not.
        let nest = |n: usize| (0..n).fold("rm x".to_string(), |acc, _| format!("eval {acc}"));
        assert_eq!(analyze(&nest(16)).parse_error, None);
        assert_eq!(
            analyze(&nest(17)).parse_error.as_deref(),
            Some("nesting too deep")
        );
    }
}

//! `palisade log`: read, check and export the audit log.

use anyhow::Context as _;
use palisade_audit::{parse_time, verify, Kind, Log, Query, Record, Stored};
use std::path::PathBuf;

/// Read, check and export the audit log of decisions (issue #8).
///
/// The hook appends one record for every decision (`palisade run` for each
/// run and sandbox refusal, `palisade scan` for each finding),
/// hash-chained and sealed with a key kept outside the log, so that
/// `palisade log verify` finds any edit, deletion, reordering or cut.
/// Record format and guarantees: docs/AUDIT.md.
///
/// The log lives in ~/.local/state/palisade/audit ($XDG_STATE_HOME,
/// `[audit] dir` in the managed or user palisade.toml, or
/// $PALISADE_AUDIT_DIR); the key in ~/.config/palisade/audit.key
/// ($PALISADE_AUDIT_KEY_FILE). `[audit] enabled = false` or
/// PALISADE_AUDIT=off stops logging; `[audit] fsync = true` or
/// PALISADE_AUDIT_FSYNC=1 makes it fsync each record.
///
/// Examples:
///   palisade log tail -n 20
///   palisade log query --since 2h --verdict deny
///   palisade log query --session 0b7c… --format json | jq .action
///   palisade log query --flag bypass-permissions
///   palisade log sessions --bypass
///   palisade log query --agent palisade-run --verdict deny
///   palisade log verify
///   palisade log export --since 2026-01-01 > audit.jsonl
///   palisade log ship --endpoint http://127.0.0.1:4318
///
/// Exit codes: 0 ok; 1 `verify` found a problem, or `ship` could not
/// deliver (nothing is lost); 2 usage, configuration or read error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    command: LogCommand,
    /// The log's directory (default as above).
    #[arg(long, value_name = "DIR", global = true)]
    dir: Option<PathBuf>,
    /// The seal key's file (default as above).
    #[arg(long, value_name = "FILE", global = true)]
    key: Option<PathBuf>,
    /// Directory of the managed layer's palisade.toml, instead of
    /// /etc/palisade (for tests).
    #[arg(long, value_name = "DIR", global = true, hide = true)]
    managed_dir: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
enum LogCommand {
    /// Print the newest decisions, oldest first.
    Tail {
        /// How many.
        #[arg(short = 'n', long, default_value_t = 20)]
        lines: usize,
        /// Keep printing new decisions as they are logged (until interrupted).
        #[arg(short, long)]
        follow: bool,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the decisions that match every filter given, oldest first.
    Query {
        #[command(flatten)]
        filter: Filter,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Check the whole log: hashes, seq and prev links, seals and head.
    /// Exit 1 and say where if anything was edited, deleted, reordered or
    /// cut; a record cut short by a crash is a warning.
    Verify {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write records as JSON lines for a SIEM, exactly as stored (so the
    /// hashes can be rechecked), seals included. Fields: seq, time (RFC
    /// 3339 UTC), unix_ms, kind (decision|seal), agent, session, cwd,
    /// event, action, verdict, rule, layer, source, reason, duration_us,
    /// mode and flags (when present), segment, mac, prev, hash.
    Export {
        /// Only records at or after TIME.
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Only records before TIME.
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
    },
    /// Seal the current segment now and start a new one.
    Seal,
    /// List the agents' sessions, most recently active first: agent, first
    /// and last decision, counts by verdict, permission modes in the order
    /// seen, and whether (and when) a session switched to
    /// bypassPermissions after running in another mode.
    Sessions {
        /// Only sessions with a decision at or after TIME (as for `query`).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Only sessions that ran with the agent's permission prompts off.
        #[arg(long)]
        bypass: bool,
        /// `json`: one session object per line (session, agent, first_ms,
        /// last_ms, total, verdicts, bypass, modes, switched_to_bypass_ms).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    Ship(crate::cmd::log_ship::ShipArgs),
}

/// Output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// One line per decision.
    Human,
    /// One JSON record per line, as stored.
    Json,
}

/// Filters of `query`; all given must match.
#[derive(clap::Args, Debug, Default)]
struct Filter {
    /// At or after TIME: RFC 3339 (2026-01-02T03:04:05Z), a date
    /// (2026-01-02, midnight UTC), or an age (90s, 30m, 2h, 7d).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Before TIME (same forms as --since).
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// The agent (claude-code).
    #[arg(long)]
    agent: Option<String>,
    /// The agent's session id.
    #[arg(long)]
    session: Option<String>,
    /// allow, ask, deny or pass.
    #[arg(long)]
    verdict: Option<String>,
    /// The deciding rule's id.
    #[arg(long)]
    rule: Option<String>,
    /// Text in the action (a path, a command) or the start of the cwd.
    #[arg(long)]
    path: Option<String>,
    /// A flag the record carries: bypass-permissions (the agent ran with
    /// its own permission prompts off).
    #[arg(long)]
    flag: Option<String>,
}

impl Filter {
    /// The filter as a [`Query`], its times resolved against now.
    fn query(&self) -> anyhow::Result<Query> {
        let now = jiff::Timestamp::now().as_millisecond();
        let time = |t: &Option<String>| t.as_deref().map(|s| parse_time(s, now)).transpose();
        Ok(Query {
            since_ms: time(&self.since)?,
            until_ms: time(&self.until)?,
            agent: self.agent.clone(),
            session: self.session.clone(),
            verdict: self.verdict.clone(),
            rule: self.rule.clone(),
            path: self.path.clone(),
            flag: self.flag.clone(),
        })
    }
}

/// Load options for reading `[audit]` and `[telemetry]`.
pub(crate) fn load_options(a: &Args) -> palisade_policy::LoadOptions {
    let flags = crate::env::PolicyFlags {
        managed_dir: a.managed_dir.clone(),
        ..Default::default()
    };
    crate::env::setup(None, &flags, "palisade", None, None).1
}

/// The log: `--dir`, else `$PALISADE_AUDIT_DIR`, else `[audit] dir`, else
/// the default.
pub(crate) fn log_of(a: &Args) -> anyhow::Result<Log> {
    crate::audit::reader_log(a.dir.clone(), a.key.clone(), a.managed_dir.clone())
}

/// One decision as a line of text.
fn human(r: &Record) -> String {
    let e = &r.entry;
    let mut s = format!("{}  #{}  {:<5}  {}", r.time, r.seq, e.verdict, e.agent);
    if let Some(sess) = &e.session {
        s.push_str(&format!(" [{}]", sess.chars().take(8).collect::<String>()));
    }
    s.push_str(&format!("  {}", e.action));
    if let Some(rule) = &e.rule {
        s.push_str(&format!("  rule {rule}"));
        if let Some(l) = &e.layer {
            s.push_str(&format!(" ({l}"));
            if let Some(src) = &e.source {
                s.push_str(&format!(", {src}"));
            }
            s.push(')');
        }
    }
    if !e.reason.is_empty() {
        s.push_str(&format!(": {}", e.reason));
    }
    for f in &e.flags {
        s.push_str(&format!("  !{f}"));
    }
    s.push_str(&format!("  [{} µs]", e.duration_us));
    s
}

/// One session as a line of text.
fn session_line(s: &palisade_audit::Session) -> String {
    let time = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| format!("{t:.0}"))
            .unwrap_or_default()
    };
    let verdicts: Vec<String> = s.verdicts.iter().map(|(v, n)| format!("{v} {n}")).collect();
    let mut line = format!(
        "{}  {}  {} .. {}  {} decisions ({})  modes: {}",
        s.session,
        s.agent,
        time(s.first_ms),
        time(s.last_ms),
        s.total,
        verdicts.join(", "),
        if s.modes.is_empty() {
            "-".to_string()
        } else {
            s.modes.join(" -> ")
        }
    );
    if let Some(ms) = s.switched_to_bypass_ms {
        line.push_str(&format!("  !switched to bypassPermissions at {}", time(ms)));
    } else if s.bypass {
        line.push_str("  !bypass-permissions");
    }
    line
}

fn print(s: &Stored, format: Format) {
    match format {
        Format::Human => out!("{}", human(&s.record)),
        Format::Json => out!("{}", s.raw),
    }
}

/// Runs `palisade log`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    if let LogCommand::Ship(s) = &a.command {
        return crate::cmd::log_ship::run(s, &load_options(&a), || log_of(&a));
    }
    let log = log_of(&a)?;
    let read = |from| {
        log.read(from)
            .with_context(|| format!("reading the log in {}", log.dir().display()))
    };
    match a.command {
        LogCommand::Tail {
            lines,
            follow,
            format,
        } => {
            let all = read(1)?;
            let decisions: Vec<&Stored> = all
                .iter()
                .filter(|s| s.record.kind == Kind::Decision)
                .collect();
            for s in &decisions[decisions.len().saturating_sub(lines)..] {
                print(s, format);
            }
            if follow {
                let (mut seq, mut seg) = all.last().map_or((0, 1), |s| (s.record.seq, s.segment));
                loop {
                    std::thread::sleep(std::time::Duration::from_millis(500));
                    for s in read(seg)? {
                        if s.record.seq > seq {
                            (seq, seg) = (s.record.seq, s.segment);
                            if s.record.kind == Kind::Decision {
                                print(&s, format);
                            }
                        }
                    }
                }
            }
            Ok(crate::exit::OK)
        }
        LogCommand::Query { filter, format } => {
            let q = filter.query()?;
            for s in read(1)?.iter().filter(|s| q.matches(&s.record)) {
                print(s, format);
            }
            Ok(crate::exit::OK)
        }
        LogCommand::Export { since, until } => {
            let now = jiff::Timestamp::now().as_millisecond();
            let since = since.as_deref().map(|s| parse_time(s, now)).transpose()?;
            let until = until.as_deref().map(|s| parse_time(s, now)).transpose()?;
            for s in read(1)? {
                let t = s.record.unix_ms;
                if since.is_none_or(|x| t >= x) && until.is_none_or(|x| t < x) {
                    out!("{}", s.raw);
                }
            }
            Ok(crate::exit::OK)
        }
        LogCommand::Verify { json } => {
            let r = verify(&log)
                .with_context(|| format!("reading the log in {}", log.dir().display()))?;
            if json {
                out!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                for w in &r.warnings {
                    out!("warning: {}: {} [{}]", w.at, w.message, w.code);
                }
                match &r.problem {
                    None => out!(
                        "ok: {} records in {} segments ({} seals checked), last seq {}, in {}",
                        r.records,
                        r.segments,
                        r.seals,
                        r.last_seq,
                        log.dir().display()
                    ),
                    Some(p) => out!(
                        "TAMPERED: {}: {} [{}] ({} records before it are intact)",
                        p.at,
                        p.message,
                        p.code,
                        r.records
                    ),
                }
            }
            Ok(if r.ok() {
                crate::exit::OK
            } else {
                crate::exit::DENY
            })
        }
        LogCommand::Sessions {
            since,
            bypass,
            format,
        } => {
            let now = jiff::Timestamp::now().as_millisecond();
            let since = since.as_deref().map(|s| parse_time(s, now)).transpose()?;
            let all = read(1)?;
            let listed = palisade_audit::sessions(all.iter().map(|s| &s.record))
                .into_iter()
                .filter(|s| since.is_none_or(|t| s.last_ms >= t) && (!bypass || s.bypass));
            for s in listed {
                match format {
                    Format::Json => out!("{}", serde_json::to_string(&s)?),
                    Format::Human => out!("{}", session_line(&s)),
                }
            }
            Ok(crate::exit::OK)
        }
        LogCommand::Seal => {
            match log
                .seal()
                .with_context(|| format!("sealing the log in {}", log.dir().display()))?
            {
                Some(s) => out!(
                    "sealed segment {} at seq {}",
                    s.segment.unwrap_or_default(),
                    s.seq
                ),
                None => out!("nothing to seal"),
            }
            Ok(crate::exit::OK)
        }
        LogCommand::Ship(_) => Ok(crate::exit::OK), // handled above
    }
}

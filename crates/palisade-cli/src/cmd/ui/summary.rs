//! What the dashboard's JSON API answers, computed from the log's records
//! and [`verify`](palisade_audit::verify)'s report.

use palisade_audit::{Issue, Kind, Query, Record, Report, Session, Stored};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// Up to this span between the first and last decision, the chart has one
/// bar per hour; beyond it, one per day.
const HOURLY_UP_TO_MS: i64 = 48 * HOUR_MS;
/// The most bars in the chart; older ones are left out.
const MAX_BUCKETS: i64 = 366;
/// How many rules `top_rules` lists.
const TOP_RULES: usize = 15;
/// How many denied decisions `denied` lists (newest first).
const DENIED: usize = 100;
/// How many sessions `sessions` lists (most recently active first).
const SESSIONS: usize = 200;

/// Counts by verdict (`allow`, `ask`, `deny`, `pass`, …).
pub type Counts = BTreeMap<String, u64>;

/// The answer of `/api/summary`.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// Whether the log verifies, and where it does not.
    pub log: LogStatus,
    /// Decisions in the log (seals not counted).
    pub total: u64,
    /// Decisions by verdict.
    pub verdicts: Counts,
    /// Decisions over time, by verdict.
    pub timeline: Timeline,
    /// The rules that decided most often.
    pub top_rules: Vec<RuleCount>,
    /// The newest denied decisions, with their rule and reason.
    pub denied: Vec<&'a Record>,
    /// The agents' sessions, most recently active first.
    pub sessions: Vec<Session>,
    /// Every agent seen, for the filter's menu.
    pub agents: Vec<String>,
    /// Every flag seen, for the filter's menu.
    pub flags: Vec<String>,
}

/// [`verify`](palisade_audit::verify)'s verdict on the log, for display.
#[derive(Debug, Serialize)]
pub struct LogStatus {
    /// The log's directory.
    pub dir: String,
    /// No problem found.
    pub ok: bool,
    /// Records checked (decisions and seals).
    pub records: u64,
    /// Segment files read.
    pub segments: usize,
    /// Seals whose MAC checked.
    pub seals: u64,
    /// The last good record's seq.
    pub last_seq: u64,
    /// The first problem: the log was edited, cut, or cannot be checked.
    pub problem: Option<IssueView>,
    /// Traces of crashes, which hide nothing.
    pub warnings: Vec<IssueView>,
}

/// One issue of the report, its location as text (`file:line (seq N)`).
#[derive(Debug, Serialize)]
pub struct IssueView {
    /// The stable code (`hash-mismatch`, …).
    pub code: &'static str,
    /// Where.
    pub at: String,
    /// What, in one sentence.
    pub message: String,
}

impl From<&Issue> for IssueView {
    fn from(i: &Issue) -> Self {
        IssueView {
            code: i.code,
            at: i.at.to_string(),
            message: i.message.clone(),
        }
    }
}

/// Decisions per hour or per day (UTC), by verdict.
#[derive(Debug, Serialize)]
pub struct Timeline {
    /// `hour` or `day`.
    pub unit: &'static str,
    /// The width of a bucket in milliseconds.
    pub bucket_ms: i64,
    /// Consecutive buckets, oldest first, empty ones included.
    pub buckets: Vec<Bucket>,
}

/// One bar of the chart.
#[derive(Debug, Serialize)]
pub struct Bucket {
    /// Its start, Unix milliseconds.
    pub start_ms: i64,
    /// Decisions in it by verdict.
    pub counts: Counts,
}

/// How often a rule decided.
#[derive(Debug, Serialize)]
pub struct RuleCount {
    /// The rule's id.
    pub rule: String,
    /// Decisions it made.
    pub count: u64,
    /// Those by verdict.
    pub verdicts: Counts,
}

/// Summarises `records` (oldest first, as read) and the log's `report`.
pub fn summarise<'a>(dir: &str, records: &'a [Stored], report: &Report) -> Summary<'a> {
    let decisions: Vec<&Record> = records
        .iter()
        .map(|s| &s.record)
        .filter(|r| r.kind == Kind::Decision)
        .collect();
    let mut verdicts = Counts::new();
    let mut rules: HashMap<&str, RuleCount> = HashMap::new();
    let mut agents: Vec<String> = Vec::new();
    let mut flags: Vec<String> = Vec::new();
    for r in &decisions {
        let e = &r.entry;
        *verdicts.entry(e.verdict.clone()).or_default() += 1;
        if let Some(rule) = &e.rule {
            let c = rules.entry(rule).or_insert_with(|| RuleCount {
                rule: rule.clone(),
                count: 0,
                verdicts: Counts::new(),
            });
            c.count += 1;
            *c.verdicts.entry(e.verdict.clone()).or_default() += 1;
        }
        if !agents.contains(&e.agent) {
            agents.push(e.agent.clone());
        }
        for f in &e.flags {
            if !flags.contains(f) {
                flags.push(f.clone());
            }
        }
    }
    let mut top_rules: Vec<RuleCount> = rules.into_values().collect();
    top_rules.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    top_rules.truncate(TOP_RULES);
    let mut sessions = palisade_audit::sessions(decisions.iter().copied());
    sessions.truncate(SESSIONS);
    agents.sort();
    flags.sort();
    Summary {
        log: LogStatus {
            dir: dir.to_string(),
            ok: report.ok(),
            records: report.records,
            segments: report.segments,
            seals: report.seals,
            last_seq: report.last_seq,
            problem: report.problem.as_ref().map(IssueView::from),
            warnings: report.warnings.iter().map(IssueView::from).collect(),
        },
        total: decisions.len() as u64,
        verdicts,
        timeline: timeline(&decisions),
        top_rules,
        denied: decisions
            .iter()
            .rev()
            .filter(|r| r.entry.verdict == "deny")
            .take(DENIED)
            .copied()
            .collect(),
        sessions,
        agents,
        flags,
    }
}

/// Buckets `decisions` (oldest first) by hour, or by day when they span
/// more than two days; at most [`MAX_BUCKETS`], the newest.
fn timeline(decisions: &[&Record]) -> Timeline {
    let (Some(first), Some(last)) = (
        decisions.iter().map(|r| r.unix_ms).min(),
        decisions.iter().map(|r| r.unix_ms).max(),
    ) else {
        return Timeline {
            unit: "hour",
            bucket_ms: HOUR_MS,
            buckets: Vec::new(),
        };
    };
    let (unit, width) = if last - first <= HOURLY_UP_TO_MS {
        ("hour", HOUR_MS)
    } else {
        ("day", DAY_MS)
    };
    let end = last.div_euclid(width) * width;
    let start = (first.div_euclid(width) * width).max(end - (MAX_BUCKETS - 1) * width);
    let mut buckets: Vec<Bucket> = (0..=(end - start) / width)
        .map(|i| Bucket {
            start_ms: start + i * width,
            counts: Counts::new(),
        })
        .collect();
    for r in decisions.iter().filter(|r| r.unix_ms >= start) {
        let i = ((r.unix_ms - start) / width) as usize;
        if let Some(b) = buckets.get_mut(i) {
            *b.counts.entry(r.entry.verdict.clone()).or_default() += 1;
        }
    }
    Timeline {
        unit,
        bucket_ms: width,
        buckets,
    }
}

/// The answer of `/api/decisions`.
#[derive(Debug, Serialize)]
pub struct Decisions<'a> {
    /// Decisions that match the filters.
    pub matched: usize,
    /// The most returned.
    pub limit: usize,
    /// The newest `limit` of them, newest first, as stored.
    pub decisions: Vec<&'a Record>,
}

/// The decisions among `records` that `q` selects, newest first, at most `limit`.
pub fn decisions<'a>(records: &'a [Stored], q: &Query, limit: usize) -> Decisions<'a> {
    let all: Vec<&Record> = records
        .iter()
        .rev()
        .map(|s| &s.record)
        .filter(|r| q.matches(r))
        .collect();
    Decisions {
        matched: all.len(),
        limit,
        decisions: all.into_iter().take(limit).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_audit::Entry;
    use pretty_assertions::assert_eq;

    fn stored(seq: u64, unix_ms: i64, verdict: &str, rule: Option<&str>, session: &str) -> Stored {
        Stored {
            segment: 1,
            line: seq,
            raw: String::new(),
            record: Record {
                seq,
                time: String::new(),
                unix_ms,
                kind: Kind::Decision,
                entry: Entry {
                    agent: "claude-code".into(),
                    session: Some(session.into()),
                    action: format!("Bash: {seq}"),
                    verdict: verdict.into(),
                    rule: rule.map(String::from),
                    mode: Some("default".into()),
                    ..Entry::default()
                },
                segment: None,
                mac: None,
                prev: String::new(),
                hash: String::new(),
            },
        }
    }

    #[test]
    fn summary_counts_rules_sessions_and_hours() {
        let h = HOUR_MS;
        let mut records = vec![
            stored(1, 10 * h + 5, "deny", Some("cred.ssh"), "a"),
            stored(2, 10 * h + 9, "allow", None, "a"),
            stored(3, 12 * h, "deny", Some("cred.ssh"), "b"),
            stored(4, 12 * h + 1, "ask", Some("git.push"), "b"),
        ];
        records[3].record.entry.flags = vec![palisade_audit::BYPASS_FLAG.into()];
        let s = summarise("/log", &records, &Report::default());
        assert!(s.log.ok);
        assert_eq!(s.total, 4);
        assert_eq!(s.verdicts["deny"], 2);
        assert_eq!(s.timeline.unit, "hour");
        let bars: Vec<(i64, u64)> = s
            .timeline
            .buckets
            .iter()
            .map(|b| (b.start_ms / h, b.counts.values().sum()))
            .collect();
        assert_eq!(bars, vec![(10, 2), (11, 0), (12, 2)]);
        assert_eq!(
            s.top_rules
                .iter()
                .map(|r| (r.rule.as_str(), r.count))
                .collect::<Vec<_>>(),
            vec![("cred.ssh", 2), ("git.push", 1)]
        );
        assert_eq!(
            s.denied.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![3, 1]
        );
        let sess: Vec<(&str, u64, bool)> = s
            .sessions
            .iter()
            .map(|x| (x.session.as_str(), x.total, x.bypass))
            .collect();
        assert_eq!(sess, vec![("b", 2, true), ("a", 2, false)]);
        assert_eq!(s.flags, vec![palisade_audit::BYPASS_FLAG.to_string()]);
    }

    #[test]
    fn long_spans_are_daily_and_capped() {
        let records = vec![
            stored(1, 0, "allow", None, "a"),
            stored(2, 1000 * DAY_MS, "allow", None, "a"),
        ];
        let t = summarise("/log", &records, &Report::default()).timeline;
        assert_eq!(t.unit, "day");
        assert_eq!(t.buckets.len() as i64, MAX_BUCKETS);
        assert_eq!(t.buckets.last().map(|b| b.counts["allow"]), Some(1));
        assert_eq!(
            summarise("/log", &[], &Report::default())
                .timeline
                .buckets
                .len(),
            0
        );
    }

    #[test]
    fn decisions_are_newest_first_and_limited() {
        let records: Vec<Stored> = (1..=5)
            .map(|i| {
                stored(
                    i,
                    i as i64,
                    if i % 2 == 0 { "deny" } else { "allow" },
                    None,
                    "a",
                )
            })
            .collect();
        let q = Query {
            verdict: Some("allow".into()),
            ..Query::default()
        };
        let d = decisions(&records, &q, 2);
        assert_eq!(d.matched, 3);
        assert_eq!(
            d.decisions.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![5, 3]
        );
    }
}

//! Agent sessions as the log saw them: for `palisade log sessions` and the
//! dashboard.

use crate::record::{Kind, Record};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The flag on every record of an agent running with its own permission
/// prompts off (Claude Code `permission_mode: bypassPermissions`).
pub const BYPASS_FLAG: &str = "bypass-permissions";

/// The permission mode that turns the agent's own prompts off.
const BYPASS_MODE: &str = "bypassPermissions";

/// One agent session, summarised from its decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// The session id.
    pub session: String,
    /// The agent of its first decision.
    pub agent: String,
    /// Its first decision, Unix milliseconds.
    pub first_ms: i64,
    /// Its last decision, Unix milliseconds.
    pub last_ms: i64,
    /// Its decisions.
    pub total: u64,
    /// Those by verdict (`allow`, `ask`, `deny`, `pass`, …).
    pub verdicts: BTreeMap<String, u64>,
    /// Whether any of its records carries [`BYPASS_FLAG`].
    pub bypass: bool,
    /// Permission modes seen, in order of first appearance.
    pub modes: Vec<String>,
    /// When the session *switched* to `bypassPermissions` after a record
    /// in another mode (Unix milliseconds of the first bypass record after
    /// it); `None` if it never did, or ran in bypass mode from its first
    /// record on.
    pub switched_to_bypass_ms: Option<i64>,
}

/// The sessions of `records` (oldest first, as read; seals and decisions
/// without a session are skipped), most recently active first.
pub fn sessions<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<Session> {
    let mut by_id: HashMap<&str, Session> = HashMap::new();
    // The last mode seen per session, to find a switch.
    let mut last_mode: HashMap<&str, &str> = HashMap::new();
    for r in records {
        let e = &r.entry;
        let (Kind::Decision, Some(id)) = (r.kind, e.session.as_deref()) else {
            continue;
        };
        let s = by_id.entry(id).or_insert_with(|| Session {
            session: id.to_string(),
            agent: e.agent.clone(),
            first_ms: r.unix_ms,
            last_ms: r.unix_ms,
            total: 0,
            verdicts: BTreeMap::new(),
            bypass: false,
            modes: Vec::new(),
            switched_to_bypass_ms: None,
        });
        s.first_ms = s.first_ms.min(r.unix_ms);
        s.last_ms = s.last_ms.max(r.unix_ms);
        s.total += 1;
        *s.verdicts.entry(e.verdict.clone()).or_default() += 1;
        s.bypass |= e.flags.iter().any(|f| f == BYPASS_FLAG);
        if let Some(m) = e.mode.as_deref() {
            if !s.modes.iter().any(|x| x == m) {
                s.modes.push(m.to_string());
            }
            let before = last_mode.insert(id, m);
            if m == BYPASS_MODE
                && before.is_some_and(|b| b != BYPASS_MODE)
                && s.switched_to_bypass_ms.is_none()
            {
                s.switched_to_bypass_ms = Some(r.unix_ms);
            }
        }
    }
    let mut out: Vec<Session> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        b.last_ms
            .cmp(&a.last_ms)
            .then_with(|| a.session.cmp(&b.session))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Entry, Kind, Record};

    fn rec(ms: i64, session: &str, mode: &str, verdict: &str) -> Record {
        Record {
            seq: ms as u64,
            time: String::new(),
            unix_ms: ms,
            kind: Kind::Decision,
            entry: Entry {
                agent: "claude-code".into(),
                session: Some(session.into()),
                verdict: verdict.into(),
                mode: Some(mode.into()),
                flags: if mode == BYPASS_MODE {
                    vec![BYPASS_FLAG.into()]
                } else {
                    Vec::new()
                },
                ..Entry::default()
            },
            segment: None,
            mac: None,
            prev: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn a_switch_to_bypass_is_found_and_a_bypass_start_is_not_a_switch() {
        let records = [
            rec(1, "a", "default", "allow"),
            rec(2, "b", "bypassPermissions", "pass"),
            rec(3, "a", "acceptEdits", "allow"),
            rec(4, "a", "bypassPermissions", "deny"),
            rec(5, "a", "bypassPermissions", "deny"),
            rec(6, "c", "default", "ask"),
        ];
        let s = sessions(&records);
        let ids: Vec<&str> = s.iter().map(|s| s.session.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
        let a = &s[1];
        assert_eq!(a.modes, ["default", "acceptEdits", "bypassPermissions"]);
        assert_eq!(a.switched_to_bypass_ms, Some(4));
        assert!(a.bypass);
        assert_eq!(a.total, 4);
        assert_eq!(a.verdicts.get("deny"), Some(&2));
        assert_eq!((a.first_ms, a.last_ms), (1, 5));
        let b = &s[2];
        assert!(b.bypass);
        assert_eq!(b.switched_to_bypass_ms, None);
        assert!(!s[0].bypass);
    }
}

//! Selecting decisions: the filters of `palisade log query`, the
//! dashboard and the shipper.

use crate::record::{Kind, Record};
use crate::AuditError;

/// Filters on decisions; every one given must match. Seals never match.
///
/// ```
/// use palisade_audit::Query;
/// let q = Query { verdict: Some("deny".into()), ..Query::default() };
/// # let _ = q;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// At or after this Unix millisecond.
    pub since_ms: Option<i64>,
    /// Before this Unix millisecond.
    pub until_ms: Option<i64>,
    /// The agent or component, exactly (`claude-code`, `palisade-run`).
    pub agent: Option<String>,
    /// The session id, exactly.
    pub session: Option<String>,
    /// The verdict, exactly (`allow`, `ask`, `deny`, `pass`, `warn`, `block`).
    pub verdict: Option<String>,
    /// The deciding rule's id, exactly.
    pub rule: Option<String>,
    /// Text contained in the action, or a prefix of the cwd.
    pub path: Option<String>,
    /// A flag the record carries (`bypass-permissions`).
    pub flag: Option<String>,
}

impl Query {
    /// Whether `r` is a decision that passes every filter.
    pub fn matches(&self, r: &Record) -> bool {
        let e = &r.entry;
        let eq = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|w| have == Some(w))
        };
        r.kind == Kind::Decision
            && self.since_ms.is_none_or(|t| r.unix_ms >= t)
            && self.until_ms.is_none_or(|t| r.unix_ms < t)
            && eq(&self.agent, Some(&e.agent))
            && eq(&self.session, e.session.as_deref())
            && eq(&self.verdict, Some(&e.verdict))
            && eq(&self.rule, e.rule.as_deref())
            && self.path.as_deref().is_none_or(|p| {
                e.action.contains(p) || e.cwd.as_deref().is_some_and(|c| c.starts_with(p))
            })
            && self
                .flag
                .as_deref()
                .is_none_or(|f| e.flags.iter().any(|x| x == f))
    }
}

/// Unix milliseconds of a time given as RFC 3339 (`2026-01-02T03:04:05Z`),
/// a date (`2026-01-02`, midnight UTC) or an age before `now_ms`
/// (`90s`, `30m`, `2h`, `7d`).
///
/// # Errors
/// [`AuditError::Time`] naming the text and the forms accepted.
pub fn parse_time(s: &str, now_ms: i64) -> Result<i64, AuditError> {
    let s = s.trim();
    let bad = |why: &str| AuditError::Time {
        text: s.to_string(),
        why: why.to_string(),
    };
    if let Some((n, unit)) = s
        .find(|c: char| !c.is_ascii_digit())
        .filter(|&i| i > 0 && i + 1 == s.len())
        .map(|i| (&s[..i], &s[i..]))
    {
        let secs: i64 = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86400,
            _ => return Err(bad("an age ends in s, m, h or d")),
        };
        let n: i64 = n.parse().map_err(|_| bad("not an age"))?;
        return Ok(now_ms - n.saturating_mul(secs).saturating_mul(1000));
    }
    let full = if s.len() == 10 {
        format!("{s}T00:00:00Z")
    } else {
        s.to_string()
    };
    let t: jiff::Timestamp = full.parse().map_err(|_| {
        bad("not a time (use RFC 3339 such as 2026-01-02T03:04:05Z, a date, or an age such as 2h)")
    })?;
    Ok(t.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let now: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
        let ms = now.as_millisecond();
        assert_eq!(parse_time("2h", ms).unwrap(), ms - 7_200_000);
        assert_eq!(parse_time("1d", ms).unwrap(), ms - 86_400_000);
        assert_eq!(parse_time("2026-01-02", ms).unwrap(), ms);
        assert_eq!(parse_time("2026-01-02T00:00:01Z", ms).unwrap(), ms + 1000);
        for bad in ["", "2x", "h", "yesterday", "2026-13-01"] {
            assert!(parse_time(bad, ms).is_err(), "{bad}");
        }
    }

    #[test]
    fn filters() {
        let mut r = Record {
            seq: 1,
            time: String::new(),
            unix_ms: 1000,
            kind: Kind::Decision,
            entry: crate::Entry {
                agent: "claude-code".into(),
                action: "Bash: rm -rf /srv".into(),
                verdict: "deny".into(),
                flags: vec!["bypass-permissions".into()],
                ..Default::default()
            },
            segment: None,
            mac: None,
            prev: String::new(),
            hash: String::new(),
        };
        let q = |f: fn(&mut Query)| {
            let mut q = Query::default();
            f(&mut q);
            q
        };
        assert!(Query::default().matches(&r));
        assert!(q(|q| q.verdict = Some("deny".into())).matches(&r));
        assert!(!q(|q| q.verdict = Some("allow".into())).matches(&r));
        assert!(q(|q| q.flag = Some("bypass-permissions".into())).matches(&r));
        assert!(!q(|q| q.flag = Some("mode-change".into())).matches(&r));
        assert!(q(|q| q.path = Some("/srv".into())).matches(&r));
        assert!(!q(|q| q.since_ms = Some(1001)).matches(&r));
        assert!(q(|q| q.until_ms = Some(1001)).matches(&r));
        r.kind = Kind::Seal;
        assert!(!Query::default().matches(&r));
    }
}

//! Version matching against OSV `affected` data, per ecosystem.
//!
//! An OSV affected entry (<https://ossf.github.io/osv-schema/#affectedranges-field>)
//! lists `ranges` of `events` (`introduced`, `fixed`, `last_affected`,
//! `limit`) and/or an explicit `versions` list. Events are evaluated in
//! version order, as the schema's evaluation algorithm says: `introduced`
//! opens an affected interval (`"0"` means from the beginning), `fixed`
//! closes it before that version, `last_affected` closes it after that
//! version, and `limit` caps every interval below it.
//!
//! Orders: npm, crates.io and Go use SemVer 2.0 (`nodejs-semver`; Go's
//! leading `v` dropped), PyPI uses PEP 440 (`pep440_rs`), RubyGems uses
//! `Gem::Version` order (dotted segments; numeric segments compare as
//! numbers and rank above letter segments, so `1.0.a` < `1.0`; trailing
//! zero segments do not count), implemented in [`GemVersion`].
//!
//! # What is reported for an install
//! - an exact version: affected if it is listed or inside an interval;
//! - no version (the client installs the latest): affected if an interval
//!   is open-ended (introduced and never fixed); a `versions`-only entry is
//!   *possibly* affected (the latest may be one of them);
//! - a range (`^1.2`, `>=2,<3`, `~> 1.4`): clients install the newest
//!   version a range allows, which we do not know offline. An interval is
//!   reported as *possibly* affected when the range allows a version inside
//!   it and allows no version at or after its end (the fix); a range that
//!   reaches the fix is not reported, because the newest allowed version is
//!   then at or past it. A listed version the range allows is *possibly*
//!   affected;
//! - a version or range that does not parse: *possibly* affected whenever
//!   the package has an affected entry;
//! - whatever is asked for, when every version is affected (`introduced:
//!   "0"` and no end): affected.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Bound;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use version_ranges::Ranges;

use crate::Ecosystem;

/// How sure a match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// The version asked for may be affected: a range, no version, or a
    /// version scope the data does not spell out.
    Possibly,
    /// The exact version asked for is affected (or every version is).
    Affected,
}

/// One OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Affected from this version on (`"0"`: from the beginning).
    Introduced(String),
    /// Not affected from this version on.
    Fixed(String),
    /// Affected up to and including this version.
    LastAffected(String),
    /// Nothing at or above this version is affected by this range.
    Limit(String),
}

/// One OSV `affected[]` entry, reduced to what matching needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedSpec {
    /// Events of the SEMVER and ECOSYSTEM ranges (GIT ranges name commits
    /// and are dropped), one list per range.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Vec<Event>>,
    /// Explicitly listed affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// The result of matching a requested version against an [`AffectedSpec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionMatch {
    /// How sure.
    pub certainty: Certainty,
    /// The `fixed` version closing the matching interval, if any.
    pub fixed: Option<String>,
}

/// Matches `requested` (an exact version, a range, or `None` for the
/// latest) against `spec` for `ecosystem`; `None` when not affected.
pub fn matches(
    ecosystem: Ecosystem,
    spec: &AffectedSpec,
    requested: Option<&str>,
) -> Option<VersionMatch> {
    match ecosystem {
        Ecosystem::Npm | Ecosystem::CratesIo | Ecosystem::Go => {
            eval::<SemverScheme>(ecosystem, spec, requested)
        }
        Ecosystem::PyPI => eval::<Pep440Scheme>(ecosystem, spec, requested),
        Ecosystem::RubyGems => eval::<GemScheme>(ecosystem, spec, requested),
    }
}

/// Whether `requested` is an exact version (not a range) for `ecosystem`.
pub fn is_exact(ecosystem: Ecosystem, requested: &str) -> bool {
    match ecosystem {
        Ecosystem::Npm | Ecosystem::CratesIo | Ecosystem::Go => {
            SemverScheme::exact(ecosystem, requested).is_some()
        }
        Ecosystem::PyPI => Pep440Scheme::exact(ecosystem, requested).is_some(),
        Ecosystem::RubyGems => GemScheme::exact(ecosystem, requested).is_some(),
    }
}

/// Whether the listed `version` matches `requested` (exact: equal; range:
/// allowed; `None`: unknown, so `Possibly`). Used for version lists of the
/// embedded snapshot.
pub fn list_match(
    ecosystem: Ecosystem,
    list: &[String],
    requested: Option<&str>,
) -> Option<Certainty> {
    let spec = AffectedSpec {
        ranges: Vec::new(),
        versions: list.to_vec(),
    };
    matches(ecosystem, &spec, requested).map(|m| m.certainty)
}

/// The upper end of an affected interval.
#[derive(Debug, Clone)]
enum Hi<V> {
    Open,
    Before(V),
    Through(V),
}

#[derive(Debug, Clone)]
struct Interval<V> {
    lo: Option<V>,
    hi: Hi<V>,
    fixed: Option<String>,
}

/// A version order and a range syntax.
trait Scheme {
    type V: Ord + Clone + fmt::Debug;
    type R;
    /// An exact version as an install asks for it.
    fn exact(eco: Ecosystem, s: &str) -> Option<Self::V>;
    /// A version as advisory data spells it.
    fn version(eco: Ecosystem, s: &str) -> Option<Self::V> {
        Self::exact(eco, s)
    }
    fn range(eco: Ecosystem, s: &str) -> Option<Self::R>;
    /// Whether the range allows some version in [lo, hi].
    fn overlaps(r: &Self::R, lo: Option<&Self::V>, hi: &Hi<Self::V>) -> bool;
    /// Whether the range allows some version at or after the end of `hi`.
    fn reaches_past(r: &Self::R, hi: &Hi<Self::V>) -> bool;
    fn allows(r: &Self::R, v: &Self::V) -> bool;
}

fn eval<S: Scheme>(
    eco: Ecosystem,
    spec: &AffectedSpec,
    requested: Option<&str>,
) -> Option<VersionMatch> {
    let mut intervals = Vec::new();
    let mut unparsed = false;
    for events in &spec.ranges {
        match intervals_of::<S>(eco, events) {
            Some(mut iv) => intervals.append(&mut iv),
            None => unparsed = true,
        }
    }
    // Every version affected: whatever is asked for is.
    if intervals
        .iter()
        .any(|iv| iv.lo.is_none() && matches!(iv.hi, Hi::Open))
    {
        return Some(VersionMatch {
            certainty: Certainty::Affected,
            fixed: None,
        });
    }
    let listed: Vec<Option<S::V>> = spec.versions.iter().map(|v| S::version(eco, v)).collect();
    let possibly = || {
        Some(VersionMatch {
            certainty: Certainty::Possibly,
            fixed: None,
        })
    };
    let requested = requested
        .map(str::trim)
        .filter(|r| !r.is_empty() && !is_latest_tag(r));
    let Some(req) = requested else {
        // The latest version.
        if let Some(iv) = intervals.iter().find(|iv| matches!(iv.hi, Hi::Open)) {
            return Some(VersionMatch {
                certainty: Certainty::Affected,
                fixed: iv.fixed.clone(),
            });
        }
        if unparsed || (!spec.versions.is_empty() && spec.ranges.is_empty()) {
            return possibly();
        }
        return None;
    };
    if let Some(v) = S::exact(eco, req) {
        for iv in &intervals {
            if contains(iv, &v) {
                return Some(VersionMatch {
                    certainty: Certainty::Affected,
                    fixed: iv.fixed.clone(),
                });
            }
        }
        let in_list = spec.versions.iter().zip(&listed).any(|(raw, parsed)| {
            raw.trim().trim_start_matches('v') == req.trim_start_matches('v')
                || parsed.as_ref() == Some(&v)
        });
        if in_list {
            return Some(VersionMatch {
                certainty: Certainty::Affected,
                fixed: None,
            });
        }
        return if unparsed { possibly() } else { None };
    }
    if let Some(r) = S::range(eco, req) {
        for iv in &intervals {
            if S::overlaps(&r, iv.lo.as_ref(), &iv.hi) && !S::reaches_past(&r, &iv.hi) {
                return Some(VersionMatch {
                    certainty: Certainty::Possibly,
                    fixed: iv.fixed.clone(),
                });
            }
        }
        if listed.iter().flatten().any(|v| S::allows(&r, v)) {
            return possibly();
        }
        return if unparsed { possibly() } else { None };
    }
    // Neither a version nor a range we understand.
    if intervals.is_empty() && spec.versions.is_empty() && !unparsed {
        None
    } else {
        possibly()
    }
}

/// Dist-tags and words that mean "the newest release".
fn is_latest_tag(s: &str) -> bool {
    matches!(s, "latest" | "*" | "x" | "@latest" | "upgrade")
}

fn contains<V: Ord>(iv: &Interval<V>, v: &V) -> bool {
    let above = iv.lo.as_ref().is_none_or(|lo| v >= lo);
    let below = match &iv.hi {
        Hi::Open => true,
        Hi::Before(h) => v < h,
        Hi::Through(h) => v <= h,
    };
    above && below
}

/// Turns one range's events into intervals; `None` if a version in it
/// does not parse.
fn intervals_of<S: Scheme>(eco: Ecosystem, events: &[Event]) -> Option<Vec<Interval<S::V>>> {
    // (version, order among equal versions, event); "0" sorts first.
    let mut sorted: Vec<(Option<S::V>, &Event)> = Vec::with_capacity(events.len());
    let mut limits = Vec::new();
    for e in events {
        let raw = match e {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) => v,
            Event::Limit(v) => {
                if v != "*" {
                    limits.push(S::version(eco, v)?);
                }
                continue;
            }
        };
        let v = if matches!(e, Event::Introduced(_)) && raw.trim() == "0" {
            None
        } else {
            Some(S::version(eco, raw)?)
        };
        sorted.push((v, e));
    }
    sorted.sort_by(|a, b| match (&a.0, &b.0) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    });
    let mut out = Vec::new();
    let mut open: Option<Option<S::V>> = None;
    for (v, e) in sorted {
        match e {
            Event::Introduced(_) => {
                if open.is_none() {
                    open = Some(v);
                }
            }
            Event::Fixed(raw) => {
                if let (Some(lo), Some(v)) = (open.take(), v) {
                    out.push(Interval {
                        lo,
                        hi: Hi::Before(v),
                        fixed: Some(raw.clone()),
                    });
                }
            }
            Event::LastAffected(_) => {
                if let (Some(lo), Some(v)) = (open.take(), v) {
                    out.push(Interval {
                        lo,
                        hi: Hi::Through(v),
                        fixed: None,
                    });
                }
            }
            Event::Limit(_) => {}
        }
    }
    if let Some(lo) = open {
        out.push(Interval {
            lo,
            hi: Hi::Open,
            fixed: None,
        });
    }
    if let Some(limit) = limits.into_iter().min() {
        out.retain_mut(|iv| {
            let capped = match &iv.hi {
                Hi::Open => true,
                Hi::Before(h) | Hi::Through(h) => *h >= limit,
            };
            if capped {
                iv.hi = Hi::Before(limit.clone());
            }
            iv.lo.as_ref().is_none_or(|lo| *lo < limit)
        });
    }
    Some(out)
}

/// npm, crates.io and Go: SemVer 2.0 via `nodejs-semver`.
struct SemverScheme;

impl Scheme for SemverScheme {
    type V = nodejs_semver::Version;
    type R = nodejs_semver::Range;

    fn exact(eco: Ecosystem, s: &str) -> Option<Self::V> {
        let s = s.trim();
        let s = match eco {
            Ecosystem::Go => s.strip_prefix('v').unwrap_or(s),
            // npm accepts `=1.2.3` and `v1.2.3` as exact versions.
            Ecosystem::Npm => s.trim_start_matches('=').trim_start_matches('v'),
            // cargo: `=1.2.3` is exact; a bare `1.2.3` is a caret range.
            _ => s.strip_prefix('=')?,
        };
        // A full x.y.z is required: `1.2` is a range in npm.
        if s.split(['-', '+'])
            .next()
            .is_none_or(|core| core.split('.').count() != 3)
        {
            return None;
        }
        nodejs_semver::Version::parse(s).ok()
    }

    fn version(_: Ecosystem, s: &str) -> Option<Self::V> {
        let s = s.trim();
        nodejs_semver::Version::parse(s.strip_prefix('v').unwrap_or(s)).ok()
    }

    fn range(eco: Ecosystem, s: &str) -> Option<Self::R> {
        match eco {
            Ecosystem::Npm => nodejs_semver::Range::parse(s).ok(),
            Ecosystem::CratesIo => {
                // Cargo's syntax (`1.2` means `^1.2`); its comparators mean the
                // same in npm's syntax once joined by spaces.
                let req = semver::VersionReq::parse(s).ok()?;
                let text: Vec<String> = req.comparators.iter().map(ToString::to_string).collect();
                nodejs_semver::Range::parse(text.join(" ")).ok()
            }
            // `go get m@v1.2` and similar queries are resolved by the Go
            // tool; treat them as unknown.
            _ => None,
        }
    }

    fn overlaps(r: &Self::R, lo: Option<&Self::V>, hi: &Hi<Self::V>) -> bool {
        let mut text = lo.map(|v| format!(">={v}")).unwrap_or_default();
        match hi {
            Hi::Open => {}
            Hi::Before(h) => text.push_str(&format!(" <{h}")),
            Hi::Through(h) => text.push_str(&format!(" <={h}")),
        }
        let text = if text.trim().is_empty() {
            "*".to_string()
        } else {
            text
        };
        nodejs_semver::Range::parse(text.trim()).is_ok_and(|iv| r.allows_any(&iv))
    }

    fn reaches_past(r: &Self::R, hi: &Hi<Self::V>) -> bool {
        let text = match hi {
            Hi::Open => return false,
            Hi::Before(h) => format!(">={h}"),
            Hi::Through(h) => format!(">{h}"),
        };
        nodejs_semver::Range::parse(text).is_ok_and(|above| r.allows_any(&above))
    }

    fn allows(r: &Self::R, v: &Self::V) -> bool {
        r.satisfies_with_prerelease(v, true)
    }
}

fn ranges_of<V: Ord + Clone + fmt::Debug + fmt::Display>(lo: Option<&V>, hi: &Hi<V>) -> Ranges<V> {
    let lo = lo.map_or(Bound::Unbounded, |v| Bound::Included(v.clone()));
    let hi = match hi {
        Hi::Open => Bound::Unbounded,
        Hi::Before(h) => Bound::Excluded(h.clone()),
        Hi::Through(h) => Bound::Included(h.clone()),
    };
    Ranges::from_range_bounds((lo, hi))
}

fn past<V: Ord + Clone + fmt::Debug + fmt::Display>(hi: &Hi<V>) -> Option<Ranges<V>> {
    match hi {
        Hi::Open => None,
        Hi::Before(h) => Some(Ranges::higher_than(h.clone())),
        Hi::Through(h) => Some(Ranges::strictly_higher_than(h.clone())),
    }
}

/// PyPI: PEP 440 via `pep440_rs`.
struct Pep440Scheme;

impl Scheme for Pep440Scheme {
    type V = pep440_rs::Version;
    type R = Ranges<pep440_rs::Version>;

    fn exact(_: Ecosystem, s: &str) -> Option<Self::V> {
        let s = s.trim();
        let s = s
            .strip_prefix("===")
            .or_else(|| s.strip_prefix("=="))
            .unwrap_or(s)
            .trim();
        if s.contains('*') {
            return None;
        }
        pep440_rs::Version::from_str(s).ok()
    }

    fn range(_: Ecosystem, s: &str) -> Option<Self::R> {
        let specs = pep440_rs::VersionSpecifiers::from_str(s).ok()?;
        Some(Ranges::from(specs))
    }

    fn overlaps(r: &Self::R, lo: Option<&Self::V>, hi: &Hi<Self::V>) -> bool {
        !r.intersection(&ranges_of(lo, hi)).is_empty()
    }

    fn reaches_past(r: &Self::R, hi: &Hi<Self::V>) -> bool {
        past(hi).is_some_and(|p| !r.intersection(&p).is_empty())
    }

    fn allows(r: &Self::R, v: &Self::V) -> bool {
        r.contains(v)
    }
}

/// RubyGems: `Gem::Version` order and `Gem::Requirement` syntax.
struct GemScheme;

impl Scheme for GemScheme {
    type V = GemVersion;
    type R = Ranges<GemVersion>;

    fn exact(_: Ecosystem, s: &str) -> Option<Self::V> {
        let s = s.trim();
        let s = s.strip_prefix('=').map_or(s, str::trim);
        GemVersion::parse(s)
    }

    fn range(_: Ecosystem, s: &str) -> Option<Self::R> {
        let mut out = Ranges::full();
        for part in s.split(',') {
            let part = part.trim();
            let (op, v) = ["~>", ">=", "<=", "!=", ">", "<", "="]
                .iter()
                .find_map(|op| part.strip_prefix(op).map(|rest| (*op, rest.trim())))
                .unwrap_or(("=", part));
            let v = GemVersion::parse(v)?;
            let r = match op {
                "~>" => Ranges::between(v.clone(), v.bump()),
                ">=" => Ranges::higher_than(v),
                "<=" => Ranges::lower_than(v),
                "!=" => Ranges::singleton(v).complement(),
                ">" => Ranges::strictly_higher_than(v),
                "<" => Ranges::strictly_lower_than(v),
                _ => Ranges::singleton(v),
            };
            out = out.intersection(&r);
        }
        Some(out)
    }

    fn overlaps(r: &Self::R, lo: Option<&Self::V>, hi: &Hi<Self::V>) -> bool {
        !r.intersection(&ranges_of(lo, hi)).is_empty()
    }

    fn reaches_past(r: &Self::R, hi: &Hi<Self::V>) -> bool {
        past(hi).is_some_and(|p| !r.intersection(&p).is_empty())
    }

    fn allows(r: &Self::R, v: &Self::V) -> bool {
        r.contains(v)
    }
}

/// A RubyGems version (`Gem::Version`,
/// <https://guides.rubygems.org/patterns/#semantic-versioning> and
/// <https://ruby-doc.org/stdlib/libdoc/rubygems/rdoc/Gem/Version.html>):
/// dot-separated segments, a run of letters starts its own segment
/// (`1.0.rc1` is `1, 0, rc, 1`) and marks a pre-release, `-` reads as
/// `.pre.`; trailing zero segments are ignored (`1.0` == `1`).
#[derive(Debug, Clone)]
pub struct GemVersion {
    segments: Vec<GemSegment>,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum GemSegment {
    Num(u64),
    Str(String),
}

impl GemVersion {
    /// Parses a version; `None` for anything but `[0-9A-Za-z.-]` starting
    /// with a digit.
    pub fn parse(s: &str) -> Option<GemVersion> {
        let s = s.trim();
        if !s.starts_with(|c: char| c.is_ascii_digit())
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            || s.len() > 128
        {
            return None;
        }
        let mut segments = Vec::new();
        for piece in s.replace('-', ".pre.").split('.') {
            if piece.is_empty() {
                return None;
            }
            let mut rest = piece;
            while !rest.is_empty() {
                let digits = rest.chars().next().is_some_and(|c| c.is_ascii_digit());
                let end = rest
                    .find(|c: char| c.is_ascii_digit() != digits)
                    .unwrap_or(rest.len());
                let (head, tail) = rest.split_at(end);
                segments.push(if digits {
                    GemSegment::Num(head.parse().ok()?)
                } else {
                    GemSegment::Str(head.to_string())
                });
                rest = tail;
            }
        }
        while segments.last() == Some(&GemSegment::Num(0)) && segments.len() > 1 {
            segments.pop();
        }
        Some(GemVersion {
            segments,
            text: s.to_string(),
        })
    }

    /// `Gem::Version#bump`: drop pre-release segments, then the last
    /// segment (if more than one), and increment the new last one
    /// (`~> 1.4.2` allows `>= 1.4.2, < 1.5`).
    fn bump(&self) -> GemVersion {
        let mut nums: Vec<u64> = self
            .text
            .split('.')
            .take_while(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .collect();
        if nums.len() > 1 {
            nums.pop();
        }
        if let Some(last) = nums.last_mut() {
            *last = last.saturating_add(1);
        }
        let text = nums
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".");
        GemVersion::parse(&text).unwrap_or_else(|| self.clone())
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.segments.len().max(other.segments.len());
        let zero = GemSegment::Num(0);
        for i in 0..n {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let o = match (a, b) {
                (GemSegment::Num(x), GemSegment::Num(y)) => x.cmp(y),
                (GemSegment::Str(x), GemSegment::Str(y)) => x.cmp(y),
                (GemSegment::Num(_), GemSegment::Str(_)) => Ordering::Greater,
                (GemSegment::Str(_), GemSegment::Num(_)) => Ordering::Less,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for GemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn spec(events: &[Event]) -> AffectedSpec {
        AffectedSpec {
            ranges: vec![events.to_vec()],
            versions: Vec::new(),
        }
    }
    fn intro(v: &str) -> Event {
        Event::Introduced(v.into())
    }
    fn fixed(v: &str) -> Event {
        Event::Fixed(v.into())
    }
    fn cert(eco: Ecosystem, s: &AffectedSpec, r: Option<&str>) -> Option<Certainty> {
        matches(eco, s, r).map(|m| m.certainty)
    }
    use Certainty::{Affected, Possibly};
    use Ecosystem::*;

    #[test]
    fn semver_introduced_fixed() {
        let s = spec(&[intro("0"), fixed("4.17.21")]);
        assert_eq!(cert(Npm, &s, Some("4.17.20")), Some(Affected));
        assert_eq!(cert(Npm, &s, Some("4.17.21")), None);
        assert_eq!(
            matches(Npm, &s, Some("1.0.0")).and_then(|m| m.fixed),
            Some("4.17.21".into())
        );
        // Latest is past the fix.
        assert_eq!(cert(Npm, &s, None), None);
        // A range that reaches the fix resolves to it or later.
        assert_eq!(cert(Npm, &s, Some("^4.17.0")), None);
        // A range that cannot reach the fix.
        assert_eq!(cert(Npm, &s, Some("~4.16.0")), Some(Possibly));
        assert_eq!(cert(Npm, &s, Some(">=5")), None);
    }

    #[test]
    fn last_affected_and_limit() {
        let s = spec(&[intro("1.0.0"), Event::LastAffected("1.2.0".into())]);
        assert_eq!(cert(CratesIo, &s, Some("=1.2.0")), Some(Affected));
        assert_eq!(cert(CratesIo, &s, Some("=1.2.1")), None);
        assert_eq!(cert(CratesIo, &s, Some("=0.9.0")), None);
        // Cargo's bare `1.1` is `^1.1`, which reaches 1.3: not reported.
        assert_eq!(cert(CratesIo, &s, Some("1.1")), None);
        assert_eq!(cert(CratesIo, &s, Some("~1.1")), Some(Possibly));
        let s = spec(&[intro("1.0.0"), Event::Limit("2.0.0".into())]);
        assert_eq!(cert(Npm, &s, Some("1.5.0")), Some(Affected));
        assert_eq!(cert(Npm, &s, Some("2.1.0")), None);
    }

    #[test]
    fn open_interval_affects_latest() {
        let s = spec(&[intro("2.0.0")]);
        assert_eq!(cert(Npm, &s, None), Some(Affected));
        assert_eq!(cert(Npm, &s, Some("1.9.9")), None);
        assert_eq!(cert(Npm, &s, Some("latest")), Some(Affected));
    }

    #[test]
    fn go_v_prefix() {
        let s = spec(&[intro("0"), fixed("1.5.2")]);
        assert_eq!(cert(Go, &s, Some("v1.5.1")), Some(Affected));
        assert_eq!(cert(Go, &s, Some("v1.5.2")), None);
        // A pseudo-version sorts before the release it precedes.
        assert_eq!(
            cert(Go, &s, Some("v1.5.2-0.20230101000000-abcdef123456")),
            Some(Affected)
        );
        assert_eq!(
            cert(Go, &s, Some("v1.5.3-0.20230101000000-abcdef123456")),
            None
        );
    }

    #[test]
    fn pep440() {
        let s = spec(&[intro("0"), fixed("2.0.0")]);
        assert_eq!(cert(PyPI, &s, Some("1.9")), Some(Affected));
        assert_eq!(cert(PyPI, &s, Some("==1.9.0")), Some(Affected));
        assert_eq!(cert(PyPI, &s, Some("2.0")), None);
        assert_eq!(cert(PyPI, &s, Some("2.0rc1")), Some(Affected));
        assert_eq!(cert(PyPI, &s, Some(">=1.0,<2")), Some(Possibly));
        assert_eq!(cert(PyPI, &s, Some(">=1.0")), None);
        assert_eq!(cert(PyPI, &s, Some("~=1.4")), Some(Possibly));
        assert_eq!(cert(PyPI, &s, Some("not a version!")), Some(Possibly));
    }

    #[test]
    fn rubygems() {
        assert!(GemVersion::parse("1.0.a") < GemVersion::parse("1.0"));
        assert_eq!(GemVersion::parse("1.0"), GemVersion::parse("1"));
        assert!(GemVersion::parse("1.10") > GemVersion::parse("1.9"));
        assert!(GemVersion::parse("1.0.0-rc1") < GemVersion::parse("1.0.0"));
        assert_eq!(GemVersion::parse("v1"), None);
        let s = spec(&[intro("0"), fixed("6.1.7.1")]);
        assert_eq!(cert(RubyGems, &s, Some("6.1.7")), Some(Affected));
        assert_eq!(cert(RubyGems, &s, Some("6.1.7.1")), None);
        assert_eq!(cert(RubyGems, &s, Some("~> 6.1.7")), None);
        assert_eq!(cert(RubyGems, &s, Some("~> 6.0.0")), Some(Possibly));
        assert_eq!(cert(RubyGems, &s, Some(">= 5, < 6.1.7.1")), Some(Possibly));
    }

    #[test]
    fn versions_list() {
        let s = AffectedSpec {
            ranges: Vec::new(),
            versions: vec!["1.0.1".into(), "1.0.2".into()],
        };
        assert_eq!(cert(Npm, &s, Some("1.0.1")), Some(Affected));
        assert_eq!(cert(Npm, &s, Some("1.0.3")), None);
        assert_eq!(cert(Npm, &s, Some("^1.0.0")), Some(Possibly));
        assert_eq!(cert(Npm, &s, Some("^2.0.0")), None);
        assert_eq!(cert(Npm, &s, None), Some(Possibly));
    }

    #[test]
    fn reintroduced() {
        let s = spec(&[
            intro("1.0.0"),
            fixed("1.2.0"),
            intro("2.0.0"),
            fixed("2.0.5"),
        ]);
        assert_eq!(cert(Npm, &s, Some("1.5.0")), None);
        assert_eq!(
            matches(Npm, &s, Some("2.0.1")).and_then(|m| m.fixed),
            Some("2.0.5".into())
        );
        assert_eq!(cert(Npm, &s, Some("1.1.0")), Some(Affected));
    }
}

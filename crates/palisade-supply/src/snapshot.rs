//! The embedded snapshot of known-malicious npm and PyPI names.
//!
//! Source: the OpenSSF Malicious Packages project
//! (<https://github.com/ossf/malicious-packages>, Apache-2.0), as the table
//! `data/malicious-names.tsv` (see `data/README.md` for provenance, columns
//! and attribution). About 20 % of its rows ([`crate::name::held_out`]) are
//! left out of the binary so that the typosquat heuristics can be measured
//! on malicious names they have never seen (`examples/supply_eval.rs`).
//!
//! # Format
//! `build.rs` writes one blob, read here in place (no parsing at start-up):
//!
//! - header: for npm then PyPI, `index_offset: u32`, `bucket_count: u32`
//!   (little-endian);
//! - per ecosystem, entries sorted by name in buckets of [`BUCKET`]; each
//!   entry is `shared_prefix_len: u8` (with the previous entry of the same
//!   bucket, 0 for the first), `suffix_len: varint`, suffix bytes,
//!   `id_count: u8`, per id `year - 2000: u8` and `number: varint`
//!   (`MAL-<year>-<number>`), `scope: u8` (0 every version, 1 listed
//!   versions, 2 listed versions but the list was cut, 3 a bounded range
//!   not recorded), and for scopes 1 and 2 `len: varint` and the
//!   comma-separated versions;
//! - per ecosystem, the bucket index: `bucket_count` absolute `u32` offsets.
//!
//! A lookup binary-searches the bucket index on each bucket's first name
//! and decodes at most one bucket: a few hundred nanoseconds.

use crate::Ecosystem;

/// Names per bucket (must match `build.rs`).
const BUCKET: usize = 16;

/// The blob written by `build.rs`.
static BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/malicious.bin"));

/// Date of the newest report in the snapshot (`YYYY-MM-DD`): the last
/// upstream ingest commit of the source tree (`data/README.md`).
pub const SNAPSHOT_DATE: &str = "2025-06-04";

/// Which versions of a package a snapshot entry says are malicious.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotScope {
    /// Every version (OSV range `introduced: "0"` with no end).
    All,
    /// Only these versions. `complete` is false when the source table cut
    /// the list (at 300 characters), so an unlisted version may still be
    /// malicious.
    Versions {
        /// The versions, as the report spells them.
        versions: Vec<String>,
        /// Whether the list is complete.
        complete: bool,
    },
    /// A bounded range whose bounds the snapshot does not keep; only a
    /// full OSV import knows which versions.
    Range,
}

/// One entry of the embedded snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotEntry {
    /// The MAL ids of the reports (`MAL-2024-1234`), smallest first.
    pub ids: Vec<String>,
    /// Which versions.
    pub scope: SnapshotScope,
}

/// Size of the embedded snapshot in bytes (what it adds to the binary).
pub fn snapshot_bytes() -> usize {
    BLOB.len()
}

/// Looks up a name in the embedded snapshot. Only npm and PyPI are
/// covered; `name` must already be normalised (npm as published, PyPI by
/// PEP 503: see [`crate::name::pep503`]).
pub fn snapshot_lookup(ecosystem: Ecosystem, name: &str) -> Option<SnapshotEntry> {
    let slot = match ecosystem {
        Ecosystem::Npm => 0,
        Ecosystem::PyPI => 1,
        _ => return None,
    };
    let index_at = read_u32(BLOB, slot * 8)? as usize;
    let buckets = read_u32(BLOB, slot * 8 + 4)? as usize;
    // Last bucket whose first name is <= name.
    let (mut lo, mut hi) = (0usize, buckets);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let at = read_u32(BLOB, index_at + mid * 4)? as usize;
        let first = first_name(at)?;
        if first <= name.as_bytes() {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let bucket = lo.checked_sub(1)?;
    let mut at = read_u32(BLOB, index_at + bucket * 4)? as usize;
    let mut current: Vec<u8> = Vec::with_capacity(64);
    for _ in 0..BUCKET {
        let (entry, next) = decode(at, &mut current)?;
        match current.as_slice().cmp(name.as_bytes()) {
            std::cmp::Ordering::Equal => return Some(entry.into_entry()),
            std::cmp::Ordering::Greater => return None,
            std::cmp::Ordering::Less => {}
        }
        if next >= index_at {
            return None;
        }
        at = next;
    }
    None
}

/// Every name in the snapshot for `ecosystem`, in order (for tests and the
/// evaluation; allocates).
pub fn snapshot_names(ecosystem: Ecosystem) -> Vec<String> {
    let slot = match ecosystem {
        Ecosystem::Npm => 0,
        Ecosystem::PyPI => 1,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    let (Some(index_at), Some(buckets)) = (read_u32(BLOB, slot * 8), read_u32(BLOB, slot * 8 + 4))
    else {
        return out;
    };
    if buckets == 0 {
        return out;
    }
    let index_at = index_at as usize;
    // Entries follow each other; a bucket's first entry shares no prefix.
    let mut at = read_u32(BLOB, index_at).map_or(index_at, |v| v as usize);
    let mut current = Vec::new();
    while at < index_at {
        let Some((_, next)) = decode(at, &mut current) else {
            break;
        };
        out.push(String::from_utf8_lossy(&current).into_owned());
        at = next;
    }
    out
}

struct RawEntry<'a> {
    ids: Vec<(u8, u32)>,
    scope: u8,
    versions: &'a [u8],
}

impl RawEntry<'_> {
    fn into_entry(self) -> SnapshotEntry {
        let ids = self
            .ids
            .iter()
            .map(|&(y, n)| format!("MAL-{}-{}", 2000 + u32::from(y), n))
            .collect();
        let list = || {
            String::from_utf8_lossy(self.versions)
                .split(',')
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect()
        };
        let scope = match self.scope {
            0 => SnapshotScope::All,
            1 => SnapshotScope::Versions {
                versions: list(),
                complete: true,
            },
            2 => SnapshotScope::Versions {
                versions: list(),
                complete: false,
            },
            _ => SnapshotScope::Range,
        };
        SnapshotEntry { ids, scope }
    }
}

/// The name of the entry at `at`, which starts a bucket (shared prefix 0).
fn first_name(at: usize) -> Option<&'static [u8]> {
    let (len, p) = read_varint(BLOB, at + 1)?;
    BLOB.get(p..p + len as usize)
}

/// Decodes the entry at `at`, updating `name` from the previous entry's
/// name; returns the entry and the offset of the next one.
fn decode(at: usize, name: &mut Vec<u8>) -> Option<(RawEntry<'static>, usize)> {
    let shared = *BLOB.get(at)? as usize;
    let (len, mut p) = read_varint(BLOB, at + 1)?;
    name.truncate(shared);
    name.extend_from_slice(BLOB.get(p..p + len as usize)?);
    p += len as usize;
    let n_ids = *BLOB.get(p)?;
    p += 1;
    let mut ids = Vec::with_capacity(usize::from(n_ids));
    for _ in 0..n_ids {
        let year = *BLOB.get(p)?;
        let (num, q) = read_varint(BLOB, p + 1)?;
        ids.push((year, num));
        p = q;
    }
    let scope = *BLOB.get(p)?;
    p += 1;
    let mut versions: &[u8] = &[];
    if scope == 1 || scope == 2 {
        let (vlen, q) = read_varint(BLOB, p)?;
        versions = BLOB.get(q..q + vlen as usize)?;
        p = q + vlen as usize;
    }
    Some((
        RawEntry {
            ids,
            scope,
            versions,
        },
        p,
    ))
}

fn read_u32(blob: &[u8], at: usize) -> Option<u32> {
    let bytes: [u8; 4] = blob.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

/// LEB128 varint (at most 5 bytes); returns the value and the next offset.
fn read_varint(blob: &[u8], mut at: usize) -> Option<(u32, usize)> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        let b = *blob.get(at)?;
        at += 1;
        v |= u32::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some((v, at));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn all_versions_entry() {
        // `aaiohttp` (PyPI, MAL-2023-1574, every version) is embedded
        // unless held out; pick embedded rows from the data itself.
        let names = snapshot_names(Ecosystem::PyPI);
        assert!(names.len() > 5000, "{}", names.len());
        for n in names.iter().step_by(97) {
            assert!(snapshot_lookup(Ecosystem::PyPI, n).is_some(), "{n}");
        }
    }

    #[test]
    fn absent_names() {
        assert_eq!(snapshot_lookup(Ecosystem::Npm, "react"), None);
        assert_eq!(snapshot_lookup(Ecosystem::Npm, ""), None);
        assert_eq!(snapshot_lookup(Ecosystem::PyPI, "zzzzzzzzzzzzzzzzzz"), None);
        assert_eq!(snapshot_lookup(Ecosystem::CratesIo, "serde"), None);
    }

    #[test]
    fn held_out_rows_are_not_embedded() {
        for n in snapshot_names(Ecosystem::Npm) {
            assert!(!crate::name::held_out("npm", &n), "{n}");
        }
    }
}

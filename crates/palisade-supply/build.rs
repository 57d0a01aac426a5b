//! Builds the embedded data tables from `data/`:
//!
//! - `malicious.bin`: the OpenSSF malicious-package names of
//!   `data/malicious-names.tsv` minus the held-out rows (see
//!   `src/name.rs::held_out`), front-coded in sorted buckets; the format is
//!   described in `src/snapshot.rs`, which reads it.
//! - `popular.rs`: the most-downloaded npm and PyPI names of
//!   `data/popular/*.txt` as static Rust tables (rank order, sorted by
//!   name, sorted by skeleton).

use std::fmt::Write as _;
use std::path::Path;

#[path = "src/name.rs"]
#[allow(dead_code)]
mod name;

/// Names per bucket of the malicious table.
const BUCKET: usize = 16;
/// How many of each popular list are embedded.
const POPULAR: usize = 5000;

fn main() {
    println!("cargo:rerun-if-changed=data/malicious-names.tsv");
    println!("cargo:rerun-if-changed=data/popular/npm.txt");
    println!("cargo:rerun-if-changed=data/popular/pypi.txt");
    println!("cargo:rerun-if-changed=src/name.rs");
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let out = Path::new(&out);

    let tsv = read("data/malicious-names.tsv");
    std::fs::write(out.join("malicious.bin"), malicious_table(&tsv))
        .unwrap_or_else(|e| panic!("write malicious.bin: {e}"));

    let mut src = String::new();
    popular(&mut src, "NPM", &read("data/popular/npm.txt"), false);
    popular(&mut src, "PYPI", &read("data/popular/pypi.txt"), true);
    std::fs::write(out.join("popular.rs"), src).unwrap_or_else(|e| panic!("write popular.rs: {e}"));
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

struct Row {
    name: String,
    ids: Vec<(u8, u32)>,
    scope: u8,
    versions: String,
}

fn malicious_table(tsv: &str) -> Vec<u8> {
    let mut tables: [Vec<Row>; 2] = [Vec::new(), Vec::new()];
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [eco, name, _, all_ids, affected, ..] = cols[..] else {
            panic!("bad row: {line}")
        };
        let slot = match eco {
            "npm" => 0,
            "PyPI" => 1,
            _ => continue,
        };
        if name::held_out(eco, name) {
            continue;
        }
        let ids = all_ids
            .split(',')
            .filter_map(|id| {
                let mut parts = id.trim().strip_prefix("MAL-")?.split('-');
                let year: u32 = parts.next()?.parse().ok()?;
                let num: u32 = parts.next()?.parse().ok()?;
                Some((u8::try_from(year.checked_sub(2000)?).ok()?, num))
            })
            .collect();
        let (scope, versions) = if affected == "all" {
            (0, String::new())
        } else if let Some(v) = affected.strip_prefix("versions:") {
            // The TSV cuts lists at 300 characters (its README).
            let truncated = v.len() >= 300;
            let list = if truncated {
                // Drop the possibly cut last entry.
                v.rsplit_once(',').map_or("", |(head, _)| head)
            } else {
                v
            };
            (if truncated { 2 } else { 1 }, list.to_string())
        } else {
            (3, String::new())
        };
        tables[slot].push(Row {
            name: name.to_string(),
            ids,
            scope,
            versions,
        });
    }
    // Header: per ecosystem (npm, PyPI) the offset of its bucket index and
    // the bucket count, u32 little-endian each.
    let mut body = Vec::new();
    let mut header = Vec::new();
    let header_len = 16u32;
    for rows in &mut tables {
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        rows.dedup_by(|a, b| a.name == b.name);
        let mut offsets = Vec::new();
        for bucket in rows.chunks(BUCKET) {
            offsets.push(body.len());
            let mut prev = "";
            for row in bucket {
                let shared = prev
                    .bytes()
                    .zip(row.name.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let shared = shared.min(255);
                let suffix = &row.name.as_bytes()[shared..];
                body.push(shared as u8);
                varint(&mut body, suffix.len() as u32);
                body.extend_from_slice(suffix);
                body.push(row.ids.len().min(255) as u8);
                for &(year, num) in row.ids.iter().take(255) {
                    body.push(year);
                    varint(&mut body, num);
                }
                body.push(row.scope);
                if row.scope == 1 || row.scope == 2 {
                    varint(&mut body, row.versions.len() as u32);
                    body.extend_from_slice(row.versions.as_bytes());
                }
                prev = &row.name;
            }
        }
        // Bucket offsets are relative to the start of the blob.
        let index_at = body.len();
        for off in &offsets {
            body.extend_from_slice(&((off + header_len as usize) as u32).to_le_bytes());
        }
        header.extend_from_slice(&((index_at + header_len as usize) as u32).to_le_bytes());
        header.extend_from_slice(&(offsets.len() as u32).to_le_bytes());
    }
    // Each bucket's entry count is implied: BUCKET, except the last.
    header.extend(body);
    header
}

fn varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn popular(src: &mut String, prefix: &str, list: &str, pypi: bool) {
    let mut ranked: Vec<String> = Vec::new();
    for line in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let n = if pypi {
            name::pep503(line)
        } else {
            line.to_string()
        };
        if !ranked.contains(&n) {
            ranked.push(n);
        }
        if ranked.len() == POPULAR {
            break;
        }
    }
    // One string and offsets rather than `&[&str]`: no pointer per name,
    // so no relocation per name in a position-independent binary.
    let offsets = |items: &[&str]| {
        let mut offs = vec![0u32];
        for n in items {
            offs.push(offs.last().copied().unwrap_or(0) + n.len() as u32);
        }
        offs
    };
    let names: Vec<&str> = ranked.iter().map(String::as_str).collect();
    let masks: Vec<u64> = names.iter().map(|n| name::byte_mask(n)).collect();
    let mut by_name: Vec<usize> = (0..names.len()).collect();
    by_name.sort_by(|&a, &b| names[a].cmp(names[b]));
    let mut by_skel: Vec<(String, usize)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (name::skeleton(n), i))
        .collect();
    by_skel.sort();
    let skels: Vec<&str> = by_skel.iter().map(|(s, _)| s.as_str()).collect();
    let skel_rank: Vec<usize> = by_skel.iter().map(|(_, r)| *r).collect();
    let _ = writeln!(
        src,
        "/// The {} most-downloaded names and their indexes.",
        names.len()
    );
    let _ = writeln!(src, "pub(crate) static {prefix}: List = List {{");
    let _ = writeln!(src, "    names: {:?},", names.concat());
    let _ = writeln!(src, "    offs: &{:?},", offsets(&names));
    let _ = writeln!(src, "    by_name: &{by_name:?},");
    let _ = writeln!(src, "    skel: {:?},", skels.concat());
    let _ = writeln!(src, "    skel_offs: &{:?},", offsets(&skels));
    let _ = writeln!(src, "    skel_rank: &{skel_rank:?},");
    let _ = writeln!(src, "    masks: &{masks:?},");
    let _ = writeln!(src, "}};");
}

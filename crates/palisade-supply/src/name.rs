//! Package-name normalisation shared by the lookups, the typosquat checks
//! and `build.rs` (which includes this file to build the embedded tables,
//! so it depends on nothing else in the crate).

/// PEP 503 normalisation of a PyPI project name: lower case, every run of
/// `-`, `_` and `.` becomes one `-`
/// (<https://peps.python.org/pep-0503/#normalized-names>).
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

/// crates.io name normalisation: lower case, `_` and `-` are the same
/// (crates.io refuses a new crate whose name differs from an existing one
/// only in case or in `-` versus `_`).
pub fn crate_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The "skeleton" of a name, for separator and look-alike confusion:
/// lower case, separators (`-`, `_`, `.`, `/`, `@`) removed, and the
/// look-alikes `rn`→`m`, `vv`→`w`, `1`→`l`, `0`→`o`, `5`→`s` folded.
///
/// Two different names with the same skeleton are confusable (`py-yaml`
/// and `pyyaml`; `rnoment` and `moment`; `co1ors` and `colors`).
pub fn skeleton(name: &str) -> String {
    let lower: Vec<char> = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | '/' | '@'))
        .flat_map(char::to_lowercase)
        .collect();
    let mut out = String::with_capacity(lower.len());
    let mut i = 0;
    while let Some(&c) = lower.get(i) {
        let next = lower.get(i + 1).copied();
        match (c, next) {
            ('r', Some('n')) => {
                out.push('m');
                i += 2;
            }
            ('v', Some('v')) => {
                out.push('w');
                i += 2;
            }
            ('1', _) => {
                out.push('l');
                i += 1;
            }
            ('0', _) => {
                out.push('o');
                i += 1;
            }
            ('5', _) => {
                out.push('s');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// A 64-bit set of the bytes in `s` (letters, digits and separators each
/// get their own bit, other bytes share the rest). One edit (insertion,
/// deletion, substitution, transposition) changes at most two bits, so
/// names within edit distance `d` differ in at most `2 d` bits: a cheap
/// filter before computing a distance.
pub fn byte_mask(s: &str) -> u64 {
    let mut m = 0u64;
    for b in s.bytes() {
        let bit = match b {
            b'a'..=b'z' => b - b'a',
            b'A'..=b'Z' => b - b'A',
            b'0'..=b'9' => 26 + b - b'0',
            b'-' => 36,
            b'_' => 37,
            b'.' => 38,
            b'/' => 39,
            b'@' => 40,
            _ => 41 + b % 23,
        };
        m |= 1u64 << bit;
    }
    m
}

/// 64-bit FNV-1a hash (<http://www.isthe.com/chongo/tech/comp/fnv/>); used
/// to split the malicious-name snapshot deterministically.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Whether a row of `data/malicious-names.tsv` is held out of the embedded
/// snapshot for evaluation: the ~20 % of rows whose FNV-1a hash of
/// `"<osv ecosystem>:<name>"` is divisible by 5.
pub fn held_out(osv_ecosystem: &str, name: &str) -> bool {
    let key = format!("{osv_ecosystem}:{name}");
    fnv1a64(key.as_bytes()).is_multiple_of(5)
}

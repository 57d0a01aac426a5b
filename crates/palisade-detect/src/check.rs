//! Checks on a candidate secret: validators, entropy, placeholders; and the
//! safe ways to show one (redaction, fingerprint).

/// CRC-32 (IEEE 802.3: reflected polynomial `0xEDB88320`, initial value and
/// final XOR `0xFFFFFFFF`), the checksum of zlib, gzip and PNG. Bitwise, no
/// table: tokens are short.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Base62 alphabet used by GitHub's token checksums: digits, then upper
/// case, then lower case.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to `width` digits.
pub fn base62(mut n: u32, width: usize) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8_lossy(&digits).into_owned()
}

/// Checks the checksum of a GitHub token in the `ghX_` format
/// (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, followed by 36 characters).
///
/// Algorithm, from GitHub's post "Behind GitHub's new authentication token
/// formats" (github.blog, 2021-04-05,
/// <https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/>):
/// the 36 characters after the prefix are 30 random base62 characters and a
/// 6-character checksum, the CRC-32 of those 30 characters encoded in
/// base62 (`0-9A-Za-z`) and left-padded with `0`. The prefix is not part of
/// the checksummed text. This rejects most mangled or made-up tokens offline,
/// without calling GitHub.
pub fn github_crc32_valid(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, checksum) = body.split_at(30);
    base62(crc32(random.as_bytes()), 6) == checksum
}

/// Checks the checksum of an npm access token (`npm_` followed by 36
/// characters).
///
/// Algorithm, from GitHub's post "Announcing npm's new access token format"
/// (github.blog, 2021-09-23,
/// <https://github.blog/security/announcing-npms-new-access-token-format/>):
/// npm tokens follow GitHub's token format, and their last six characters
/// are the CRC-32 checksum of the random part encoded in base62 — the same
/// scheme as [`github_crc32_valid`], which this calls.
pub fn npm_crc32_valid(token: &str) -> bool {
    token.starts_with("npm_") && github_crc32_valid(token)
}

/// Decodes base64 (RFC 4648 section 4, `+` and `/`) or base64url (section
/// 5, `-` and `_`), the two alphabets mixed freely, with or without `=`
/// padding (at most two, at the end). Bits left over after the last whole
/// byte are ignored, as most decoders do.
///
/// Returns `None` for an empty string, a character outside both alphabets, a
/// misplaced `=`, or a length that no encoding produces (`4n + 1`).
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let body = s
        .strip_suffix("==")
        .or_else(|| s.strip_suffix('='))
        .unwrap_or(s);
    if body.is_empty() || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0_u32, 0_u32);
    for b in body.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Do these bytes look like a JSON object: `{` … `}` once surrounding
/// whitespace is removed? The inside is not parsed.
fn object_shaped(bytes: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii();
    trimmed.len() >= 2 && trimmed.starts_with(b"{") && trimmed.ends_with(b"}")
}

/// The string value of `"alg"` in a JOSE header, if there is one.
fn jose_alg(header: &[u8]) -> Option<String> {
    let at = header.windows(5).position(|w| w == b"\"alg\"")?;
    let rest = header[at + 5..].trim_ascii_start().strip_prefix(b":")?;
    let rest = rest.trim_ascii_start().strip_prefix(b"\"")?;
    let end = rest.iter().position(|&b| b == b'"')?;
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// Is `token` a signed JSON Web Token in the JWS compact serialization
/// (RFC 7515 section 7.1, RFC 7519 section 3)? Three base64url parts
/// separated by dots: a JOSE header that decodes to an object with an
/// `"alg"` string member, a payload (the claims set) that decodes to an
/// object, and a non-empty signature.
///
/// Unsecured JWTs (`"alg": "none"`, RFC 7519 section 6) are rejected: their
/// signature must be empty, anyone can forge one, so they are not
/// credentials; a `none` token with a signature is malformed.
///
/// Lenient on purpose: the bytes between the braces are not parsed as
/// JSON, so a token with one damaged character is still reported (it is
/// still a leaked token). Values such as `eyJ0eXAi….<random>.<random>`
/// whose header has no `alg`, or whose payload is not an object, fail.
pub fn jwt_valid(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(header), Some(payload), Some(signature)) = (
        base64_decode(header),
        base64_decode(payload),
        base64_decode(signature),
    ) else {
        return false;
    };
    if !object_shaped(&header) || !object_shaped(&payload) || signature.is_empty() {
        return false;
    }
    match jose_alg(&header) {
        Some(alg) => !alg.is_empty() && !alg.eq_ignore_ascii_case("none"),
        None => false,
    }
}

/// Is `value` the base64 of HTTP Basic credentials, `user-id:password`
/// (RFC 7617 section 2), as in `Authorization: Basic …` or the `"auth"`
/// field of Docker's `config.json`? The decoded text must be UTF-8 without
/// control characters, hold a `:`, and have a password after it that is
/// not itself a placeholder ([`is_placeholder`]), so that
/// `dXNlcjpwYXNzd29yZA==` (`user:password`) is not reported.
pub fn basic_auth_valid(value: &str) -> bool {
    let Some(bytes) = base64_decode(value) else {
        return false;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return false;
    };
    if text.chars().any(char::is_control) {
        return false;
    }
    match text.split_once(':') {
        Some((_, password)) => !password.is_empty() && !is_placeholder(password),
        None => false,
    }
}

/// Reads one field of a version-2 binary macaroon at `at`: a type byte, a
/// varint length and that many bytes. Returns (type, data, next offset).
fn macaroon_field(bytes: &[u8], at: usize) -> Option<(u8, &[u8], usize)> {
    let kind = *bytes.get(at)?;
    let (mut len, mut shift, mut i) = (0_usize, 0_u32, at + 1);
    loop {
        let b = *bytes.get(i)?;
        i += 1;
        len |= usize::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 21 {
            return None;
        }
    }
    let data = bytes.get(i..i.checked_add(len)?)?;
    Some((kind, data, i + len))
}

/// Checks that a PyPI API token (`pypi-` followed by a base64url body) is a
/// macaroon issued by PyPI or TestPyPI.
///
/// PyPI documents its API tokens as macaroons prefixed with `pypi-`
/// (<https://pypi.org/help/#apitoken>); Warehouse serializes them in the
/// version-2 binary macaroon format of libmacaroons
/// (<https://github.com/rescrv/libmacaroons/blob/master/doc/format.txt>):
/// a version byte `0x02`, then fields made of a type byte, a varint length
/// and the data. The first field is the location (type 1), which must be
/// `pypi.org` or `test.pypi.org`; the next is the identifier (type 2),
/// which must not be empty. The signature cannot be checked offline.
pub fn pypi_macaroon_valid(token: &str) -> bool {
    let Some(body) = token.strip_prefix("pypi-") else {
        return false;
    };
    let Some(bytes) = base64_decode(body) else {
        return false;
    };
    if bytes.first() != Some(&2) {
        return false;
    }
    let Some((1, location, next)) = macaroon_field(&bytes, 1) else {
        return false;
    };
    if location != b"pypi.org" && location != b"test.pypi.org" {
        return false;
    }
    matches!(macaroon_field(&bytes, next), Some((2, id, _)) if !id.is_empty())
}

/// Runs the validator named in a rule (`validator = "…"`; the names are
/// listed in [`crate::rules::VALIDATORS`]). An unknown name fails.
pub fn validate(name: &str, secret: &str) -> bool {
    match name {
        "github-crc32" => github_crc32_valid(secret),
        "jwt" => jwt_valid(secret),
        "basic-auth" => basic_auth_valid(secret),
        "npm-crc32" => npm_crc32_valid(secret),
        "pypi-macaroon" => pypi_macaroon_valid(secret),
        _ => false,
    }
}

/// Shannon entropy of `s` in bits per character (over bytes).
pub fn shannon_entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0_u32; 256];
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Values published in vendor documentation as examples, or fixed public
/// values that grant nothing:
/// - AWS's example access key pair (AWS IAM user guide);
/// - the Azure Cosmos DB emulator's well-known account key, the same on
///   every machine (learn.microsoft.com, "Azure Cosmos DB emulator").
const DOC_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
];

/// Secrets longer than this (in bytes) skip the word, sequence and run
/// checks of [`is_placeholder`].
const LONG_SECRET: usize = 200;

/// Words that mark a value as a placeholder when it contains them.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yourpassword",
    "xxxx",
    "****",
    "....",
    "redacted",
    "dummy",
    "sample",
    "replace_me",
    "replaceme",
    "insert_",
    "todo",
    "not-a-real",
    "notreal",
];

/// Whole values that are placeholders, compared case-insensitively.
/// `secret` is not one: `user:secret@host` in a connection string is a
/// password people really use, and generic rules drop it anyway (too short,
/// too little entropy).
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "token",
    "apikey",
    "api_key",
    "admin",
    "root",
    "test",
    "null",
    "none",
    "true",
    "false",
    "undefined",
];

/// Runs of ascending characters that no random secret contains.
const SEQUENCES: &[&str] = &[
    "0123456789abcdef",
    "1234567890",
    "12345678",
    "abcdef",
    "a1b2c3",
    "qwerty",
];

/// Is `value` a template or variable reference rather than a literal?
/// Shell and Make (`$VAR`, `${VAR}`, `$(cmd)`), Jinja, Helm and GitHub
/// Actions (`{{ var }}`), Python `%`-formatting (`%(var)s`) and
/// `str.format` (`{var}`), Windows `cmd` (`%VAR%`), Ruby interpolation
/// (`#{var}`), angle-bracket placeholders (`<your-token>`, also
/// HTML-escaped as `&lt;…&gt;`), and constant names in capitals with an
/// underscore (`YOUR_API_TOKEN`, `DB_PASSWORD`).
pub fn is_template_reference(value: &str) -> bool {
    let v = value.trim_matches(|c: char| c == '"' || c == '\'' || c == '\\');
    let constant_name = v.len() >= 3
        && v.contains('_')
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    v.starts_with('$')
        || v.contains("${")
        || v.contains("{{")
        || v.starts_with("%(")
        || (v.len() > 2 && v.starts_with('%') && v.ends_with('%'))
        || (v.len() > 2 && v.starts_with('{') && v.ends_with('}'))
        || v.contains("#{")
        || v.starts_with('<')
        || (v.contains('<') && v.contains('>'))
        || v.to_ascii_lowercase().contains("&lt;")
        || constant_name
}

/// Is `secret` obviously a placeholder, not a real secret? Vendor-documented
/// example values, template references ([`is_template_reference`]),
/// placeholder words (`changeme`, `example`, `xxxx`, …), a character
/// repeated 8 times in a row or one character making up the whole value
/// (`********`, `######`), and keyboard or counting sequences. Values
/// longer than 200 bytes (key material) get only the first two checks.
pub fn is_placeholder(secret: &str) -> bool {
    if DOC_EXAMPLES.iter().any(|e| secret.contains(e)) {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    let trimmed = lower.trim_matches(|c: char| c == '"' || c == '\'');
    if is_template_reference(secret) {
        return true;
    }
    if PLACEHOLDER_VALUES.contains(&trimmed) {
        return true;
    }
    // Key material (PEM bodies, base64 blobs) is long and may contain runs
    // such as `AAAAAAAA` (zero bytes) or, by chance, a placeholder word; only
    // the checks above apply to it.
    if secret.len() > LONG_SECRET {
        return false;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    if SEQUENCES.iter().any(|s| lower.contains(s)) {
        return true;
    }
    let bytes = lower.as_bytes();
    if let Some(&first) = bytes.first() {
        if bytes.iter().all(|&b| b == first) {
            return true;
        }
    }
    let mut run = 1;
    for w in bytes.windows(2) {
        if w[0] == w[1] && w[0].is_ascii_alphanumeric() {
            run += 1;
            if run >= 8 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// Does a value that contains the word `password` name something rather
/// than hold one? `edit_password`, `#add-password`, `Password:`,
/// `getMasterUserPassword`, `forgot-password` do (a separator or
/// punctuation, or a camel-case hump before `Password`); `thisismypassword`
/// and `Password123` do not: people use those as passwords.
fn names_a_password(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let Some(at) = lower.find("password") else {
        return false;
    };
    let punctuated = value.chars().any(|c| !c.is_ascii_alphanumeric());
    let hump = at > 0
        && value.as_bytes()[at].is_ascii_uppercase()
        && value.as_bytes()[at - 1].is_ascii_lowercase();
    punctuated || hump
}

/// Does a value caught by a generic `key = value` rule look like code,
/// configuration or prose rather than a secret? A dotted identifier
/// (`env.DB_PASSWORD`, `config.db.password`), a value that names a password
/// rather than holds one (`edit_password`, `Password:`), a path, URL, ARN or
/// CSS selector, a word such as `not-set`, a sentence (two spaces or more),
/// an e-mail address or `name@` (the customary anonymous-FTP password,
/// RFC 1635), or the code around a closed string literal (`+ getPass(`,
/// `.$cfg[`: the quote that seemed to open the value closed a string).
/// Only generic rules use this: vendor tokens such as JWTs and Vault tokens
/// contain dots.
pub fn is_code_like(value: &str) -> bool {
    let anonymous_ftp = value.strip_suffix('@').is_some_and(|name| {
        name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    });
    if names_a_password(value) || value.matches(' ').count() >= 2 || anonymous_ftp {
        return true;
    }
    let trimmed = value.trim();
    if trimmed.starts_with(['+', '.']) || trimmed.ends_with(['(', '[']) {
        return true;
    }
    // Paths and member access of C, C++, Rust, PHP: `::std::ffi`, `p->x`;
    // address-of and dereference: `&table`, `*ptr`.
    if value.contains("::") || value.contains("->") || trimmed.starts_with(['&', '*']) {
        return true;
    }
    // Test outcomes, not passwords: `ok ? "pass" : "fail"`.
    if ["fail", "failed", "failure", "passed", "success", "error"]
        .iter()
        .any(|w| value.eq_ignore_ascii_case(w))
    {
        return true;
    }
    if is_long_identifier(value) {
        return true;
    }
    let email = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    });
    if email {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    // A segment such as `Z4bTMtngfLeQ18Aq` (upper, lower and digits) is
    // random, not a name: Vault tokens look like `hvs.<random>`.
    let identifier = |seg: &str| {
        let has = |f: fn(&char) -> bool| seg.chars().any(|c| f(&c));
        seg.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !(has(char::is_ascii_uppercase)
                && has(char::is_ascii_lowercase)
                && has(char::is_ascii_digit))
    };
    let dotted_identifier = value.contains('.') && value.split('.').all(identifier);
    dotted_identifier
        || ["passwd", "not-set", "notset", "unset", "null"]
            .iter()
            .any(|w| lower.contains(w))
        || [
            "#", "/", "./", "arn:", "http://", "https://", "process.", "os.",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Does `value` start like a token format that carries a checksum (GitHub's
/// `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`, npm's `npm_`, or
/// the same prefixes with a mistyped separator)? Generic rules leave such
/// values to the specific rules, which verify the checksum; otherwise a
/// token whose checksum fails would come back as a generic finding.
pub fn has_checksummed_prefix(value: &str) -> bool {
    let v = value.as_bytes();
    let gh = v.len() > 4
        && v.starts_with(b"gh")
        && matches!(v[2], b'p' | b'o' | b'u' | b's' | b'r')
        && matches!(v[3], b'_' | b'-');
    gh || value.starts_with("github_pat_") || value.starts_with("npm_")
}

/// Is `value` a programming identifier of three or more words:
/// `snake_case_name`, `CONSTANT_NAME_X`, `camelCaseName`, `__PrivateName`?
/// With digits, only snake_case in one letter case counts
/// (`curve25519_compute_value`); two-word values (`open_sesame`) are left
/// to the entropy check, because people do choose such passwords.
pub fn is_long_identifier(value: &str) -> bool {
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return false;
    }
    if value.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if value.bytes().any(|b| b.is_ascii_digit()) {
        // With digits, only snake_case in one case counts
        // (`curve25519_compute_value`, `FU540_PLL_DATA`): camel humps with
        // digits are what random tokens look like.
        let one_case = !value.bytes().any(|b| b.is_ascii_uppercase())
            || !value.bytes().any(|b| b.is_ascii_lowercase());
        let segments = value.split('_').filter(|s| !s.is_empty()).count();
        return one_case && segments >= 3;
    }
    let mut words = 0;
    let mut prev: Option<char> = None;
    for c in value.chars() {
        let starts_word = match prev {
            None => c != '_',
            Some('_') => c != '_',
            Some(p) => p.is_ascii_lowercase() && c.is_ascii_uppercase(),
        };
        if starts_word {
            words += 1;
        }
        prev = Some(c);
    }
    words >= 3
}

/// A form of `secret` that is safe to show: its first 4 characters (fewer
/// for short secrets: at most a quarter of it), an ellipsis, and its length.
/// Never the whole secret.
pub fn redact(secret: &str) -> String {
    let len = secret.chars().count();
    let shown = 4.min(len / 4);
    let prefix: String = secret.chars().take(shown).collect();
    format!("{prefix}…({len} chars)")
}

/// A stable fingerprint of a finding: 64-bit FNV-1a over the rule id, a NUL
/// byte, and the secret, as 16 lowercase hex digits. It lets tools
/// deduplicate and allow-list findings without storing the secret. Not a
/// cryptographic hash: do not publish fingerprints of low-entropy
/// passwords.
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for b in rule_id.bytes().chain([0]).chain(secret.bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_identifiers_are_code() {
        for v in [
            "curve25519_compute_value",
            "sifive_fu540_prci_corepll_data",
            "GV100_FIFO_TOKEN",
        ] {
            assert!(is_long_identifier(v), "{v}");
        }
        for v in [
            "tokenize_for_shell_dialect",
            "NID_kx_rsa",
            "__IncompleteArrayField",
            "getMasterUserPassword",
        ] {
            assert!(is_long_identifier(v), "{v}");
        }
        for v in [
            "open_sesame",
            "hunter",
            "passw0rd_is",
            "Hq4v_Wm8N_p2Rs",
            "9_a_b",
            "Zr7qLm2Xv9Tk",
            "thisismypassword",
            "",
        ] {
            assert!(!is_long_identifier(v), "{v}");
        }
    }
    use pretty_assertions::assert_eq;

    #[test]
    fn crc32_matches_known_vectors() {
        // The standard check value for CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_pads_and_encodes() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 6), "00000z");
        assert_eq!(base62(62, 6), "000010");
        assert_eq!(base62(u32::MAX, 6), "4gfFC3");
    }

    fn token_with_valid_checksum(prefix: &str, random: &str) -> String {
        assert_eq!(random.len(), 30);
        format!("{prefix}{random}{}", base62(crc32(random.as_bytes()), 6))
    }

    #[test]
    fn github_checksum_accepts_a_valid_token() {
        let token = token_with_valid_checksum("ghp_", "Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1");
        assert!(github_crc32_valid(&token), "{token}");
        let token = token_with_valid_checksum("ghs_", "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1");
        assert!(validate("github-crc32", &token));
    }

    #[test]
    fn github_checksum_rejects_an_invalid_token() {
        let valid = token_with_valid_checksum("ghp_", "Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1");
        // Change the last checksum character.
        let mut invalid = valid[..valid.len() - 1].to_string();
        invalid.push(if valid.ends_with('A') { 'B' } else { 'A' });
        assert!(!github_crc32_valid(&invalid), "{invalid}");
        // Change one random character.
        let mangled = valid.replacen('Q', "R", 1);
        assert!(!github_crc32_valid(&mangled));
        assert!(!github_crc32_valid("ghp_short"));
        assert!(!github_crc32_valid("no-underscore"));
        assert!(!validate("unknown-validator", &valid));
    }

    #[test]
    fn npm_checksum_uses_the_github_scheme() {
        let token = token_with_valid_checksum("npm_", "Zr4kW9pQm2Lx7TnB3vHc8JdY5gFs1E");
        assert!(npm_crc32_valid(&token), "{token}");
        assert!(validate("npm-crc32", &token));
        let mangled = token.replacen('Z', "Y", 1);
        assert!(!npm_crc32_valid(&mangled));
        // A valid GitHub token is not an npm token.
        let github = token_with_valid_checksum("ghp_", "Zr4kW9pQm2Lx7TnB3vHc8JdY5gFs1E");
        assert!(!npm_crc32_valid(&github));
    }

    #[test]
    fn base64url_decodes_with_and_without_padding() {
        assert_eq!(base64_decode("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("_-8").as_deref(), Some(&[0xFF, 0xEF][..]));
        assert_eq!(base64_decode("a"), None);
        assert_eq!(base64_decode("ab!c"), None);
    }

    /// A version-2 macaroon: location field, identifier field, then filler.
    fn macaroon_token(location: &str, identifier: &str) -> String {
        let mut bytes = vec![2_u8, 1, location.len() as u8];
        bytes.extend_from_slice(location.as_bytes());
        bytes.extend_from_slice(&[2, identifier.len() as u8]);
        bytes.extend_from_slice(identifier.as_bytes());
        bytes.extend_from_slice(&[0, 6, 32]);
        bytes.extend_from_slice(b"Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1Lk");
        let mut text = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0_u32, |a, &b| (a << 8) | u32::from(b))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                let v = (n >> (18 - 6 * i)) & 63;
                text.push(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[v as usize]
                        as char,
                );
            }
        }
        format!("pypi-{text}")
    }

    #[test]
    fn pypi_macaroons_are_recognised() {
        let prod = macaroon_token("pypi.org", "7f3c2a91-5d4e-4b8a-9c6f-1e2d3b4a5c6d");
        assert!(prod.starts_with("pypi-AgEIcHlwaS5vcmc"), "{prod}");
        assert!(pypi_macaroon_valid(&prod), "{prod}");
        let test = macaroon_token("test.pypi.org", "0b8e6d4c-2a1f-4e3d-8c7b-6a5f4e3d2c1b");
        assert!(validate("pypi-macaroon", &test), "{test}");
        assert!(!pypi_macaroon_valid(&macaroon_token("evil.org", "x1")));
        assert!(!pypi_macaroon_valid(&macaroon_token("pypi.org", "")));
        assert!(!pypi_macaroon_valid("pypi-AgEIcHlwaS5vcmc"));
        assert!(!pypi_macaroon_valid("pypi-!!!!"));
        assert!(!pypi_macaroon_valid("AgEIcHlwaS5vcmcCJDkw"));
    }

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
            "xxxxxxxxxxxxxxxxxxxx",
            "<your-token>",
            "${GITHUB_TOKEN}",
            "$DB_PASSWORD",
            "{{ secrets.TOKEN }}",
            "changeme",
            "CHANGEME123",
            "my-example-key",
            "aaaaaaaaaaaaaaaa",
            "ghp_000000000000000000000000000000000000",
            "1234567890abcdef",
            "0123456789abcdef0123456789abcdef",
            "abcdefg12346+FJQCK",
            "px-api-a1b2c3d4-e5f6-g7h8",
            "password",
            "your_api_key_here",
        ] {
            assert!(is_placeholder(p), "{p} should be a placeholder");
        }
        for real in [
            "Tq8vLr2mZp9w",
            "ghp_Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve10Mn2Ab",
            "hV3!rQ9#zLw2",
            "AKIAQ7RZ4WLMNB2XKT3P",
        ] {
            assert!(!is_placeholder(real), "{real} should not be a placeholder");
        }
    }

    #[test]
    fn long_key_material_with_zero_runs_is_not_a_placeholder() {
        let body = format!(
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW{}",
            "Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1".repeat(6)
        );
        assert!(!is_placeholder(&body));
        assert!(is_placeholder(&format!("{body}AKIAIOSFODNN7EXAMPLE")));
    }

    #[test]
    fn code_like_values_are_recognised() {
        for v in [
            "env.PERKEEP_TEST_PASSWORD",
            "config.db.secret",
            "edit_password",
            "#add-password",
            "/en/creating-a-strong-password",
            "arn:aws:iam::aws:policy/IAMUserChangePassword",
            "not-set",
        ] {
            assert!(is_code_like(v), "{v}");
        }
        for v in [
            "Tq8vLr2mZp9w",
            "hV3!rQ9#zLw2",
            "super$ecret.9",
            "s.Z4bTMtngfLeQ18AqVoBBkUAOD1",
        ] {
            assert!(!is_code_like(v), "{v}");
        }
    }

    #[test]
    fn base64_decodes_both_alphabets_with_or_without_padding() {
        assert_eq!(base64_decode("TWFu").as_deref(), Some(&b"Man"[..]));
        assert_eq!(base64_decode("TWE=").as_deref(), Some(&b"Ma"[..]));
        assert_eq!(base64_decode("TWE").as_deref(), Some(&b"Ma"[..]));
        assert_eq!(base64_decode("TQ==").as_deref(), Some(&b"M"[..]));
        // RFC 4648 section 10 test vector.
        assert_eq!(base64_decode("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
        // 0xfb 0xff: `+/` in base64, `-_` in base64url.
        assert_eq!(base64_decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64_decode("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
        for bad in ["", "T", "TWFuT", "TW=u", "TW!u", "===", "TWFu==="] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    fn b64url(s: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in s.as_bytes().chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0_u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }

    fn jwt(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.{}",
            b64url(header),
            b64url(payload),
            b64url("q8Lr2mZp9wTv3NcX7hJd5BfGs9Ve1Kx")
        )
    }

    #[test]
    fn jwt_validator_accepts_signed_tokens() {
        let t = jwt(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"u1","iat":1767225600}"#,
        );
        assert!(jwt_valid(&t), "{t}");
        assert!(validate("jwt", &t));
        // Whitespace inside and around the JSON is allowed.
        let t = jwt("{\n  \"alg\" : \"RS256\"\n}", " { \"iss\": \"a\" } ");
        assert!(jwt_valid(&t), "{t}");
    }

    #[test]
    fn jwt_validator_rejects_what_is_not_a_signed_jwt() {
        let claims = r#"{"sub":"u1"}"#;
        for t in [
            // Unsecured JWTs, whatever the case of `none`.
            jwt(r#"{"alg":"none"}"#, claims),
            jwt(r#"{"alg":"NONE","typ":"JWT"}"#, claims),
            // No alg, an empty alg, or alg not a string.
            jwt(r#"{"typ":"JWT"}"#, claims),
            jwt(r#"{"alg":""}"#, claims),
            jwt(r#"{"alg":256}"#, claims),
            // Header or payload not an object.
            jwt(r#"["alg","HS256"]"#, claims),
            jwt(r#"{"alg":"HS256"}"#, "plain text payload"),
        ] {
            assert!(!jwt_valid(&t), "{t}");
        }
        let good = jwt(r#"{"alg":"HS256"}"#, claims);
        let (head, _) = good.rsplit_once('.').unwrap_or_default();
        assert!(!jwt_valid(&format!("{head}.")), "empty signature");
        assert!(!jwt_valid(&format!("{good}.extra")), "four parts");
        assert!(!jwt_valid(&good.replacen('.', ".!", 1)), "bad base64");
    }

    #[test]
    fn basic_auth_validator_decodes_user_and_password() {
        // RFC 7617 section 2: "Aladdin:open sesame".
        assert!(basic_auth_valid("QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assert!(validate("basic-auth", "ZGVwbG95OnZIQjlMbklMQmhhZVNN"));
        for bad in [
            "dXNlcjpwYXNzd29yZA==", // user:password
            "dXNlcjo=",             // user: (no password)
            "dXNlcm5hbWU=",         // username (no colon)
            "AAECAwQFBgc=",         // binary
            "not base64!",
        ] {
            assert!(!basic_auth_valid(bad), "{bad}");
        }
    }

    #[test]
    fn template_references_are_recognised() {
        for t in [
            "$DB_PASSWORD",
            "${DB_PASSWORD}",
            "$(cat /run/secrets/db)",
            "{{ .Values.password }}",
            "%(db_password)s",
            "{password}",
            "%DB_PASS%",
            "#{datastore['DBPASSWORD']}",
            "<your-token>",
            "&lt;YOUR_PASSWORD&gt;",
            "YOUR_API_TOKEN",
            "DB_PASSWORD_2",
            "\\\"${PASS}\\\"",
        ] {
            assert!(is_template_reference(t), "{t}");
            assert!(is_placeholder(t), "{t}");
        }
        for t in [
            "Tq8vLr2mZp9w",
            "super$ecret",
            "AKIAQ7RZ4WLMNB2XKT3P",
            "%",
            "%%",
            "{}",
        ] {
            assert!(!is_template_reference(t), "{t}");
        }
    }

    #[test]
    fn secret_as_a_password_is_not_a_placeholder_but_password_is() {
        assert!(!is_placeholder("secret"));
        assert!(is_placeholder("Password"));
        assert!(is_placeholder("PWD"));
        assert!(is_placeholder("######"));
    }

    #[test]
    fn values_naming_a_password_are_code_like_but_passwords_are_not() {
        for v in [
            "Password:",
            "getMasterUserPassword",
            "update_password",
            "/forgot-password",
            "Incorrect Username or Password",
            "busybox@",
            "ops@example.com",
            "+new Buffer(",
            ".$p[",
            " + getSecret(",
        ] {
            assert!(is_code_like(v), "{v}");
        }
        for v in [
            "thisismypassword",
            "Password123",
            "mypassword",
            "open sesame",
            "9Lp4ssW0rd@@",
        ] {
            assert!(!is_code_like(v), "{v}");
        }
    }

    #[test]
    fn entropy_is_bits_per_character() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy("Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve1") > 4.0);
    }

    #[test]
    fn redaction_never_contains_the_secret() {
        for secret in [
            "ghp_Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve10Mn2Ab",
            "Tq8vLr2mZp9w",
            "abcdefgh",
            "пароль-секрет-ключ",
        ] {
            let r = redact(secret);
            assert!(
                secret.is_empty() || !r.contains(secret),
                "{r} contains {secret}"
            );
            assert!(r.contains(&format!("({} chars)", secret.chars().count())));
        }
        assert_eq!(
            redact("ghp_Qm4vTz8RkLw2NpXc7YhJd3BfGs9Ve10Mn2Ab"),
            "ghp_…(40 chars)"
        );
        assert_eq!(redact("Tq8vLr2mZp9w"), "Tq8…(12 chars)");
        // Short values show no characters at all.
        assert_eq!(redact("abc"), "…(3 chars)");
        assert_eq!(redact(""), "…(0 chars)");
    }

    #[test]
    fn fingerprint_is_stable_and_depends_on_rule_and_secret() {
        let a = fingerprint("secret.a", "s3cr3t");
        assert_eq!(a.len(), 16);
        assert_eq!(a, fingerprint("secret.a", "s3cr3t"));
        assert_ne!(a, fingerprint("secret.b", "s3cr3t"));
        assert_ne!(a, fingerprint("secret.a", "s3cr3u"));
        // A fixed value (FNV-1a 64 of a single NUL byte) keeps fingerprints
        // stable across releases.
        assert_eq!(fingerprint("", ""), "af63bd4c8601b7df");
    }
}

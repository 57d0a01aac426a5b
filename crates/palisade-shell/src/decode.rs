//! Static payloads: the output of a pipeline of known commands (`echo`,
//! `printf`, `cat` of a heredoc) through decoders (`base64 -d`, `base32 -d`,
//! `xxd -r -p`, `rev`, `tr`), so that `echo … | base64 -d | sh` can be read.

use crate::model::{RedirectOp, SimpleCommand, Word};
use crate::word::decode_ansi_c;

/// Largest payload decoded (bytes); past it the stage is unknown.
pub(crate) const MAX_DECODED: usize = 64 * 1024;

/// What a pipeline writes, when every stage is known.
pub(crate) struct Output {
    /// The text written to standard output.
    pub(crate) text: String,
}

/// The output of `stages` run as a pipeline with no input, or `None` when a
/// stage is unknown, reads a file, or the text grows past [`MAX_DECODED`].
pub(crate) fn pipeline(stages: &[&SimpleCommand]) -> Option<Output> {
    let mut data: Option<String> = None;
    for cmd in stages {
        let out = stage(cmd, data.take())?;
        if out.len() > MAX_DECODED {
            return None;
        }
        data = Some(out);
    }
    data.map(|text| Output { text })
}

fn flags(args: &[Word]) -> Option<(Vec<String>, Vec<&Word>)> {
    let mut opts = Vec::new();
    let mut rest = Vec::new();
    for w in args {
        if w.dynamic || w.glob {
            return None;
        }
        if w.value.len() > 1 && w.value.starts_with('-') && rest.is_empty() {
            if let Some(long) = w.value.strip_prefix("--") {
                opts.push(format!("--{long}"));
            } else {
                opts.extend(w.value.chars().skip(1).map(|c| format!("-{c}")));
            }
        } else {
            rest.push(w);
        }
    }
    Some((opts, rest))
}

/// One stage's output.
fn stage(cmd: &SimpleCommand, input: Option<String>) -> Option<String> {
    if cmd.dynamic || !cmd.assignments.is_empty() {
        return None;
    }
    // Standard input from a here-string or heredoc replaces the pipe.
    let mut input = input;
    for r in &cmd.redirects {
        match r.op {
            RedirectOp::HereString if !r.target.dynamic => {
                input = Some(format!("{}\n", r.target.value));
            }
            RedirectOp::HereDoc => input = Some(r.body.clone()?),
            RedirectOp::Dup => {}
            RedirectOp::Write | RedirectOp::Append if r.fd == Some(2) => {}
            _ => return None,
        }
    }
    let prog = cmd.program()?;
    let (opts, ops) = flags(cmd.args())?;
    let has = |names: &[&str]| opts.iter().any(|o| names.contains(&o.as_str()));
    let out = match prog {
        "echo" => {
            if !opts
                .iter()
                .all(|o| matches!(o.as_str(), "-n" | "-e" | "-E"))
            {
                return None;
            }
            let text: Vec<&str> = ops.iter().map(|w| w.value.as_str()).collect();
            let mut s = text.join(" ");
            if has(&["-e"]) {
                s = decode_ansi_c(&s);
            }
            if !has(&["-n"]) {
                s.push('\n');
            }
            return Some(s);
        }
        "printf" => return printf(cmd.args()),
        "cat" if ops.is_empty() && opts.is_empty() => return input,
        "base64" | "base32" => {
            let known = [
                "-d",
                "--decode",
                "-D",
                "-i",
                "--ignore-garbage",
                "-w",
                "--wrap",
            ];
            if !has(&["-d", "--decode", "-D"])
                || !opts
                    .iter()
                    .all(|o| known.contains(&o.as_str()) || o.starts_with("--wrap="))
                || ops
                    .iter()
                    .any(|w| w.value != "-" && w.value.parse::<u32>().is_err())
            {
                return None;
            }
            let text = input?;
            let bytes = if prog == "base64" {
                base64(&text)?
            } else {
                base32(&text)?
            };
            String::from_utf8_lossy(&bytes).into_owned()
        }
        "xxd" => {
            let plain =
                has(&["-p", "--plain", "-ps", "--postscript"]) || opts.iter().any(|o| o == "-s");
            if !has(&["-r", "--revert"]) || !plain || !ops.is_empty() {
                return None;
            }
            String::from_utf8_lossy(&hex(&input?)?).into_owned()
        }
        "rev" if opts.is_empty() && ops.is_empty() => input?
            .split_inclusive('\n')
            .map(|l| {
                let (body, nl) = l.strip_suffix('\n').map_or((l, ""), |b| (b, "\n"));
                let mut r: String = body.chars().rev().collect();
                r.push_str(nl);
                r
            })
            .collect(),
        "tr" if opts.is_empty() && ops.len() == 2 => {
            let from = tr_set(&ops[0].value)?;
            let to = tr_set(&ops[1].value)?;
            let last = *to.last()?;
            input?
                .chars()
                .map(|c| match from.iter().position(|&f| f == c) {
                    Some(i) => to.get(i).copied().unwrap_or(last),
                    None => c,
                })
                .collect()
        }
        _ => return None,
    };
    Some(out)
}

/// `printf FORMAT [ARG…]` with only `%s`, `%b` and `%%` conversions.
fn printf(args: &[Word]) -> Option<String> {
    if args.iter().any(|w| w.dynamic) {
        return None;
    }
    let (fmt, rest) = args.split_first()?;
    if fmt.value.starts_with('-') {
        return None;
    }
    let fmt = fmt.value.as_str();
    let mut out = String::new();
    let mut args = rest.iter().map(|w| w.value.as_str());
    loop {
        let mut used = false;
        let mut chunk = String::new();
        let mut it = fmt.chars().peekable();
        while let Some(c) = it.next() {
            if c != '%' {
                chunk.push(c);
                continue;
            }
            match it.next() {
                Some('%') => chunk.push('%'),
                Some('s') => {
                    used = true;
                    chunk.push_str(args.next().unwrap_or(""));
                }
                Some('b') => {
                    used = true;
                    chunk.push_str(&decode_ansi_c(args.next().unwrap_or("")));
                }
                _ => return None,
            }
        }
        out.push_str(&decode_ansi_c(&chunk));
        if out.len() > MAX_DECODED {
            return None;
        }
        // The format is reused while arguments remain.
        if !used || args.len() == 0 {
            break;
        }
    }
    Some(out)
}

/// A `tr` set: characters and `a-z` ranges (no classes).
fn tr_set(s: &str) -> Option<Vec<char>> {
    let chars: Vec<char> = decode_ansi_c(s).chars().collect();
    if chars.contains(&'[') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i + 1) == Some(&'-') && i + 2 < chars.len() {
            let (a, z) = (chars[i], chars[i + 2]);
            if a > z || (z as u32 - a as u32) > 4096 {
                return None;
            }
            out.extend(a..=z);
            i += 3;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn base64(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    decode_bits(s, ALPHABET, 6)
}

fn base32(s: &str) -> Option<Vec<u8>> {
    decode_bits(s, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 5)
}

/// Base64/base32 decoding: whitespace ignored, `=` padding ends the data.
fn decode_bits(s: &str, alphabet: &[u8], bits: u32) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut n) = (0u32, 0u32);
    for b in s.bytes() {
        if b.is_ascii_whitespace() {
            continue;
        }
        if b == b'=' {
            break;
        }
        let v = alphabet.iter().position(|&a| a == b)?;
        acc = (acc << bits) | u32::try_from(v).ok()?;
        n += bits;
        if n >= 8 {
            n -= 8;
            out.push(u8::try_from((acc >> n) & 0xff).ok()?);
            acc &= (1 << n) - 1;
        }
    }
    Some(out)
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| {
            char::from(b)
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok())
        })
        .collect::<Option<_>>()?;
    Some(
        digits
            .chunks(2)
            .map(|p| p.iter().fold(0, |a, d| a * 16 + d))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::{base32, base64, hex, tr_set};

    #[test]
    fn decoders() {
        assert_eq!(base64("cm0gLXJmIH4=").as_deref(), Some(&b"rm -rf ~"[..]));
        assert_eq!(base64("cm0g\nLXJm IH4").as_deref(), Some(&b"rm -rf ~"[..]));
        assert_eq!(base64("*"), None);
        assert_eq!(
            base32("OJWSALLSMYQH4===").as_deref(),
            Some(&b"rm -rf ~"[..])
        );
        assert_eq!(hex("6c73\n").as_deref(), Some(&b"ls"[..]));
        assert_eq!(hex("zz"), None);
        assert_eq!(tr_set("a-c"), Some(vec!['a', 'b', 'c']));
        assert_eq!(tr_set("[:upper:]"), None);
    }
}

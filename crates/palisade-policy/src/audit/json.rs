//! JSON text with lines: comments blanked out (Gemini CLI's settings accept
//! them) and the 1-based line of every value, keyed by its JSON pointer
//! (`/permissions/allow/0`), since `serde_json` keeps no positions.

use std::collections::HashMap;

/// `text` with `//` and `/* */` comments outside strings replaced by
/// spaces (newlines kept), so lines and columns stay where they were.
pub fn blank_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            out.push(c);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1]);
                i += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
            i += 1;
        } else if c == b'"' {
            in_string = true;
            out.push(c);
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            out.extend_from_slice(b"  ");
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                out.push(if b[i] == b'\n' { b'\n' } else { b' ' });
                i += 1;
            }
            if i < b.len() {
                out.extend_from_slice(b"  ");
                i += 2;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    // Only ASCII bytes were replaced, by ASCII, so the text stays UTF-8;
    // the lossy conversion is never lossy here.
    String::from_utf8_lossy(&out).into_owned()
}

/// The 1-based line where each value starts, by JSON pointer (RFC 6901:
/// `~` as `~0`, `/` as `~1`). The root is `""`. Text that is not JSON
/// yields the lines of what came before the error.
pub fn value_lines(text: &str) -> HashMap<String, u32> {
    let mut p = Locator {
        b: text.as_bytes(),
        i: 0,
        line: 1,
        out: HashMap::new(),
        depth: 0,
    };
    p.value(String::new());
    p.out
}

/// Nesting beyond this is not followed (the rest of the text is left
/// unlocated), so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 128;

struct Locator<'a> {
    b: &'a [u8],
    i: usize,
    line: u32,
    out: HashMap<String, u32>,
    depth: usize,
}

impl Locator<'_> {
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.i += 1;
        }
    }

    /// Reads one value at the cursor; `false` on an error.
    fn value(&mut self, pointer: String) -> bool {
        self.ws();
        self.out.insert(pointer.clone(), self.line);
        match self.b.get(self.i) {
            Some(b'{') => self.object(pointer),
            Some(b'[') => self.array(pointer),
            Some(b'"') => self.string().is_some(),
            Some(_) => {
                while let Some(&c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.i += 1;
                }
                true
            }
            None => false,
        }
    }

    fn object(&mut self, pointer: String) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        self.i += 1;
        let ok = loop {
            self.ws();
            match self.b.get(self.i) {
                Some(b'}') => {
                    self.i += 1;
                    break true;
                }
                Some(b',') => self.i += 1,
                Some(b'"') => {
                    let Some(key) = self.string() else {
                        break false;
                    };
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        break false;
                    }
                    self.i += 1;
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    if !self.value(format!("{pointer}/{escaped}")) {
                        break false;
                    }
                }
                _ => break false,
            }
        };
        self.depth -= 1;
        ok
    }

    fn array(&mut self, pointer: String) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        self.i += 1;
        let mut n = 0usize;
        let ok = loop {
            self.ws();
            match self.b.get(self.i) {
                Some(b']') => {
                    self.i += 1;
                    break true;
                }
                Some(b',') => self.i += 1,
                Some(_) => {
                    if !self.value(format!("{pointer}/{n}")) {
                        break false;
                    }
                    n += 1;
                }
                None => break false,
            }
        };
        self.depth -= 1;
        ok
    }

    /// Reads a string at the cursor (on its opening quote) and returns it
    /// decoded as far as keys need (escapes other than `\uXXXX` resolved).
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut s = Vec::new();
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            match c {
                b'"' => return Some(String::from_utf8_lossy(&s).into_owned()),
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'n' => s.push(b'\n'),
                        b't' => s.push(b'\t'),
                        b'r' => s.push(b'\r'),
                        b'b' => s.push(8),
                        b'f' => s.push(12),
                        b'u' => {
                            let hex = self.b.get(self.i..self.i + 4)?;
                            self.i += 4;
                            let code =
                                u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                            let ch = char::from_u32(code).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            s.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        other => s.push(other),
                    }
                }
                b'\n' => {
                    self.line += 1;
                    s.push(c);
                }
                _ => s.push(c),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_nested_values() {
        let text = "{\n  \"a\": {\n    \"b\": [\n      \"x\",\n      \"y\"\n    ]\n  },\n  \"c/d\": 1\n}\n";
        let l = value_lines(text);
        assert_eq!(l.get(""), Some(&1));
        assert_eq!(l.get("/a"), Some(&2));
        assert_eq!(l.get("/a/b"), Some(&3));
        assert_eq!(l.get("/a/b/0"), Some(&4));
        assert_eq!(l.get("/a/b/1"), Some(&5));
        assert_eq!(l.get("/c~1d"), Some(&8));
    }

    #[test]
    fn comments_are_blanked_but_not_inside_strings() {
        let text = "{\n // note\n \"u\": \"http://x\", /* a\n b */ \"v\": 2\n}";
        let t = blank_comments(text);
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        assert_eq!(v["u"], "http://x");
        assert_eq!(value_lines(&t).get("/v"), Some(&4));
    }

    #[test]
    fn broken_and_deep_input_does_not_panic() {
        for t in ["", "{", "{\"a\":", "[[[[", "\"\\u12", "{\"a\" 1}", "}}}"] {
            let _ = value_lines(t);
            let _ = blank_comments(t);
        }
        let deep = "[".repeat(100_000);
        let _ = value_lines(&deep);
    }
}

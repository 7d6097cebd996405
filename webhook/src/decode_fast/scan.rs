//! A strict JSON scanner over a UTF-8 body for the fast decode: it walks the review member by
//! member, borrows unescaped strings and skips what nobody reads without building it.
//!
//! Every method answers `None` for anything it does not take, and it takes a subset of what
//! serde_json takes: RFC 8259 JSON as serde_json reads it, except that it leaves to the trimmed
//! decode (which words the 400 or accepts after all) numbers with an exponent or longer than
//! [`MAX_NUMBER`] bytes (serde_json refuses those that overflow `f64`), strings with a `\u`
//! surrogate escape unless serde_json itself decodes them, and nesting deeper than
//! [`MAX_DEPTH`] (serde_json's limit is 127).

use std::borrow::Cow;

use serde_json::{Map, Value};

/// Deepest nesting of arrays and objects taken (serde_json refuses the 128th level).
pub(super) const MAX_DEPTH: u32 = 100;

/// Longest number taken (digits, sign and point): without an exponent such a number is far
/// inside `f64`'s range, so serde_json takes it too.
pub(super) const MAX_NUMBER: usize = 40;

pub(super) struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
}

impl<'a> Scan<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte that is not whitespace (not consumed).
    pub(super) fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        self.bytes[self.pos..]
            .starts_with(word.as_bytes())
            .then(|| self.pos += word.len())
    }

    /// Only whitespace is left.
    pub(super) fn end(mut self) -> Option<()> {
        self.skip_whitespace();
        (self.pos == self.bytes.len()).then_some(())
    }

    /// `null` → `None`; anything else through `read`.
    pub(super) fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        if self.peek()? == b'n' {
            self.literal("null")?;
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    pub(super) fn bool(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.literal("true").map(|()| true),
            b'f' => self.literal("false").map(|()| false),
            _ => None,
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// An object: `member(scan, key)` is called for each member and must read its value.
    pub(super) fn object(
        &mut self,
        member: impl FnMut(&mut Self, Cow<'a, str>) -> Option<()>,
    ) -> Option<()> {
        self.object_keyed(Self::string, member)
    }

    /// An object whose keys are read with `key`.
    fn object_keyed<K>(
        &mut self,
        key: impl Fn(&mut Self) -> Option<K>,
        mut member: impl FnMut(&mut Self, K) -> Option<()>,
    ) -> Option<()> {
        self.delimited(b'{', b'}', |scan| {
            let key = key(scan)?;
            scan.expect(b':')?;
            member(scan, key)
        })
    }

    /// An array: `element(scan)` is called for each element and must read it.
    pub(super) fn array(&mut self, element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.delimited(b'[', b']', element)
    }

    /// `open`, items separated by commas (`item` reads one), `close`: one level of nesting.
    fn delimited(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.expect(open)?;
        self.enter()?;
        if self.peek()? == close {
            self.pos += 1;
        } else {
            loop {
                item(self)?;
                match self.peek()? {
                    b',' => self.pos += 1,
                    byte if byte == close => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// A string, borrowed from the body unless the JSON spells it with escapes.
    pub(super) fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos;
        let escaped = self.string_body()?;
        let quoted = &self.text[start..self.pos];
        if escaped {
            serde_json::from_str(quoted).ok().map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(&quoted[1..quoted.len() - 1]))
        }
    }

    /// A string, only checked.
    pub(super) fn check_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.string_body().map(drop)
    }

    /// From the opening quote to past the closing one; whether there were escapes.
    #[inline]
    fn string_body(&mut self) -> Option<bool> {
        let start = self.pos;
        self.pos = plain_run(self.bytes, self.pos + 1);
        if *self.bytes.get(self.pos)? == b'"' {
            // The common case: no escapes.
            self.pos += 1;
            Some(false)
        } else {
            self.escaped_rest(start).map(|()| true)
        }
    }

    /// The rest of a string that has stopped at a byte other than its closing quote (an escape
    /// or a control character); `start` is its opening quote.
    #[cold]
    #[inline(never)]
    fn escaped_rest(&mut self, start: usize) -> Option<()> {
        let mut surrogate = false;
        loop {
            match *self.bytes.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {}
                // A control character, which JSON wants escaped.
                _ => return None,
            }
            match self.bytes.get(self.pos + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                b'u' => {
                    let hex = self.bytes.get(self.pos + 2..self.pos + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    // Surrogates: whether they pair up is serde_json's to judge (below).
                    surrogate |= matches!(hex[0], b'd' | b'D')
                        && matches!(hex[1], b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F');
                    self.pos += 6;
                }
                _ => return None,
            }
            self.pos = plain_run(self.bytes, self.pos);
        }
        if surrogate && serde_json::from_str::<String>(&self.text[start..self.pos]).is_err() {
            return None;
        }
        Some(())
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        match self.bytes.get(self.pos)? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !self.bytes.get(self.pos)?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) || self.pos - start > MAX_NUMBER {
            return None;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    /// Any value, only checked.
    pub(super) fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string_body().map(drop),
            b'{' => self.object_keyed(Self::check_string, |scan, ()| scan.skip()),
            b'[' => self.array(Self::skip),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// Any value as serde_json reads it into a [`Value`].
    pub(super) fn value(&mut self) -> Option<Value> {
        Some(match self.peek()? {
            b'"' => Value::String(self.string()?.into_owned()),
            b'{' => {
                let mut map = Map::new();
                self.object(|scan, key| {
                    let value = scan.value()?;
                    // As serde_json's: a repeated key keeps its place and takes the last value.
                    map.insert(key.into_owned(), value);
                    Some(())
                })?;
                Value::Object(map)
            }
            b'[' => {
                let mut items = Vec::new();
                self.array(|scan| scan.value().map(|value| items.push(value)))?;
                Value::Array(items)
            }
            b't' | b'f' => Value::Bool(self.bool()?),
            b'n' => self.literal("null").map(|()| Value::Null)?,
            _ => {
                let start = self.pos;
                self.number()?;
                let text = &self.text[start..self.pos];
                // A non-negative integer that fits 64 bits is what serde_json makes of it;
                // anything else (negative, fraction, longer) goes through serde_json itself,
                // which has its own rules (`-0` is a float, long integers are floats).
                match text.parse::<u64>() {
                    Ok(n) if !text.starts_with('-') => Value::from(n),
                    _ => serde_json::from_str(text).ok()?,
                }
            }
        })
    }

    /// Any value, checked, as the JSON text that spells it.
    pub(super) fn raw(&mut self) -> Option<&'a str> {
        self.skip_whitespace();
        let start = self.pos;
        self.skip()?;
        Some(&self.text[start..self.pos])
    }
}

/// Where the run of plain string bytes from `pos` ends: at the first `"`, `\\` or control
/// character, or at the end. Eight bytes at a time (the zero-byte test of Mycroft's `haszero`,
/// as serde_json does it: the lowest flagged byte is exact).
#[inline]
fn plain_run(bytes: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const QUOTE: u64 = u64::from_le_bytes([b'"'; 8]);
    const BACKSLASH: u64 = u64::from_le_bytes([b'\\'; 8]);
    while let Some(Ok(chunk)) = bytes.get(pos..pos + 8).map(<[u8; 8]>::try_from) {
        let word = u64::from_le_bytes(chunk);
        let quote = word ^ QUOTE;
        let backslash = word ^ BACKSLASH;
        let found = ((quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word))
            & HIGH;
        if found != 0 {
            return pos + (found.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&byte) = bytes.get(pos) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        pos += 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skips(text: &str) -> bool {
        let mut scan = Scan::new(text);
        scan.skip().is_some() && scan.end().is_some()
    }

    fn serde_takes(text: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(text).is_ok()
    }

    /// Whatever the scanner takes, serde_json takes; the plain forms are taken.
    #[test]
    fn takes_plain_json_and_nothing_serde_json_refuses() {
        let deep = |n| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for (text, taken) in [
            (
                r#"{"a":[1,-2.5,0,-0,0.25,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9"]}"#,
                true,
            ),
            (" \t\r\n{ \"a\" : { } , \"b\" : [ ] } ", true),
            (r#""\ud83d\ude00""#, true),
            ("12345678901234567890123456789", true),
            (&deep(MAX_DEPTH as usize), true),
            // Left to the trimmed decode although serde_json takes them.
            ("1e5", false),
            ("1E-5", false),
            (&"9".repeat(MAX_NUMBER + 1), false),
            (&deep(MAX_DEPTH as usize + 1), false),
            // Not JSON.
            ("01", false),
            ("-", false),
            ("1.", false),
            (".5", false),
            ("+1", false),
            ("[1,]", false),
            ("{\"a\":1,}", false),
            ("{\"a\"}", false),
            ("{a:1}", false),
            ("[1 2]", false),
            ("tru", false),
            ("nul", false),
            ("\"a", false),
            ("\"\\x\"", false),
            ("\"\\u12\"", false),
            ("\"\\u+123\"", false),
            ("\"\u{1}\"", false),
            ("\"\t\"", false),
            (r#""\ud800""#, false),
            (r#""\udc00\ud800""#, false),
            ("[1] x", false),
            ("", false),
            ("'a'", false),
        ] {
            assert_eq!(skips(text), taken, "{text:?}");
            if taken {
                assert!(serde_takes(text), "serde_json refuses {text:?}");
            }
        }
    }

    /// The eight-at-a-time search stops exactly where a byte-by-byte search does, for a stop
    /// byte at every offset of a chunk and after every kind of plain byte.
    #[test]
    fn plain_run_stops_at_the_first_quote_backslash_or_control_character() {
        for stop in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for filler in [b'a', 0x20, 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']'] {
                for len in 0..20 {
                    let mut bytes = vec![filler; len];
                    bytes.push(stop);
                    bytes.extend([b'"'; 9]);
                    assert_eq!(
                        plain_run(&bytes, 0),
                        len,
                        "{filler:#x} x {len} then {stop:#x}"
                    );
                    assert_eq!(plain_run(&bytes[..len], 0), len);
                }
            }
        }
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let mut scan = Scan::new(r#"["plain","a\nb","\u0041"]"#);
        let mut seen = Vec::new();
        scan.array(|scan| scan.string().map(|s| seen.push(s)))
            .expect("array");
        assert!(matches!(seen[0], Cow::Borrowed("plain")));
        assert_eq!(seen[1], "a\nb");
        assert!(matches!(seen[1], Cow::Owned(_)));
        assert_eq!(seen[2], "A");
    }

    /// Values read by the scanner equal serde_json's, number representation included.
    #[test]
    fn values_are_what_serde_json_makes_of_them() {
        for text in [
            "0",
            "-0",
            "-0.0",
            "7",
            "-7",
            "1.5",
            "0.1",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            r#""a\"b\u00e9""#,
            r#"{"b":1,"a":[true,false,null,{}],"b":2}"#,
            " [ 1 , \"x\" , [ ] ] ",
        ] {
            let mut scan = Scan::new(text);
            let ours = scan.value().expect(text);
            scan.end().expect(text);
            let theirs: Value = serde_json::from_str(text).expect(text);
            assert_eq!(ours, theirs, "{text}");
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
    }

    #[test]
    fn raw_spells_the_value_without_surrounding_whitespace() {
        let mut scan = Scan::new(r#"{"a": {"b": [1, 2]} , "c":0}"#);
        let mut raw = None;
        scan.object(|scan, key| {
            if key == "a" {
                raw = Some(scan.raw()?);
                Some(())
            } else {
                scan.skip()
            }
        })
        .expect("object");
        assert_eq!(raw, Some(r#"{"b": [1, 2]}"#));
    }
}

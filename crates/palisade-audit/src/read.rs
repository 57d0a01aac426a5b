//! Reading records back, for `tail`, `query` and `export`.

use crate::record::Record;
use crate::{AuditError, Log};

/// A record as read from a segment, with its place and its stored line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The segment number.
    pub segment: u32,
    /// 1-based line in the segment file.
    pub line: u64,
    /// The line exactly as stored (without its newline): what `export`
    /// writes, so that a SIEM can recheck the hashes.
    pub raw: String,
    /// The parsed record.
    pub record: Record,
}

impl Log {
    /// Every readable record, oldest first, from segment `from_segment` on
    /// (1 for all). Lines that are not records (a crash's torn line) are
    /// skipped; [`crate::verify`] reports them. This reads the segments
    /// whole: a log of a few segments is a few MiB.
    ///
    /// # Errors
    /// [`AuditError::Io`] if a segment cannot be read.
    pub fn read(&self, from_segment: u32) -> Result<Vec<Stored>, AuditError> {
        let mut out = Vec::new();
        for n in self.segments()? {
            if n < from_segment {
                continue;
            }
            let path = self.segment_path(n);
            let bytes = std::fs::read(&path).map_err(AuditError::io(&path))?;
            let mut pieces: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
            pieces.pop(); // Empty, or an incomplete last line.
            for (i, l) in pieces.iter().enumerate() {
                let (Some(record), Ok(raw)) = (Record::parse(l), std::str::from_utf8(l)) else {
                    continue;
                };
                out.push(Stored {
                    segment: n,
                    line: i as u64 + 1,
                    raw: raw.to_string(),
                    record,
                });
            }
        }
        Ok(out)
    }
}

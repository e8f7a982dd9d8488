//! Where a sheet's XML can be cut so that each piece holds whole `<row>` elements: just after
//! a row's end tag (`</row>`, `</row >`), never inside a comment or a CDATA section, where the
//! same bytes would be text.

use memchr::memmem;

/// The offset just past the last row end tag in `xml`, `None` when it holds none.
pub(super) fn last_row_end(xml: &[u8]) -> Option<usize> {
    if memmem::find(xml, b"<!").is_none() {
        // Neither comments nor CDATA: every `</row` is a tag. Search from the back.
        let mut before = xml.len();
        while let Some(at) = memmem::rfind(&xml[..before], b"</row") {
            if let Some(end) = tag_end(xml, at + 5) {
                return Some(end);
            }
            before = at;
        }
        return None;
    }
    let mut last = None;
    let mut at = 0;
    while at < xml.len() {
        let rest = &xml[at..];
        let Some(next) = memchr::memchr(b'<', rest) else {
            break;
        };
        let tag = &rest[next..];
        if tag.starts_with(b"<!--") {
            let Some(close) = memmem::find(&tag[4..], b"-->") else {
                break;
            };
            at += next + 4 + close + 3;
        } else if tag.starts_with(b"<![CDATA[") {
            let Some(close) = memmem::find(&tag[9..], b"]]>") else {
                break;
            };
            at += next + 9 + close + 3;
        } else if tag.starts_with(b"</row") {
            match tag_end(xml, at + next + 5) {
                Some(end) => {
                    last = Some(end);
                    at = end;
                }
                None => at += next + 5,
            }
        } else {
            at += next + 1;
        }
    }
    last
}

/// After `</row` at `from`: the offset past its `>` when only white space comes between.
/// `</rows>` or a tag cut off at the buffer's end is no row end.
fn tag_end(xml: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(&byte) = xml.get(at) {
        match byte {
            b'>' => return Some(at + 1),
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_after_the_last_whole_row() {
        let xml = b"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>2</v>";
        let cut = last_row_end(xml).unwrap();
        assert_eq!(&xml[..cut], b"<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
        assert_eq!(
            last_row_end(b"<row r=\"1\"><c><v>1</v></c></row \n>x"),
            Some(34)
        );
        assert_eq!(
            last_row_end(b"<row><c/></row"),
            None,
            "cut off before its `>`"
        );
        assert_eq!(last_row_end(b"<rows></rows>"), None);
    }

    #[test]
    fn a_row_end_inside_a_comment_or_cdata_is_text() {
        let xml = b"<row><c t=\"str\"><v><![CDATA[</row>]]></v></c></row><!-- </row> --><row>";
        let cut = last_row_end(xml).unwrap();
        assert_eq!(&xml[cut - 6..cut], b"</row>");
        assert_eq!(cut, 51);
        assert_eq!(last_row_end(b"<row><!-- </row> "), None, "an open comment");
        assert_eq!(
            last_row_end(b"<row><c><v><![CDATA[</row>"),
            None,
            "an open CDATA"
        );
    }
}

//! Writing CSV that spreadsheet programs open correctly, Chinese included.

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP's list: a tab or carriage return can hide one after it).
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One field, quoted when it holds a comma, quote or line break. A leading
/// formula character ([`FORMULA_STARTS`]) is prefixed with `'` so a
/// spreadsheet never runs a trainee's text as a formula.
pub fn field(value: &str) -> String {
    let value = if defused_form(value) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Whether `value` starts a formula, or only seems to have been defused:
/// text typed as `'=x` gets its own `'` too, so that [`undefuse`] takes
/// off exactly the one [`field`] added.
fn defused_form(value: &str) -> bool {
    value.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// Undoes [`field`]'s defusing when a file Academy wrote is read back.
pub fn undefuse(value: &str) -> String {
    match value.strip_prefix('\'') {
        Some(rest) if defused_form(rest) => rest.to_owned(),
        _ => value.to_owned(),
    }
}

/// A whole record, CRLF-terminated as RFC 4180 says.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// The UTF-8 byte order mark: without it Excel reads Chinese as mojibake.
pub const BOM: &str = "\u{feff}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed_and_formulas_are_defused() {
        for (input, expected) in [
            ("李晓梅", "李晓梅"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("=SUM(A1)", "'=SUM(A1)"),
            ("@cmd", "'@cmd"),
            ("+86 10 1234", "'+86 10 1234"),
            ("-1", "'-1"),
            ("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"),
            ("\r=1+1", "\"'\r=1+1\""),
            ("'=typed", "''=typed"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(field(input), expected, "{input:?}");
        }
        assert_eq!(record(&["a", "b,c"]), "a,\"b,c\"\r\n");
        for value in ["=1", "'=1", "''=1", "'a", "a", "", "'"] {
            assert_eq!(undefuse(&field(value)), value);
        }
    }
}

/// Splits CSV text into records of fields (RFC 4180: quoted fields may hold
/// commas, doubled quotes and line breaks). A BOM and blank lines are skipped.
/// Returns the 1-based line where an unterminated quote starts on error.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, usize> {
    Ok(parse_lines(text)?.into_iter().map(|(_, r)| r).collect())
}

/// As [`parse`], each record with the 1-based line it starts on (a quoted
/// field with line breaks makes a record span several lines).
pub fn parse_lines(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut quote_line = 0;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                quote_line = line;
            }
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                line += 1;
                record.push(std::mem::take(&mut field));
                if record.iter().any(|f| !f.trim().is_empty()) {
                    records.push((start, std::mem::take(&mut record)));
                } else {
                    record.clear();
                }
                start = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(quote_line);
    }
    record.push(field);
    if record.iter().any(|f| !f.trim().is_empty()) {
        records.push((start, record));
    }
    Ok(records)
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn quoted_fields_commas_quotes_and_line_breaks_survive() {
        let text =
            "\u{feff}name,note\r\n李晓梅,\"a, b\"\r\n\r\n\"Wang \"\"Jr\"\"\",\"two\nlines\"\n";
        assert_eq!(
            parse(text).unwrap(),
            vec![
                vec!["name".to_string(), "note".into()],
                vec!["李晓梅".into(), "a, b".into()],
                vec!["Wang \"Jr\"".into(), "two\nlines".into()],
            ]
        );
    }

    #[test]
    fn each_record_knows_the_line_it_starts_on() {
        let text = "a,b\n\n\"two\nlines\",x\ny,z\n";
        let lines: Vec<usize> = parse_lines(text).unwrap().iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 3, 5]);
    }

    #[test]
    fn an_unterminated_quote_is_reported_with_its_line() {
        assert_eq!(parse("a,b\nc,\"d\ne"), Err(2));
    }

    #[test]
    fn what_is_written_parses_back() {
        let fields = ["=x", "a,b", "say \"hi\"", "多行\n文本"];
        let parsed = parse(&record(&fields)).unwrap();
        assert_eq!(parsed[0][1], "a,b");
        assert_eq!(parsed[0][2], "say \"hi\"");
        assert_eq!(parsed[0][3], "多行\n文本");
    }
}

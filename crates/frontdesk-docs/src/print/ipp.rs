//! A minimal IPP/1.1 client (RFC 8010/8011): enough to ask a CUPS scheduler for its printers and the
//! state of a job. Messages go as HTTP POSTs over the scheduler's local socket or TCP.

use std::io::{Read, Write};
use std::time::Duration;

use crate::{Error, Result};

pub(crate) const OP_GET_JOB_ATTRIBUTES: u16 = 0x0009;
pub(crate) const OP_CUPS_GET_PRINTERS: u16 = 0x4002;
pub(crate) const OP_CUPS_GET_DEFAULT: u16 = 0x4001;

const TAG_OPERATION: u8 = 0x01;
const TAG_END: u8 = 0x03;
const TAG_INTEGER: u8 = 0x21;
const TAG_BOOLEAN: u8 = 0x22;
const TAG_ENUM: u8 = 0x23;
const TAG_URI: u8 = 0x45;
const TAG_CHARSET: u8 = 0x47;
const TAG_LANGUAGE: u8 = 0x48;
const TAG_NAME: u8 = 0x42;
const TAG_KEYWORD: u8 = 0x44;

/// One attribute value from a response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Int(i32),
    Bool(bool),
    Text(String),
}

/// An attribute group from a response (operation, printer or job attributes).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Group {
    pub tag: u8,
    pub attrs: Vec<(String, Vec<Value>)>,
}

impl Group {
    pub fn get(&self, name: &str) -> Option<&[Value]> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    pub fn int(&self, name: &str) -> Option<i32> {
        self.get(name)?.iter().find_map(|v| match v {
            Value::Int(i) => Some(*i),
            _ => None,
        })
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get(name)?.iter().find_map(|v| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        })
    }

    pub fn text(&self, name: &str) -> String {
        self.texts(name).join(", ")
    }

    pub fn texts(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|vs| {
                vs.iter()
                    .filter_map(|v| match v {
                        Value::Text(t) => Some(t.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Response {
    pub status: u16,
    pub groups: Vec<Group>,
}

/// Builds a request with the usual charset/language attributes followed by `attrs`.
pub(crate) struct Request {
    buf: Vec<u8>,
}

impl Request {
    pub fn new(op: u16, request_id: u32) -> Request {
        let mut buf = vec![1, 1];
        buf.extend_from_slice(&op.to_be_bytes());
        buf.extend_from_slice(&request_id.to_be_bytes());
        buf.push(TAG_OPERATION);
        let mut r = Request { buf };
        r.attr(TAG_CHARSET, "attributes-charset", b"utf-8");
        r.attr(TAG_LANGUAGE, "attributes-natural-language", b"en");
        r
    }

    fn attr(&mut self, tag: u8, name: &str, value: &[u8]) {
        self.buf.push(tag);
        self.buf
            .extend_from_slice(&(name.len() as u16).to_be_bytes());
        self.buf.extend_from_slice(name.as_bytes());
        self.buf
            .extend_from_slice(&(value.len().min(u16::MAX as usize) as u16).to_be_bytes());
        self.buf.extend_from_slice(
            value
                .get(..value.len().min(u16::MAX as usize))
                .unwrap_or_default(),
        );
    }

    pub fn uri(mut self, name: &str, v: &str) -> Request {
        self.attr(TAG_URI, name, v.as_bytes());
        self
    }

    pub fn int(mut self, name: &str, v: i32) -> Request {
        self.attr(TAG_INTEGER, name, &v.to_be_bytes());
        self
    }

    pub fn name(mut self, name: &str, v: &str) -> Request {
        self.attr(TAG_NAME, name, v.as_bytes());
        self
    }

    /// A multi-valued keyword attribute (additional values have an empty name).
    pub fn keywords(mut self, name: &str, values: &[&str]) -> Request {
        for (i, v) in values.iter().enumerate() {
            self.attr(TAG_KEYWORD, if i == 0 { name } else { "" }, v.as_bytes());
        }
        self
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(TAG_END);
        self.buf
    }
}

/// Parses an IPP response body. Malformed input is an error, never a panic.
pub(crate) fn parse_response(body: &[u8]) -> Result<Response> {
    let bad = |what: &str| Error::Print(format!("malformed IPP response: {what}"));
    let mut pos = 8usize;
    let header = body.get(..8).ok_or_else(|| bad("short header"))?;
    let status = u16::from_be_bytes([header[2], header[3]]);
    let mut groups: Vec<Group> = Vec::new();
    let mut last_name = String::new();
    loop {
        let tag = *body.get(pos).ok_or_else(|| bad("missing end tag"))?;
        pos += 1;
        if tag == TAG_END {
            break;
        }
        if tag < 0x10 {
            groups.push(Group {
                tag,
                attrs: Vec::new(),
            });
            continue;
        }
        let read_len = |pos: &mut usize| -> Result<usize> {
            let b = body
                .get(*pos..*pos + 2)
                .ok_or_else(|| bad("truncated length"))?;
            *pos += 2;
            Ok(usize::from(u16::from_be_bytes([b[0], b[1]])))
        };
        let nlen = read_len(&mut pos)?;
        let name = body
            .get(pos..pos + nlen)
            .ok_or_else(|| bad("truncated name"))?;
        pos += nlen;
        let vlen = read_len(&mut pos)?;
        let raw = body
            .get(pos..pos + vlen)
            .ok_or_else(|| bad("truncated value"))?;
        pos += vlen;
        let value = match tag {
            TAG_INTEGER | TAG_ENUM if raw.len() == 4 => {
                Value::Int(i32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]))
            }
            TAG_BOOLEAN if raw.len() == 1 => Value::Bool(raw[0] != 0),
            _ => Value::Text(String::from_utf8_lossy(raw).into_owned()),
        };
        let group = match groups.last_mut() {
            Some(g) => g,
            None => return Err(bad("attribute outside a group")),
        };
        if nlen == 0 {
            // An additional value of the previous attribute.
            if let Some((n, vs)) = group.attrs.last_mut()
                && *n == last_name
            {
                vs.push(value);
            }
        } else {
            last_name = String::from_utf8_lossy(name).into_owned();
            group.attrs.push((last_name.clone(), vec![value]));
        }
    }
    Ok(Response { status, groups })
}

/// Where the scheduler listens: a Unix socket path or `host[:port]`.
pub(crate) fn post(server: &str, path: &str, body: &[u8]) -> Result<Response> {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/ipp\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut raw = Vec::new();
    let io =
        |e: std::io::Error| Error::Print(format!("cannot reach the print server at {server}: {e}"));
    let timeout = Some(Duration::from_secs(10));
    if server.starts_with('/') {
        #[cfg(unix)]
        {
            let mut s = std::os::unix::net::UnixStream::connect(server).map_err(io)?;
            s.set_read_timeout(timeout).map_err(io)?;
            s.write_all(head.as_bytes()).map_err(io)?;
            s.write_all(body).map_err(io)?;
            s.read_to_end(&mut raw).map_err(io)?;
        }
        #[cfg(not(unix))]
        {
            return Err(Error::Print(format!(
                "socket paths are not supported here: {server}"
            )));
        }
    } else {
        let addr = if server.contains(':') {
            server.to_string()
        } else {
            format!("{server}:631")
        };
        let mut s = std::net::TcpStream::connect(&addr).map_err(io)?;
        s.set_read_timeout(timeout).map_err(io)?;
        s.write_all(head.as_bytes()).map_err(io)?;
        s.write_all(body).map_err(io)?;
        s.read_to_end(&mut raw).map_err(io)?;
    }
    let body = http_body(&raw)?;
    parse_response(&body)
}

/// Extracts the body of an HTTP/1.1 response (plain or chunked).
pub(crate) fn http_body(raw: &[u8]) -> Result<Vec<u8>> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| Error::Print("print server sent no HTTP header".into()))?;
    let head = String::from_utf8_lossy(raw.get(..split).unwrap_or_default()).to_ascii_lowercase();
    let status_ok = head
        .lines()
        .next()
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("200"));
    if !status_ok {
        return Err(Error::Print(format!(
            "print server answered {}",
            head.lines().next().unwrap_or("")
        )));
    }
    let body = raw.get(split + 4..).unwrap_or_default();
    if !head.contains("transfer-encoding: chunked") {
        return Ok(body.to_vec());
    }
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let line_end = body
            .get(pos..)
            .and_then(|b| b.windows(2).position(|w| w == b"\r\n"))
            .ok_or_else(|| Error::Print("bad chunked encoding".into()))?;
        let size_text =
            String::from_utf8_lossy(body.get(pos..pos + line_end).unwrap_or_default()).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| Error::Print("bad chunk size".into()))?;
        pos += line_end + 2;
        if size == 0 {
            break;
        }
        out.extend_from_slice(
            body.get(pos..pos + size)
                .ok_or_else(|| Error::Print("truncated chunk".into()))?,
        );
        pos += size + 2;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trips_through_the_parser() {
        let mut body = Request::new(OP_GET_JOB_ATTRIBUTES, 7)
            .uri("printer-uri", "ipp://localhost/printers/x")
            .int("job-id", 42)
            .keywords("requested-attributes", &["job-state", "job-state-reasons"])
            .finish();
        // Pretend to be a response: status 0 in place of the operation code.
        body[2] = 0;
        body[3] = 0;
        let r = parse_response(&body);
        let Ok(r) = r else {
            panic!("parses: {:?}", r.err())
        };
        assert_eq!(r.status, 0);
        let g = &r.groups[0];
        assert_eq!(g.int("job-id"), Some(42));
        assert_eq!(
            g.texts("requested-attributes"),
            vec!["job-state", "job-state-reasons"],
            "additional values join"
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse_response(b"\x01\x01\x00").is_err());
        assert!(
            parse_response(b"\x01\x01\x00\x00\x00\x00\x00\x01\x01\x21\x00\x09job").is_err(),
            "truncated"
        );
        assert!(http_body(b"HTTP/1.1 403 Forbidden\r\n\r\n").is_err());
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(http_body(raw).ok(), Some(b"abcde".to_vec()));
    }
}

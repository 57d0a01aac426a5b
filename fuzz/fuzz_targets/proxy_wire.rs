//! Fuzzes the domain proxy's parsers of untrusted bytes from the sandbox
//! (`palisade_sandbox::proxy::wire`): HTTP request heads, authorities and
//! SOCKS5 greetings and requests. The first byte picks the parser. Nothing
//! may panic; a parser never claims more bytes than it was given; feeding
//! a prefix of a complete message asks for more (so reading in pieces gives
//! the same result); a forwarded head is a single head with no injected
//! line breaks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_sandbox::proxy::wire::{
    forward_head, parse_authority, parse_request_head, parse_socks_greeting,
    parse_socks_request, MAX_HEAD,
};

fuzz_target!(|data: &[u8]| {
    let Some((&which, data)) = data.split_first() else {
        return;
    };
    match which % 4 {
        0 => {
            if let Ok(Some((head, used))) = parse_request_head(data) {
                assert!(used <= data.len() && used <= MAX_HEAD);
                let out = forward_head(&head);
                let end = out.windows(4).position(|w| w == b"\r\n\r\n");
                assert_eq!(end, Some(out.len() - 4), "one head, ending the output");
                let lines = out.split(|&b| b == b'\n').count();
                assert_eq!(lines, head.headers.len() + 5 - dropped(&head), "no injected lines");
                for cut in [used / 2, used.saturating_sub(1)] {
                    if cut < used {
                        assert!(matches!(parse_request_head(&data[..cut]), Ok(None)));
                    }
                }
            }
        }
        1 => {
            if let Ok(text) = std::str::from_utf8(data) {
                for default in [None, Some(80)] {
                    if let Ok((host, _)) = parse_authority(text, default) {
                        assert!(!host.is_empty() && !host.contains('@'));
                    }
                }
            }
        }
        2 => {
            if let Ok(Some((_, used))) = parse_socks_greeting(data) {
                assert!(used <= data.len());
                for cut in 0..used {
                    assert!(matches!(parse_socks_greeting(&data[..cut]), Ok(None)));
                }
            }
        }
        _ => {
            if let Ok(Some((req, used))) = parse_socks_request(data) {
                assert!(used <= data.len() && !req.host.is_empty());
                for cut in 0..used {
                    assert!(matches!(parse_socks_request(&data[..cut]), Ok(None)));
                }
            }
        }
    }
});

/// How many of the head's fields `forward_head` leaves out.
fn dropped(head: &palisade_sandbox::proxy::wire::RequestHead) -> usize {
    let named: Vec<String> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| {
            String::from_utf8_lossy(v)
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    head.headers
        .iter()
        .filter(|(n, _)| {
            let n = n.to_ascii_lowercase();
            ["host", "connection", "proxy-connection", "keep-alive", "proxy-authorization"]
                .contains(&n.as_str())
                || named.contains(&n)
        })
        .count()
}

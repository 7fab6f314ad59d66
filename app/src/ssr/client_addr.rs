//! Who is on the other end of a request, for per-client throttles. Behind a trusted proxy the
//! client is the address that proxy saw, which it appends as the last `X-Forwarded-For` hop;
//! everything left of it was written by the client and proves nothing.
use std::net::IpAddr;

use axum::http::HeaderMap;

/// The client address: the peer itself, or (when the peer is our trusted proxy) the rightmost
/// `X-Forwarded-For` hop that is not one of the further `trusted` proxies. A malformed hop ends
/// the walk: the one before it (closer to us) is the best we know.
pub fn client_ip(
    peer: IpAddr,
    headers: &HeaderMap,
    trust_proxy: bool,
    trusted: &[IpAddr],
) -> IpAddr {
    if !trust_proxy {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return ip,
            Err(_) => return client,
        }
    }
    client
}

/// Whether the request reached our trusted proxy over https.
pub fn forwarded_https(headers: &HeaderMap, trust_proxy: bool) -> bool {
    trust_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let peer = ip("10.0.0.1");
        let h = headers(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(client_ip(peer, &h, true, &[]), ip("203.0.113.7"));
        // Spread over two header lines, and behind a second proxy we trust.
        let h = headers(&["6.6.6.6", "203.0.113.7, 198.51.100.2"]);
        assert_eq!(
            client_ip(peer, &h, true, &[ip("198.51.100.2")]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn without_a_trusted_proxy_or_a_readable_header_the_peer_is_the_client() {
        let peer = ip("192.0.2.5");
        let h = headers(&["6.6.6.6"]);
        assert_eq!(client_ip(peer, &h, false, &[]), peer);
        assert_eq!(client_ip(peer, &headers(&[]), true, &[]), peer);
        assert_eq!(
            client_ip(peer, &headers(&["1.2.3.4, junk"]), true, &[]),
            peer
        );
    }

    #[test]
    fn https_is_only_believed_from_the_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(forwarded_https(&h, true));
        assert!(!forwarded_https(&h, false));
    }
}
